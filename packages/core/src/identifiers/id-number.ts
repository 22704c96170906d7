import { iso7064Mod11_2 } from './checksums.js';
import { IdentifierError } from './identifier-error.js';
import { prepareText, stripSeparators } from './text.js';

/** Province-level codes (GB/T 2260) that open a resident identity number. */
const PROVINCES: ReadonlySet<string> = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
  '83',
  '91',
]);

function isCalendarDate(yyyymmdd: string): boolean {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  if (year < 1850 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day <= days;
}

/**
 * id_number (SPEC §4): the PRC resident identity number (GB 11643-1999), 18 characters:
 * a 6-digit region code, the date of birth as YYYYMMDD, a 3-digit sequence and an
 * ISO 7064 MOD 11-2 check character (0-9 or X, uppercased).
 *
 * The first-generation 15-digit number (YYMMDD, no check character) is converted to its
 * 18-character form by inserting the century "19" and computing the check character, so
 * both forms of one person's number give one token.
 */
export function normalizeIdNumber(raw: unknown): string {
  let value = stripSeparators(prepareText(raw, 'id_number')).toUpperCase();
  if (/^\d{15}$/.test(value)) {
    const payload = `${value.slice(0, 6)}19${value.slice(6)}`;
    value = payload + iso7064Mod11_2(payload);
  } else if (!/^\d{17}[\dX]$/.test(value)) {
    throw new IdentifierError('identifier.id_number.format', 'id_number');
  }
  if (!PROVINCES.has(value.slice(0, 2)))
    throw new IdentifierError('identifier.id_number.region', 'id_number');
  if (!isCalendarDate(value.slice(6, 14)))
    throw new IdentifierError('identifier.id_number.birth_date', 'id_number');
  if (iso7064Mod11_2(value.slice(0, 17)) !== value[17])
    throw new IdentifierError('identifier.id_number.checksum', 'id_number');
  return value;
}
