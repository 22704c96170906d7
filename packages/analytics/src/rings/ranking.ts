import type { EvidenceGraph } from '../evidence/evidence-graph.js';
import { type Incidence, propagateOver } from './propagation.js';
import { DEFAULT_RANKING_MODEL } from './ranking-model.js';

/**
 * Ranked risk (issue 12): a score for every token of the evidence graph that orders them
 * for an analyst and reads as a probability.
 *
 * Max-product propagation (propagation.ts) gives each token the single strongest path
 * from a reported token: a flag with a reason, but no order. Most tokens of a laundering
 * ring are two or more hops from the few accounts their banks reported and each is
 * reached by several of them; the strongest path alone cannot tell them from an honest
 * account one hop from one report. So the ranking adds evidence that accumulates:
 *
 * - **Risk mass**: a random walk with restart from the reported tokens (each weighted by
 *   its evidence) over the same typed, hub-damped conductances propagation uses. From a
 *   token the walker follows one of its arcs chosen uniformly and crosses it with the
 *   arc's conductance; what does not cross is lost, so weak links (calls, money coming
 *   in) carry little and a token of many links splits its mass among them. Not
 *   normalized over the graph: a token's mass depends on the reports near it, not on how
 *   many there are elsewhere. `r = s + (1 − α) Wᵀ r`, computed at two restart
 *   probabilities, short reach (α = 0.5) and long (α = 0.15).
 * - **Features** per token: both masses per distinct neighbour (log; a hub's mass is
 *   spread over its many neighbours, so a busy merchant paid by one mule does not rank
 *   with the mule), the strongest path's risk, the strongest path again without hub
 *   damping, the number and the share of its distinct neighbours that were reported, and
 *   whether it was reported itself. Pooling raises every shared address's count of
 *   neighbours, so the damped path can fall for a token one member alone would reach
 *   undamped; the model weighs the two paths.
 * - **Model**: a logistic combination of the features, fitted on development worlds only
 *   (ranking-model.ts names them), followed by an isotonic map fitted on other
 *   development worlds, so that the score reads as the share of such tokens that were a
 *   ring's in evaluation.
 */
export interface RankingModel {
  /** Names the model in answers and documents. */
  readonly version: string;
  /** Restart probabilities of the two walks. */
  readonly restart: readonly [short: number, long: number];
  /** Iterations of each walk (each adds one hop of reach). */
  readonly iterations: number;
  /** Logistic coefficients over FEATURES (standardized by `mean` and `scale`), and the intercept. */
  readonly mean: readonly number[];
  readonly scale: readonly number[];
  readonly weights: readonly number[];
  readonly intercept: number;
  /**
   * Isotonic calibration: logistic outputs (ascending) and the probability at each, read
   * linearly in between. Empty: the logistic output as it is.
   */
  readonly calibration: { readonly x: readonly number[]; readonly y: readonly number[] };
}

export const FEATURES = [
  'log_mass_short_per_neighbour',
  'log_mass_long_per_neighbour',
  'path_risk',
  'path_risk_undamped',
  'reported_neighbours',
  'reported_share',
  'reported',
] as const;
export type Feature = (typeof FEATURES)[number];

export interface Ranking {
  /** Each token's score: a probability in [0, 1]. */
  readonly score: Float64Array;
  /** Share of all tokens ranked strictly lower (by the model's raw output), in [0, 1). */
  readonly percentile: Float64Array;
  /** Distinct reported tokens next to each token. */
  readonly reportedNeighbours: Int32Array;
  /** 1 for a token within the walks' reach of a report (some mass), not a victim. */
  readonly reached: Uint8Array;
  /** The features of each token, FEATURES.length per token (for fitting and explaining). */
  readonly features: Float64Array;
  readonly model: string;
}

/** Smallest mass told apart from none (log10). */
const MASS_FLOOR = 1e-9;

/**
 * The walk with restart, r = s + (1 − α) Wᵀ r, where W moves from u along each of its
 * arcs with probability carry / arcs(u). Iterated `iterations` times from r = s (each
 * iteration adds one hop); blocked tokens (victims) take mass but pass none on.
 */
export function riskMass(
  n: number,
  inc: Incidence,
  arcCarry: Float64Array,
  seed: Float64Array,
  blocked: Uint8Array,
  restart: number,
  iterations: number,
): Float64Array {
  let mass = Float64Array.from(seed);
  let next = new Float64Array(n);
  const keep = 1 - restart;
  for (let it = 0; it < iterations; it++) {
    next.set(seed);
    for (let u = 0; u < n; u++) {
      const r = mass[u] as number;
      if (r === 0 || blocked[u] === 1) continue;
      const start = inc.offsets[u] as number;
      const end = inc.offsets[u + 1] as number;
      if (end === start) continue;
      const share = (keep * r) / (end - start);
      for (let i = start; i < end; i++) {
        const v = inc.neighbors[i] as number;
        next[v] = (next[v] as number) + share * (arcCarry[i] as number);
      }
    }
    [mass, next] = [next, mass];
  }
  return mass;
}

/** Every token's features, FEATURES.length per token. */
export function rankingFeatures(
  graph: EvidenceGraph,
  inc: Incidence,
  arcCarry: Float64Array,
  evidence: Float64Array,
  risk: Float64Array,
  blocked: Uint8Array,
  /** What each arc carries before hub damping (propagation's baseCarry). */
  baseCarry: Float64Array,
  model: Pick<RankingModel, 'restart' | 'iterations'> = DEFAULT_RANKING_MODEL,
): { features: Float64Array; reportedNeighbours: Int32Array; reached: Uint8Array } {
  const n = graph.tokens.length;
  const undamped = propagateOver(n, evidence, blocked, inc, baseCarry).risk;
  const short = riskMass(n, inc, arcCarry, evidence, blocked, model.restart[0], model.iterations);
  const long = riskMass(n, inc, arcCarry, evidence, blocked, model.restart[1], model.iterations);
  const k = FEATURES.length;
  const features = new Float64Array(n * k);
  const reportedNeighbours = new Int32Array(n);
  const reached = new Uint8Array(n);
  // Distinct neighbours and distinct reported neighbours, row by row.
  const seenBy = new Int32Array(n).fill(-1);
  for (let v = 0; v < n; v++) {
    let distinct = 0;
    let reported = 0;
    for (let i = inc.offsets[v] as number, end = inc.offsets[v + 1] as number; i < end; i++) {
      const u = inc.neighbors[i] as number;
      if (seenBy[u] === v) continue;
      seenBy[u] = v;
      distinct++;
      if ((evidence[u] as number) > 0) reported++;
    }
    reportedNeighbours[v] = reported;
    if ((long[v] as number) > 0 && blocked[v] === 0) reached[v] = 1;
    // A token's own evidence is in its mass (the walk starts there); the features of a
    // reported token describe its neighbourhood, the mass it gets back from it.
    const own = evidence[v] as number;
    const o = v * k;
    // Degree normalization: a token's mass per distinct neighbour, so that a busy
    // merchant paid by one mule and a hundred shoppers does not rank with the mule.
    const per = Math.max(1, distinct);
    features[o] = Math.log10(Math.max(MASS_FLOOR, ((short[v] as number) - own) / per));
    features[o + 1] = Math.log10(Math.max(MASS_FLOOR, ((long[v] as number) - own) / per));
    features[o + 2] = risk[v] as number;
    features[o + 3] = undamped[v] as number;
    features[o + 4] = Math.log1p(reported);
    features[o + 5] = reported / per;
    features[o + 6] = own > 0 ? 1 : 0;
  }
  return { features, reportedNeighbours, reached };
}

/**
 * Weight of the far mass (standardized) the fitter adds to whatever the fit gave it
 * (fit-ranking.ts), so that the model carries it: tokens the fitted features score alike
 * are ordered by the risk that accumulates around them (an account paid by two reported
 * accounts above one paid by one, the strongest path of each being the same). Small
 * enough to move no calibrated score by more than a few thousandths.
 */
export const MASS_TIE_BREAK = 0.001;

/** The model's logistic output for one token's features (at `offset` in `features`), before calibration. */
export function modelLogit(model: RankingModel, features: Float64Array, offset: number): number {
  let z = model.intercept;
  for (let j = 0; j < FEATURES.length; j++)
    z +=
      (model.weights[j] as number) *
      (((features[offset + j] as number) - (model.mean[j] as number)) / (model.scale[j] as number));
  return z;
}

/**
 * The calibration map, read between its points: linear from each breakpoint's value to
 * the next one's, flat beyond the ends. Isotonic regression gives steps; reading them
 * as a line keeps the map monotone and leaves tokens with different raw scores apart.
 */
export function calibrate(
  map: { readonly x: readonly number[]; readonly y: readonly number[] },
  p: number,
): number {
  const { x, y } = map;
  if (x.length === 0) return p;
  if (p <= (x[0] as number)) return y[0] as number;
  if (p >= (x[x.length - 1] as number)) return y[y.length - 1] as number;
  let lo = 0;
  let hi = x.length - 1;
  // The last breakpoint at or below p.
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((x[mid] as number) <= p) lo = mid;
    else hi = mid - 1;
  }
  const x0 = x[lo] as number;
  const x1 = x[lo + 1] as number;
  const y0 = y[lo] as number;
  const y1 = y[lo + 1] as number;
  return x1 === x0 ? y1 : y0 + ((y1 - y0) * (p - x0)) / (x1 - x0);
}

/**
 * Ranks every token: features, the model's probability, and each token's percentile
 * among all tokens (the share scored strictly lower).
 */
export function rankTokens(
  graph: EvidenceGraph,
  inc: Incidence,
  arcCarry: Float64Array,
  evidence: Float64Array,
  risk: Float64Array,
  blocked: Uint8Array,
  baseCarry: Float64Array,
  model: RankingModel = DEFAULT_RANKING_MODEL,
): Ranking {
  const n = graph.tokens.length;
  const { features, reportedNeighbours, reached } = rankingFeatures(
    graph,
    inc,
    arcCarry,
    evidence,
    risk,
    blocked,
    baseCarry,
    model,
  );
  const score = new Float64Array(n);
  // The order is the logistic output's (continuous); the score its calibrated reading.
  const logit = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    if (blocked[v] === 1) {
      logit[v] = Number.NEGATIVE_INFINITY;
      continue;
    }
    const z = modelLogit(model, features, v * FEATURES.length);
    logit[v] = z;
    score[v] = calibrate(model.calibration, 1 / (1 + Math.exp(-z)));
  }
  return {
    score,
    percentile: percentiles(logit),
    reportedNeighbours,
    reached,
    features,
    model: model.version,
  };
}

/** Share of values strictly below each value, in [0, 1). */
export function percentiles(values: Float64Array): Float64Array {
  const n = values.length;
  const sorted = Float64Array.from(values).sort();
  const out = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    // The first place holding a value not below this one: how many are strictly below.
    const x = values[v] as number;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((sorted[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    out[v] = lo / n;
  }
  return out;
}
