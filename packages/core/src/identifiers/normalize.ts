import { normalizeApp } from './app.js';
import { normalizeBankAccount } from './bank-account.js';
import { normalizeBankCard } from './bank-card.js';
import { normalizeDeviceId } from './device-id.js';
import { normalizeDomain } from './domain.js';
import { normalizeEmail } from './email.js';
import { normalizeIdNumber } from './id-number.js';
import { IdentifierError } from './identifier-error.js';
import { normalizeImAccount } from './im-account.js';
import { normalizeImei } from './imei.js';
import { normalizeIp } from './ip.js';
import { type Identifier, type IdentifierKind, isIdentifierKind } from './kinds.js';
import { normalizePhoneNumber, type PhoneRegion } from './phone.js';
import { normalizeUrl } from './url.js';
import { normalizeWallet } from './wallet.js';

export interface NormalizeOptions {
  /** Region for phone numbers written without a country code. Default CN (SPEC §4). */
  readonly phoneRegion?: PhoneRegion;
}

export interface NormalizedIdentifier extends Identifier {
  /**
   * Identifiers the value implies, tokenized alongside it: a url yields its registrable
   * domain (or its IP address). Empty for other kinds.
   */
  readonly derived: readonly Identifier[];
  /**
   * Present (true) for a phone number kept in its unverified form: not a valid number of
   * its country (a spoofed caller ID, a short code, an unassigned range). It is tokenized
   * like any other; the mark is for the member's own eyes (`member validate`).
   */
  readonly unverified?: true;
}

export type NormalizeResult =
  | { readonly ok: true; readonly identifier: NormalizedIdentifier }
  | { readonly ok: false; readonly error: IdentifierError };

const NONE: readonly Identifier[] = Object.freeze([]);

const SIMPLE: Record<
  Exclude<IdentifierKind, 'url' | 'phone'>,
  (raw: unknown, region: PhoneRegion) => string
> = {
  bank_card: normalizeBankCard,
  bank_account: normalizeBankAccount,
  id_number: normalizeIdNumber,
  imei: normalizeImei,
  device_id: normalizeDeviceId,
  ip: normalizeIp,
  domain: normalizeDomain,
  email: normalizeEmail,
  app: normalizeApp,
  wallet: normalizeWallet,
  im_account: normalizeImAccount,
};

/**
 * Normalizes and validates one raw identifier (SPEC §4). Runs on the member side before
 * tokenization; the result's value is what `tokenInput` encodes.
 *
 * @throws IdentifierError with a stable code when the kind is unknown or the value is
 *   not a valid identifier of its kind. The error never contains the value.
 */
export function normalizeIdentifier(
  kind: unknown,
  raw: unknown,
  options: NormalizeOptions = {},
): NormalizedIdentifier {
  if (!isIdentifierKind(kind)) throw new IdentifierError('identifier.unknown_kind');
  const region = options.phoneRegion ?? 'CN';
  if (kind === 'url') {
    const url = normalizeUrl(raw);
    return { kind, value: url.value, derived: [url.host] };
  }
  if (kind === 'phone') {
    const phone = normalizePhoneNumber(raw, region);
    return phone.verified
      ? { kind, value: phone.value, derived: NONE }
      : { kind, value: phone.value, derived: NONE, unverified: true };
  }
  return { kind, value: SIMPLE[kind](raw, region), derived: NONE };
}

/** As normalizeIdentifier, but returns identifier errors instead of throwing them. */
export function tryNormalizeIdentifier(
  kind: unknown,
  raw: unknown,
  options: NormalizeOptions = {},
): NormalizeResult {
  try {
    return { ok: true, identifier: normalizeIdentifier(kind, raw, options) };
  } catch (error) {
    if (error instanceof IdentifierError) return { ok: false, error };
    throw error;
  }
}
