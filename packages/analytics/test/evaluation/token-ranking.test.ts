import { describe, expect, it } from 'vitest';
import type { GraphAnalysis } from '../../src/analysis.js';
import {
  answerScore,
  memberRanking,
  modelFlag,
  modelScore,
  modelScoreSource,
  tokenRanking,
} from '../../src/evaluation/token-ranking.js';

const analysisOf = (fields: Record<string, unknown>) => fields as unknown as GraphAnalysis;

describe('the model’s score, read in one place', () => {
  it('is the ranking’s probability when analysis has one, else the propagated risk', () => {
    const today = analysisOf({ risk: Float64Array.of(0.2, 0.6), ringOf: Int32Array.of(-1, 0) });
    expect(modelScore(today, 1)).toBe(0.6);
    expect(modelScoreSource(today)).toBe('risk');
    const ranked = analysisOf({
      risk: Float64Array.of(0.2, 0.6),
      ringOf: Int32Array.of(-1, 0),
      ranking: { score: Float64Array.of(0.01, 0.4), percentile: Float64Array.of(0, 1) },
    });
    expect(modelScore(ranked, 1)).toBe(0.4);
    expect(modelScoreSource(ranked)).toBe('ranking');
    expect(answerScore({ score: 0.3 })).toBe(0.3);
    expect(answerScore({ score: 0.3, rank: { score: 0.05 } })).toBe(0.05);
  });

  it('flags, as the check does, a token in a ring', () => {
    const a = analysisOf({ risk: Float64Array.of(0.5, 0.5, 0.3), ringOf: Int32Array.of(-1, 3, 3) });
    expect([0, 1, 2].map((v) => modelFlag(a, v, 0.3))).toEqual([false, true, true]);
  });
});

describe('token ranking', () => {
  it('scores the model, its flag and the baselines on the same items', () => {
    const labels = Uint8Array.of(1, 0, 1, 0);
    const r = tokenRanking(
      labels,
      Float64Array.of(0.9, 0.8, 0.7, 0.05),
      Uint8Array.of(1, 1, 0, 0),
      {
        pageRank050: Float64Array.of(4, 3, 2, 1),
        pageRank085: Float64Array.of(1, 1, 1, 1),
        reportedNeighbours: Float64Array.of(0, 1, 2, 3),
      },
    );
    expect(r).toMatchObject({ items: 4, positives: 2 });
    expect(r.auprc).toBeCloseTo(5 / 6, 12);
    expect(r.precisionAtK).toBe(0.5);
    expect(r.flag).toEqual({
      precision: 0.5,
      recall: 0.5,
      truePositives: 1,
      falsePositives: 1,
      falseNegatives: 1,
    });
    // Bins: 0.05 (−) → 0.05; 0.7 (+) → 0.3; 0.8 (−) → 0.8; 0.9 (+) → 0.1; each a quarter.
    expect(r.ece).toBeCloseTo((0.05 + 0.3 + 0.8 + 0.1) / 4, 12);
    expect(r.baselines.pageRank050.auprc).toBeCloseTo(5 / 6, 12);
    expect(r.baselines.pageRank085.auprc).toBeCloseTo(0.5, 12);
    // 3 (−), 2 (+): P 1/2 at R 1/2; 1 (−); 0 (+): P 1/2 at R 1.
    expect(r.baselines.reportedNeighbours.auprc).toBeCloseTo(0.5, 12);
  });

  it('ranks a member’s own identifiers both ways', () => {
    const consortium: Record<string, number> = { a: 0.9, b: 0.1, c: 0.8 };
    const alone: Record<string, number> = { a: 0.1, b: 0.9, c: 0.2 };
    const m = memberRanking(
      ['a', 'b', 'c'],
      (t) => t !== 'b',
      (t) => consortium[t] ?? 0,
      (t) => alone[t] ?? 0,
    );
    expect(m).toMatchObject({ unreported: 3, positives: 2, consortium: 1 });
    // b (−) first, then c (+): P 1/2 at R 1/2, then a (+): P 2/3 at R 1.
    expect(m.alone).toBeCloseTo(0.25 + 1 / 3, 12);
  });
});
