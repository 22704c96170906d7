import type { LegalBasis } from '@credence/core/wire/cases';

/**
 * What the dashboard's servers answer and its browser app reads: one set of types for
 * both sides (this module imports nothing of Node's, so the app's bundle can use it).
 */

/** Who is signed in, and where (GET /api/session). */
export interface SessionInfo {
  readonly member: { readonly id: string; readonly name: string; readonly type: string };
  readonly role: 'member' | 'police';
  readonly language: 'en' | 'zh-CN';
  readonly csrf: string;
  readonly expiresAt: string;
}

/** A disclosure request for one of the member's reports (GET /api/disclosures). */
export interface DisclosureRow {
  readonly id: string;
  readonly status: 'requested' | 'granted' | 'denied';
  readonly case: string;
  readonly police: string;
  readonly report: string;
  /** The member's own ref of the report (it stays in the member's network). */
  readonly ref: string | null;
  readonly basis: LegalBasis;
  readonly requestedAt: string;
  readonly decidedAt: string | null;
  readonly reason: string | null;
}
