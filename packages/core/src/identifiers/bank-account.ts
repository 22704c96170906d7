import { IdentifierError } from './identifier-error.js';
import { lazyLibrary } from './lazy-library.js';
import { prepareText, stripSeparators } from './text.js';

const ibantools = lazyLibrary<typeof import('ibantools')>('ibantools');

let ibanCountries: ReadonlySet<string> | undefined;
/** The countries whose accounts are IBANs (ibantools' table, read at the first account). */
const IBAN_COUNTRIES = (): ReadonlySet<string> => {
  ibanCountries ??= new Set(
    Object.entries(ibantools().getCountrySpecifications())
      .filter(([, spec]) => (spec.chars ?? 0) > 0)
      .map(([code]) => code),
  );
  return ibanCountries;
};

/** The shortest IBAN in use (Norway) has 15 characters. */
const MIN_IBAN_LENGTH = 15;

/**
 * bank_account (SPEC §4): letters and digits only, uppercased. A value that starts with
 * an IBAN country code and two check digits and is at least as long as the shortest IBAN
 * must be a valid IBAN (country length, BBAN format, ISO 7064 mod-97): a mistyped IBAN
 * is rejected rather than tokenized as some other account.
 */
export function normalizeBankAccount(raw: unknown): string {
  const value = stripSeparators(prepareText(raw, 'bank_account')).toUpperCase();
  if (!/^[A-Z0-9]{4,34}$/.test(value))
    throw new IdentifierError('identifier.bank_account.format', 'bank_account');
  if (
    value.length >= MIN_IBAN_LENGTH &&
    /^[A-Z]{2}\d{2}/.test(value) &&
    IBAN_COUNTRIES().has(value.slice(0, 2)) &&
    !ibantools().isValidIBAN(value)
  ) {
    throw new IdentifierError('identifier.bank_account.iban', 'bank_account');
  }
  return value;
}
