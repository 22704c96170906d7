import { encodeBase64url } from '../encoding/base64url.js';

/** Bytes of the RFC 9497 output a token keeps (issue 3). */
export const TOKEN_BYTES = 32;

/**
 * A token (SPEC §3.1): the first 32 bytes of the RFC 9497 VOPRF output for the token
 * input (kind ‖ 0x00 ‖ normalized value), base64url without padding. It is always
 * used with the id of the key that made it: tokens of different keys never match.
 */
export function tokenFromOutput(output: Uint8Array): string {
  if (output.length < TOKEN_BYTES)
    throw new RangeError('an RFC 9497 output of this suite has 64 bytes');
  return encodeBase64url(output.subarray(0, TOKEN_BYTES));
}
