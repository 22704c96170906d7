import { luhnCheckDigit, luhnValid } from './checksums.js';
import { IdentifierError } from './identifier-error.js';
import { prepareText, stripSeparators } from './text.js';

/**
 * imei (SPEC §4; 3GPP TS 23.003 §6.2): 15 digits, TAC(8) + serial(6) + Luhn check digit.
 * An IMEISV (16 digits: TAC + serial + 2-digit software version) and an IMEI written
 * without its check digit (14 digits, as network equipment often reports it) are reduced
 * to the same 15-digit IMEI.
 */
export function normalizeImei(raw: unknown): string {
  const digits = stripSeparators(prepareText(raw, 'imei'));
  if (!/^\d{14,16}$/.test(digits)) throw new IdentifierError('identifier.imei.format', 'imei');
  if (digits.length === 15) {
    if (!luhnValid(digits)) throw new IdentifierError('identifier.imei.checksum', 'imei');
    return digits;
  }
  const body = digits.slice(0, 14);
  return body + String(luhnCheckDigit(body));
}
