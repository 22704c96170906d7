import { CredenceError } from '../errors.js';

/**
 * Failures of sealed details (HPKE, RFC 9180). A sealed detail is someone's narrative:
 * messages say which rule failed and never quote a key, a ciphertext or a plaintext.
 * Listed in docs/errors.md.
 */
export const SEALING_ERRORS = {
  'sealing.key': 'not a sealing key: 32 bytes of X25519, base64url without padding',
  'sealing.malformed':
    'not a sealed detail: the suite, a 32-byte enc, a 16-byte salt and a ciphertext, each base64url without padding',
  'sealing.open':
    'the sealed detail does not open with this key for this report: another key, another report, or altered',
  'sealing.grant':
    'not a grant: a data key of 32 bytes re-sealed to the recipient key its case names',
  'sealing.detail':
    'not a detail: a JSON object with an optional narrative (text) and an optional exact loss (yuan, a number from 0)',
} as const satisfies Record<string, string>;

export type SealingErrorCode = keyof typeof SEALING_ERRORS;

export class SealingError extends CredenceError<SealingErrorCode> {
  constructor(code: SealingErrorCode, options: { cause?: unknown } = {}) {
    super(code, SEALING_ERRORS[code], options);
    this.name = 'SealingError';
  }
}
