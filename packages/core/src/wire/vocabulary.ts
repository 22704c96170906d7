/**
 * The closed vocabularies of what members contribute (SPEC §5). Values are wire names:
 * they appear in reports, links, tokens' context and the log, so they never change.
 */

export const REPORT_TYPES = [
  'police_confirmed',
  'confirmed_fraud',
  'victim_report',
  'suspected',
] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

export const CATEGORIES = [
  'task_rebate',
  'fake_investment',
  'fake_loan',
  'fake_customer_service',
  'impersonate_authority',
  'fake_credit_repair',
  'game_trading',
  'romance',
  'impersonate_acquaintance',
  'fake_shopping',
  'phishing_sms',
  'malware_app',
  'sextortion',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const ENTITY_ROLES = [
  'caller',
  'sms_sender',
  'victim',
  'beneficiary_account',
  'payer_account',
  'contact',
  'app',
  'url',
  'device',
  'ip',
  'wallet',
] as const;
export type EntityRole = (typeof ENTITY_ROLES)[number];

export const LINK_TYPES = [
  'transfer',
  'call',
  'sms',
  'login',
  'install',
  'registered_with',
  /**
   * The identifier in `from` (a phone number, an account, a handle) was given to a new
   * holder at `at`, registered with `to` (the new holder's identity): what was reported or
   * linked about `from` before that concerns an earlier holder (issue 12: recycled numbers).
   */
  'reassigned',
] as const;
export type LinkType = (typeof LINK_TYPES)[number];
