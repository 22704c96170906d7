import { describe, expect, it } from 'vitest';
import {
  adjustedRandIndex,
  binaryScore,
  matchRings,
  purity,
} from '../../src/evaluation/metrics.js';

describe('ring matching', () => {
  it('matches at Jaccard 0.5 and counts each side', () => {
    const truth = [
      ['a', 'b', 'c', 'd'],
      ['e', 'f'],
      ['g', 'h', 'i'],
    ];
    const found = [
      ['a', 'b', 'c', 'x'], // 3 / 5 = 0.6: matches ring 0
      ['e'], // 1 / 2 = 0.5: matches ring 1
      ['g', 'x', 'y', 'z'], // 1 / 6: no match
    ];
    const m = matchRings(found, truth);
    expect(m).toMatchObject({ matchedFound: 2, matchedTrue: 2, found: 3, truth: 3 });
    expect(m.precision).toBeCloseTo(2 / 3, 12);
    expect(m.recall).toBeCloseTo(2 / 3, 12);
    expect(m.f1).toBeCloseTo(2 / 3, 12);
    // The miss: mostly outside any true ring; ring 2 touched by it, not matched.
    expect(m.misses).toEqual({ fragments: 0, mixtures: 0, outside: 1, untouched: 0, touched: 1 });
    expect(matchRings([], truth)).toMatchObject({ precision: 0, recall: 0, f1: 0 });
    expect(matchRings([], truth).misses).toMatchObject({ untouched: 3, touched: 0 });
  });

  it('says what an unmatched ring is: a fragment of one ring, a mixture of several, or outside', () => {
    const truth = [
      ['a', 'b', 'c', 'd', 'e', 'f'],
      ['g', 'h', 'i', 'j'],
      ['k', 'l'],
    ];
    const found = [
      ['a', 'b'], // 2 / 6 of ring 0, all its tokens ring 0's: a fragment
      ['c', 'd', 'g', 'h', 'l'], // 2 + 2 + 1 of three rings: a mixture
      ['k', 'x', 'y'], // 1 / 3 in a ring: outside
    ];
    expect(matchRings(found, truth).misses).toEqual({
      fragments: 1,
      mixtures: 1,
      outside: 1,
      untouched: 0,
      touched: 3,
    });
  });
});

describe('binary scores', () => {
  it('counts true and false positives and negatives over the universe', () => {
    const s = binaryScore(
      ['a', 'b', 'c', 'd', 'e'],
      (x) => x === 'a' || x === 'b' || x === 'c',
      (x) => x === 'b' || x === 'c' || x === 'd',
    );
    expect(s).toMatchObject({ truePositives: 2, falsePositives: 1, falseNegatives: 1 });
    expect(s.precision).toBeCloseTo(2 / 3, 12);
    expect(s.recall).toBeCloseTo(2 / 3, 12);
  });
});

describe('clustering agreement', () => {
  it('purity takes each cluster’s majority label', () => {
    expect(purity(['x', 'x', 'x', 'y', 'y'], ['a', 'a', 'b', 'b', 'b'])).toBeCloseTo(4 / 5, 12);
  });

  it('adjusted Rand index: 1 for the same partition under other names, known value otherwise', () => {
    expect(adjustedRandIndex(['p', 'p', 'q', 'q'], ['a', 'a', 'b', 'b'])).toBe(1);
    // Contingency: cluster 1 {a, b}, cluster 2 {a, b, b, c}, cluster 3 {c, c, c, c}.
    const found = ['1', '1', '2', '2', '2', '2', '3', '3', '3', '3'];
    const truth = ['a', 'b', 'a', 'b', 'b', 'c', 'c', 'c', 'c', 'c'];
    // Pairs together in both: C(2,2) + C(4,2) = 7; rows C(2,2)+C(4,2)+C(4,2) = 13;
    // columns C(2,2)+C(3,2)+C(5,2) = 14; all pairs 45. ARI = (7 − 13·14/45) / (13.5 − 13·14/45).
    const expected = (13 * 14) / 45;
    expect(adjustedRandIndex(found, truth)).toBeCloseTo((7 - expected) / (13.5 - expected), 12);
  });
});
