import {
  type CountryCode,
  getCountryCallingCode,
  isSupportedCountry,
  parsePhoneNumberWithError,
} from 'libphonenumber-js/max';
import { IdentifierError } from './identifier-error.js';
import { prepareText } from './text.js';

export type PhoneRegion = CountryCode;

/** A two-letter region libphonenumber knows (`CN`, `GB`…), as a default region for national numbers. */
export const isPhoneRegion = (value: string): value is PhoneRegion => isSupportedCountry(value);

/** A phone number in its normal form, and whether it is a valid number of its country. */
export interface PhoneNumber {
  /** `+` and digits: E.164 for a valid number, the strict unverified form otherwise. */
  readonly value: string;
  /**
   * False for a number libphonenumber's full metadata does not know as valid: a spoofed
   * caller ID, a short code shown as a caller (`95588`), a number in an unassigned range.
   */
  readonly verified: boolean;
}

/** What a number may be written with besides digits: a leading `+` and separators. */
const NUMBER_TEXT = /^\+?[\d\s\-().]+$/;
/** E.164's longest number; fewer than three digits after the country code is no number. */
const MAX_DIGITS = 15;
const MIN_NATIONAL_DIGITS = 3;

/**
 * phone (SPEC §4; docs/identifiers.md). Two forms, never one for the other:
 *
 * - **Verified**: a number valid for its country by libphonenumber's full ("max")
 *   metadata, in E.164, with a default region for numbers written without a country code
 *   (CN unless configured). "+86 138-0013-8000", "13800138000" and "0086 138 0013 8000"
 *   are the same number.
 * - **Unverified**: anything else that is written as a number — digits and separators,
 *   at most a leading `+` — is kept, because fraudsters spoof caller IDs and use numbers
 *   outside assigned ranges, and two members who saw the same spoofed number must still
 *   match. Its form is strict and does not depend on the metadata: `+` and the digits as
 *   written (`+…`), after an international prefix `00`, or after the region's country
 *   code for a national number (a leading trunk `0` is kept: it cannot be told from a
 *   spoofed digit). Three to fifteen digits after the `+`, the first not 0.
 *
 * Validity is a property of the digits, so a valid and an unverified spelling never
 * meet by accident; and when a range becomes assigned (the metadata is pinned by the
 * lockfile), a mobile number's verified form is its unverified form, so its token stays.
 * Letters, or too few or too many digits, are `identifier.phone.unparseable`.
 */
export function normalizePhoneNumber(raw: unknown, region: PhoneRegion = 'CN'): PhoneNumber {
  const text = prepareText(raw, 'phone');
  try {
    const parsed = parsePhoneNumberWithError(text, { defaultCountry: region });
    if (parsed.isValid()) return { value: parsed.number, verified: true };
  } catch {
    // Not parseable by libphonenumber: the strict form below decides.
  }
  return { value: unverifiedForm(text, region), verified: false };
}

function unverifiedForm(text: string, region: PhoneRegion): string {
  if (!NUMBER_TEXT.test(text)) throw new IdentifierError('identifier.phone.unparseable', 'phone');
  const digits = text.replace(/\D/g, '');
  const international = text.startsWith('+')
    ? digits
    : digits.startsWith('00')
      ? digits.slice(2)
      : undefined;
  const full = international ?? `${getCountryCallingCode(region)}${digits}`;
  const shortest = international === undefined ? MIN_NATIONAL_DIGITS : MIN_NATIONAL_DIGITS + 1;
  if (
    !/^[1-9]\d*$/.test(full) ||
    full.length > MAX_DIGITS ||
    (international ?? digits).length < shortest
  )
    throw new IdentifierError('identifier.phone.unparseable', 'phone');
  return `+${full}`;
}

/** The normal form of a phone number, verified or not (see normalizePhoneNumber). */
export function normalizePhone(raw: unknown, region: PhoneRegion = 'CN'): string {
  return normalizePhoneNumber(raw, region).value;
}

/**
 * A number valid for its country, in E.164, or undefined: where a phone number stands for
 * an account that only a real number can have (a WhatsApp id).
 */
export function validPhone(raw: unknown, region: PhoneRegion = 'CN'): string | undefined {
  try {
    const number = normalizePhoneNumber(raw, region);
    return number.verified ? number.value : undefined;
  } catch {
    return undefined;
  }
}
