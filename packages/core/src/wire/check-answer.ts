/**
 * A check's answer as the platform sends it (POST /v1/check) and the member side passes
 * it on (credence member check --json, the dashboard's risk check): one vocabulary for
 * the member package and the browser app, which both import it from here.
 */

export interface CheckAnswer {
  readonly token: string;
  readonly verdict: 'clear' | 'suspicious' | 'fraud';
  readonly score: number;
  readonly kind?: string;
  /** Distinct members whose reports count (never which). */
  readonly reporters: number;
  readonly reports: Readonly<Record<string, number>>;
  readonly categories: readonly string[];
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
  /** The ring joint analysis put the token in (the latest run), if any. */
  readonly ring: CheckRing | null;
  /** The token's ranked risk (issue 12), where a report is within reach. */
  readonly rank: CheckRank | null;
  readonly explanation: string;
  readonly policyVersion: number;
  /**
   * Names this answer when the member reports what it did with it (POST /v1/outcomes);
   * only the member that asked can use it.
   */
  readonly checkId: string;
  /** What the answer was computed from, for an auditor to recompute it. */
  readonly basis: CheckBasis;
}

export interface CheckBasis {
  /** The log's size the summary was read at. */
  readonly logSize: number;
  /** The analysis run the ring and rank come from. */
  readonly analysis: number | null;
  /** RFC 3339. */
  readonly checkedAt: string;
  /** The version of the contributors' quality weights the score used; null before any. */
  readonly quality: number | null;
}

export interface CheckRing {
  readonly id: string;
  readonly score: number;
  readonly size: number;
  readonly categories: readonly string[];
  readonly risk: number;
  readonly reason: string;
}

export interface CheckRank {
  /** A calibrated probability that the token is a ring's. */
  readonly score: number;
  /** Share of all scored tokens ranked strictly lower. */
  readonly percentile: number;
  readonly model: string;
  readonly reason: string;
}
