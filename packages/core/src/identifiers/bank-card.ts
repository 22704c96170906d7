import { luhnValid } from './checksums.js';
import { IdentifierError } from './identifier-error.js';
import { prepareText, stripSeparators } from './text.js';

/**
 * bank_card (SPEC §4): the primary account number as digits only, 12 to 19 of them
 * (ISO/IEC 7812), with a valid Luhn check digit.
 */
export function normalizeBankCard(raw: unknown): string {
  const digits = stripSeparators(prepareText(raw, 'bank_card'));
  if (!/^\d{12,19}$/.test(digits))
    throw new IdentifierError('identifier.bank_card.format', 'bank_card');
  if (!luhnValid(digits)) throw new IdentifierError('identifier.bank_card.checksum', 'bank_card');
  return digits;
}
