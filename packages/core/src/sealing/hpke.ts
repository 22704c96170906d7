import { Chacha20Poly1305 } from '@hpke/chacha20poly1305';
import { CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';
import { decodeBase64url, encodeBase64url } from '../encoding/base64url.js';
import { SealingError } from './sealing-error.js';

/**
 * The one HPKE suite of Credence (RFC 9180): DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
 * ChaCha20-Poly1305, from @hpke (hpke-js, which is tested against the RFC's vectors and
 * so is this suite here: test/sealing/hpke.test.ts). X25519 runs on the Web Crypto API
 * where the host has it (Node, current browsers), so it is asynchronous.
 */
export const SUITE_NAME = 'X25519-SHA256-ChaCha20Poly1305';

export const aead = new Chacha20Poly1305();
export const suite = new CipherSuite({
  kem: new DhkemX25519HkdfSha256(),
  kdf: new HkdfSha256(),
  aead,
});

/** A key as the HPKE implementation holds it (a Web Crypto key). */
export type HpkeKey = Awaited<ReturnType<typeof suite.kem.deserializePrivateKey>>;

/** A sealing key pair as files and configuration hold it: raw X25519 keys, base64url. */
export interface SealingKeys {
  readonly publicKey: string;
  readonly privateKey: string;
}

export async function generateSealingKeys(): Promise<SealingKeys> {
  const pair = await suite.kem.generateKeyPair();
  return {
    publicKey: encodeBase64url(new Uint8Array(await suite.kem.serializePublicKey(pair.publicKey))),
    privateKey: encodeBase64url(
      new Uint8Array(await suite.kem.serializePrivateKey(pair.privateKey)),
    ),
  };
}

const raw32 = (text: string): Uint8Array => {
  const bytes = typeof text === 'string' ? decodeBase64url(text) : undefined;
  if (bytes?.length !== 32) throw new SealingError('sealing.key');
  return bytes;
};

/** A raw key through the suite's own deserializer; any failure is `sealing.key`. */
async function importKey(
  deserialize: (bytes: Uint8Array) => Promise<HpkeKey>,
  text: string,
): Promise<HpkeKey> {
  try {
    return await deserialize(raw32(text));
  } catch (error) {
    throw error instanceof SealingError ? error : new SealingError('sealing.key', { cause: error });
  }
}

export const importPublicKey = (publicKey: string): Promise<HpkeKey> =>
  importKey((b) => suite.kem.deserializePublicKey(b), publicKey);

export const importPrivateKey = (privateKey: string): Promise<HpkeKey> =>
  importKey((b) => suite.kem.deserializePrivateKey(b), privateKey);
