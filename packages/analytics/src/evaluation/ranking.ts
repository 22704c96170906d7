/**
 * Measures of a ranking and of a probability (issue 12): how well a score orders the
 * identifiers a member did not report, and whether a score meant as a probability is one.
 * Pure functions over parallel arrays: `scores[i]` is item i's score, `labels[i]` whether
 * it is a positive (truthy: 1 or true). Ties are treated as what they are, one threshold:
 * no measure here depends on the order in which tied items happen to be listed, so a
 * score that says nothing (a constant) cannot look better than the base rate.
 */

export type Labels = ArrayLike<number | boolean>;

function checkInput(scores: ArrayLike<number>, labels: Labels): void {
  if (scores.length !== labels.length) throw new RangeError('one label per score');
  for (let i = 0; i < scores.length; i++)
    if (Number.isNaN(scores[i] as number)) throw new RangeError(`score ${i} is not a number`);
}

/** Indices by score, highest first (the order within a tie does not matter below). */
function descending(scores: ArrayLike<number>): Int32Array {
  const order = new Int32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => {
    const x = scores[a] as number;
    const y = scores[b] as number;
    return x > y ? -1 : x < y ? 1 : 0;
  });
}

function positives(labels: Labels): number {
  let p = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]) p++;
  return p;
}

/**
 * The area under the precision–recall curve as average precision: Σ (Rₙ − Rₙ₋₁)·Pₙ over
 * the thresholds n, one per distinct score, highest first (tied items enter together, as
 * scikit-learn's average_precision_score counts them). A perfect ranking gives 1, a
 * constant score the base rate. NaN when there is no positive.
 */
export function averagePrecision(scores: ArrayLike<number>, labels: Labels): number {
  checkInput(scores, labels);
  const total = positives(labels);
  if (total === 0) return Number.NaN;
  const order = descending(scores);
  let tp = 0;
  let seen = 0;
  let ap = 0;
  let recall = 0;
  for (let i = 0; i < order.length; ) {
    const s = scores[order[i] as number] as number;
    while (i < order.length && scores[order[i] as number] === s) {
      if (labels[order[i] as number]) tp++;
      seen++;
      i++;
    }
    const r = tp / total;
    ap += (r - recall) * (tp / seen);
    recall = r;
  }
  return ap;
}

/**
 * Precision among the k highest scores (k defaults to the number of positives, so that a
 * perfect ranking gives 1). A tie that straddles the k-th place counts its positives in
 * proportion to the places it takes: the expected precision when ties are broken at
 * random. NaN when k is 0.
 */
export function precisionAtK(scores: ArrayLike<number>, labels: Labels, k?: number): number {
  checkInput(scores, labels);
  const take = Math.min(k ?? positives(labels), scores.length);
  if (take <= 0) return Number.NaN;
  const order = descending(scores);
  let hits = 0;
  let placed = 0;
  for (let i = 0; i < order.length && placed < take; ) {
    const s = scores[order[i] as number] as number;
    let group = 0;
    let groupHits = 0;
    while (i < order.length && scores[order[i] as number] === s) {
      if (labels[order[i] as number]) groupHits++;
      group++;
      i++;
    }
    const room = Math.min(group, take - placed);
    hits += (groupHits * room) / group;
    placed += room;
  }
  return hits / take;
}

/** The share of positives whose score is at least `threshold`. NaN when there is none. */
export function recallAt(scores: ArrayLike<number>, labels: Labels, threshold: number): number {
  checkInput(scores, labels);
  let total = 0;
  let found = 0;
  for (let i = 0; i < scores.length; i++)
    if (labels[i]) {
      total++;
      if ((scores[i] as number) >= threshold) found++;
    }
  return total === 0 ? Number.NaN : found / total;
}

/** One bin of a reliability table: scores in [lower, upper) (the last bin holds 1). */
export interface ReliabilityBin {
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  /** Mean score in the bin (NaN when empty). */
  readonly meanScore: number;
  /** Share of positives in the bin (NaN when empty). */
  readonly positiveRate: number;
}

export interface Calibration {
  /**
   * Expected calibration error: Σ (countᵦ / N)·|meanScoreᵦ − positiveRateᵦ| over the bins;
   * 0 for a perfectly calibrated probability.
   */
  readonly ece: number;
  readonly bins: readonly ReliabilityBin[];
}

/**
 * Calibration of a probability: scores in [0, 1] put in `bins` equal-width bins, each
 * bin's mean score held against its share of positives, weighted by its count.
 */
export function calibration(scores: ArrayLike<number>, labels: Labels, bins = 10): Calibration {
  checkInput(scores, labels);
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError('bins must be a positive integer');
  const count = new Float64Array(bins);
  const sum = new Float64Array(bins);
  const hits = new Float64Array(bins);
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i] as number;
    if (s < 0 || s > 1) throw new RangeError(`score ${i} is not a probability`);
    const b = Math.min(bins - 1, Math.floor(s * bins));
    count[b] = (count[b] as number) + 1;
    sum[b] = (sum[b] as number) + s;
    if (labels[i]) hits[b] = (hits[b] as number) + 1;
  }
  const n = scores.length;
  let ece = 0;
  const table: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const c = count[b] as number;
    const meanScore = c === 0 ? Number.NaN : (sum[b] as number) / c;
    const positiveRate = c === 0 ? Number.NaN : (hits[b] as number) / c;
    if (c > 0) ece += (c / n) * Math.abs(meanScore - positiveRate);
    table.push({ lower: b / bins, upper: (b + 1) / bins, count: c, meanScore, positiveRate });
  }
  return { ece: n === 0 ? Number.NaN : ece, bins: table };
}

/**
 * A monotone step map from score to probability: a score x maps to `values[i]` for the
 * last i with `breakpoints[i] ≤ x` (below the first breakpoint, to `values[0]`).
 * Breakpoints rise strictly, values rise strictly: plain JSON, to be kept with a policy.
 */
export interface IsotonicMap {
  readonly breakpoints: readonly number[];
  readonly values: readonly number[];
}

/**
 * Isotonic regression by pool-adjacent-violators: the non-decreasing step function of
 * the score that is closest to the labels in squared error. Items with the same score
 * are pooled first (one step each), then neighbouring steps that fall are merged into
 * their weighted mean until none does. The fitted values' mean over the items equals the
 * labels' mean. Labels may be 0/1 or any number (a share, for instance).
 */
export function fitIsotonic(scores: ArrayLike<number>, labels: Labels): IsotonicMap {
  checkInput(scores, labels);
  const order = descending(scores).reverse();
  // Blocks on a stack: lowest score, total weight, total label.
  const lo: number[] = [];
  const weight: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < order.length; ) {
    const s = scores[order[i] as number] as number;
    let w = 0;
    let y = 0;
    while (i < order.length && scores[order[i] as number] === s) {
      y += Number(labels[order[i] as number]);
      w++;
      i++;
    }
    lo.push(s);
    weight.push(w);
    total.push(y);
    // Merge while the previous block's mean is not below this one's.
    while (lo.length >= 2) {
      const a = lo.length - 2;
      const b = lo.length - 1;
      if (
        (total[a] as number) / (weight[a] as number) <
        (total[b] as number) / (weight[b] as number)
      )
        break;
      weight[a] = (weight[a] as number) + (weight[b] as number);
      total[a] = (total[a] as number) + (total[b] as number);
      lo.pop();
      weight.pop();
      total.pop();
    }
  }
  return {
    breakpoints: lo,
    values: lo.map((_, i) => (total[i] as number) / (weight[i] as number)),
  };
}

/** The map's value at x (NaN for an empty map). */
export function applyIsotonic(map: IsotonicMap, x: number): number {
  const { breakpoints, values } = map;
  if (breakpoints.length === 0) return Number.NaN;
  let lo = 0;
  let hi = breakpoints.length - 1;
  // The last breakpoint ≤ x, by bisection; 0 when x is below them all.
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((breakpoints[mid] as number) <= x) lo = mid;
    else hi = mid - 1;
  }
  return values[lo] as number;
}
