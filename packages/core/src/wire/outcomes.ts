import type { QualityWeights } from '../risk/quality.js';
import type { AmountBand } from './amount-band.js';

/**
 * What a member did with an answer or an alert (issue 17, docs/outcomes.md): the wire
 * names of outcomes, which appear in the log and never change. Every outcome but
 * `false_positive` says the warning was right; `payment_held` and `funds_recovered`
 * carry the amount, as a band (the exact amount never leaves the member).
 */
export const OUTCOMES = [
  'call_blocked',
  'sim_suspended',
  'payment_held',
  'account_frozen',
  'funds_recovered',
  'case_opened',
  'false_positive',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The outcomes that carry an amount band (and must). */
export const OUTCOMES_WITH_AMOUNT: readonly Outcome[] = ['payment_held', 'funds_recovered'];

export const isOutcome = (value: string): value is Outcome =>
  (OUTCOMES as readonly string[]).includes(value);

/** An outcome as a member sends it (`POST /v1/outcomes`). */
export interface OutcomeItem {
  /** The token the outcome is about (the answer's or the alert's). */
  readonly token: string;
  readonly outcome: Outcome;
  /** The id of the check whose answer the member acted on; absent: an alert about a watched token. */
  readonly checkId?: string;
  readonly amount?: AmountBand;
  /** When it was done (RFC 3339); the platform's clock when absent. */
  readonly at?: string;
}

/** A share of warnings that were right, with what it is computed from. */
export interface Precision {
  /** Members and tokens warned about and acted on (each member's latest outcome per token). */
  readonly warnings: number;
  readonly falsePositives: number;
  /** (warnings − false positives) / warnings; null with no warning acted on. */
  readonly precision: number | null;
}

/** The platform's measures of outcomes (`GET /v1/outcomes/summary`, docs/outcomes.md). */
export interface OutcomeSummary {
  /** Outcomes by kind. */
  readonly outcomes: Readonly<Partial<Record<Outcome, number>>>;
  readonly precision: Precision & {
    readonly byCategory: readonly (Precision & { readonly category: string })[];
    readonly byMemberType: readonly (Precision & { readonly memberType: string })[];
  };
  /** Answers `clear` that the member's outcome says were fraud after all. */
  readonly missed: number;
  readonly timeToFreeze: {
    /** Tokens frozen after the platform had a report of them. */
    readonly tokens: number;
    readonly medianHours: number | null;
    /** Tokens frozen before any report of them reached the platform. */
    readonly frozenBeforeAnyReport: number;
  };
  readonly amounts: readonly {
    readonly outcome: string;
    readonly bands: Readonly<Record<string, number>>;
    /** The sum's bounds in yuan, from the bands (the top band has no upper bound: null). */
    readonly atLeastCny: number;
    readonly atMostCny: number | null;
  }[];
  /** The contributors' quality weights in force (risk/quality.ts); null before any version. */
  readonly quality: QualityWeights | null;
}
