import { base64 } from '@scure/base';
import { sha256 } from '../crypto/hashes.js';
import { decodeBase64url, encodeBase64url } from '../encoding/base64url.js';
import { concat, toHex, utf8 } from '../encoding/bytes.js';
import {
  type Ed25519PrivateKey,
  publicKeyFromRaw,
  publicKeyOf,
  signEd25519Raw,
  verifyEd25519Raw,
} from '../signing/ed25519.js';
import { LogError } from './log-error.js';

/**
 * Signed notes (C2SP signed-note v1): UTF-8 text ending in a newline, a blank line, and
 * one or more signature lines `— <key name> <base64(key ID || signature)>`. They carry a
 * transparency log's checkpoints and its witnesses' cosignatures (see checkpoint.ts).
 *
 *   signer    signNote, appendSignatures (to add lines made elsewhere, e.g. cosignatures)
 *   verifier  openNote with the keys it trusts: parseVerifierKey → ed25519Verifier
 *
 * A note's text must be ignored until openNote has verified it (signed-note §Note).
 * Public keys are the raw 32 bytes in base64url, as everywhere in Credence
 * (signing/ed25519.ts); inside notes and vkeys they are standard base64, as the spec says.
 */

/** Signature type bytes (signed-note §Signature types). */
export const SIGNATURE_TYPE_ED25519 = 0x01;
/** Timestamped Ed25519 witness cosignatures (C2SP tlog-cosignature, cosignature/v1). */
export const SIGNATURE_TYPE_COSIGNATURE = 0x04;
export type SignatureType = typeof SIGNATURE_TYPE_ED25519 | typeof SIGNATURE_TYPE_COSIGNATURE;

/**
 * The spec asks verifiers to cap a note's signatures and accept at least 16 (§Format);
 * 100 and 1 MiB match the Go reference implementation and bound the work an untrusted
 * note can cause.
 */
export const MAX_SIGNATURES = 100;
export const MAX_NOTE_BYTES = 1 << 20;

export const KEY_ID_LENGTH = 4;
const ED25519_PUBLIC_KEY_LENGTH = 32;
const SIGNATURE_PREFIX = '— ';

// ---------------------------------------------------------------------------------------
// Standard base64 (RFC 4648 §4), with padding, decoded strictly.

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function encodeBase64(bytes: Uint8Array): string {
  return base64.encode(bytes);
}

/**
 * Decodes standard padded base64, or returns undefined. Only the canonical spelling is
 * accepted (no whitespace, zero trailing bits): one value, one text, so a note or a root
 * hash cannot be re-spelt without breaking its signature or its equality with another.
 */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (!BASE64.test(text)) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = base64.decode(text);
  } catch {
    return undefined;
  }
  return encodeBase64(bytes) === text ? bytes : undefined;
}

// ---------------------------------------------------------------------------------------
// Key names, key IDs and verifier keys.

/** Key names are non-empty without Unicode spaces or "+" (§Format), nor control characters. */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name) && !hasControlCharacter(name, false);
}

function checkKeyName(name: string): void {
  if (!isValidKeyName(name)) throw new LogError('note.key', 'the key name is not valid');
}

/** The raw public key bytes of a base64url string or raw bytes; exactly 32 of them. */
function rawPublicKey(publicKey: string | Uint8Array): Uint8Array {
  const raw = typeof publicKey === 'string' ? decodeBase64url(publicKey) : publicKey;
  if (raw?.length !== ED25519_PUBLIC_KEY_LENGTH) {
    throw new LogError('note.key', 'an Ed25519 public key has 32 bytes');
  }
  return raw;
}

/**
 * key ID = SHA-256(key name || 0x0A || type || public key)[:4] (§Signatures). The type
 * byte separates domains: one key and name give different IDs as a plain Ed25519 signer
 * and as a cosigner.
 */
export function keyId(
  name: string,
  type: SignatureType,
  publicKey: string | Uint8Array,
): Uint8Array {
  checkKeyName(name);
  const raw = rawPublicKey(publicKey);
  return sha256(concat(utf8(name), Uint8Array.of(0x0a, type), raw)).slice(0, KEY_ID_LENGTH);
}

/** The key ID of an Ed25519 note signer (type 0x01, §Ed25519 signatures). */
export function keyIdEd25519(name: string, publicKey: string | Uint8Array): Uint8Array {
  return keyId(name, SIGNATURE_TYPE_ED25519, publicKey);
}

/** The key ID of an Ed25519 witness cosigner (type 0x04, tlog-cosignature §Format). */
export function keyIdCosignature(name: string, publicKey: string | Uint8Array): Uint8Array {
  return keyId(name, SIGNATURE_TYPE_COSIGNATURE, publicKey);
}

export interface VerifierKey {
  readonly name: string;
  readonly type: SignatureType;
  /** The 4-byte key ID. */
  readonly keyId: Uint8Array;
  /** base64url of the raw 32-byte Ed25519 public key. */
  readonly publicKey: string;
}

/**
 * The verifier key text ("vkey") `<name>+<key ID, 8 hex digits>+<base64(type || key)>`,
 * the form in which the Go implementation and witness configurations exchange keys.
 */
export function formatVerifierKey(
  name: string,
  publicKey: string | Uint8Array,
  type: SignatureType = SIGNATURE_TYPE_ED25519,
): string {
  const raw = rawPublicKey(publicKey);
  const id = keyId(name, type, raw);
  return `${name}+${toHex(id)}+${encodeBase64(concat(Uint8Array.of(type), raw))}`;
}

/**
 * Parses a vkey of type 0x01 or 0x04. The key ID in the text must be the one computed from
 * the name and key: a mistyped or spliced vkey is refused rather than silently never
 * matching a signature.
 */
export function parseVerifierKey(vkey: string): VerifierKey {
  // Names and key IDs have no "+"; base64 may: split at the first two only.
  const match = /^([^+]*)\+([^+]*)\+(.*)$/s.exec(vkey);
  const [, name, idHex, keyBase64] = match ?? [];
  if (name === undefined || idHex === undefined || keyBase64 === undefined) {
    throw new LogError('note.key', 'a verifier key is <name>+<key ID>+<base64 key>');
  }
  checkKeyName(name);
  if (!/^[0-9a-f]{8}$/i.test(idHex)) {
    throw new LogError('note.key', 'the key ID of a verifier key is 8 hex digits');
  }
  const material = decodeBase64(keyBase64);
  const type = material?.[0];
  if (
    material === undefined ||
    (type !== SIGNATURE_TYPE_ED25519 && type !== SIGNATURE_TYPE_COSIGNATURE)
  ) {
    throw new LogError(
      'note.key',
      'the key of a verifier key is base64 of type 0x01 (Ed25519) or 0x04 (cosignature) and the public key',
    );
  }
  const raw = rawPublicKey(material.subarray(1));
  const id = keyId(name, type, raw);
  if (toHex(id) !== idHex.toLowerCase()) {
    throw new LogError(
      'note.key',
      'the key ID of the verifier key does not match its name and key',
    );
  }
  return { name, type, keyId: id, publicKey: encodeBase64url(raw) };
}

// ---------------------------------------------------------------------------------------
// Parsing.

export interface NoteSignature {
  readonly name: string;
  /** The 4-byte key ID. */
  readonly keyId: Uint8Array;
  /** The signature bytes after the key ID (for cosignatures: timestamp || signature). */
  readonly signature: Uint8Array;
}

export interface Note {
  /** The signed text, including its final newline. */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Control characters (below U+0020) other than, if allowed, newline. */
function hasControlCharacter(text: string, allowNewline: boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && !(allowNewline && c === 0x0a)) return true;
  }
  return false;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A note as a checked string: UTF-8 (bytes decoded strictly), bounded, no control characters. */
function noteString(note: string | Uint8Array): string {
  let text: string;
  if (typeof note === 'string') {
    // A UTF-16 code unit is at least one UTF-8 byte: the cheap test first.
    if (note.length > MAX_NOTE_BYTES || utf8(note).length > MAX_NOTE_BYTES) {
      throw new LogError('note.malformed', 'the note is larger than 1 MiB');
    }
    if (LONE_SURROGATE.test(note)) {
      throw new LogError('note.malformed', 'the note is not valid UTF-8');
    }
    text = note;
  } else {
    if (note.length > MAX_NOTE_BYTES) {
      throw new LogError('note.malformed', 'the note is larger than 1 MiB');
    }
    try {
      text = decoder.decode(note);
    } catch {
      throw new LogError('note.malformed', 'the note is not valid UTF-8');
    }
  }
  if (hasControlCharacter(text, true)) {
    throw new LogError('note.malformed', 'the note contains control characters other than newline');
  }
  return text;
}

/** Checks the text to be signed: what parseNote would accept as a note's text. */
function checkText(text: string): void {
  noteString(text);
  if (!text.endsWith('\n')) {
    throw new LogError('note.malformed', 'the note text must end in a newline');
  }
}

/**
 * Whether a text can be the text of a note: valid UTF-8, at most 1 MiB, no control
 * characters other than newline, ending in a newline.
 */
export function isValidNoteText(text: string): boolean {
  try {
    checkText(text);
    return true;
  } catch {
    return false;
  }
}

function parseSignatureLine(line: string, index: number): NoteSignature {
  const where = { line: index + 1 };
  if (!line.startsWith(SIGNATURE_PREFIX)) {
    throw new LogError(
      'note.malformed',
      `signature line ${index + 1} does not start with an em dash and a space`,
      where,
    );
  }
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  const name = space < 0 ? '' : rest.slice(0, space);
  if (!isValidKeyName(name)) {
    throw new LogError(
      'note.malformed',
      `signature line ${index + 1} has no valid key name`,
      where,
    );
  }
  const bytes = decodeBase64(rest.slice(space + 1));
  if (bytes === undefined || bytes.length <= KEY_ID_LENGTH) {
    throw new LogError(
      'note.malformed',
      `signature line ${index + 1} is not base64 of a key ID and a signature`,
      where,
    );
  }
  return {
    name,
    keyId: bytes.slice(0, KEY_ID_LENGTH),
    signature: bytes.slice(KEY_ID_LENGTH),
  };
}

/** Parses the signature lines that follow the blank line, each ending in a newline. */
function parseSignatureLines(block: string): NoteSignature[] {
  if (block.length === 0) throw new LogError('note.malformed', 'the note has no signature lines');
  if (!block.endsWith('\n')) {
    throw new LogError('note.malformed', 'the last signature line does not end in a newline');
  }
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) {
    throw new LogError('note.malformed', `the note has more than ${MAX_SIGNATURES} signatures`, {
      limit: MAX_SIGNATURES,
    });
  }
  return lines.map(parseSignatureLine);
}

/**
 * Splits a signed note into its text and signatures, without verifying anything (§Format).
 * The text ends at the last blank line: the text may contain blank lines, the signature
 * lines cannot.
 */
export function parseNote(note: string | Uint8Array): Note {
  const whole = noteString(note);
  const split = whole.lastIndexOf('\n\n');
  if (split < 0) {
    throw new LogError('note.malformed', 'no blank line separates the text from the signatures');
  }
  return {
    text: whole.slice(0, split + 1),
    signatures: parseSignatureLines(whole.slice(split + 2)),
  };
}

// ---------------------------------------------------------------------------------------
// Signing.

export interface NoteSigner {
  /** The key name written on the signature line. */
  readonly name: string;
  /** base64url of the raw 32-byte Ed25519 public key. */
  readonly publicKey: string;
  readonly privateKey: Ed25519PrivateKey;
}

/**
 * Refuses a signer whose private key is not the one behind its public key: its signatures
 * would carry a key ID that verifiers look up to the wrong key, and fail there.
 */
export function checkSigner(signer: NoteSigner): void {
  checkKeyName(signer.name);
  rawPublicKey(signer.publicKey);
  if (publicKeyOf(signer.privateKey) !== signer.publicKey) {
    throw new LogError(
      'note.key',
      'the private key of the signer is not the one of its public key',
    );
  }
}

/** One signature line, `— <name> <base64(key ID || signature)>\n`. */
export function formatSignatureLine(signature: NoteSignature): string {
  checkKeyName(signature.name);
  if (signature.keyId.length !== KEY_ID_LENGTH || signature.signature.length === 0) {
    throw new LogError('note.malformed', 'a signature is a 4-byte key ID and signature bytes');
  }
  return `${SIGNATURE_PREFIX}${signature.name} ${encodeBase64(concat(signature.keyId, signature.signature))}\n`;
}

/** The raw Ed25519 signature (RFC 8032) of a message. */
export const signRaw = signEd25519Raw;

/** Signs a text (ending in a newline) with an Ed25519 key (type 0x01): the signed note. */
export function signNote(text: string, signer: NoteSigner): string {
  checkText(text);
  checkSigner(signer);
  const line = formatSignatureLine({
    name: signer.name,
    keyId: keyIdEd25519(signer.name, signer.publicKey),
    signature: signRaw(signer.privateKey, utf8(text)),
  });
  return `${text}\n${line}`;
}

/**
 * Adds signature lines (each ending in a newline, as formatSignatureLine and cosign make
 * them) to a signed note. A line already on the note is not added twice. Nothing is
 * verified: the note stays subject to openNote.
 */
export function appendSignatures(note: string, lines: readonly string[]): string {
  const parsed = parseNote(note);
  const existing = new Set(note.slice(parsed.text.length + 1).split(/(?<=\n)/));
  const added: string[] = [];
  for (const line of lines) {
    if (line.indexOf('\n') !== line.length - 1) {
      throw new LogError('note.malformed', 'a signature line is one line ending in a newline');
    }
    parseSignatureLines(line);
    if (!existing.has(line)) {
      existing.add(line);
      added.push(line);
    }
  }
  const result = note + added.join('');
  if (parsed.signatures.length + added.length > MAX_SIGNATURES) {
    throw new LogError(
      'note.malformed',
      `the note would have more than ${MAX_SIGNATURES} signatures`,
      {
        limit: MAX_SIGNATURES,
      },
    );
  }
  noteString(result);
  return result;
}

// ---------------------------------------------------------------------------------------
// Verification.

/**
 * A key a verifier trusts, identified as on signature lines by (name, key ID). `verify`
 * gets the note text as UTF-8 and the signature bytes after the key ID; it decides what
 * the signature covers, so cosignatures (checkpoint.ts) plug in beside plain signatures.
 */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: Uint8Array;
  verify(text: Uint8Array, signature: Uint8Array): boolean;
}

/** Verifies a raw Ed25519 signature; false for a malformed key or signature. */
export function verifyRaw(publicKey: string, message: Uint8Array, signature: Uint8Array): boolean {
  const key = publicKeyFromRaw(publicKey);
  return key !== undefined && verifyEd25519Raw(key, message, signature);
}

/** A verifier of plain Ed25519 note signatures (type 0x01) over the note text. */
export function ed25519Verifier(name: string, publicKey: string): NoteVerifier {
  const id = keyIdEd25519(name, publicKey);
  if (publicKeyFromRaw(publicKey) === undefined) {
    throw new LogError('note.key', 'the public key is not an Ed25519 public key');
  }
  return {
    name,
    keyId: id,
    verify: (text, signature) => verifyRaw(publicKey, text, signature),
  };
}

export interface VerifiedSignature extends NoteSignature {
  /** The trusted key that verified it (one of those passed to openNote). */
  readonly verifier: NoteVerifier;
}

export interface OpenedNote {
  /** The text, now verified. */
  readonly text: string;
  /** One signature per trusted key that signed, in note order. */
  readonly verified: readonly VerifiedSignature[];
  /** Signatures by keys not passed to openNote, ignored as the spec requires. */
  readonly unverified: readonly NoteSignature[];
}

function lookupKey(name: string, id: Uint8Array): string {
  return `${toHex(id)} ${name}`;
}

/**
 * Parses and verifies a signed note against the keys a verifier trusts (§Signatures):
 *
 * - signatures from unknown keys are ignored, even when they share a name or a key ID
 *   (but not both) with a known key;
 * - a signature matching a known (name, key ID) that does not verify rejects the whole
 *   note (`note.bad_signature`): someone altered the note or holds a colliding key ID,
 *   and neither should be taken as "signed by fewer keys";
 * - a note with no verified signature is rejected (`note.unsigned`).
 *
 * A key that signed twice is listed once. Which keys are required beyond "at least one"
 * is the caller's policy (verifyCheckpoint requires the log and k witnesses).
 */
export function openNote(
  note: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
): OpenedNote {
  const known = new Map<string, NoteVerifier>();
  for (const v of verifiers) {
    const key = lookupKey(v.name, v.keyId);
    if (known.has(key) && known.get(key) !== v) {
      throw new LogError('note.key', `two trusted keys share the name ${v.name} and a key ID`);
    }
    known.set(key, v);
  }
  const parsed = parseNote(note);
  const text = utf8(parsed.text);
  const verified: VerifiedSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seen = new Set<string>();
  for (const signature of parsed.signatures) {
    const key = lookupKey(signature.name, signature.keyId);
    const verifier = known.get(key);
    if (verifier === undefined) {
      unverified.push(signature);
      continue;
    }
    if (!verifier.verify(text, signature.signature)) {
      throw new LogError(
        'note.bad_signature',
        `the signature of ${verifier.name} (key ID ${toHex(verifier.keyId)})`,
        { keyName: verifier.name, keyId: toHex(verifier.keyId) },
      );
    }
    if (seen.has(key)) continue;
    seen.add(key);
    verified.push({ ...signature, verifier });
  }
  if (verified.length === 0) {
    throw new LogError('note.unsigned', 'none of its signatures is by a trusted key');
  }
  return { text: parsed.text, verified, unverified };
}
