import { FEATURES } from './ranking.js';

/**
 * Fitting the ranking model (issue 12), on development worlds only: a logistic regression
 * of "this token is a ring's" on the ranking's features, by Newton's method with a small
 * ridge penalty (the features are standardized first, so one penalty suits them all).
 * A dozen coefficients over tens of thousands of tokens: a few Newton steps converge.
 */
export interface LogisticFit {
  readonly mean: number[];
  readonly scale: number[];
  readonly weights: number[];
  readonly intercept: number;
  readonly iterations: number;
}

/**
 * Fits p(y = 1 | x) = σ(b + w · (x − mean) / scale) to rows of `features` (k per row)
 * with labels `labels` (0 or 1), each row weighted by `rowWeight` (default 1).
 */
export function fitLogistic(
  features: Float64Array,
  labels: Uint8Array,
  options: {
    readonly ridge?: number;
    readonly rowWeight?: Float64Array;
    /**
     * Features whose weight may not be negative: more evidence never lowers a score. A
     * feature whose fitted weight comes out negative is left out (weight 0) and the rest
     * refitted, until none is (an active set, as for non-negative least squares).
     */
    readonly nonNegative?: readonly boolean[];
  } = {},
): LogisticFit {
  const fixed = new Array<boolean>(FEATURES.length).fill(false);
  for (;;) {
    const fit = fitOnce(features, labels, options.ridge ?? 1e-3, options.rowWeight, fixed);
    const wrong = fit.weights
      .map((w, j) => (options.nonNegative?.[j] === true && w < 0 ? j : -1))
      .filter((j) => j >= 0);
    if (wrong.length === 0) return fit;
    // Leave out the most negative one, then look again.
    const worst = wrong.reduce((a, b) =>
      (fit.weights[b] as number) < (fit.weights[a] as number) ? b : a,
    );
    fixed[worst] = true;
  }
}

function fitOnce(
  features: Float64Array,
  labels: Uint8Array,
  ridge: number,
  rowWeight: Float64Array | undefined,
  /** Features held at weight 0. */
  fixed: readonly boolean[],
): LogisticFit {
  const options = { rowWeight };
  const k = FEATURES.length;
  const rows = labels.length;
  const rw = (i: number) => options.rowWeight?.[i] ?? 1;
  const mean = new Array<number>(k).fill(0);
  const scale = new Array<number>(k).fill(0);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    total += rw(i);
    for (let j = 0; j < k; j++)
      mean[j] = (mean[j] as number) + rw(i) * (features[i * k + j] as number);
  }
  for (let j = 0; j < k; j++) mean[j] = (mean[j] as number) / total;
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < k; j++) {
      const d = (features[i * k + j] as number) - (mean[j] as number);
      scale[j] = (scale[j] as number) + rw(i) * d * d;
    }
  // A feature that never varies in the data (a token's own report, among unreported
  // tokens) says nothing: held at weight 0.
  const held = [...fixed];
  for (let j = 0; j < k; j++) {
    const sd = Math.sqrt((scale[j] as number) / total);
    if (!(sd > 1e-12)) held[j] = true;
    scale[j] = sd > 1e-12 ? sd : 1;
  }

  // Parameters: [intercept, w_0 … w_k-1].
  const p = k + 1;
  const beta = new Float64Array(p);
  const x = new Float64Array(p);
  let iterations = 0;
  for (; iterations < 50; iterations++) {
    const grad = new Float64Array(p);
    const hess = new Float64Array(p * p);
    for (let i = 0; i < rows; i++) {
      x[0] = 1;
      for (let j = 0; j < k; j++)
        x[j + 1] = held[j]
          ? 0
          : ((features[i * k + j] as number) - (mean[j] as number)) / (scale[j] as number);
      let z = 0;
      for (let a = 0; a < p; a++) z += (beta[a] as number) * (x[a] as number);
      const mu = 1 / (1 + Math.exp(-z));
      const w = rw(i);
      const r = w * ((labels[i] as number) - mu);
      const h = w * mu * (1 - mu);
      for (let a = 0; a < p; a++) {
        grad[a] = (grad[a] as number) + r * (x[a] as number);
        for (let b = a; b < p; b++)
          hess[a * p + b] = (hess[a * p + b] as number) + h * (x[a] as number) * (x[b] as number);
      }
    }
    for (let a = 0; a < p; a++) {
      for (let b = 0; b < a; b++) hess[a * p + b] = hess[b * p + a] as number;
      if (a > 0) {
        // A held feature's column is zero: the ridge alone keeps its weight at 0.
        const r = held[a - 1] ? Math.max(ridge, 1) : ridge;
        grad[a] = (grad[a] as number) - r * total * (beta[a] as number);
        hess[a * p + a] = (hess[a * p + a] as number) + r * total;
      }
    }
    const step = solve(hess, grad, p);
    let change = 0;
    for (let a = 0; a < p; a++) {
      beta[a] = (beta[a] as number) + (step[a] as number);
      change = Math.max(change, Math.abs(step[a] as number));
    }
    if (change < 1e-8) break;
  }
  return {
    mean,
    scale,
    weights: Array.from(beta.subarray(1)),
    intercept: beta[0] as number,
    iterations: iterations + 1,
  };
}

/** Solves A s = g for a symmetric positive definite A (Cholesky). */
function solve(a: Float64Array, g: Float64Array, p: number): Float64Array {
  const l = new Float64Array(p * p);
  for (let i = 0; i < p; i++)
    for (let j = 0; j <= i; j++) {
      let sum = a[i * p + j] as number;
      for (let m = 0; m < j; m++) sum -= (l[i * p + m] as number) * (l[j * p + m] as number);
      if (i === j) l[i * p + i] = Math.sqrt(Math.max(sum, 1e-12));
      else l[i * p + j] = sum / (l[j * p + j] as number);
    }
  const y = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let sum = g[i] as number;
    for (let m = 0; m < i; m++) sum -= (l[i * p + m] as number) * (y[m] as number);
    y[i] = sum / (l[i * p + i] as number);
  }
  const s = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let sum = y[i] as number;
    for (let m = i + 1; m < p; m++) sum -= (l[m * p + i] as number) * (s[m] as number);
    s[i] = sum / (l[i * p + i] as number);
  }
  return s;
}
