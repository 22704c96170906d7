import type { GraphAnalysis } from '../analysis.js';
import type { Baseline } from './baselines.js';
import { averagePrecision, calibration, precisionAtK, type ReliabilityBin } from './ranking.js';

/**
 * How well the identifiers no member reported are ranked (issue 12), the same code for
 * `credence eval` on the platform and in-process.
 *
 * The model's score is read in one place, here, so that it can be switched to the ranked,
 * calibrated risk when analysis has it: `ranking.score` (a probability per node) when
 * present, else today's propagated risk (the max-product risk, a flag's input, not meant
 * as a probability). A check answer's score likewise: `rank.score` when present, else the
 * check's `score`.
 */
export function modelScore(analysis: GraphAnalysis, v: number): number {
  const ranking = (analysis as { ranking?: { score?: ArrayLike<number> } }).ranking;
  return ranking?.score?.[v] ?? (analysis.risk[v] as number);
}

/** Which score modelScore reads: 'ranking' once analysis has one, else 'risk'. */
export function modelScoreSource(analysis: GraphAnalysis): 'ranking' | 'risk' {
  return (analysis as { ranking?: unknown }).ranking === undefined ? 'risk' : 'ranking';
}

/** The probability a check answer gives (see modelScore). */
export function answerScore(answer: {
  readonly score: number;
  readonly rank?: { readonly score: number } | null;
}): number {
  return answer.rank?.score ?? answer.score;
}

/**
 * Whether a check would flag (`suspicious` or `fraud`) a token no member reported, from
 * the in-process analysis: as the platform's check does, a token in a ring (a ring's
 * tokens reached it by the ring threshold: their strongest path's risk or their ranked
 * risk; a token nobody reported has no score of its own).
 */
export function modelFlag(analysis: GraphAnalysis, v: number, _suspicious: number): boolean {
  return (analysis.ringOf[v] as number) >= 0;
}

export interface RankingFigures {
  /** Average precision (NaN without positives). */
  readonly auprc: number;
  /** Precision at k = the number of positives. */
  readonly precisionAtK: number;
}

export interface TokenRanking extends RankingFigures {
  readonly items: number;
  readonly positives: number;
  /** Expected calibration error of the model's score (10 equal-width bins). */
  readonly ece: number;
  readonly reliability: readonly ReliabilityBin[];
  /** Flagged at the policy's suspicious threshold. */
  readonly flag: {
    readonly precision: number;
    readonly recall: number;
    readonly truePositives: number;
    readonly falsePositives: number;
    readonly falseNegatives: number;
  };
  /** The baselines, on the same items, from the same graph. */
  readonly baselines: Readonly<Record<Baseline, RankingFigures>>;
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/**
 * The figures over one set of items (the unreported identifiers): `labels[i]` whether
 * item i is a true ring's, `model[i]` the model's score, `flagged[i]` the check's verdict,
 * `baselines` each baseline's score of the same items.
 */
export function tokenRanking(
  labels: Uint8Array,
  model: Float64Array,
  flagged: Uint8Array,
  baselines: Readonly<Record<Baseline, Float64Array>>,
): TokenRanking {
  let positives = 0;
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]) positives++;
    if (flagged[i]) {
      if (labels[i]) tp++;
      else fp++;
    }
  }
  const fn = positives - tp;
  const figures = (scores: Float64Array): RankingFigures => ({
    auprc: averagePrecision(scores, labels),
    precisionAtK: precisionAtK(scores, labels),
  });
  // A score meant as a probability stays in [0, 1]; clamping only guards rounding.
  const calibrated = calibration(model.map(clamp01), labels);
  return {
    items: labels.length,
    positives,
    ...figures(model),
    ece: calibrated.ece,
    reliability: calibrated.bins,
    flag: {
      precision: tp + fp === 0 ? 0 : tp / (tp + fp),
      recall: positives === 0 ? 0 : tp / positives,
      truePositives: tp,
      falsePositives: fp,
      falseNegatives: fn,
    },
    baselines: Object.fromEntries(
      Object.entries(baselines).map(([name, scores]) => [name, figures(scores)]),
    ) as Record<Baseline, RankingFigures>,
  };
}

/** A member's own unreported identifiers, ranked with everyone's data and with its own alone. */
export interface MemberRanking {
  readonly unreported: number;
  readonly positives: number;
  readonly consortium: number;
  readonly alone: number;
}

/**
 * @param tokens the member's unreported identifiers
 * @param consortium the model's score of a token with every member's data
 * @param alone the model's score of a token with the member's data alone
 */
export function memberRanking(
  tokens: readonly string[],
  label: (token: string) => boolean,
  consortium: (token: string) => number,
  alone: (token: string) => number,
): MemberRanking {
  const labels = Uint8Array.from(tokens, (t) => (label(t) ? 1 : 0));
  return {
    unreported: tokens.length,
    positives: labels.reduce((a, x) => a + x, 0),
    consortium: averagePrecision(Float64Array.from(tokens, consortium), labels),
    alone: averagePrecision(Float64Array.from(tokens, alone), labels),
  };
}
