import { ed25519 } from '@noble/curves/ed25519.js';
import { randomBytes } from '../crypto/random.js';
import { decodeBase64url, encodeBase64url } from '../encoding/base64url.js';

/**
 * Ed25519 (RFC 8032) on @noble/curves (audited, pure, synchronous), verified strictly as
 * RFC 8032 and FIPS 186-5 say (no ZIP-215 leniency: a non-canonical encoding is refused).
 * Public keys travel as their raw 32 bytes in base64url; private keys are kept as JWK
 * ({"kty":"OKP","crv":"Ed25519","x","d"}, RFC 8037) in a file readable by their owner only.
 */

export interface Ed25519KeyPair {
  /** base64url of the raw 32-byte public key. */
  readonly publicKey: string;
  readonly privateJwk: {
    readonly kty: 'OKP';
    readonly crv: 'Ed25519';
    readonly x: string;
    readonly d: string;
  };
}

/** A private key ready to sign: its 32-byte seed and the public key it gives. */
export interface Ed25519PrivateKey {
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
}

export function generateEd25519(): Ed25519KeyPair {
  const seed = randomBytes(32);
  const x = encodeBase64url(ed25519.getPublicKey(seed));
  return { publicKey: x, privateJwk: { kty: 'OKP', crv: 'Ed25519', x, d: encodeBase64url(seed) } };
}

/** The signing key of a private JWK; refuses one whose `x` is not the public key of its `d`. */
export function privateKeyFromJwk(jwk: unknown): Ed25519PrivateKey {
  const j = jwk as { kty?: unknown; crv?: unknown; x?: unknown; d?: unknown } | null;
  if (
    j?.kty !== 'OKP' ||
    j.crv !== 'Ed25519' ||
    typeof j.x !== 'string' ||
    typeof j.d !== 'string'
  ) {
    throw new TypeError('not an Ed25519 private JWK');
  }
  const seed = decodeBase64url(j.d);
  if (seed?.length !== 32) throw new TypeError('not an Ed25519 private JWK');
  const publicKey = ed25519.getPublicKey(seed);
  if (encodeBase64url(publicKey) !== j.x)
    throw new TypeError('not an Ed25519 private JWK: x is not the public key of d');
  return Object.freeze({ seed, publicKey });
}

/** The base64url raw public key of a private key. */
export const publicKeyOf = (key: Ed25519PrivateKey): string => encodeBase64url(key.publicKey);

const publicKeys = new Map<string, Uint8Array>();

/** The bytes of a base64url raw public key that is a point of the curve, or undefined. */
export function publicKeyFromRaw(raw: string): Uint8Array | undefined {
  let key = publicKeys.get(raw);
  if (key !== undefined) return key;
  const bytes = decodeBase64url(raw);
  if (bytes?.length !== 32) return undefined;
  try {
    ed25519.Point.fromBytes(bytes, false);
  } catch {
    return undefined;
  }
  key = bytes;
  if (publicKeys.size > 10_000) publicKeys.clear();
  publicKeys.set(raw, key);
  return key;
}

/** The raw 64-byte Ed25519 signature of a message. */
export function signEd25519Raw(privateKey: Ed25519PrivateKey, message: Uint8Array): Uint8Array {
  return ed25519.sign(message, privateKey.seed);
}

export function signEd25519(privateKey: Ed25519PrivateKey, message: Uint8Array): string {
  return encodeBase64url(signEd25519Raw(privateKey, message));
}

/** Verifies a raw signature with a raw public key, strictly; false for anything malformed. */
export function verifyEd25519Raw(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}

/** Verifies a base64url signature; false for anything malformed. */
export function verifyEd25519(publicKey: string, message: Uint8Array, signature: string): boolean {
  const key = publicKeyFromRaw(publicKey);
  const sig = decodeBase64url(signature);
  if (key === undefined || sig === undefined) return false;
  return verifyEd25519Raw(key, message, sig);
}
