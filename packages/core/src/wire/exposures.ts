/**
 * Exposure warnings (issue 17, docs/exposures.md): the police upload, tokenized at their
 * own side, a list of personal data seized from fraudsters; the platform matches it
 * against the members' watchlists and alerts each watcher about its own customers
 * (`exposed`), so that it can warn them before the call. The list itself is not kept;
 * the log holds counts only.
 */

/** The member types an exposure's matches are counted by (the police watch nobody's customers). */
export const EXPOSURE_MEMBER_TYPES = ['bank', 'payment', 'telecom', 'internet'] as const;
export type ExposureMemberType = (typeof EXPOSURE_MEMBER_TYPES)[number];

/** Tokens in one upload (one part of a list): the bound of a signed batch. */
export const MAX_EXPOSURE_TOKENS = 5000;

/**
 * An upload as its police member sees it: without how many of its tokens members watch
 * (one real identifier among made-up ones would tell whether that person is some
 * member's customer).
 */
export interface ExposureUpload {
  readonly id: number;
  /** The police member that uploaded it. */
  readonly member: string;
  /** The police's own reference for the seized list, and which part of it this is. */
  readonly list: string;
  readonly part: number;
  /** When the list was seized (RFC 3339). */
  readonly seizedAt: string;
  /** Distinct tokens in the part. */
  readonly tokens: number;
  readonly createdAt: string;
}

/** An upload as the operator and auditors see it and the log holds it (without the tokens). */
export interface ExposureJson extends ExposureUpload {
  /** Of the tokens, those some member watches. */
  readonly matched: number;
  /** `exposed` alerts raised, by the watching member's type. */
  readonly alerts: Readonly<Record<ExposureMemberType, number>>;
}
