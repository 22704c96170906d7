import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { decodeBase64url, encodeBase64url } from '../encoding/base64url.js';

/**
 * Ed25519 (RFC 8032) through Node's crypto (OpenSSL). Public keys travel as their raw
 * 32 bytes in base64url; private keys are kept as JWK ({"kty":"OKP","crv":"Ed25519",
 * "x","d"}) in a file readable by their owner only.
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

export function generateEd25519(): Ed25519KeyPair {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' }) as { x: string; d: string };
  return { publicKey: jwk.x, privateJwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d } };
}

export function privateKeyFromJwk(jwk: unknown): KeyObject {
  const j = jwk as { kty?: unknown; crv?: unknown; x?: unknown; d?: unknown } | null;
  if (
    j?.kty !== 'OKP' ||
    j.crv !== 'Ed25519' ||
    typeof j.x !== 'string' ||
    typeof j.d !== 'string'
  ) {
    throw new TypeError('not an Ed25519 private JWK');
  }
  return createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', x: j.x, d: j.d }, format: 'jwk' });
}

const publicKeys = new Map<string, KeyObject>();

/** The KeyObject of a base64url raw public key, or undefined if it is not one. */
export function publicKeyFromRaw(raw: string): KeyObject | undefined {
  let key = publicKeys.get(raw);
  if (key !== undefined) return key;
  const bytes = decodeBase64url(raw);
  if (bytes?.length !== 32) return undefined;
  try {
    key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw }, format: 'jwk' });
  } catch {
    return undefined;
  }
  if (publicKeys.size > 10_000) publicKeys.clear();
  publicKeys.set(raw, key);
  return key;
}

export function signEd25519(privateKey: KeyObject, message: Uint8Array): string {
  return encodeBase64url(sign(null, message, privateKey));
}

/** Verifies a base64url signature; false for anything malformed. */
export function verifyEd25519(publicKey: string, message: Uint8Array, signature: string): boolean {
  const key = publicKeyFromRaw(publicKey);
  const sig = decodeBase64url(signature);
  if (key === undefined || sig?.length !== 64) return false;
  return verify(null, message, key, sig);
}
