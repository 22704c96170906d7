import { createPublicKey, verify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concat, toHex, utf8 } from '../../src/encoding/bytes.js';
import {
  type CheckpointPolicy,
  cosign,
  cosignatureMessage,
  cosignatureTime,
  formatCheckpoint,
  parseCheckpoint,
  signCheckpoint,
  verifyCheckpoint,
} from '../../src/log/checkpoint.js';
import {
  appendSignatures,
  decodeBase64,
  encodeBase64,
  formatVerifierKey,
  keyIdCosignature,
  type NoteSigner,
  parseNote,
  SIGNATURE_TYPE_COSIGNATURE,
  signNote,
} from '../../src/log/signed-note.js';
import { generateEd25519, privateKeyFromJwk } from '../../src/signing/ed25519.js';

function signer(name: string): NoteSigner {
  const pair = generateEd25519();
  return { name, publicKey: pair.publicKey, privateKey: privateKeyFromJwk(pair.privateJwk) };
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (error) {
    return (error as { code?: string }).code ?? `not a CredenceError: ${String(error)}`;
  }
  return undefined;
}

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}

const ORIGIN = 'credence.example/log';
const log = signer(ORIGIN);
const w1 = signer('witness.example/w1');
const w2 = signer('witness.example/w2');
const w3 = signer('witness.example/w3');
const ROOT = Uint8Array.from({ length: 32 }, (_, i) => i);
const BODY = formatCheckpoint({ origin: ORIGIN, size: 20852163, rootHash: ROOT });
const T = 1_700_000_000;

function cosignedNote(...witnesses: NoteSigner[]): string {
  return appendSignatures(
    signCheckpoint(BODY, log),
    witnesses.map((w, i) => cosign(BODY, w, T + i)),
  );
}

const witnessKeys = [w1, w2, w3].map((w) =>
  formatVerifierKey(w.name, w.publicKey, SIGNATURE_TYPE_COSIGNATURE),
);
const logKey = formatVerifierKey(log.name, log.publicKey);

describe('checkpoint text (C2SP tlog-checkpoint)', () => {
  it('parses the example of the spec', () => {
    const cp = parseCheckpoint(
      'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n',
    );
    expect(cp.origin).toBe('example.com/behind-the-sofa');
    expect(cp.size).toBe(20852163);
    expect(toHex(cp.rootHash)).toBe(
      '0ac5186a91863e8e1d90c808014aa89bf5da8e3ee1d9f07630f0378f68f1ab62',
    );
    expect(cp.extensions).toEqual([]);
  });

  it('formats origin, size, base64 root and extension lines', () => {
    expect(BODY).toBe(`${ORIGIN}\n20852163\n${encodeBase64(ROOT)}\n`);
    const withExtensions = formatCheckpoint({
      origin: ORIGIN,
      size: 0,
      rootHash: ROOT,
      extensions: ['ext one', 'two'],
    });
    expect(withExtensions).toBe(`${ORIGIN}\n0\n${encodeBase64(ROOT)}\next one\ntwo\n`);
    expect(parseCheckpoint(withExtensions).extensions).toEqual(['ext one', 'two']);
  });

  it('round-trips (property)', () => {
    const origin = fc.stringMatching(/^[a-z0-9.\-/_]{1,40}$/);
    const extension = fc.stringMatching(/^[ -~]{1,30}$/);
    fc.assert(
      fc.property(
        origin,
        fc.maxSafeNat(),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.array(extension, { maxLength: 3 }),
        (o, size, rootHash, extensions) => {
          const body = formatCheckpoint({ origin: o, size, rootHash, extensions });
          expect(parseCheckpoint(body)).toEqual({ origin: o, size, rootHash, extensions });
          expect(formatCheckpoint(parseCheckpoint(body))).toBe(body);
        },
      ),
    );
  });

  it.each([
    '007',
    '00',
    '-1',
    '-0',
    '+1',
    '1e3',
    '1.0',
    '0x10',
    ' 1',
    '1 ',
    '',
    '١٢',
    '9007199254740992',
    '99999999999999999999',
  ])('rejects the tree size %j', (size) => {
    const body = `${ORIGIN}\n${size}\n${encodeBase64(ROOT)}\n`;
    expect(codeOf(() => parseCheckpoint(body))).toBe('checkpoint.malformed');
  });

  it('accepts the largest safe size', () => {
    const body = `${ORIGIN}\n9007199254740991\n${encodeBase64(ROOT)}\n`;
    expect(parseCheckpoint(body).size).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each([
    ['a root of 31 bytes', `${ORIGIN}\n1\n${encodeBase64(ROOT.subarray(1))}\n`],
    ['a root of 33 bytes', `${ORIGIN}\n1\n${encodeBase64(concat(ROOT, ROOT.subarray(0, 1)))}\n`],
    ['an unpadded root', `${ORIGIN}\n1\n${encodeBase64(ROOT).replace('=', '')}\n`],
    ['a hex root', `${ORIGIN}\n1\n${toHex(ROOT)}\n`],
    ['two lines', `${ORIGIN}\n1\n`],
    ['an empty origin', `\n1\n${encodeBase64(ROOT)}\n`],
    ['an empty extension line', `${ORIGIN}\n1\n${encodeBase64(ROOT)}\n\next\n`],
    ['no final newline', `${ORIGIN}\n1\n${encodeBase64(ROOT)}`],
    ['a carriage return', `${ORIGIN}\r\n1\n${encodeBase64(ROOT)}\n`],
    ['a tab in an extension', `${ORIGIN}\n1\n${encodeBase64(ROOT)}\na\tb\n`],
  ])('rejects %s', (_, body) => {
    expect(codeOf(() => parseCheckpoint(body))).toBe('checkpoint.malformed');
  });

  it('refuses to format what it could not parse', () => {
    for (const fields of [
      { origin: '', size: 1, rootHash: ROOT },
      { origin: 'has space', size: 1, rootHash: ROOT },
      { origin: 'a+b', size: 1, rootHash: ROOT },
      { origin: ORIGIN, size: -1, rootHash: ROOT },
      { origin: ORIGIN, size: 1.5, rootHash: ROOT },
      { origin: ORIGIN, size: 2 ** 53, rootHash: ROOT },
      { origin: ORIGIN, size: 1, rootHash: ROOT.subarray(1) },
      { origin: ORIGIN, size: 1, rootHash: ROOT, extensions: [''] },
      { origin: ORIGIN, size: 1, rootHash: ROOT, extensions: ['a\nb'] },
      { origin: ORIGIN, size: 1, rootHash: ROOT, extensions: ['a\u0007'] },
    ]) {
      expect(
        codeOf(() => formatCheckpoint(fields)),
        JSON.stringify(fields.origin),
      ).toBe('checkpoint.malformed');
    }
  });
});

describe('signed checkpoints', () => {
  it('verifies the log’s signature', () => {
    const note = signCheckpoint(BODY, log);
    const { checkpoint, cosignatures } = verifyCheckpoint(note, { logKey });
    expect(checkpoint).toEqual({ origin: ORIGIN, size: 20852163, rootHash: ROOT, extensions: [] });
    expect(cosignatures).toEqual([]);
    // the key can also be given as name and base64url public key
    expect(verifyCheckpoint(note, { logKey: log }).checkpoint.size).toBe(20852163);
  });

  it('refuses to sign a body that is not a checkpoint', () => {
    expect(codeOf(() => signCheckpoint('hello\n', log))).toBe('checkpoint.malformed');
  });

  it('rejects an altered size or root hash', () => {
    const note = signCheckpoint(BODY, log);
    const otherRoot = encodeBase64(ROOT.map((b, i) => (i === 0 ? b ^ 1 : b)));
    for (const altered of [
      note.replace('\n20852163\n', '\n20852164\n'),
      note.replace(encodeBase64(ROOT), otherRoot),
    ]) {
      expect(codeOf(() => verifyCheckpoint(altered, { logKey }))).toBe('note.bad_signature');
    }
  });

  it('requires the log’s signature, naming the log key', () => {
    const other = signer(ORIGIN);
    const note = signCheckpoint(BODY, other);
    expect(codeOf(() => verifyCheckpoint(note, { logKey }))).toBe('note.unsigned');
    expect(messageOf(() => verifyCheckpoint(note, { logKey }))).toContain(ORIGIN);
    // a witness's cosignature alone is not enough
    const cosignedOnly = appendSignatures(note, [cosign(BODY, w1, T)]);
    expect(
      codeOf(() =>
        verifyCheckpoint(cosignedOnly, {
          logKey,
          witnesses: witnessKeys.slice(0, 1),
          requiredWitnesses: 1,
        }),
      ),
    ).toBe('note.unsigned');
  });

  it('checks the origin against the log key’s name, or the one given', () => {
    const body = formatCheckpoint({ origin: 'other.example/log', size: 1, rootHash: ROOT });
    const note = signCheckpoint(body, log);
    expect(codeOf(() => verifyCheckpoint(note, { logKey }))).toBe('checkpoint.origin');
    expect(verifyCheckpoint(note, { logKey, origin: 'other.example/log' }).checkpoint.size).toBe(1);
  });

  it('rejects a note whose signed text is not a checkpoint', () => {
    const note = signNote('not a checkpoint\n', log);
    expect(codeOf(() => verifyCheckpoint(note, { logKey }))).toBe('checkpoint.malformed');
  });

  it('refuses keys of the wrong type', () => {
    const cosigningKey = formatVerifierKey(log.name, log.publicKey, SIGNATURE_TYPE_COSIGNATURE);
    const note = signCheckpoint(BODY, log);
    expect(codeOf(() => verifyCheckpoint(note, { logKey: cosigningKey }))).toBe('note.key');
    expect(
      codeOf(() =>
        verifyCheckpoint(note, { logKey, witnesses: [formatVerifierKey(w1.name, w1.publicKey)] }),
      ),
    ).toBe('note.key');
  });
});

describe('cosignatures (C2SP tlog-cosignature, cosignature/v1): format and k of n', () => {
  it('signs "cosignature/v1\\ntime <T>\\n" || body; the line is key ID || u64 time || signature', () => {
    const line = cosign(BODY, w1, T);
    expect(line.startsWith(`— ${w1.name} `)).toBe(true);
    const payload = decodeBase64(line.slice(line.lastIndexOf(' ') + 1, -1)) ?? new Uint8Array();
    expect(payload).toHaveLength(4 + 8 + 64);
    expect(toHex(payload.subarray(0, 4))).toBe(toHex(keyIdCosignature(w1.name, w1.publicKey)));
    expect(toHex(payload.subarray(4, 12))).toBe(T.toString(16).padStart(16, '0'));
    const message = utf8(`cosignature/v1\ntime ${T}\n${BODY}`);
    expect(cosignatureMessage(BODY, T)).toEqual(message);
    // Verified by another implementation (Node's OpenSSL), not the one that signed.
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: w1.publicKey },
      format: 'jwk',
    });
    expect(verify(null, message, key, payload.subarray(12))).toBe(true);
  });

  it('reads the time of the spec’s example cosignature', () => {
    const note =
      'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n' +
      '— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n';
    const [signature] = parseNote(note).signatures;
    expect(signature && cosignatureTime(signature.signature)).toBe(1679315147);
  });

  it('accepts k of n witnesses and reports their times', () => {
    const note = cosignedNote(w1, w3);
    const policy: CheckpointPolicy = { logKey, witnesses: witnessKeys, requiredWitnesses: 2 };
    expect(verifyCheckpoint(note, policy).cosignatures).toEqual([
      { name: w1.name, time: T },
      { name: w3.name, time: T + 1 },
    ]);
    expect(
      verifyCheckpoint(cosignedNote(w1, w2, w3), { logKey, witnesses: witnessKeys }).cosignatures,
    ).toHaveLength(3);
  });

  it('names the missing witnesses when fewer than k cosigned', () => {
    const note = cosignedNote(w2);
    const f = () =>
      verifyCheckpoint(note, { logKey, witnesses: witnessKeys, requiredWitnesses: 2 });
    expect(codeOf(f)).toBe('checkpoint.witnesses');
    const message = messageOf(f);
    expect(message).toContain('1 of the 2 required');
    expect(message).toContain(w1.name);
    expect(message).toContain(w3.name);
    expect(message).not.toContain(w2.name);
    // by default every configured witness is required
    expect(
      codeOf(() => verifyCheckpoint(cosignedNote(w1, w2), { logKey, witnesses: witnessKeys })),
    ).toBe('checkpoint.witnesses');
  });
});

describe('cosignatures: altered, malformed, unknown, repeated or refused', () => {
  it('rejects a cosignature over a different checkpoint', () => {
    const other = formatCheckpoint({ origin: ORIGIN, size: 20852164, rootHash: ROOT });
    const note = appendSignatures(signCheckpoint(BODY, log), [
      cosign(BODY, w1, T),
      cosign(other, w2, T),
    ]);
    const policy = { logKey, witnesses: witnessKeys, requiredWitnesses: 1 };
    expect(codeOf(() => verifyCheckpoint(note, policy))).toBe('note.bad_signature');
    expect(messageOf(() => verifyCheckpoint(note, policy))).toContain(w2.name);
  });

  it('rejects a cosignature whose timestamp was changed', () => {
    const line = cosign(BODY, w1, T);
    const payload = decodeBase64(line.slice(line.lastIndexOf(' ') + 1, -1)) ?? new Uint8Array();
    payload[11] = (payload[11] ?? 0) ^ 1;
    const tampered = `— ${w1.name} ${encodeBase64(payload)}\n`;
    const note = appendSignatures(signCheckpoint(BODY, log), [tampered]);
    expect(
      codeOf(() =>
        verifyCheckpoint(note, { logKey, witnesses: witnessKeys, requiredWitnesses: 0 }),
      ),
    ).toBe('note.bad_signature');
  });

  it('rejects a known witness’s cosignature of the wrong length or with an absurd time', () => {
    const id = keyIdCosignature(w1.name, w1.publicKey);
    const huge = concat(
      id,
      Uint8Array.of(0x7f, 255, 255, 255, 255, 255, 255, 255),
      new Uint8Array(64),
    );
    const short = concat(id, new Uint8Array(8 + 63));
    for (const payload of [huge, short]) {
      const note = appendSignatures(signCheckpoint(BODY, log), [
        `— ${w1.name} ${encodeBase64(payload)}\n`,
      ]);
      expect(
        codeOf(() =>
          verifyCheckpoint(note, { logKey, witnesses: witnessKeys, requiredWitnesses: 0 }),
        ),
      ).toBe('note.bad_signature');
    }
  });

  it('ignores and does not count cosignatures of unknown witnesses or plain signatures', () => {
    const stranger = signer('witness.example/stranger');
    const plain = signNote(BODY, w2).slice(BODY.length + 1); // w2's key, type 0x01
    const note = appendSignatures(cosignedNote(w1), [cosign(BODY, stranger, T), plain]);
    const f = () =>
      verifyCheckpoint(note, { logKey, witnesses: witnessKeys, requiredWitnesses: 2 });
    expect(codeOf(f)).toBe('checkpoint.witnesses');
    expect(
      verifyCheckpoint(note, { logKey, witnesses: witnessKeys, requiredWitnesses: 1 }).cosignatures,
    ).toEqual([{ name: w1.name, time: T }]);
  });

  it('counts a witness that cosigned twice, or is configured twice, once', () => {
    const note = appendSignatures(cosignedNote(w1), [cosign(BODY, w1, T + 60)]);
    const witnesses = [witnessKeys[0] ?? '', witnessKeys[0] ?? '', w1];
    expect(verifyCheckpoint(note, { logKey, witnesses }).cosignatures).toEqual([
      { name: w1.name, time: T },
    ]);
    expect(() => verifyCheckpoint(note, { logKey, witnesses, requiredWitnesses: 2 })).toThrow(
      RangeError,
    );
  });

  it('refuses times that are not whole non-negative seconds', () => {
    for (const time of [-1, 1.5, Number.NaN, 2 ** 53]) {
      expect(() => cosign(BODY, w1, time)).toThrow(RangeError);
    }
    expect(codeOf(() => cosign('not a checkpoint\n', w1, T))).toBe('checkpoint.malformed');
    expect(codeOf(() => cosign(BODY, { ...w1, publicKey: w2.publicKey }, T))).toBe('note.key');
  });
});
