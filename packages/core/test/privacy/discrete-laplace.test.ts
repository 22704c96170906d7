import { describe, expect, it } from 'vitest';
import {
  bernoulliExp,
  cryptoInts,
  discreteLaplace,
  discreteLaplacePmf,
  discreteLaplaceVariance,
  type RandomInts,
  rationalOf,
  thousandthsOf,
} from '../../src/privacy/discrete-laplace.js';

/**
 * The sampler's distribution against its formula: chi-square goodness of fit over many
 * draws from a seeded generator (so the test gives the same answer every run), at a
 * critical value a correct sampler exceeds with probability about one in a million.
 */

/** xoshiro128** (Blackman and Vigna), seeded: uniform 32-bit words, then rejection. */
function seeded(seed: number): RandomInts {
  const s = new Uint32Array([seed, seed ^ 0x9e3779b9, seed ^ 0x243f6a88, seed ^ 0xb7e15162]);
  const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;
  const next = () => {
    const result = (rotl(Math.imul(s[1] as number, 5) >>> 0, 7) * 9) >>> 0;
    const t = (s[1] as number) << 9;
    s[2] = (s[2] as number) ^ (s[0] as number);
    s[3] = (s[3] as number) ^ (s[1] as number);
    s[1] = (s[1] as number) ^ (s[2] as number);
    s[0] = (s[0] as number) ^ (s[3] as number);
    s[2] = (s[2] as number) ^ t;
    s[3] = rotl(s[3] as number, 11);
    return result;
  };
  for (let i = 0; i < 16; i++) next();
  return {
    below(n) {
      const limit = 2 ** 32 - (2 ** 32 % n);
      for (;;) {
        const x = next();
        if (x < limit) return x % n;
      }
    },
  };
}

/** The chi-square statistic's critical value at p ≈ 1e-6 (Wilson–Hilferty). */
const critical = (df: number) => {
  const z = 4.753;
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
};

/** Chi-square of observed counts by value against expected probabilities, with tail bins. */
function chiSquare(draws: readonly number[], p: (y: number) => number) {
  const n = draws.length;
  let k = 0;
  while (n * p(k + 1) >= 5) k += 1;
  const counts = new Map<number, number>();
  for (const y of draws) {
    const bin = y < -k ? -k - 1 : y > k ? k + 1 : y;
    counts.set(bin, (counts.get(bin) ?? 0) + 1);
  }
  let inner = 0;
  for (let y = -k; y <= k; y++) inner += p(y);
  const tail = (1 - inner) / 2;
  let chi = 0;
  for (let bin = -k - 1; bin <= k + 1; bin++) {
    const expected = n * (bin < -k || bin > k ? tail : p(bin));
    const observed = counts.get(bin) ?? 0;
    chi += (observed - expected) ** 2 / expected;
  }
  return { chi, df: 2 * k + 2 };
}

describe('Bernoulli(exp(−γ)), exactly', () => {
  for (const [num, den] of [
    [0, 1],
    [3, 10],
    [1, 1],
    [5, 2],
  ] as const) {
    it(`succeeds with probability exp(−${num}/${den})`, () => {
      const rng = seeded(num * 31 + den);
      const n = 200_000;
      let ones = 0;
      for (let i = 0; i < n; i++) ones += bernoulliExp(rng, num, den);
      const p = Math.exp(-num / den);
      // Within 5 standard deviations of the binomial (exact at γ = 0).
      expect(Math.abs(ones - n * p)).toBeLessThanOrEqual(5 * Math.sqrt(n * p * (1 - p)));
      if (num === 0) expect(ones).toBe(n);
    });
  }
});

describe('the discrete Laplace sampler', () => {
  for (const epsilon of [0.1, 0.5, 1, 2]) {
    it(`draws the two-sided geometric distribution at ε = ${epsilon}`, () => {
      const rng = seeded(Math.round(epsilon * 1000));
      const e = rationalOf(epsilon);
      const draws = Array.from({ length: 100_000 }, () => discreteLaplace(rng, e));
      const { chi, df } = chiSquare(draws, (y) => discreteLaplacePmf(epsilon, y));
      expect(chi).toBeLessThan(critical(df));
      // Symmetric about 0, with the variance of the formula (within 5 %: 100,000 draws).
      const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
      const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / draws.length;
      const expected = discreteLaplaceVariance(epsilon);
      expect(Math.abs(mean)).toBeLessThan(5 * Math.sqrt(expected / draws.length));
      expect(Math.abs(variance / expected - 1)).toBeLessThan(0.05);
    });
  }

  it('fails the same test when its scale is wrong (the test can tell)', () => {
    const rng = seeded(7);
    const draws = Array.from({ length: 100_000 }, () => discreteLaplace(rng, rationalOf(1.1)));
    const { chi, df } = chiSquare(draws, (y) => discreteLaplacePmf(1, y));
    expect(chi).toBeGreaterThan(critical(df));
  });

  it('draws integers from the cryptographic generator', () => {
    const draws = Array.from({ length: 2000 }, () => discreteLaplace(cryptoInts, rationalOf(1)));
    expect(draws.every(Number.isSafeInteger)).toBe(true);
    expect(new Set(draws).size).toBeGreaterThan(5);
    for (const n of [1, 2, 3, 1000, 2 ** 40])
      for (let i = 0; i < 50; i++) {
        const x = cryptoInts.below(n);
        expect(x >= 0 && x < n && Number.isInteger(x)).toBe(true);
      }
  });

  it('takes ε as a rational of up to 3 decimals, and refuses others', () => {
    expect(rationalOf(1)).toEqual({ num: 1, den: 1 });
    expect(rationalOf(0.25)).toEqual({ num: 1, den: 4 });
    expect(rationalOf(0.125)).toEqual({ num: 1, den: 8 });
    for (const bad of [0, -1, 0.0001, 0.128999999999, Number.NaN, Number.POSITIVE_INFINITY, 2000]) {
      expect(() => rationalOf(bad)).toThrow(RangeError);
      expect(thousandthsOf(bad)).toBeUndefined();
    }
    expect(thousandthsOf(0.007)).toBe(7);
    expect(thousandthsOf(4.9)).toBe(4900);
  });
});
