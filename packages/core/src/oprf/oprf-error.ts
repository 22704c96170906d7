import { CredenceError } from '../errors.js';

/**
 * Failures of the OPRF protocol (RFC 9497 §2.1 and §4 name the first three). Every
 * received element, scalar and proof is checked, so these are what a peer sending bad
 * or malicious data gets. Listed in docs/errors.md.
 */
export const OPRF_ERRORS = {
  'oprf.invalid_element':
    'an element is not the canonical encoding of a group element, or is the identity',
  'oprf.invalid_scalar':
    'a scalar is not the canonical encoding of an integer below the group order',
  'oprf.invalid_input': 'the input hashes to the identity element',
  'oprf.verify_error':
    'the proof does not verify: the evaluation was not made with the committed key',
  'oprf.derive_key_pair': 'no non-zero key could be derived from this seed and info',
  'oprf.batch_mismatch': 'the batch sizes of blinded and evaluated elements differ',
  'oprf.inconsistent_shares':
    'the key shares do not lie on one polynomial with the group public key',
  'oprf.not_enough_shares': 'fewer key shares than the threshold',
} as const satisfies Record<string, string>;

export type OprfErrorCode = keyof typeof OPRF_ERRORS;

export class OprfError extends CredenceError<OprfErrorCode> {
  constructor(code: OprfErrorCode, details: Record<string, string | number | boolean> = {}) {
    super(code, OPRF_ERRORS[code], { details });
    this.name = 'OprfError';
  }
}
