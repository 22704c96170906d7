/**
 * Police cases and disclosures on the wire (SPEC §3.3, §6; docs/cases.md): the legal
 * bases a case may rest on, what may be attached to one, the states of a disclosure
 * request, and the log's names for each step. Values are wire names: they appear in the
 * API, in members' disclosure policies and in log subjects, so they never change.
 */

/** What a case rests on. */
export const LEGAL_BASIS_TYPES = [
  'court_order',
  'prosecutor_request',
  'police_investigation',
  'emergency',
] as const;
export type LegalBasisType = (typeof LEGAL_BASIS_TYPES)[number];

/** A case's legal basis, as the police member states it when it opens the case. */
export interface LegalBasis {
  readonly type: LegalBasisType;
  /** The case number of the police or the court. */
  readonly caseNumber: string;
  /** The statute the investigation is under. */
  readonly statute: string;
  /** Who approved the request for data (an officer, a prosecutor, a judge). */
  readonly approvedBy: string;
  /** When the basis lapses (RFC 3339): no disclosure is asked or fetched after it. */
  readonly expiresAt: string;
}

/** What a case may hold: rings and campaigns of the latest analysis, reports, tokens. */
export const CASE_ITEM_KINDS = ['ring', 'campaign', 'report', 'token'] as const;
export type CaseItemKind = (typeof CASE_ITEM_KINDS)[number];

export const DISCLOSURE_STATES = ['requested', 'granted', 'denied'] as const;
export type DisclosureState = (typeof DISCLOSURE_STATES)[number];

/**
 * The steps of a case, each one `case_event` entry in the log whose subject is
 * `case/<case id>/<step>` (with `/<legal basis type>` for `opened`, `/<disclosure id>`
 * for a disclosure's steps, `/<refusal code>` for `refused`): counts per police member
 * and legal basis come from the log alone, with no token or detail in it.
 */
export const CASE_STEPS = [
  'opened',
  'attached',
  'requested',
  'granted',
  'denied',
  'fetched',
  'closed',
  'exported',
  'refused',
] as const;
export type CaseStep = (typeof CASE_STEPS)[number];

/** The log subject of a step of a case. */
export const caseSubject = (caseId: string, step: CaseStep, qualifier?: string): string =>
  qualifier === undefined ? `case/${caseId}/${step}` : `case/${caseId}/${step}/${qualifier}`;

/** A subject's parts, or undefined when it is not a case step's. */
export function parseCaseSubject(
  subject: string,
): { readonly case: string; readonly step: CaseStep; readonly qualifier?: string } | undefined {
  const m = /^case\/([a-z0-9][a-z0-9-]{0,62})\/([a-z]+)(?:\/([a-z0-9_.-]{1,64}))?$/.exec(subject);
  const step = m?.[2] as CaseStep | undefined;
  if (m === null || step === undefined || !CASE_STEPS.includes(step)) return undefined;
  return { case: m[1] as string, step, ...(m[3] === undefined ? {} : { qualifier: m[3] }) };
}
