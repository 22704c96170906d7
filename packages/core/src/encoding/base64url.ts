/**
 * Base64url without padding (RFC 4648 §5), the encoding of every binary value in
 * Credence's JSON (SPEC §7). Decoding is strict: only the URL-safe alphabet, no padding,
 * no whitespace, and the encoding must be the canonical one for the bytes it decodes to.
 */

import { base64urlnopad } from '@scure/base';

const ALPHABET = /^[A-Za-z0-9_-]*$/;

export function encodeBase64url(bytes: Uint8Array): string {
  return base64urlnopad.encode(bytes);
}

/** Decodes, or returns undefined for anything that is not canonical base64url. */
export function decodeBase64url(text: string): Uint8Array | undefined {
  if (!ALPHABET.test(text) || text.length % 4 === 1) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = base64urlnopad.decode(text);
  } catch {
    return undefined;
  }
  // Reject non-zero trailing bits: two spellings of one value would be two tokens.
  return encodeBase64url(bytes) === text ? bytes : undefined;
}
