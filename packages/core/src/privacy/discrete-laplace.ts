/**
 * The discrete Laplace mechanism, sampled exactly (no floating point), after Canonne,
 * Kamath and Steinke, "The Discrete Gaussian for Differential Privacy" (NeurIPS 2020),
 * Algorithms 1 and 2: Bernoulli(exp(−γ)) for a rational γ from Bernoulli trials of
 * rational probability, and from it the two-sided geometric distribution
 *
 *   P[Y = y] = (e^{ε} − 1) / (e^{ε} + 1) · e^{−ε·|y|},   y ∈ ℤ,
 *
 * with ε = s/t. Added to a count whose sensitivity is 1 (one report changes one cell by
 * one), the sum is ε-differentially private; a histogram whose cells each person's
 * report falls in only one of costs ε once. Floating-point Laplace noise leaks through
 * the low bits of its floats (Mironov, CCS 2012); integers do not.
 */

/** A source of uniform integers: `below(n)` in [0, n), for n from 1 to 2^48. */
export interface RandomInts {
  below(n: number): number;
}

/** Uniform integers from the platform's cryptographic generator (Node.js or a browser). */
export const cryptoInts: RandomInts = {
  below(n) {
    if (!Number.isSafeInteger(n) || n < 1 || n > 2 ** 48) throw new RangeError('bad range');
    if (n === 1) return 0;
    // Rejection sampling on 48 random bits: every value below `limit` is equally likely.
    const span = 2 ** 48;
    const limit = span - (span % n);
    const bytes = new Uint8Array(6);
    for (;;) {
      globalThis.crypto.getRandomValues(bytes);
      let x = 0;
      for (const b of bytes) x = x * 256 + b;
      if (x < limit) return x % n;
    }
  },
};

/** ε (or any positive rational) as numerator / denominator, both whole. */
export interface Rational {
  readonly num: number;
  readonly den: number;
}

/**
 * ε as a whole number of thousandths (0.25 → 250), or undefined unless it is positive,
 * at most 1,000 and has at most 3 decimals. The one test of ε's form: the policy, the
 * API and the sampler all use it.
 */
export function thousandthsOf(value: number): number | undefined {
  const k = Math.round(value * 1000);
  if (!(value > 0) || k < 1 || k > 1_000_000 || Math.abs(k / 1000 - value) > 1e-12)
    return undefined;
  return k;
}

/** A decimal ε with up to 3 decimals ('0.25', 1) as a rational: 0.25 → 1/4. */
export function rationalOf(value: number): Rational {
  const num0 = thousandthsOf(value);
  if (num0 === undefined)
    throw new RangeError('ε must be positive, at most 1,000, with at most 3 decimals');
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const g = gcd(num0, 1000);
  return { num: num0 / g, den: 1000 / g };
}

/** Bernoulli(num/den): 1 with that probability. */
const bernoulli = (rng: RandomInts, num: number, den: number) => (rng.below(den) < num ? 1 : 0);

/**
 * Bernoulli(exp(−num/den)), exactly (CKS20, Algorithm 1). For γ ≤ 1: draw K = 1, 2, …
 * while Bernoulli(γ/K) succeeds; K is odd with probability exp(−γ). A larger γ is split
 * into ⌊γ⌋ draws of exp(−1) and one of exp(−(γ − ⌊γ⌋)).
 */
export function bernoulliExp(rng: RandomInts, num: number, den: number): 0 | 1 {
  if (num < 0 || den < 1) throw new RangeError('γ must be a non-negative fraction');
  let n = num;
  while (n > den) {
    if (bernoulliExp(rng, 1, 1) === 0) return 0;
    n -= den;
  }
  let k = 1;
  while (bernoulli(rng, n, den * k) === 1) k += 1;
  return k % 2 === 1 ? 1 : 0;
}

/**
 * One draw of the discrete Laplace distribution with scale t/s, i.e. privacy ε = s/t for
 * sensitivity 1 (CKS20, Algorithm 2).
 */
export function discreteLaplace(rng: RandomInts, epsilon: Rational): number {
  const s = epsilon.num;
  const t = epsilon.den;
  for (;;) {
    const u = rng.below(t);
    if (bernoulliExp(rng, u, t) === 0) continue;
    let v = 0;
    while (bernoulliExp(rng, 1, 1) === 1) v += 1;
    const y = Math.floor((u + t * v) / s);
    const negative = bernoulli(rng, 1, 2) === 1;
    if (negative && y === 0) continue;
    return negative ? -y : y;
  }
}

/** P[Y = y] of the discrete Laplace distribution at ε (for tests and error bounds). */
export function discreteLaplacePmf(epsilon: number, y: number): number {
  return (Math.expm1(epsilon) / (Math.exp(epsilon) + 1)) * Math.exp(-epsilon * Math.abs(y));
}

/** Its variance: 2e^{−ε} / (1 − e^{−ε})². */
export const discreteLaplaceVariance = (epsilon: number) =>
  (2 * Math.exp(-epsilon)) / (-Math.expm1(-epsilon)) ** 2;
