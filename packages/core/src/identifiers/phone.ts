import { type CountryCode, parsePhoneNumberWithError } from 'libphonenumber-js/max';
import { IdentifierError } from './identifier-error.js';
import { prepareText } from './text.js';

export type PhoneRegion = CountryCode;

/**
 * phone (SPEC §4): E.164, with a default region for numbers written without a country
 * code (CN unless configured). "+86 138-0013-8000", "13800138000" and
 * "0086 138 0013 8000" are the same number.
 *
 * Acceptance uses libphonenumber's full ("max") metadata: a number must be valid for its
 * country, not merely of a possible length. A mistyped digit count would otherwise turn
 * into a token that may well belong to an innocent person. The metadata version is
 * pinned by the lockfile; it decides which numbers are accepted, never what an accepted
 * number normalizes to.
 */
export function normalizePhone(raw: unknown, region: PhoneRegion = 'CN'): string {
  const text = prepareText(raw, 'phone');
  let parsed: ReturnType<typeof parsePhoneNumberWithError>;
  try {
    parsed = parsePhoneNumberWithError(text, { defaultCountry: region });
  } catch {
    throw new IdentifierError('identifier.phone.unparseable', 'phone');
  }
  if (!parsed.isValid()) throw new IdentifierError('identifier.phone.invalid', 'phone');
  return parsed.number;
}
