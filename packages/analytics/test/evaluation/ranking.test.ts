import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyIsotonic,
  averagePrecision,
  calibration,
  fitIsotonic,
  precisionAtK,
  recallAt,
} from '../../src/evaluation/ranking.js';

describe('average precision', () => {
  it('sums precision at each threshold by the recall it adds', () => {
    // 0.9 (+): R 1/2, P 1; 0.8 (−); 0.7 (+): R 1, P 2/3. AP = 1/2 + 1/2 · 2/3.
    expect(averagePrecision([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 0])).toBeCloseTo(5 / 6, 12);
  });

  it('takes tied scores as one threshold, in whatever order they come', () => {
    // 0.9 (−): R 0; the tie at 0.5 (+, −): R 1/2, P 1/3; 0.1 (+): R 1, P 1/2.
    const expected = 1 / 6 + 1 / 4;
    expect(averagePrecision([0.9, 0.5, 0.5, 0.1], [0, 1, 0, 1])).toBeCloseTo(expected, 12);
    expect(averagePrecision([0.9, 0.5, 0.5, 0.1], [0, 0, 1, 1])).toBeCloseTo(expected, 12);
  });

  it('gives the base rate for a constant score, and NaN without positives', () => {
    expect(averagePrecision([3, 3, 3, 3, 3], [true, false, false, true, false])).toBeCloseTo(
      2 / 5,
      12,
    );
    expect(averagePrecision([1, 2], [0, 0])).toBeNaN();
    expect(() => averagePrecision([1, Number.NaN], [1, 0])).toThrow(RangeError);
    expect(() => averagePrecision([1], [1, 0])).toThrow(RangeError);
  });

  it('is 1 for a perfect ranking', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.double({ min: 0, max: 1, noNaN: true })), {
          minLength: 1,
          maxLength: 60,
        }),
        (items) => {
          fc.pre(items.some(([label]) => label));
          // Every positive above every negative.
          const scores = items.map(([label, x]) => (label ? 2 + x : x));
          expect(
            averagePrecision(
              scores,
              items.map(([label]) => label),
            ),
          ).toBeCloseTo(1, 12);
        },
      ),
    );
  });

  it('does not change under a strictly increasing transform, nor when items are listed otherwise', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -20, max: 20 }), fc.boolean()), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.integer(),
        (items, seed) => {
          fc.pre(items.some(([, label]) => label));
          const scores = items.map(([s]) => s);
          const labels = items.map(([, l]) => l);
          const ap = averagePrecision(scores, labels);
          // Integers: x³ + 5x is exact and strictly increasing.
          expect(
            averagePrecision(
              scores.map((x) => x * x * x + 5 * x),
              labels,
            ),
          ).toBeCloseTo(ap, 12);
          const order = items
            .map((_, i) => i)
            .sort((a, b) => ((a * 7919 + seed) % 101) - ((b * 7919 + seed) % 101));
          expect(
            averagePrecision(
              order.map((i) => scores[i] as number),
              order.map((i) => labels[i] as boolean),
            ),
          ).toBeCloseTo(ap, 12);
        },
      ),
    );
  });
});

describe('precision at k', () => {
  it('defaults k to the positives and splits a tie at the k-th place in proportion', () => {
    // k = 2: 0.9 (+), then one of the two places of the tie at 0.5 (one +): 1 + 1/2.
    expect(precisionAtK([0.9, 0.5, 0.5, 0.1], [1, 1, 0, 0])).toBeCloseTo(0.75, 12);
    expect(precisionAtK([0.9, 0.8, 0.5, 0.1], [1, 1, 0, 0])).toBe(1);
    expect(precisionAtK([0.9, 0.8, 0.5, 0.1], [1, 0, 1, 0], 3)).toBeCloseTo(2 / 3, 12);
    expect(precisionAtK([7, 7, 7, 7], [1, 0, 0, 0])).toBeCloseTo(1 / 4, 12);
    expect(precisionAtK([1, 2], [0, 0])).toBeNaN();
  });
});

describe('recall at a threshold', () => {
  it('counts the positives at or above it', () => {
    expect(recallAt([0.9, 0.3, 0.29, 0.1], [1, 1, 1, 0], 0.3)).toBeCloseTo(2 / 3, 12);
    expect(recallAt([0.9], [0], 0.3)).toBeNaN();
  });
});

describe('calibration', () => {
  it('weights each bin’s gap between mean score and share of positives by its count', () => {
    // Bin 0: 0.05 vs 0 (1 item); bin 1: 0.15 vs 1/2 (2 items); bin 9: 0.95 vs 1 (1 item).
    const c = calibration([0.05, 0.15, 0.15, 0.95], [0, 1, 0, 1]);
    expect(c.ece).toBeCloseTo(0.05 / 4 + (0.35 * 2) / 4 + 0.05 / 4, 12);
    expect(c.bins).toHaveLength(10);
    expect(c.bins[1]).toMatchObject({ lower: 0.1, count: 2, positiveRate: 0.5 });
    expect(c.bins[1]?.meanScore).toBeCloseTo(0.15, 12);
    expect(c.bins[5]?.count).toBe(0);
    expect(c.bins[5]?.meanScore).toBeNaN();
  });

  it('puts a score of 1 in the last bin and refuses what is not a probability', () => {
    expect(calibration([1, 1], [1, 1]).bins[9]?.count).toBe(2);
    expect(calibration([1, 1], [1, 1]).ece).toBe(0);
    expect(() => calibration([1.5], [1])).toThrow(RangeError);
  });
});

describe('isotonic regression', () => {
  it('pools adjacent violators into their mean', () => {
    // (1: 1) and (2: 0) fall: pooled at 1/2; (3: 1) and (4: 1) are level: pooled at 1.
    const map = fitIsotonic([4, 2, 3, 1], [1, 0, 1, 1]);
    expect(map).toEqual({ breakpoints: [1, 3], values: [0.5, 1] });
    expect(applyIsotonic(map, 0)).toBe(0.5);
    expect(applyIsotonic(map, 2.5)).toBe(0.5);
    expect(applyIsotonic(map, 3)).toBe(1);
    expect(applyIsotonic(map, 100)).toBe(1);
    expect(JSON.parse(JSON.stringify(map))).toEqual(map);
    expect(applyIsotonic({ breakpoints: [], values: [] }, 1)).toBeNaN();
  });

  it('pools tied scores first', () => {
    const map = fitIsotonic([1, 1, 1, 2], [1, 0, 0, 1]);
    expect(map.breakpoints).toEqual([1, 2]);
    expect(map.values[0]).toBeCloseTo(1 / 3, 12);
    expect(map.values[1]).toBe(1);
  });

  it('is monotone and keeps the mean of the labels', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -5, max: 5, noNaN: true }), fc.boolean()), {
          minLength: 1,
          maxLength: 80,
        }),
        (items) => {
          const scores = items.map(([s]) => s);
          const labels = items.map(([, l]) => l);
          const map = fitIsotonic(scores, labels);
          for (let i = 1; i < map.values.length; i++) {
            expect(map.values[i] as number).toBeGreaterThan(map.values[i - 1] as number);
            expect(map.breakpoints[i] as number).toBeGreaterThan(map.breakpoints[i - 1] as number);
          }
          const fitted = scores.reduce((a, s) => a + applyIsotonic(map, s), 0);
          expect(fitted).toBeCloseTo(labels.filter(Boolean).length, 9);
          // The fit never orders two items against their scores.
          for (let i = 0; i < scores.length; i++)
            for (let j = 0; j < scores.length; j++)
              if ((scores[i] as number) < (scores[j] as number))
                expect(applyIsotonic(map, scores[i] as number)).toBeLessThanOrEqual(
                  applyIsotonic(map, scores[j] as number),
                );
        },
      ),
    );
  });
});
