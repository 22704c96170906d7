import { DEFAULT_POLICY } from '@credence/core/risk/policy';
import type { ReportType } from '@credence/core/wire/vocabulary';
import { describe, expect, it } from 'vitest';
import {
  baselineScores,
  pageRankBaseline,
  reportedNeighbours,
} from '../../src/evaluation/baselines.js';
import { EvidenceGraphBuilder } from '../../src/evidence/evidence-graph.js';

const NOW = Date.parse('2026-06-01T00:00:00Z');

/** A graph of phone numbers: `reported` by one member each, `links` as transfers. */
function graphOf(
  reported: readonly [string, ReportType][],
  links: readonly [string, string][],
  member = 'bank-a',
) {
  const b = new EvidenceGraphBuilder({ ...DEFAULT_POLICY, now: NOW });
  for (const [token, type] of reported)
    b.addReport({
      member,
      type,
      category: 'other',
      occurredAt: NOW,
      entities: [{ role: 'caller', kind: 'phone', token }],
    });
  for (const [from, to] of links)
    b.addLink({
      member,
      link: 'call',
      from: { kind: 'phone', token: from },
      to: { kind: 'phone', token: to },
      at: NOW,
      count: 3,
    });
  const graph = b.build();
  const at = (scores: Float64Array, token: string) => scores[graph.tokens.indexOf(token)] as number;
  return { graph, at };
}

describe('baselines', () => {
  it('personalized PageRank on a path from its reported end (damping 0.5, by hand)', () => {
    // a–b–c with restart on a: r_a = ½ + ½·r_b/2, r_b = ½(r_a + r_c), r_c = ½·r_b/2,
    // so r = (7/12, 4/12, 1/12); d–e, unreached, 0.
    const { graph, at } = graphOf(
      [['a', 'suspected']],
      [
        ['a', 'b'],
        ['b', 'c'],
        ['d', 'e'],
      ],
    );
    const rank = pageRankBaseline(graph, 0.5);
    expect(at(rank, 'a')).toBeCloseTo(7 / 12, 9);
    expect(at(rank, 'b')).toBeCloseTo(4 / 12, 9);
    expect(at(rank, 'c')).toBeCloseTo(1 / 12, 9);
    expect(at(rank, 'd')).toBe(0);
    expect(() => pageRankBaseline(graph, 1)).toThrow(RangeError);
  });

  it('reads each linked pair once, whatever the links’ number, count or direction', () => {
    const once = graphOf(
      [['a', 'suspected']],
      [
        ['a', 'b'],
        ['b', 'c'],
      ],
    );
    const thrice = graphOf(
      [['a', 'suspected']],
      [
        ['a', 'b'],
        ['b', 'a'],
        ['a', 'b'],
        ['b', 'c'],
      ],
    );
    for (const d of [0.5, 0.85]) {
      const x = pageRankBaseline(once.graph, d);
      const y = pageRankBaseline(thrice.graph, d);
      for (const t of ['a', 'b', 'c']) expect(thrice.at(y, t)).toBeCloseTo(once.at(x, t), 9);
    }
  });

  it('restarts in proportion to the reported evidence', () => {
    // Isolated reported tokens keep their restart share: each weight over their sum.
    const { confirmed_fraud: cf, suspected: su } = DEFAULT_POLICY.weights;
    const { graph, at } = graphOf(
      [
        ['x', 'confirmed_fraud'],
        ['y', 'suspected'],
      ],
      [],
    );
    const rank = pageRankBaseline(graph, 0.85);
    expect(at(rank, 'x')).toBeCloseTo(cf / (cf + su), 9);
    expect(at(rank, 'y')).toBeCloseTo(su / (cf + su), 9);
  });

  it('counts distinct reported neighbours', () => {
    const { graph, at } = graphOf(
      [
        ['a', 'suspected'],
        ['c', 'confirmed_fraud'],
      ],
      [
        ['a', 'b'],
        ['a', 'b'],
        ['c', 'b'],
        ['b', 'd'],
        ['d', 'e'],
      ],
    );
    const n = reportedNeighbours(graph);
    expect([at(n, 'a'), at(n, 'b'), at(n, 'c'), at(n, 'd'), at(n, 'e')]).toEqual([0, 2, 0, 0, 0]);
    const all = baselineScores(graph);
    expect(all.reportedNeighbours).toEqual(n);
    // Further from the reports ranks lower.
    expect(at(all.pageRank085, 'b')).toBeGreaterThan(at(all.pageRank085, 'd'));
    expect(at(all.pageRank085, 'd')).toBeGreaterThan(at(all.pageRank085, 'e'));
  });
});
