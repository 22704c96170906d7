/**
 * Base64url without padding (RFC 4648 §5), the encoding of every binary value in
 * Credence's JSON (SPEC §7). Decoding is strict: only the URL-safe alphabet, no padding,
 * no whitespace, and the encoding must be the canonical one for the bytes it decodes to.
 */

const ALPHABET = /^[A-Za-z0-9_-]*$/;

export function encodeBase64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** Decodes, or returns undefined for anything that is not canonical base64url. */
export function decodeBase64url(text: string): Uint8Array | undefined {
  if (!ALPHABET.test(text) || text.length % 4 === 1) return undefined;
  const bytes = new Uint8Array(Buffer.from(text, 'base64url'));
  // Reject non-zero trailing bits: two spellings of one value would be two tokens.
  return encodeBase64url(bytes) === text ? bytes : undefined;
}
