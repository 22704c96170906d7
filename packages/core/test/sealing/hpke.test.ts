import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fromHex, toHex } from '@credence/core/encoding/bytes';
import { aead, suite } from '@credence/core/sealing/hpke';
import { describe, expect, it } from 'vitest';

/**
 * The HPKE suite of sealed details against RFC 9180's own vectors (Appendix A.2:
 * DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305; test-data/rfc9180). Key
 * pairs are derived from the vectors' ikm, the sender's context is set up with the
 * vector's ephemeral key, and every encryption and export is reproduced.
 */

interface Vector {
  readonly mode: number;
  readonly aead_id: number;
  readonly info: string;
  readonly ikmE: string;
  readonly ikmR: string;
  readonly ikmS?: string;
  readonly pkEm: string;
  readonly pkRm: string;
  readonly skRm: string;
  readonly pkSm?: string;
  readonly psk?: string;
  readonly psk_id?: string;
  readonly enc: string;
  readonly base_nonce: string;
  readonly encryptions: readonly { aad: string; ct: string; nonce: string; pt: string }[];
  readonly exports: readonly { exporter_context: string; L: number; exported_value: string }[];
  readonly key: string;
}

const vectors = (
  JSON.parse(
    readFileSync(resolve(import.meta.dirname, '../../test-data/rfc9180/vectors.json'), 'utf8'),
  ) as Vector[]
).filter((v) => v.aead_id === 3);

const hex = (b: ArrayBuffer | Uint8Array) => toHex(new Uint8Array(b));
const MODES = ['base', 'psk', 'auth', 'auth_psk'];

describe('HPKE (RFC 9180 A.2, X25519, HKDF-SHA256, ChaCha20Poly1305)', () => {
  it('has the four modes of the suite to test', () => {
    expect(vectors.map((v) => v.mode)).toEqual([0, 1, 2, 3]);
  });

  for (const v of vectors)
    it(`reproduces the ${MODES[v.mode]} mode vector: keys, enc, every encryption and export`, async () => {
      const recipient = await suite.kem.deriveKeyPair(fromHex(v.ikmR));
      expect(hex(await suite.kem.serializePublicKey(recipient.publicKey))).toBe(v.pkRm);
      expect(hex(await suite.kem.serializePrivateKey(recipient.privateKey))).toBe(v.skRm);
      const ephemeral = await suite.kem.deriveKeyPair(fromHex(v.ikmE));
      const senderPair =
        v.ikmS === undefined ? undefined : await suite.kem.deriveKeyPair(fromHex(v.ikmS));
      if (senderPair !== undefined)
        expect(hex(await suite.kem.serializePublicKey(senderPair.publicKey))).toBe(v.pkSm);
      const psk =
        v.psk === undefined || v.psk_id === undefined
          ? {}
          : { psk: { key: fromHex(v.psk), id: fromHex(v.psk_id) } };
      const sender = await suite.createSenderContext({
        recipientPublicKey: recipient.publicKey,
        info: fromHex(v.info),
        ekm: ephemeral,
        ...(senderPair === undefined ? {} : { senderKey: senderPair }),
        ...psk,
      });
      expect(hex(sender.enc)).toBe(v.enc);
      const opener = await suite.createRecipientContext({
        recipientKey: recipient,
        enc: fromHex(v.enc),
        info: fromHex(v.info),
        ...(senderPair === undefined ? {} : { senderPublicKey: senderPair.publicKey }),
        ...psk,
      });
      // The vectors print sequence numbers 0, 1, 2, 4, 255 and 256: the contexts, which
      // count for themselves, seal and open the first three; every one is opened with the
      // schedule's key and the nonce base_nonce XOR its sequence number.
      const base = fromHex(v.base_nonce);
      for (const [i, e] of v.encryptions.entries()) {
        if (i < 3) {
          expect(hex(await sender.seal(fromHex(e.pt), fromHex(e.aad)))).toBe(e.ct);
          expect(hex(await opener.open(fromHex(e.ct), fromHex(e.aad)))).toBe(e.pt);
        }
        const seq = [0, 1, 2, 4, 255, 256][i] as number;
        const nonce = base.slice();
        nonce[11] = (nonce[11] as number) ^ (seq & 0xff);
        nonce[10] = (nonce[10] as number) ^ (seq >> 8);
        expect(hex(nonce)).toBe(e.nonce);
        const context = aead.createEncryptionContext(fromHex(v.key));
        expect(hex(await context.open(nonce, fromHex(e.ct), fromHex(e.aad)))).toBe(e.pt);
      }
      for (const x of v.exports) {
        expect(hex(await sender.export(fromHex(x.exporter_context), x.L))).toBe(x.exported_value);
        expect(hex(await opener.export(fromHex(x.exporter_context), x.L))).toBe(x.exported_value);
      }
    });
});
