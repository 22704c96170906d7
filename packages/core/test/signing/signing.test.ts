import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeBase64url } from '../../src/encoding/base64url.js';
import { fromHex, utf8 } from '../../src/encoding/bytes.js';
import { canonicalJson } from '../../src/signing/canonical-json.js';
import {
  generateEd25519,
  privateKeyFromJwk,
  signEd25519,
  verifyEd25519,
} from '../../src/signing/ed25519.js';
import {
  canonicalBatch,
  type ReportBatch,
  signBatch,
  verifyBatchSignature,
} from '../../src/wire/batches.js';

describe('RFC 8785 canonical JSON', () => {
  it('serializes the example of RFC 8785 §3.2.2', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    );
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units, at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 0, y: 1 }], c: 3 }, '€': 4, '\u0080': 5 })).toBe(
      '{"a":{"c":3,"d":[2,{"y":1,"z":0}]},"b":1,"\u0080":5,"€":4}',
    );
  });

  it('refuses what is not JSON', () => {
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });
});

describe('Ed25519 (RFC 8032)', () => {
  it('verifies test vector 1 of RFC 8032 §7.1', () => {
    const publicKey = encodeBase64url(
      fromHex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a'),
    );
    const signature = encodeBase64url(
      fromHex(
        'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
      ),
    );
    expect(verifyEd25519(publicKey, new Uint8Array(), signature)).toBe(true);
    const key = privateKeyFromJwk({
      kty: 'OKP',
      crv: 'Ed25519',
      x: publicKey,
      d: encodeBase64url(
        fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'),
      ),
    });
    expect(signEd25519(key, new Uint8Array())).toBe(signature);
  });

  it('rejects a changed message, another key and malformed input', () => {
    const pair = generateEd25519();
    const key = privateKeyFromJwk(pair.privateJwk);
    const sig = signEd25519(key, utf8('batch'));
    expect(verifyEd25519(pair.publicKey, utf8('batch'), sig)).toBe(true);
    expect(verifyEd25519(pair.publicKey, utf8('batcH'), sig)).toBe(false);
    expect(verifyEd25519(generateEd25519().publicKey, utf8('batch'), sig)).toBe(false);
    expect(verifyEd25519('short', utf8('batch'), sig)).toBe(false);
    expect(verifyEd25519(pair.publicKey, utf8('batch'), 'AAAA')).toBe(false);
  });

  it('signs byte for byte as another implementation (OpenSSL, through Node) does, and each verifies the other', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (message) => {
        const pair = generateEd25519();
        const ours = signEd25519(privateKeyFromJwk(pair.privateJwk), message);
        const openssl = sign(
          null,
          message,
          createPrivateKey({ key: { ...pair.privateJwk }, format: 'jwk' }),
        );
        expect(ours).toBe(encodeBase64url(openssl));
        const publicKey = createPublicKey({
          key: { kty: 'OKP', crv: 'Ed25519', x: pair.publicKey },
          format: 'jwk',
        });
        expect(verify(null, message, publicKey, Buffer.from(ours, 'base64url'))).toBe(true);
        expect(verifyEd25519(pair.publicKey, message, encodeBase64url(openssl))).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('refuses a signature whose S is not reduced (RFC 8032 §5.1.7), which lenient rules accept', () => {
    const pair = generateEd25519();
    const message = utf8('batch');
    const sig = Buffer.from(signEd25519(privateKeyFromJwk(pair.privateJwk), message), 'base64url');
    // S + L: the same point equation holds, but the encoding is not canonical.
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    let s = 0n;
    for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(sig[32 + i] as number);
    let t = s + L;
    const malleated = Buffer.from(sig);
    for (let i = 0; i < 32; i++, t >>= 8n) malleated[32 + i] = Number(t & 0xffn);
    expect(t).toBe(0n);
    expect(verifyEd25519(pair.publicKey, message, encodeBase64url(sig))).toBe(true);
    expect(verifyEd25519(pair.publicKey, message, encodeBase64url(malleated))).toBe(false);
  });

  it("refuses a private JWK whose x is not d's public key", () => {
    const a = generateEd25519();
    const b = generateEd25519();
    expect(() => privateKeyFromJwk({ ...a.privateJwk, x: b.publicKey })).toThrow(TypeError);
    expect(() => privateKeyFromJwk({ ...a.privateJwk, d: 'AAAA' })).toThrow(TypeError);
  });
});

describe('signed batches', () => {
  const batch: ReportBatch = {
    member: 'bank-a',
    batchId: 'b1',
    createdAt: '2026-11-25T10:00:00Z',
    reports: [
      {
        ref: 'r1',
        type: 'suspected',
        category: 'other',
        occurredAt: '2026-11-20T10:12:00Z',
        entities: [{ role: 'caller', kind: 'phone', token: 'x'.repeat(43), keyId: 'k1' }],
      },
    ],
  };

  it('verify whatever the key order of the JSON sent', () => {
    const pair = generateEd25519();
    const signed = signBatch(batch, privateKeyFromJwk(pair.privateJwk), pair.publicKey);
    const reordered = JSON.parse(
      JSON.stringify({
        signature: signed.signature,
        publicKey: signed.publicKey,
        batch: {
          reports: batch.reports,
          createdAt: batch.createdAt,
          batchId: 'b1',
          member: 'bank-a',
        },
      }),
    );
    expect(verifyBatchSignature(reordered)).toBe(true);
  });

  it('fail when any item is changed', () => {
    const pair = generateEd25519();
    const signed = signBatch(batch, privateKeyFromJwk(pair.privateJwk), pair.publicKey);
    const changed = {
      ...signed,
      batch: { ...batch, reports: [{ ...batch.reports[0], type: 'police_confirmed' }] },
    };
    expect(verifyBatchSignature(changed)).toBe(false);
  });
});

describe('canonicalBatch', () => {
  const json = fc.jsonValue({ maxDepth: 3 });
  it('composes exactly the RFC 8785 form of the whole batch, and of each item', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ unit: 'binary' }), json),
        fc.array(json, { maxLength: 8 }),
        fc.constantFrom<'reports' | 'links'>('reports', 'links'),
        (others, items, key) => {
          const batch = { ...others, [key]: items };
          const { text, items: each } = canonicalBatch(batch, key);
          expect(text).toBe(canonicalJson(batch));
          expect(each).toEqual(items.map((i) => canonicalJson(i)));
        },
      ),
    );
  });

  it('verifies with the composed form as with its own', () => {
    const pair = generateEd25519();
    const batch = {
      member: 'bank-a',
      batchId: 'b2',
      createdAt: '2026-11-25T10:00:00Z',
      links: [{ link: 'call', at: '2026-11-20T10:00:00Z', count: 1, note: '电话 ☎' }],
    };
    const signed = signBatch(batch, privateKeyFromJwk(pair.privateJwk), pair.publicKey);
    expect(verifyBatchSignature(signed, canonicalBatch(batch, 'links').text)).toBe(true);
    expect(
      verifyBatchSignature(signed, canonicalBatch({ ...batch, batchId: 'b3' }, 'links').text),
    ).toBe(false);
  });
});
