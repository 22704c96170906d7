import { hmac } from '@noble/hashes/hmac.js';
import { sha256 as nobleSha256, sha512 as nobleSha512 } from '@noble/hashes/sha2.js';
import { concat, toHex } from '../encoding/bytes.js';
import { hostBuiltin } from '../host.js';

/**
 * SHA-2 and HMAC for the whole core, behind one API. The implementation is @noble/hashes
 * (audited, pure, synchronous), which runs wherever the core runs; where the host has a
 * native one-shot SHA-2 (Node's crypto.hash, OpenSSL), SHA-256 and SHA-512 use it
 * instead, because the transparency log hashes twice per entry it appends and noble
 * cost a quarter of the SQLite append rate (BENCHMARKS.md). The two are held to each
 * other on random inputs (test/crypto/hashes.test.ts), and the published known answers run
 * on the native path in Node and on noble in a browser (test/browser-vectors.test.ts).
 * HMAC is noble's always. A string is hashed as its UTF-8 bytes.
 */

const encoder = new TextEncoder();
const bytesOf = (data: Uint8Array | string): Uint8Array =>
  typeof data === 'string' ? encoder.encode(data) : data;

type Digest = (data: Uint8Array) => Uint8Array;

/** The host's native one-shot SHA-2, as plain Uint8Arrays (a Buffer's slice is a view). */
function nativeDigest(algorithm: 'sha256' | 'sha512'): Digest | undefined {
  const native = hostBuiltin('node:crypto') as
    | { hash?: (algorithm: string, data: Uint8Array, encoding: 'buffer') => Uint8Array }
    | undefined;
  const hash = native?.hash;
  if (typeof hash !== 'function') return undefined;
  return (data) => {
    const d = hash(algorithm, data, 'buffer');
    return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  };
}

const SHA256: Digest = nativeDigest('sha256') ?? nobleSha256;
const SHA512: Digest = nativeDigest('sha512') ?? nobleSha512;

/** Whether SHA-2 runs on the host's native implementation here (else on noble). */
export const NATIVE_SHA2 = SHA256 !== nobleSha256;

export const sha256 = (data: Uint8Array | string): Uint8Array => SHA256(bytesOf(data));

export const sha512 = (data: Uint8Array | string): Uint8Array => SHA512(bytesOf(data));

/** SHA-256 of the concatenation of the parts. */
export function sha256Parts(parts: readonly (Uint8Array | string)[]): Uint8Array {
  return SHA256(concat(...parts.map(bytesOf)));
}

/** SHA-512 of the concatenation of the parts. */
export function sha512Parts(parts: readonly (Uint8Array | string)[]): Uint8Array {
  return SHA512(concat(...parts.map(bytesOf)));
}

export const hmacSha256 = (key: Uint8Array, data: Uint8Array | string): Uint8Array =>
  hmac(nobleSha256, key, bytesOf(data));

export const sha256Hex = (data: Uint8Array | string): string => toHex(sha256(data));
