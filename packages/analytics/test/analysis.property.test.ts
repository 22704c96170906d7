import type { IdentifierKind } from '@credence/core/identifiers/kinds';
import { DEFAULT_POLICY } from '@credence/core/risk/policy';
import type { EntityRole, LinkType, ReportType } from '@credence/core/wire/vocabulary';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../src/analysis.js';
import {
  EvidenceGraphBuilder,
  type EvidenceLink,
  type EvidenceReport,
} from '../src/evidence/evidence-graph.js';

const NOW = Date.UTC(2026, 10, 1);
const DAY = 86_400_000;
// The default policy's weights and half-lives, aged to NOW.
const WEIGHTS = { ...DEFAULT_POLICY, now: NOW };

const KINDS: readonly IdentifierKind[] = ['phone', 'bank_account', 'device_id', 'ip', 'id_number'];
const ROLES: readonly EntityRole[] = ['caller', 'beneficiary_account', 'device', 'victim'];
const TYPES: readonly ReportType[] = ['confirmed_fraud', 'victim_report', 'suspected'];
const LINKS: readonly LinkType[] = ['registered_with', 'login', 'transfer', 'call'];
const MEMBERS = ['bank-a', 'bank-b', 'telecom-a'];

/** A small world: tokens by number (each with a kind), reports and links among them. */
const world = fc.integer({ min: 6, max: 40 }).chain((tokens) => {
  const token = fc.integer({ min: 0, max: tokens - 1 });
  return fc.record({
    kinds: fc.array(fc.constantFrom(...KINDS), { minLength: tokens, maxLength: tokens }),
    reports: fc.array(
      fc.record({
        member: fc.constantFrom(...MEMBERS),
        type: fc.constantFrom(...TYPES),
        days: fc.integer({ min: 0, max: 400 }),
        entities: fc.array(fc.tuple(fc.constantFrom(...ROLES), token), {
          minLength: 1,
          maxLength: 3,
        }),
      }),
      { minLength: 1, maxLength: 25 },
    ),
    links: fc.array(
      fc.record({
        member: fc.constantFrom(...MEMBERS),
        link: fc.constantFrom(...LINKS),
        from: token,
        to: token,
        count: fc.integer({ min: 1, max: 5 }),
      }),
      { maxLength: 80 },
    ),
    order: fc.array(fc.nat(), { minLength: 200, maxLength: 200 }),
  });
});

type World = typeof world extends fc.Arbitrary<infer T> ? T : never;

/** The world's reports and links with each token named by `name`, in the order given. */
function analyse(w: World, name: (t: number) => string, shuffle: boolean) {
  const reports: EvidenceReport[] = w.reports.map((r) => ({
    member: r.member,
    type: r.type,
    category: 'task_rebate',
    occurredAt: NOW - r.days * DAY,
    entities: r.entities.map(([role, t]) => ({
      role,
      kind: w.kinds[t] as IdentifierKind,
      token: name(t),
    })),
  }));
  const links: EvidenceLink[] = w.links
    .filter((l) => l.from !== l.to)
    .map((l) => ({
      member: l.member,
      link: l.link,
      from: { kind: w.kinds[l.from] as IdentifierKind, token: name(l.from) },
      to: { kind: w.kinds[l.to] as IdentifierKind, token: name(l.to) },
      at: NOW - DAY,
      count: l.count,
    }));
  const permute = <T>(items: T[]): T[] => {
    if (!shuffle) return items;
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = (w.order[i % w.order.length] as number) % (i + 1);
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  };
  const builder = new EvidenceGraphBuilder(WEIGHTS);
  // Links first in one run and reports first in the other: the order of arrival of
  // different kinds of evidence is an order too.
  if (shuffle) {
    for (const l of permute(links)) builder.addLink(l);
    for (const r of permute(reports)) builder.addReport(r);
  } else {
    for (const r of reports) builder.addReport(r);
    for (const l of links) builder.addLink(l);
  }
  const graph = builder.build();
  return { graph, analysis: analyzeGraph(graph) };
}

describe('joint analysis does not depend on how its input is ordered or named', () => {
  it('finds the same rings, risks and ranked scores when the evidence is shuffled and every token renamed', () => {
    let withRings = 0;
    fc.assert(
      fc.property(world, (w) => {
        const plain = analyse(w, (t) => `t${t}`, false);
        // Renamed so that the names sort in another order than the numbers (ring ids and
        // the smallest reported token follow names).
        const renamed = analyse(w, (t) => `x${String(999 - t).padStart(3, '0')}`, true);
        const back = (name: string) =>
          name.startsWith('x') ? `t${999 - Number(name.slice(1))}` : name;
        const rings = (
          r: typeof plain,
          toPlain: (name: string) => string,
        ): { tokens: string[]; score: number }[] =>
          r.analysis.rings
            .map((ring) => ({
              tokens: ring.nodes.map((v) => toPlain(r.graph.tokens[v] as string)).sort(),
              score: ring.score,
            }))
            .sort((a, b) => a.tokens.join().localeCompare(b.tokens.join()));
        expect(rings(renamed, back)).toEqual(rings(plain, (n) => n));
        if (plain.analysis.rings.length > 0) withRings++;
        const byToken = (r: typeof plain, toPlain: (name: string) => string) =>
          new Map(
            r.graph.tokens.map((t, v) => [
              toPlain(t),
              { risk: r.analysis.risk[v] as number, rank: r.analysis.ranking.score[v] as number },
            ]),
          );
        const a = byToken(plain, (n) => n);
        const b = byToken(renamed, back);
        expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
        for (const [token, x] of a) {
          const y = b.get(token) as { risk: number; rank: number };
          expect(Math.abs(x.risk - y.risk), token).toBeLessThan(1e-9);
          expect(Math.abs(x.rank - y.rank), token).toBeLessThan(1e-9);
        }
      }),
      { numRuns: 150, seed: 20261204 },
    );
    // The property is about something: many of the worlds have rings.
    expect(withRings).toBeGreaterThan(30);
  });
});
