import { CredenceError } from '../errors.js';
import { IDENTIFIER_KINDS, type IdentifierKind } from '../identifiers/kinds.js';
import { thousandthsOf } from '../privacy/discrete-laplace.js';
import { CATEGORIES, type Category, REPORT_TYPES, type ReportType } from '../wire/vocabulary.js';
import { DEFAULT_QUALITY, type QualityRule } from './quality.js';
import type { TokenStats } from './token-summary.js';

/**
 * The risk policy (SPEC §6): how much each type of report counts, how fast evidence
 * about each kind of identifier ages, and where the verdicts begin. Versioned: the
 * operator changes it with PUT /v1/policy and every answer names the version it used.
 *
 * It lives in the pure core, not in the platform, because an answer must be recomputable
 * by others: an auditor holds a check answer to the log by recomputing its summary from
 * the logged reports and its score from the logged policy, with this very code.
 */
export interface Policy {
  /** Weight of one member's report of each type, in [0, 1]. */
  readonly weights: Readonly<Record<ReportType, number>>;
  /** Days after which a report counts half (phone numbers are recycled sooner than cards). */
  readonly halfLifeDays: Readonly<Record<IdentifierKind, number>>;
  readonly thresholds: { readonly suspicious: number; readonly fraud: number };
  /**
   * Share of its weight a report of each type keeps however old (issue 12): age weakens
   * a complaint, but a confirmed case stays confirmed. A policy written without it keeps
   * nothing (0 for every type), as policies did before.
   */
  readonly ageFloor: Readonly<Record<ReportType, number>>;
  /**
   * How members' outcomes weigh their reports (issue 17, risk/quality.ts). A policy
   * written without it takes the default rule.
   */
  readonly quality: QualityRule;
  /**
   * The privacy budget of public statistics (docs/statistics.md): ε a week's releases may
   * spend together, ε all releases may spend in total, and the threshold below which a
   * noised count is released as "below". A policy written without it takes the default.
   */
  readonly statistics: StatisticsRule;
}

export interface StatisticsRule {
  readonly epsilonPerWeek: number;
  readonly epsilonTotal: number;
  readonly threshold: number;
}

/** One ε = 1 release a week for a year; noised counts below 5 are not shown. */
export const DEFAULT_STATISTICS: StatisticsRule = {
  epsilonPerWeek: 1,
  epsilonTotal: 52,
  threshold: 5,
};

/**
 * The default policy. Two rules shape it (issue 12):
 * - one member's report alone never makes a token `fraud` unless police confirmed it:
 *   every other type weighs less than the fraud threshold (checked when a policy is set);
 * - confirmed fraud does not fade to `suspicious` within a year: a police-confirmed
 *   report keeps 0.85 of its weight (0.81, `fraud` on its own), a confirmed one 0.75, so
 *   that two members' confirmations a year old still combine to 1 − (1 − 0.525)² ≈ 0.77.
 */
export const DEFAULT_POLICY: Policy = {
  weights: { police_confirmed: 0.95, confirmed_fraud: 0.7, victim_report: 0.5, suspected: 0.25 },
  halfLifeDays: {
    phone: 90,
    bank_card: 365,
    bank_account: 365,
    id_number: 730,
    imei: 365,
    device_id: 180,
    ip: 14,
    url: 30,
    domain: 90,
    email: 180,
    app: 180,
    wallet: 365,
    im_account: 180,
  },
  thresholds: { suspicious: 0.3, fraud: 0.75 },
  ageFloor: { police_confirmed: 0.85, confirmed_fraud: 0.75, victim_report: 0, suspected: 0 },
  quality: DEFAULT_QUALITY,
  statistics: DEFAULT_STATISTICS,
};

export class PolicyError extends CredenceError<'policy.invalid'> {
  constructor(field: string, reason: string) {
    super('policy.invalid', `${field} ${reason}`, {
      details: { field },
      fields: [{ field, message: reason }],
    });
  }
}

/** Checks a policy document field by field. */
export function parsePolicy(value: unknown): Policy {
  const json = (value ?? {}) as Record<string, unknown>;
  const number = (v: unknown, field: string, min: number, max: number) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max)
      throw new PolicyError(field, `must be a number from ${min} to ${max}`);
    return v;
  };
  const weights = (json.weights ?? {}) as Record<string, unknown>;
  const halfLife = (json.halfLifeDays ?? {}) as Record<string, unknown>;
  const thresholds = (json.thresholds ?? {}) as Record<string, unknown>;
  const object = (v: unknown, field: string) => {
    if (v !== undefined && (typeof v !== 'object' || v === null || Array.isArray(v)))
      throw new PolicyError(field, 'must be an object');
    return v as Record<string, unknown> | undefined;
  };
  const floor = object(json.ageFloor, 'ageFloor');
  const quality = object(json.quality, 'quality');
  const statistics = object(json.statistics, 'statistics');
  const policy: Policy = {
    weights: Object.fromEntries(
      REPORT_TYPES.map((t) => [t, number(weights[t], `weights.${t}`, 0, 1)]),
    ) as Policy['weights'],
    halfLifeDays: Object.fromEntries(
      IDENTIFIER_KINDS.map((k) => [k, number(halfLife[k], `halfLifeDays.${k}`, 0.01, 36_500)]),
    ) as Policy['halfLifeDays'],
    thresholds: {
      suspicious: number(thresholds.suspicious, 'thresholds.suspicious', 0, 1),
      fraud: number(thresholds.fraud, 'thresholds.fraud', 0, 1),
    },
    ageFloor: Object.fromEntries(
      REPORT_TYPES.map((t) => [
        t,
        floor === undefined ? 0 : number(floor[t], `ageFloor.${t}`, 0, 1),
      ]),
    ) as Policy['ageFloor'],
    quality:
      quality === undefined
        ? DEFAULT_QUALITY
        : {
            floor: number(quality.floor, 'quality.floor', 0, 1),
            prior: number(quality.prior, 'quality.prior', 0, 1_000_000),
          },
    statistics:
      statistics === undefined
        ? DEFAULT_STATISTICS
        : {
            epsilonPerWeek: number(
              statistics.epsilonPerWeek,
              'statistics.epsilonPerWeek',
              0.001,
              10,
            ),
            epsilonTotal: number(statistics.epsilonTotal, 'statistics.epsilonTotal', 0.001, 1000),
            threshold: number(statistics.threshold, 'statistics.threshold', 0, 1000),
          },
  };
  for (const field of ['epsilonPerWeek', 'epsilonTotal'] as const)
    if (thousandthsOf(policy.statistics[field]) === undefined)
      throw new PolicyError(`statistics.${field}`, 'must have at most 3 decimals');
  if (!Number.isInteger(policy.statistics.threshold))
    throw new PolicyError('statistics.threshold', 'must be a whole number');
  for (const key of Object.keys(statistics ?? {}))
    if (!['epsilonPerWeek', 'epsilonTotal', 'threshold'].includes(key))
      throw new PolicyError(`statistics.${key}`, 'is not a field of the statistics rule');
  for (const key of Object.keys(quality ?? {}))
    if (!['floor', 'prior'].includes(key))
      throw new PolicyError(`quality.${key}`, 'is not a field of the quality rule');
  if (policy.thresholds.fraud < policy.thresholds.suspicious)
    throw new PolicyError('thresholds.fraud', 'must not be below thresholds.suspicious');
  for (const key of Object.keys(json))
    if (
      !['weights', 'halfLifeDays', 'thresholds', 'ageFloor', 'quality', 'statistics'].includes(key)
    )
      throw new PolicyError(key, 'is not a field of a policy');
  return policy;
}

/**
 * The rules a policy must keep to be put in force (PUT /v1/policy), beyond its fields'
 * ranges: one member's report alone, of any type but `police_confirmed`, never makes a
 * token `fraud` (issue 12). Policies already in force before the rule are read as they
 * are (parsePolicy), so that their answers can still be recomputed.
 */
export function checkPolicyRules(policy: Policy): void {
  for (const t of REPORT_TYPES)
    if (t !== 'police_confirmed' && policy.weights[t] >= policy.thresholds.fraud)
      throw new PolicyError(
        `weights.${t}`,
        `must be below thresholds.fraud (${policy.thresholds.fraud}): one member's report alone is not enough for fraud`,
      );
}

/** A report's evidence: its weight, aged by the kind's half-life down to its type's floor. */
export function reportEvidence(
  policy: Pick<Policy, 'weights' | 'ageFloor'>,
  type: ReportType,
  ageMs: number,
  halfLifeMs: number,
): number {
  const decay = 2 ** (-Math.max(0, ageMs) / halfLifeMs);
  return policy.weights[type] * Math.max(policy.ageFloor[type], decay);
}

export type Verdict = 'clear' | 'suspicious' | 'fraud';

export interface Assessment {
  readonly verdict: Verdict;
  readonly score: number;
  readonly reporters: number;
  readonly reports: Readonly<Record<ReportType, number>>;
  readonly categories: readonly Category[];
  readonly firstSeen: number | undefined;
  readonly lastSeen: number | undefined;
  readonly explanation: string;
}

const DAY_MS = 86_400_000;

const TYPE_WORDS: Readonly<Record<ReportType, string>> = {
  police_confirmed: 'police-confirmed',
  confirmed_fraud: 'confirmed fraud',
  victim_report: 'victim report',
  suspected: 'suspected',
};

function ago(ms: number): string {
  const days = Math.floor(ms / DAY_MS);
  if (days < 1) return 'today';
  if (days === 1) return 'yesterday';
  return `${days} days ago`;
}

/** Independent evidence combined: 1 − Π (1 − e), to six decimals (what checks answer). */
export function combined(evidence: Iterable<number>): number {
  let clear = 1;
  for (const e of evidence) clear *= 1 - e;
  return Math.round((1 - clear) * 1e6) / 1e6;
}

/**
 * Each member's strongest evidence of a token at `now`: the largest weight ×
 * 2^(−age/half-life) (down to its type's floor) over its report types, weighed by the
 * member's quality weight.
 */
export function strongestEvidence(
  policy: Pick<Policy, 'weights' | 'ageFloor'>,
  stats: readonly TokenStats[],
  now: number,
  halfLifeMs: number,
  weightOf: (member: string) => number,
): Map<string, number> {
  const strongest = new Map<string, number>();
  for (const s of stats) {
    const e = reportEvidence(policy, s.type, now - s.lastSeen, halfLifeMs) * weightOf(s.memberId);
    strongest.set(s.memberId, Math.max(strongest.get(s.memberId) ?? 0, e));
  }
  return strongest;
}

/**
 * The score of SPEC §6: contributions combine as independent evidence over distinct
 * members, 1 − Π (1 − w·decay(age)), where each member counts once, with its strongest
 * evidence: the largest weight × 2^(−age/half-life) over its report types. Names no
 * member: only how many.
 */
export function assess(
  policy: Policy,
  /** The token's kind (its evidence's half-life); none for a token nobody reported. */
  kind: IdentifierKind | undefined,
  stats: readonly TokenStats[],
  now: number,
  /** Each member's quality weight (risk/quality.ts); 1 for every member when absent. */
  weightOf: (member: string) => number = () => 1,
): Assessment {
  if (kind === undefined && stats.length > 0)
    throw new TypeError('a reported token has a kind: its evidence ages by it');
  const reports = { police_confirmed: 0, confirmed_fraud: 0, victim_report: 0, suspected: 0 };
  let categories = 0;
  let firstSeen: number | undefined;
  let lastSeen: number | undefined;
  const halfLife = kind === undefined ? 0 : policy.halfLifeDays[kind] * DAY_MS;
  for (const s of stats) {
    reports[s.type] += s.reports;
    categories |= s.categories;
    firstSeen = firstSeen === undefined ? s.firstSeen : Math.min(firstSeen, s.firstSeen);
    lastSeen = lastSeen === undefined ? s.lastSeen : Math.max(lastSeen, s.lastSeen);
  }
  const strongest = strongestEvidence(policy, stats, now, halfLife, weightOf);
  const score = combined(strongest.values());
  const verdict: Verdict =
    score >= policy.thresholds.fraud
      ? 'fraud'
      : score >= policy.thresholds.suspicious
        ? 'suspicious'
        : 'clear';
  const names = CATEGORIES.filter((_, i) => (categories & (1 << i)) !== 0);
  const reporters = strongest.size;
  let explanation: string;
  if (reporters === 0) {
    explanation = 'No member has reported this identifier.';
  } else {
    const kinds = REPORT_TYPES.filter((t) => reports[t] > 0).map(
      (t) => `${reports[t]} ${TYPE_WORDS[t]}`,
    );
    const who = reporters === 1 ? '1 member' : `${reporters} members`;
    const lighter = [...strongest.keys()].filter((m) => weightOf(m) < 1).length;
    const weighed =
      lighter === 0
        ? ''
        : ` The reports of ${lighter === reporters ? (reporters === 1 ? 'that member' : 'each') : `${lighter} of them`} weigh less: other members found earlier ones false positives.`;
    explanation = `Reported by ${who} (${kinds.join(', ')}); last seen ${ago(now - (lastSeen ?? now))}${names.length > 0 ? `; ${names.join(', ')}` : ''}.${weighed}`;
  }
  return {
    verdict,
    score,
    reporters,
    reports,
    categories: names,
    firstSeen,
    lastSeen,
    explanation,
  };
}

/**
 * An answer raised by joint analysis (SPEC §6): a token in a ring whose own reports leave
 * it `clear` is `suspicious`, its score the ring's verdict on it (its strongest path's
 * risk or its ranked risk, at least the suspicious threshold, below the fraud threshold).
 * A ring alone never makes a token `fraud`. The platform answers with it and an auditor
 * recomputes answers with it.
 */
export function raiseForRing<A extends Pick<Assessment, 'verdict' | 'score'>>(
  policy: Policy,
  assessment: A,
  ring: { readonly risk: number; readonly score?: number | undefined } | undefined,
): A {
  if (ring === undefined || assessment.verdict !== 'clear') return assessment;
  const verdictOfRing = Math.max(ring.risk, ring.score ?? 0, policy.thresholds.suspicious);
  return {
    ...assessment,
    verdict: 'suspicious',
    score: Math.max(assessment.score, Math.min(verdictOfRing, policy.thresholds.fraud - 1e-6)),
  };
}
