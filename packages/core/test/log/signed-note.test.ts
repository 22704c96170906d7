import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64url } from '../../src/encoding/base64url.js';
import { concat, toHex, utf8 } from '../../src/encoding/bytes.js';
import { LOG_ERRORS } from '../../src/log/log-error.js';
import {
  appendSignatures,
  decodeBase64,
  ed25519Verifier,
  encodeBase64,
  formatSignatureLine,
  formatVerifierKey,
  keyIdCosignature,
  keyIdEd25519,
  MAX_NOTE_BYTES,
  MAX_SIGNATURES,
  type NoteSigner,
  openNote,
  parseNote,
  parseVerifierKey,
  SIGNATURE_TYPE_COSIGNATURE,
  SIGNATURE_TYPE_ED25519,
  signNote,
} from '../../src/log/signed-note.js';
import { generateEd25519, privateKeyFromJwk } from '../../src/signing/ed25519.js';

function signer(name: string): NoteSigner {
  const pair = generateEd25519();
  return { name, publicKey: pair.publicKey, privateKey: privateKeyFromJwk(pair.privateJwk) };
}

function verifierOf(s: NoteSigner) {
  return ed25519Verifier(s.name, s.publicKey);
}

/** Runs `f` and returns the code of the CredenceError it throws. */
function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (error) {
    return (error as { code?: string }).code ?? `not a CredenceError: ${String(error)}`;
  }
  return undefined;
}

const alice = signer('example.com/alice');
const bob = signer('example.com/bob');
const TEXT = 'a text\n\nwith a blank line\n';

describe('the Go golang.org/x/mod/sumdb/note known answer', () => {
  const vkey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
  const text =
    "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
  const line =
    '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';

  it('parses the verifier key, whose key ID is SHA-256(name || 0x0A || 0x01 || key)[:4]', () => {
    const key = parseVerifierKey(vkey);
    expect(key.name).toBe('PeterNeumann');
    expect(key.type).toBe(SIGNATURE_TYPE_ED25519);
    expect(toHex(key.keyId)).toBe('c74f20a3');
    expect(toHex(keyIdEd25519(key.name, key.publicKey))).toBe('c74f20a3');
    expect(formatVerifierKey(key.name, key.publicKey)).toBe(vkey);
  });

  it('verifies the signed note', () => {
    const key = parseVerifierKey(vkey);
    const opened = openNote(`${text}\n${line}`, [ed25519Verifier(key.name, key.publicKey)]);
    expect(opened.text).toBe(text);
    expect(opened.verified.map((s) => s.name)).toEqual(['PeterNeumann']);
    expect(opened.unverified).toEqual([]);
  });

  it('rejects it altered by one character', () => {
    const key = parseVerifierKey(vkey);
    const altered = `${text.replace('answer', 'answers')}\n${line}`;
    expect(codeOf(() => openNote(altered, [ed25519Verifier(key.name, key.publicKey)]))).toBe(
      'note.bad_signature',
    );
  });
});

describe('key IDs and verifier keys', () => {
  it('computes SHA-256(name || 0x0A || type || public key)[:4], per signature type', () => {
    const raw = decodeBase64url(alice.publicKey) ?? new Uint8Array();
    for (const [type, f] of [
      [0x01, keyIdEd25519],
      [0x04, keyIdCosignature],
    ] as const) {
      const expected = createHash('sha256')
        .update(concat(utf8(alice.name), Uint8Array.of(0x0a, type), raw))
        .digest()
        .subarray(0, 4);
      expect(toHex(f(alice.name, alice.publicKey))).toBe(toHex(expected));
      expect(toHex(f(alice.name, raw))).toBe(toHex(expected));
    }
    expect(toHex(keyIdEd25519(alice.name, alice.publicKey))).not.toBe(
      toHex(keyIdCosignature(alice.name, alice.publicKey)),
    );
  });

  it('round-trips vkeys of both types', () => {
    for (const type of [SIGNATURE_TYPE_ED25519, SIGNATURE_TYPE_COSIGNATURE] as const) {
      const text = formatVerifierKey(alice.name, alice.publicKey, type);
      expect(text).toMatch(/^example\.com\/alice\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
      const key = parseVerifierKey(text);
      expect(key).toEqual({
        name: alice.name,
        type,
        keyId:
          type === 1
            ? keyIdEd25519(alice.name, alice.publicKey)
            : keyIdCosignature(alice.name, alice.publicKey),
        publicKey: alice.publicKey,
      });
    }
  });

  it('parses vkeys whose base64 contains "+"', () => {
    let found = 0;
    for (let i = 0; i < 200 && found < 3; i++) {
      const s = signer(`k${i}`);
      const vkey = formatVerifierKey(s.name, s.publicKey);
      if (vkey.split('+').length <= 3) continue;
      found++;
      expect(parseVerifierKey(vkey).publicKey).toBe(s.publicKey);
    }
    expect(found).toBe(3);
  });

  it('refuses malformed vkeys and a key ID that does not match', () => {
    const good = formatVerifierKey(alice.name, alice.publicKey);
    const [name, id, key] = good.split('+') as [string, string, string];
    const raw = decodeBase64url(alice.publicKey) ?? new Uint8Array();
    const wrongId = (Number.parseInt(id, 16) ^ 1).toString(16).padStart(8, '0');
    for (const vkey of [
      `${name}+${wrongId}+${key}`,
      `${bob.name}+${id}+${key}`,
      `${name}+${id.slice(1)}+${key}`,
      `${name}+${id}`,
      `${name}+${id}+${key}+x`,
      `+${id}+${key}`,
      `a b+${id}+${key}`,
      `${name}+${id}+${encodeBase64(concat(Uint8Array.of(0x02), raw))}`,
      `${name}+${id}+${encodeBase64(concat(Uint8Array.of(0x01), raw.subarray(1)))}`,
      `${name}+${id}+${key.slice(0, -1)}`,
    ]) {
      expect(
        codeOf(() => parseVerifierKey(vkey)),
        vkey,
      ).toBe('note.key');
    }
  });

  it('refuses key names with spaces, "+" or control characters', () => {
    for (const name of ['', 'a b', 'a+b', 'a\u00a0b', 'a\u2003b', 'a\tb', 'a\u0001b']) {
      expect(
        codeOf(() => keyIdEd25519(name, alice.publicKey)),
        name,
      ).toBe('note.key');
    }
    expect(codeOf(() => keyIdEd25519('a', alice.publicKey.slice(0, 40)))).toBe('note.key');
  });
});

describe('standard base64', () => {
  it('decodes only the canonical padded spelling', () => {
    expect(decodeBase64('AAE=')).toEqual(Uint8Array.of(0, 1));
    for (const text of ['AAE', 'AAF=', 'AA E=', 'AA-_', 'A===', 'AAE=\n']) {
      expect(decodeBase64(text), text).toBeUndefined();
    }
  });
});

describe('signing and opening notes', () => {
  it('round-trips a note signed by several keys', () => {
    const once = signNote(TEXT, alice);
    expect(once.startsWith(`${TEXT}\n— example.com/alice `)).toBe(true);
    const twice = appendSignatures(once, [signNote(TEXT, bob).slice(TEXT.length + 1)]);
    const parsed = parseNote(twice);
    expect(parsed.text).toBe(TEXT);
    expect(parsed.signatures.map((s) => s.name)).toEqual([alice.name, bob.name]);
    expect(parsed.signatures[0]?.signature.length).toBe(64);
    const opened = openNote(twice, [verifierOf(alice), verifierOf(bob)]);
    expect(opened.verified.map((s) => s.name)).toEqual([alice.name, bob.name]);
    expect(openNote(twice, [verifierOf(bob)]).unverified.map((s) => s.name)).toEqual([alice.name]);
  });

  it('round-trips any text (property)', () => {
    const line = fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) =>
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
      s.replace(/[\u0000-\u001f]/g, ''),
    );
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 6 }), (lines) => {
        const text = `${lines.join('\n')}\n`;
        const opened = openNote(signNote(text, alice), [verifierOf(alice)]);
        expect(opened.text).toBe(text);
      }),
      { numRuns: 50 },
    );
  });

  it('accepts the note as UTF-8 bytes', () => {
    const note = signNote('héllo, 世界\n', alice);
    expect(openNote(utf8(note), [verifierOf(alice)]).text).toBe('héllo, 世界\n');
  });

  it('rejects altered text', () => {
    const note = signNote(TEXT, alice);
    expect(codeOf(() => openNote(note.replace('a text', 'A text'), [verifierOf(alice)]))).toBe(
      'note.bad_signature',
    );
  });

  it('ignores signatures from unknown keys, even sharing a name or a key ID', () => {
    const note = appendSignatures(signNote(TEXT, alice), [
      signNote(TEXT, bob).slice(TEXT.length + 1),
      // same name as alice, another key: another key ID
      signNote(TEXT, { ...signer(alice.name) }).slice(TEXT.length + 1),
      // alice's key ID under another name
      formatSignatureLine({
        name: 'example.com/mallory',
        keyId: keyIdEd25519(alice.name, alice.publicKey),
        signature: new Uint8Array(64),
      }),
    ]);
    const opened = openNote(note, [verifierOf(alice)]);
    expect(opened.verified.map((s) => s.name)).toEqual([alice.name]);
    expect(opened.unverified).toHaveLength(3);
  });

  it('rejects the whole note when a known key’s signature does not verify', () => {
    const forged = formatSignatureLine({
      name: bob.name,
      keyId: keyIdEd25519(bob.name, bob.publicKey),
      signature: new Uint8Array(64),
    });
    const note = appendSignatures(signNote(TEXT, alice), [forged]);
    expect(codeOf(() => openNote(note, [verifierOf(alice), verifierOf(bob)]))).toBe(
      'note.bad_signature',
    );
    // …and names the key, which comes from the verifier's configuration.
    expect(() => openNote(note, [verifierOf(alice), verifierOf(bob)])).toThrow(bob.name);
    // Without bob's key, the same line is just unknown.
    expect(openNote(note, [verifierOf(alice)]).unverified).toHaveLength(1);
  });

  it('rejects a note with no signature from a trusted key', () => {
    expect(codeOf(() => openNote(signNote(TEXT, alice), [verifierOf(bob)]))).toBe('note.unsigned');
    expect(codeOf(() => openNote(signNote(TEXT, alice), []))).toBe('note.unsigned');
  });

  it('treats a signature with a wrong key ID as another key’s', () => {
    const line = signNote(TEXT, alice).slice(TEXT.length + 1);
    const bytes = decodeBase64(line.slice(line.lastIndexOf(' ') + 1, -1)) ?? new Uint8Array();
    bytes[0] = (bytes[0] ?? 0) ^ 0xff;
    const wrong = `${TEXT}\n— ${alice.name} ${encodeBase64(bytes)}\n`;
    expect(codeOf(() => openNote(wrong, [verifierOf(alice)]))).toBe('note.unsigned');
  });

  it('counts a key that signed twice once, and verifies both', () => {
    const note = signNote(TEXT, alice);
    const line = note.slice(TEXT.length + 1);
    const doubled = `${note}${line}`;
    expect(openNote(doubled, [verifierOf(alice)]).verified).toHaveLength(1);
    expect(appendSignatures(note, [line])).toBe(note);
  });

  it('refuses a signer whose private key is not that of its public key', () => {
    expect(codeOf(() => signNote(TEXT, { ...alice, publicKey: bob.publicKey }))).toBe('note.key');
    expect(codeOf(() => signNote(TEXT, { ...alice, name: 'a+b' }))).toBe('note.key');
  });

  it('refuses to sign text that cannot be a note’s', () => {
    for (const text of ['no final newline', 'a\rb\n', 'tab\there\n', 'nul\u0000\n', '\ud800\n']) {
      expect(
        codeOf(() => signNote(text, alice)),
        JSON.stringify(text),
      ).toBe('note.malformed');
    }
  });
});

describe('parsing malformed notes', () => {
  const note = signNote(TEXT, alice);
  const line = note.slice(TEXT.length + 1);
  const payload = line.slice(line.lastIndexOf(' ') + 1, -1);

  it.each([
    ['no blank line', `${TEXT}${line}`],
    ['no signature lines', `${TEXT}\n`],
    ['a signature line without final newline', note.slice(0, -1)],
    ['an empty signature line', `${note}\n`],
    ['a hyphen for the em dash', `${TEXT}\n- ${alice.name} ${payload}\n`],
    ['no space after the dash', `${TEXT}\n—${alice.name} ${payload}\n`],
    ['no key name', `${TEXT}\n—  ${payload}\n`],
    ['no signature', `${TEXT}\n— ${alice.name}\n`],
    ['a key name with "+"', `${TEXT}\n— a+b ${payload}\n`],
    ['two spaces', `${TEXT}\n— ${alice.name}  ${payload}\n`],
    ['unpadded base64', `${TEXT}\n— ${alice.name} ${payload.replace(/=+$/, '')}\n`],
    ['a payload that is not base64', `${TEXT}\n— ${alice.name} ${payload}x\n`],
    ['non-canonical base64', `${TEXT}\n— ${alice.name} ${payload.slice(0, -2)}B=\n`],
    ['a signature of 4 bytes', `${TEXT}\n— ${alice.name} AAAAAA==\n`],
    ['a carriage return', note.replace('\n\n—', '\r\n\n—')],
    ['a carriage return in a signature line', note.replace(/\n$/, '\r\n')],
    ['a tab in the text', note.replace('a text', 'a\ttext')],
    ['a NUL', `\u0000${note}`],
    ['a lone surrogate', `\ud800${note}`],
  ])('rejects %s', (_, bad) => {
    expect(codeOf(() => parseNote(bad))).toBe('note.malformed');
    expect(codeOf(() => openNote(bad, [verifierOf(alice)]))).toBe('note.malformed');
  });

  it('rejects invalid UTF-8 bytes', () => {
    const bytes = concat(Uint8Array.of(0xc3, 0x28), utf8(note));
    expect(codeOf(() => parseNote(bytes))).toBe('note.malformed');
  });

  it(`accepts ${MAX_SIGNATURES} signatures and rejects more`, () => {
    const lines = Array.from({ length: MAX_SIGNATURES }, (_, i) => {
      const s = signer(`k${i}`);
      return signNote(TEXT, s).slice(TEXT.length + 1);
    });
    const full = `${TEXT}\n${lines.join('')}`;
    expect(parseNote(full).signatures).toHaveLength(MAX_SIGNATURES);
    expect(codeOf(() => parseNote(`${full}${line}`))).toBe('note.malformed');
    expect(codeOf(() => appendSignatures(full, [line]))).toBe('note.malformed');
  });

  it('rejects notes larger than 1 MiB, without quoting them', () => {
    const big = `${'x'.repeat(MAX_NOTE_BYTES)}\n\n${line}`;
    expect(codeOf(() => parseNote(big))).toBe('note.malformed');
    expect(codeOf(() => parseNote(utf8(big)))).toBe('note.malformed');
    // multi-byte characters count as their UTF-8 bytes
    const wide = `${'é'.repeat(MAX_NOTE_BYTES / 2)}\n\n${line}`;
    expect(codeOf(() => parseNote(wide))).toBe('note.malformed');
    try {
      parseNote(big);
    } catch (error) {
      expect((error as Error).message.length).toBeLessThan(300);
    }
  });

  it('refuses appended lines that are not one signature line', () => {
    expect(codeOf(() => appendSignatures(note, [line.slice(0, -1)]))).toBe('note.malformed');
    expect(codeOf(() => appendSignatures(note, [`${line}${line}`]))).toBe('note.malformed');
    expect(codeOf(() => appendSignatures(note, ['— x\n']))).toBe('note.malformed');
  });

  it('says which rule failed, with a documented code', () => {
    try {
      parseNote(`${TEXT}\n- ${alice.name} ${payload}\n`);
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toBe(
        `${LOG_ERRORS['note.malformed']}: signature line 1 does not start with an em dash and a space`,
      );
      expect((error as Error).message).not.toContain(payload);
    }
  });
});
