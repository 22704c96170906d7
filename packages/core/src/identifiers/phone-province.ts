import { parsePhoneNumberWithError } from 'libphonenumber-js/max';
import { regionOfAreaCode } from '../wire/region.js';

/**
 * The province a phone number names by the numbering plan, for a number in its normal
 * form (`+86…`, core/identifiers/phone.ts): a valid Chinese fixed-line number's area code
 * names its city, hence its province. Anything else names none here. A mobile number's
 * home province (归属地) is not in its digits' plan but in how the regulator allocated
 * its 7-digit block: a table of some 130,000 blocks that grows every month, and the
 * member (the subscriber's own operator or bank) knows the customer's province better,
 * so it gives `region` itself. A number of another country, or one libphonenumber does
 * not know as valid (spoofed, unassigned), names none either.
 */
export function regionOfPhone(normalized: string): string | undefined {
  if (!normalized.startsWith('+86')) return undefined;
  try {
    const parsed = parsePhoneNumberWithError(normalized);
    if (!parsed.isValid() || parsed.getType() !== 'FIXED_LINE') return undefined;
    return regionOfAreaCode(parsed.nationalNumber);
  } catch {
    return undefined;
  }
}
