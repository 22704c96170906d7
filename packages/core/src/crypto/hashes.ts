import { hmac } from '@noble/hashes/hmac.js';
import { sha256 as nobleSha256, sha512 as nobleSha512 } from '@noble/hashes/sha2.js';
import { toHex } from '../encoding/bytes.js';

/**
 * SHA-2 and HMAC for the whole core, from one implementation: @noble/hashes (audited,
 * pure, synchronous), so that the same code runs in Node and in a browser and the
 * published vectors hold for both. A string is hashed as its UTF-8 bytes.
 */

const encoder = new TextEncoder();
const bytesOf = (data: Uint8Array | string): Uint8Array =>
  typeof data === 'string' ? encoder.encode(data) : data;

export const sha256 = (data: Uint8Array | string): Uint8Array => nobleSha256(bytesOf(data));

export const sha512 = (data: Uint8Array | string): Uint8Array => nobleSha512(bytesOf(data));

/** SHA-256 of the concatenation of the parts, without concatenating them first. */
export function sha256Parts(parts: readonly (Uint8Array | string)[]): Uint8Array {
  const h = nobleSha256.create();
  for (const part of parts) h.update(bytesOf(part));
  return h.digest();
}

/** SHA-512 of the concatenation of the parts. */
export function sha512Parts(parts: readonly (Uint8Array | string)[]): Uint8Array {
  const h = nobleSha512.create();
  for (const part of parts) h.update(bytesOf(part));
  return h.digest();
}

export const hmacSha256 = (key: Uint8Array, data: Uint8Array | string): Uint8Array =>
  hmac(nobleSha256, key, bytesOf(data));

export const sha256Hex = (data: Uint8Array | string): string => toHex(sha256(data));
