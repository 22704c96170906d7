import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveOptions } from '@credence/sim/options';
import { simulate } from '@credence/sim/simulate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvalReport } from '../src/commands/eval.js';
import { evaluateWorldInProcess, rawMemberData } from '../src/commands/eval-in-process.js';
import { type MemberData, namedRings } from '../src/commands/eval-judge.js';

const dir = mkdtempSync(join(tmpdir(), 'credence-eval-in-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a member’s raw files, in-process', () => {
  it('are normalized as the member side does, tokens being kind:value', async () => {
    const member = join(dir, 'raw');
    mkdirSync(member);
    const line = (x: unknown) => `${JSON.stringify(x)}\n`;
    writeFileSync(
      join(member, 'reports.jsonl'),
      line({
        ref: 'r1',
        type: 'victim_report',
        category: 'other',
        occurredAt: '2026-05-02T00:00:00Z',
        entities: [
          { role: 'caller', kind: 'phone', value: '138 0013 8000' },
          { role: 'url', kind: 'url', value: 'https://Example.com/pay' },
          { role: 'beneficiary_account', kind: 'bank_card', value: 'not a card' },
        ],
      }) +
        line({
          ref: 'r2',
          type: 'suspected',
          category: 'other',
          occurredAt: '2026-05-02T00:00:00Z',
          entities: [{ role: 'caller', kind: 'phone', value: 'nonsense' }],
        }),
    );
    writeFileSync(
      join(member, 'links.jsonl'),
      line({
        link: 'call',
        from: { kind: 'phone', value: '+86 138-0013-8000' },
        to: { kind: 'phone', value: '13900139000' },
        at: '2026-05-01T00:00:00Z',
        count: 2,
      }) +
        line({
          link: 'call',
          from: { kind: 'phone', value: '13900139000' },
          to: { kind: 'phone', value: 'nonsense' },
          at: '2026-05-01T00:00:00Z',
          count: 1,
        }),
    );
    const data = await rawMemberData(member, 'bank-a', Date.parse('2026-06-01T00:00:00Z'));
    // The invalid card is left out; a report with no valid identifier is left out whole.
    expect(data.reports).toHaveLength(1);
    expect(data.reports[0]?.entities.map((e) => e.token)).toEqual([
      'phone:+8613800138000',
      'url:https://example.com/pay',
      'domain:example.com',
    ]);
    // A link needs both ends.
    expect(data.links).toHaveLength(1);
    expect(data.links[0]).toMatchObject({
      from: { token: 'phone:+8613800138000' },
      to: { token: 'phone:+8613900139000' },
      count: 2,
    });
  });
});

describe('credence eval --in-process on a small world', () => {
  let report: EvalReport;
  beforeAll(async () => {
    const world = join(dir, 'world');
    simulate(resolveOptions({ seed: 5, scale: 0.3, days: 90 }), world);
    report = await evaluateWorldInProcess({ world });
  }, 120_000);

  it('finds the true rings’ identifiers in the members’ files, normalized alike', () => {
    const t = report.tokens;
    expect(report.path).toBe('in-process');
    expect(t.ringIdentifiers).toBeGreaterThan(0);
    expect(t.truePositives + t.falseNegatives).toBe(t.ringIdentifiers);
    expect(report.rings.truth).toBeGreaterThan(0);
    // Truth and files tokenized differently would match no ring.
    expect(report.rings.f1).toBeGreaterThan(0.5);
  });

  it('reports every figure of the protocol, the baselines on the same items', () => {
    const t = report.tokens;
    expect(t.scoreSource).toBe('ranking');
    for (const x of [t.auprc, t.precisionAtK, t.ece, t.recall]) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(1);
    }
    expect(t.reliability).toHaveLength(10);
    expect(t.reliability.reduce((a, b) => a + b.count, 0)).toBe(t.unreported);
    expect(Object.keys(t.baselines).sort()).toEqual([
      'pageRank050',
      'pageRank085',
      'reportedNeighbours',
    ]);
    const members = Object.values(report.members);
    expect(members).toHaveLength(report.world.members);
    // Each member's own unreported identifiers are some of everyone's.
    for (const m of members) expect(m.unreported).toBeLessThanOrEqual(t.unreported);
    expect(members.reduce((a, m) => a + m.unreported, 0)).toBeGreaterThanOrEqual(t.unreported);
    // The rings two reports name are some of the true rings, and matched no more often.
    expect(report.namedRings.truth).toBeGreaterThan(0);
    expect(report.namedRings.truth).toBeLessThanOrEqual(report.rings.truth);
    expect(report.namedRings.matched).toBeLessThanOrEqual(report.namedRings.truth);
    expect(report.namedRings.matched).toBeLessThanOrEqual(report.rings.matchedTrue);
  });
});

describe('the true rings two reports name', () => {
  const report = (
    type: 'confirmed_fraud' | 'victim_report',
    entities: [role: string, token: string][],
  ) => ({
    member: 'm',
    type,
    category: 'other',
    occurredAt: 0,
    entities: entities.map(([role, token]) => ({ role, kind: 'phone', token })),
  });
  const data = (reports: ReturnType<typeof report>[]) =>
    ({ reports, links: [], scripts: [] }) as unknown as MemberData;
  const rings = [['a1', 'a2'], ['b1', 'b2'], ['c1']];

  it('counts distinct reports in a fraudster’s role, over every member', () => {
    const named = namedRings(rings, [
      // Ring a: one report naming two of its tokens, and one more from another member.
      data([
        report('confirmed_fraud', [
          ['beneficiary_account', 'a1'],
          ['beneficiary_account', 'a2'],
        ]),
      ]),
      data([
        report('confirmed_fraud', [['beneficiary_account', 'a2']]),
        // Ring b: once as a fraudster, once only on the victim's side.
        report('victim_report', [
          ['caller', 'b1'],
          ['payer_account', 'b2'],
        ]),
        report('victim_report', [['victim', 'b1']]),
      ]),
    ]);
    expect(named).toEqual([['a1', 'a2']]);
  });
});
