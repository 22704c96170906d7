/**
 * Contributors' quality weights (SPEC §6, issue 17; docs/outcomes.md): a member whose
 * reports others often find to be false positives weighs less in every answer. What
 * counts is the members' outcomes: for each member `o` and token `t` that `o` reported an
 * outcome about, `o`'s latest outcome (in log order) judges every other member that has a
 * report naming `t` standing — one judgement each, a false positive or not. A member
 * judged `n` times, `f` of them false positives, weighs
 *
 *     q = max(floor, 1 − f / (n + prior))        rounded to 0.01
 *
 * so a member nobody judged weighs 1, a few false positives move it little (the prior
 * stands for that many judgements that went its way), and no member falls below the
 * policy's floor. The platform keeps the weights as logged versions (a
 * `quality_weights` entry each time a weight changes), answers name the version they used,
 * and an auditor recomputes each version from the logged reports and outcomes with these
 * very functions.
 */

/** The policy's part: how far a member's weight may fall, and how slowly. */
export interface QualityRule {
  /** The least weight a member keeps, in [0, 1]; 1 turns weights off. */
  readonly floor: number;
  /** Judgements counted as right before any is seen, ≥ 0. */
  readonly prior: number;
}

export const DEFAULT_QUALITY: QualityRule = { floor: 0.5, prior: 10 };

/** A member's judgements and the weight they give. */
export interface MemberQuality {
  readonly weight: number;
  readonly outcomes: number;
  readonly falsePositives: number;
}

/** A version of the weights, as kept and logged. */
export interface QualityWeights {
  readonly version: number;
  /** The policy whose rule made them. */
  readonly policyVersion: number;
  readonly rule: QualityRule;
  /** Every member judged at least once; a member not here weighs 1. */
  readonly members: Readonly<Record<string, MemberQuality>>;
}

export function qualityWeight(rule: QualityRule, outcomes: number, falsePositives: number): number {
  const raw = Math.max(rule.floor, 1 - falsePositives / (outcomes + rule.prior));
  return Math.round(Math.min(1, raw) * 100) / 100;
}

/** The weights of members from their counts, under a rule. */
export function weightsOf(
  rule: QualityRule,
  counts: ReadonlyMap<string, { readonly outcomes: number; readonly falsePositives: number }>,
): Record<string, MemberQuality> {
  const members: Record<string, MemberQuality> = {};
  for (const [member, c] of [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    if (c.outcomes > 0)
      members[member] = {
        weight: qualityWeight(rule, c.outcomes, c.falsePositives),
        outcomes: c.outcomes,
        falsePositives: c.falsePositives,
      };
  return members;
}

/** Whether any member's weight differs between two sets of weights (absent: 1). */
export function weightsDiffer(
  a: Readonly<Record<string, MemberQuality>> | undefined,
  b: Readonly<Record<string, MemberQuality>>,
): boolean {
  const members = new Set([...Object.keys(a ?? {}), ...Object.keys(b)]);
  for (const m of members) if ((a?.[m]?.weight ?? 1) !== (b[m]?.weight ?? 1)) return true;
  return false;
}

/** A member's weight in a version (1 when it was never judged, or there is no version). */
export function memberWeight(weights: QualityWeights | undefined, member: string): number {
  return weights?.members[member]?.weight ?? 1;
}

/**
 * The judgements, counted (the platform's SQL counts the same in its store): for each
 * latest outcome of a member about a token, every other member with a standing report
 * naming that token is judged once.
 */
export function countJudgements(
  latest: Iterable<{
    readonly by: string;
    readonly token: string;
    readonly falsePositive: boolean;
  }>,
  contributors: (token: string) => Iterable<string>,
): Map<string, { outcomes: number; falsePositives: number }> {
  const counts = new Map<string, { outcomes: number; falsePositives: number }>();
  for (const j of latest)
    for (const m of contributors(j.token)) {
      if (m === j.by) continue;
      const c = counts.get(m) ?? { outcomes: 0, falsePositives: 0 };
      c.outcomes++;
      if (j.falsePositive) c.falsePositives++;
      counts.set(m, c);
    }
  return counts;
}
