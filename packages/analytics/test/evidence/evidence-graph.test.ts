import type { IdentifierKind } from '@credence/core/identifiers/kinds';
import type { LinkType } from '@credence/core/wire/vocabulary';
import { describe, expect, it } from 'vitest';
import {
  EDGE_TYPES,
  EvidenceGraphBuilder,
  type EvidenceLink,
  type EvidenceReport,
  formerName,
  parseFormerName,
} from '../../src/evidence/evidence-graph.js';
import { findRings } from '../../src/rings/rings.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 1);
const WEIGHTS = {
  weights: { police_confirmed: 0.95, confirmed_fraud: 0.8, victim_report: 0.5, suspected: 0.25 },
  halfLifeDays: {
    phone: 90,
    bank_card: 365,
    bank_account: 365,
    id_number: 730,
    imei: 365,
    device_id: 180,
    ip: 14,
    url: 30,
    domain: 90,
    email: 180,
    app: 180,
    wallet: 365,
    im_account: 180,
  },
  now: NOW,
} as const;

/** The day the ring's number was given to a new holder. */
const RECYCLED = NOW - 20 * DAY;

const link = (
  member: string,
  type: LinkType,
  from: [IdentifierKind, string],
  to: [IdentifierKind, string],
  at: number,
): EvidenceLink => ({
  member,
  link: type,
  from: { kind: from[0], token: from[1] },
  to: { kind: to[0], token: to[1] },
  at,
  count: 1,
});

/**
 * A call centre: numbers p1..p3 in one handset, reported by two members before the
 * recycling; p1 was registered with the ring's identity. Then p1 is given to an honest
 * person, whose bank card is registered with it a week later.
 */
function world(): { reports: EvidenceReport[]; links: EvidenceLink[]; reassigned: EvidenceLink } {
  const reports: EvidenceReport[] = ['telecom-a', 'bank-a'].flatMap((member, m) =>
    ['p1', 'p2', 'p3'].map((p, i) => ({
      member,
      type: 'victim_report' as const,
      category: 'impersonate_authority' as const,
      occurredAt: RECYCLED - (30 + 10 * m + i) * DAY,
      entities: [
        { role: 'caller' as const, kind: 'phone' as const, token: p },
        { role: 'victim' as const, kind: 'phone' as const, token: `victim-${m}-${i}` },
      ],
    })),
  );
  const links = [
    ...['p1', 'p2', 'p3'].map((p) =>
      link('telecom-a', 'login', ['phone', p], ['imei', 'handset'], RECYCLED - 60 * DAY),
    ),
    link(
      'telecom-a',
      'registered_with',
      ['phone', 'p1'],
      ['id_number', 'ring-id'],
      RECYCLED - 90 * DAY,
    ),
    link(
      'bank-b',
      'registered_with',
      ['bank_card', 'new-card'],
      ['phone', 'p1'],
      RECYCLED + 7 * DAY,
    ),
  ];
  const reassigned = link(
    'telecom-a',
    'reassigned',
    ['phone', 'p1'],
    ['id_number', 'new-id'],
    RECYCLED,
  );
  return { reports, links, reassigned };
}

function analyse(reassignments: readonly EvidenceLink[]) {
  const { reports, links } = world();
  const builder = new EvidenceGraphBuilder(WEIGHTS);
  builder.reassignAll(reassignments);
  for (const r of reports) builder.addReport(r);
  for (const l of [...links, ...reassignments]) builder.addLink(l);
  const graph = builder.build();
  const analysis = findRings(graph, { memberRisk: 0.3, minScore: 0.3 });
  const at = (name: string) => {
    const v = graph.tokens.indexOf(name);
    if (v < 0) throw new Error(`no node ${name}`);
    return v;
  };
  const ringTokens = (name: string) => {
    const r = analysis.ringOf[at(name)] as number;
    return r < 0 ? [] : (analysis.rings[r]?.nodes ?? []).map((v) => graph.tokens[v]).sort();
  };
  return { graph, analysis, at, ringTokens, risk: (name: string) => analysis.risk[at(name)] };
}

describe('epochs of a reassigned token', () => {
  it('keep a recycled number’s new holder out of its former holder’s ring', () => {
    // Before the reassignment is known, the new holder's card is the ring's, through p1.
    const before = analyse([]);
    expect(before.risk('new-card')).toBeGreaterThanOrEqual(0.3);
    expect(before.ringTokens('p1')).toContain('new-card');
    expect(before.graph.former.every((f) => f === 0)).toBe(true);

    const { reassigned } = world();
    const after = analyse([reassigned]);
    const old = formerName('p1', RECYCLED);
    // The former holder's epoch stays in the ring, with the ring's identity and handset.
    expect(after.ringTokens(old)).toEqual([old, 'handset', 'p2', 'p3', 'ring-id'].sort());
    expect(after.graph.former[after.at(old)]).toBe(1);
    // The number today, its new holder and the card registered with it are in no ring.
    expect(after.graph.former[after.at('p1')]).toBe(0);
    for (const t of ['p1', 'new-id', 'new-card']) {
      expect(after.ringTokens(t)).toEqual([]);
      expect(after.risk(t)).toBeLessThan(0.3);
    }
    expect(after.risk('new-card')).toBe(0);
  });

  it('attach reports and links before the reassignment to the former epoch, the reassignment to the new one', () => {
    const { reassigned } = world();
    const { graph, at } = analyse([reassigned]);
    const old = at(formerName('p1', RECYCLED));
    const now = at('p1');
    expect(graph.evidence.get(old)?.reports).toBe(2);
    expect(graph.evidence.has(now)).toBe(false);
    const edges = (v: number) =>
      Array.from({ length: graph.edges.length }, (_, e) => e)
        .filter((e) => graph.edges.from[e] === v || graph.edges.to[e] === v)
        .map((e) => {
          const other = graph.edges.from[e] === v ? graph.edges.to[e] : graph.edges.from[e];
          return `${EDGE_TYPES[graph.edges.type[e] as number]} ${graph.tokens[other as number]}`;
        })
        .sort();
    expect(edges(old)).toEqual(['login handset', 'registered_with ring-id']);
    expect(edges(now)).toEqual(['reassigned new-id', 'registered_with new-card']);
  });

  it('split a token reassigned twice into three epochs, named so that none is a token', () => {
    const b = new EvidenceGraphBuilder(WEIGHTS);
    b.reassign('phone', 'p', NOW - 10 * DAY);
    b.reassign('phone', 'p', NOW - 30 * DAY);
    b.reassign('phone', 'p', NOW - 10 * DAY);
    const report = (occurredAt: number) =>
      b.addReport({
        member: 'telecom-a',
        type: 'suspected',
        category: 'impersonate_authority',
        occurredAt,
        entities: [{ role: 'caller', kind: 'phone', token: 'p' }],
      });
    report(NOW - 40 * DAY);
    report(NOW - 30 * DAY);
    report(NOW - 20 * DAY);
    report(NOW - DAY);
    const g = b.build();
    expect(g.tokens).toEqual([`p@${NOW - 30 * DAY}`, `p@${NOW - 10 * DAY}`, 'p']);
    expect([...g.former]).toEqual([1, 1, 0]);
    expect([0, 1, 2].map((v) => g.evidence.get(v)?.reports)).toEqual([1, 2, 1]);
    expect(parseFormerName(g.tokens[1] as string)).toEqual({ token: 'p', until: NOW - 10 * DAY });
    expect(parseFormerName('p')).toBeUndefined();
  });

  it('must be declared before the token is named', () => {
    const b = new EvidenceGraphBuilder(WEIGHTS);
    b.addLink(link('telecom-a', 'login', ['phone', 'p'], ['imei', 'h'], NOW - DAY));
    expect(() => b.reassign('phone', 'p', NOW - 2 * DAY)).toThrow(/before any report or link/);
    b.reassign('phone', 'q', NOW - 2 * DAY);
    b.addLink(link('telecom-a', 'login', ['phone', 'q'], ['imei', 'h'], NOW - DAY));
    expect(() => b.reassign('phone', 'q', NOW - 3 * DAY)).toThrow(/before any report or link/);
  });
});
