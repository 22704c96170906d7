/**
 * Appeals (issue 17, docs/appeals.md): a person wrongly flagged asks, through any member,
 * for an identifier to be cleared; the operator rules. The wire names below appear in the
 * log and never change. Reasons are codes, not text: a person's own account of what
 * happened is a narrative, and narratives never reach the platform.
 */

/** Why the person says the identifier was flagged wrongly. */
export const APPEAL_REASONS = [
  /** The person had nothing to do with the fraud reported. */
  'not_involved',
  /** The number was spoofed: calls that showed it came from elsewhere. */
  'number_spoofed',
  /** The person's identity or account was stolen and used by others. */
  'identity_stolen',
  /** The number or account came to the person after the fraud (recycled). */
  'new_holder',
  /** A member says its own report named the identifier in error. */
  'reported_in_error',
  'other',
] as const;
export type AppealReason = (typeof APPEAL_REASONS)[number];

/** Why the operator rejected an appeal (an upheld one needs no reason code). */
export const REJECTION_REASONS = [
  /** The evidence behind the reports stands (e.g. a police member confirmed it). */
  'evidence_stands',
  /** The appeal gives nothing the evidence does not already answer. */
  'insufficient_grounds',
  'other',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export const APPEAL_STATUSES = ['open', 'upheld', 'rejected'] as const;
export type AppealStatus = (typeof APPEAL_STATUSES)[number];

/** An appeal as the platform answers it (`GET /v1/appeals`). */
export interface AppealJson {
  readonly id: number;
  readonly token: string;
  readonly kind: string;
  /** The member it was opened through. */
  readonly member: string;
  readonly reason: AppealReason;
  readonly openedAt: string;
  readonly status: AppealStatus;
  readonly ruledAt: string | null;
  readonly ruledBy: string | null;
  /** A rejection's reason; null while open and when upheld. */
  readonly rulingReason: RejectionReason | null;
}
