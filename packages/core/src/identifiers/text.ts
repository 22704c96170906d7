import { IdentifierError } from './identifier-error.js';
import type { IdentifierKind } from './kinds.js';

/** Longest raw input accepted per kind, checked before any parsing (bounded work). */
const MAX_RAW_LENGTH: Record<IdentifierKind, number> = {
  phone: 64,
  bank_card: 64,
  bank_account: 96,
  id_number: 64,
  imei: 64,
  device_id: 256,
  ip: 64,
  url: 4096,
  domain: 512,
  email: 512,
  app: 256,
  wallet: 128,
  im_account: 256,
};

// Cc: control characters. Cf: format characters such as zero-width spaces and the BOM,
// which copy-and-paste leaves behind and which no identifier legitimately contains.
const CONTROL = /\p{Cc}/u;
const FORMAT = /\p{Cf}/gu;

/**
 * The common first step: reject non-strings, control characters and oversize input,
 * drop invisible format characters, apply Unicode NFKC (full-width digits and letters,
 * common in Chinese text, become ASCII) and trim.
 */
export function prepareText(raw: unknown, kind: IdentifierKind, nfkc = true): string {
  if (typeof raw !== 'string') throw new IdentifierError('identifier.not_a_string', kind);
  if (raw.length > MAX_RAW_LENGTH[kind]) throw new IdentifierError('identifier.too_long', kind);
  if (CONTROL.test(raw.replace(/[\t\n\r]/g, ' ')))
    throw new IdentifierError('identifier.control_characters', kind);
  let text = raw.replace(FORMAT, '');
  if (nfkc) text = text.normalize('NFKC');
  text = text.trim();
  if (text.length === 0) throw new IdentifierError('identifier.empty', kind);
  return text;
}

/** Removes the separators people put inside long numbers: spaces, dashes, dots, slashes. */
export function stripSeparators(text: string): string {
  return text.replace(/[\s\-./_]/g, '');
}
