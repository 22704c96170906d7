import { CredenceError } from '../errors.js';
import type { IdentifierKind } from './kinds.js';

/**
 * Every way an identifier can be rejected, with the reason shown to the person who
 * supplied it. Codes are stable: members' pipelines match on them. Reasons describe the
 * rule that failed and never quote the value (the value may be personal data).
 * docs/errors.md lists them; a test keeps the two in step.
 */
export const IDENTIFIER_ERRORS = {
  'identifier.unknown_kind': 'the kind is not one of the identifier kinds (SPEC §4)',
  'identifier.not_a_string': 'the value must be a JSON string (numbers lose digits)',
  'identifier.empty': 'the value is empty',
  'identifier.too_long': 'the value is longer than allowed for its kind',
  'identifier.control_characters': 'the value contains control characters',
  'identifier.phone.unparseable':
    'not written as a phone number: only digits, separators and a leading +, with 3 to 15 digits',
  'identifier.bank_card.format': 'a bank card number has 12 to 19 digits',
  'identifier.bank_card.checksum':
    'the Luhn check digit does not match (a digit is probably mistyped)',
  'identifier.bank_account.format': 'an account number has 4 to 34 letters and digits',
  'identifier.bank_account.iban':
    'starts like an IBAN but is not a valid one (country length, format or mod-97 check)',
  'identifier.id_number.format':
    'a resident identity number has 18 characters: 17 digits and a check character (digit or X), or 15 digits in the old format',
  'identifier.id_number.region': 'the first two digits are not a province code',
  'identifier.id_number.birth_date': 'digits 7 to 14 are not a valid date of birth',
  'identifier.id_number.checksum':
    'the ISO 7064 MOD 11-2 check character does not match (a digit is probably mistyped)',
  'identifier.imei.format': 'an IMEI has 15 digits (14 without its check digit, 16 as IMEISV)',
  'identifier.imei.checksum': 'the IMEI Luhn check digit does not match',
  'identifier.device_id.format': 'a device id is 1 to 256 characters without whitespace',
  'identifier.ip.invalid': 'not an IPv4 or IPv6 address',
  'identifier.ip.not_global':
    'a private, shared, loopback, link-local, documentation or reserved address identifies nothing across members',
  'identifier.url.invalid': 'not a URL',
  'identifier.url.scheme': 'only http and https URLs are identifiers',
  'identifier.url.host': 'the host is neither a public domain name nor a global IP address',
  'identifier.domain.invalid': 'not a domain name',
  'identifier.domain.no_registrable_domain':
    'the name is a public suffix or a single label, so it has no registrable domain',
  'identifier.email.invalid': 'not an email address of the form local@domain',
  'identifier.app.invalid':
    'an app is a SHA-256 of its package file (64 hex digits) or a package name such as com.example.app',
  'identifier.wallet.unrecognised':
    'not a recognised wallet address (BTC, ETH and EVM chains, TRON)',
  'identifier.wallet.checksum': 'the wallet address checksum does not match',
  'identifier.im_account.format': 'an IM account is written platform:id, such as wechat:wxid_abc',
  'identifier.im_account.id': 'the account id is not valid for its platform',
} as const satisfies Record<string, string>;

export type IdentifierErrorCode = keyof typeof IDENTIFIER_ERRORS;

export class IdentifierError extends CredenceError<IdentifierErrorCode> {
  readonly kind: IdentifierKind | undefined;

  /**
   * There is deliberately no `cause`: parsers' own errors can carry the input (WHATWG
   * URL's TypeError has an `input` property), and a logged cause would leak it.
   */
  constructor(code: IdentifierErrorCode, kind?: IdentifierKind) {
    super(code, IDENTIFIER_ERRORS[code], { details: kind === undefined ? {} : { kind } });
    this.name = 'IdentifierError';
    this.kind = kind;
  }
}
