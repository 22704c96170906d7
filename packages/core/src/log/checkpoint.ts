import { concat, i2osp, toHex, utf8 } from '../encoding/bytes.js';
import { publicKeyFromRaw } from '../signing/ed25519.js';
import { LogError } from './log-error.js';
import {
  checkSigner,
  decodeBase64,
  ed25519Verifier,
  encodeBase64,
  formatSignatureLine,
  isValidKeyName,
  isValidNoteText,
  keyIdCosignature,
  type NoteSigner,
  type NoteVerifier,
  openNote,
  parseVerifierKey,
  SIGNATURE_TYPE_COSIGNATURE,
  SIGNATURE_TYPE_ED25519,
  signNote,
  signRaw,
  verifyRaw,
} from './signed-note.js';

/**
 * Checkpoints of a transparency log (C2SP tlog-checkpoint v1) and their witness
 * cosignatures (C2SP tlog-cosignature, Ed25519 cosignature/v1).
 *
 *   log        formatCheckpoint → signCheckpoint
 *   witness    parseCheckpoint (after checking consistency elsewhere) → cosign → a line
 *              the log adds with appendSignatures (signed-note.ts)
 *   client     verifyCheckpoint with the log's key and k of n witnesses
 *
 * Pure: the witness's clock is an argument of cosign.
 */

export const ROOT_HASH_LENGTH = 32;

export interface Checkpoint {
  /** The log's identity, e.g. `example.com/log42` (tlog-checkpoint §Note text, line 1). */
  readonly origin: string;
  /** The number of leaves in the tree. */
  readonly size: number;
  /** The RFC 6962 Merkle tree hash at `size`, 32 bytes. */
  readonly rootHash: Uint8Array;
  /** Opaque extension lines, each non-empty; not auditable, so best left empty. */
  readonly extensions: readonly string[];
}

export interface CheckpointFields {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
  readonly extensions?: readonly string[];
}

const SIZE = /^(?:0|[1-9][0-9]{0,15})$/;

/**
 * Parses a checkpoint's note text strictly (§Note text): one spelling per checkpoint, so
 * equal checkpoints are equal texts and a witness or client never accepts a variant the
 * log did not write. The size must be a safe integer (below 2^53): trees that large are
 * not ours to handle, and a rounded size would be a different checkpoint.
 */
export function parseCheckpoint(body: string): Checkpoint {
  if (!isValidNoteText(body)) {
    throw new LogError(
      'checkpoint.malformed',
      'the text must be valid UTF-8 without control characters, ending in a newline',
    );
  }
  const lines = body.slice(0, -1).split('\n');
  const [origin, sizeLine, rootLine, ...extensions] = lines;
  if (origin === undefined || sizeLine === undefined || rootLine === undefined) {
    throw new LogError('checkpoint.malformed', 'a checkpoint has at least three lines');
  }
  if (origin.length === 0) throw new LogError('checkpoint.malformed', 'the origin is empty');
  const size = Number(sizeLine);
  if (!SIZE.test(sizeLine) || !Number.isSafeInteger(size)) {
    throw new LogError(
      'checkpoint.malformed',
      'the tree size is not a decimal integer without leading zeros, at most 2^53 - 1',
    );
  }
  const rootHash = decodeBase64(rootLine);
  if (rootHash?.length !== ROOT_HASH_LENGTH) {
    throw new LogError('checkpoint.malformed', 'the root hash is not base64 of 32 bytes');
  }
  if (extensions.some((line) => line.length === 0)) {
    throw new LogError('checkpoint.malformed', 'an extension line is empty');
  }
  return { origin, size, rootHash, extensions };
}

/**
 * The note text of a checkpoint. The origin must follow the spec's recommendation (a
 * schema-less URL without spaces or "+"), which keeps it usable as the log's key name.
 */
export function formatCheckpoint(fields: CheckpointFields): string {
  if (!isValidKeyName(fields.origin)) {
    throw new LogError(
      'checkpoint.malformed',
      'the origin must be non-empty without spaces or "+"',
    );
  }
  if (!Number.isSafeInteger(fields.size) || fields.size < 0) {
    throw new LogError('checkpoint.malformed', 'the tree size is a non-negative safe integer');
  }
  if (fields.rootHash.length !== ROOT_HASH_LENGTH) {
    throw new LogError('checkpoint.malformed', 'the root hash is not base64 of 32 bytes');
  }
  const extensions = fields.extensions ?? [];
  if (extensions.some((line) => line.length === 0 || line.includes('\n'))) {
    throw new LogError('checkpoint.malformed', 'an extension is one non-empty line');
  }
  const body = [fields.origin, String(fields.size), encodeBase64(fields.rootHash), ...extensions]
    .map((line) => `${line}\n`)
    .join('');
  parseCheckpoint(body); // the remaining rules: control characters, UTF-8
  return body;
}

/**
 * The log's signed note of a checkpoint (plain Ed25519, type 0x01). The log's key name
 * should be its origin (§Signatures), which verifyCheckpoint expects by default.
 */
export function signCheckpoint(body: string, logSigner: NoteSigner): string {
  parseCheckpoint(body);
  return signNote(body, logSigner);
}

// ---------------------------------------------------------------------------------------
// Cosignatures (tlog-cosignature, Ed25519 cosignature/v1).

const COSIGNATURE_LENGTH = 8 + 64;

/**
 * The message a witness signs (§Ed25519 signed message): `cosignature/v1\n`, `time <T>\n`
 * with T in decimal seconds since the epoch, then the checkpoint's whole note text. The
 * header separates it from any other use of the key; the time dates the witness's claim
 * that this was the largest consistent tree it had seen.
 */
export function cosignatureMessage(body: string | Uint8Array, timeSeconds: number): Uint8Array {
  return concat(
    utf8(`cosignature/v1\ntime ${timeSeconds}\n`),
    typeof body === 'string' ? utf8(body) : body,
  );
}

/**
 * A witness's cosignature line over a checkpoint: `— <name> base64(key ID || u64 time ||
 * Ed25519 signature)`, key ID of type 0x04. The witness must have checked the checkpoint's
 * consistency with what it saw before; that is not this function's business.
 */
export function cosign(
  checkpointBody: string,
  witnessSigner: NoteSigner,
  timeSeconds: number,
): string {
  if (!Number.isSafeInteger(timeSeconds) || timeSeconds < 0) {
    throw new RangeError('cosign: the time is a whole number of seconds since the epoch');
  }
  parseCheckpoint(checkpointBody);
  checkSigner(witnessSigner);
  const signature = signRaw(
    witnessSigner.privateKey,
    cosignatureMessage(checkpointBody, timeSeconds),
  );
  return formatSignatureLine({
    name: witnessSigner.name,
    keyId: keyIdCosignature(witnessSigner.name, witnessSigner.publicKey),
    signature: concat(i2osp(timeSeconds, 8), signature),
  });
}

/**
 * The time of a cosignature (the signature bytes after the key ID), or undefined if they
 * are not 8 + 64 bytes or the time is beyond 2^53 - 1 seconds (the spec allows up to
 * 2^63 - 1; such dates are nonsense, and a number could not carry them exactly).
 */
export function cosignatureTime(signature: Uint8Array): number | undefined {
  if (signature.length !== COSIGNATURE_LENGTH) return undefined;
  const time = new DataView(signature.buffer, signature.byteOffset, 8).getBigUint64(0);
  return time <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(time) : undefined;
}

/** A verifier of a witness's cosignatures (type 0x04) over a checkpoint. */
export function cosignatureVerifier(name: string, publicKey: string): NoteVerifier {
  const id = keyIdCosignature(name, publicKey);
  if (publicKeyFromRaw(publicKey) === undefined) {
    throw new LogError('note.key', 'the public key is not an Ed25519 public key');
  }
  return {
    name,
    keyId: id,
    verify(text, signature) {
      const time = cosignatureTime(signature);
      if (time === undefined) return false;
      return verifyRaw(publicKey, cosignatureMessage(text, time), signature.subarray(8));
    },
  };
}

// ---------------------------------------------------------------------------------------
// Verification.

/** A trusted key: a vkey text (signed-note.ts), or a name and base64url raw public key. */
export type TrustedKey = string | { readonly name: string; readonly publicKey: string };

export interface CheckpointPolicy {
  /** The log's Ed25519 key (a vkey of type 0x01). */
  readonly logKey: TrustedKey;
  /** The expected origin; by default the log key's name (tlog-checkpoint §Signatures). */
  readonly origin?: string;
  /** The witnesses' cosigning keys (vkeys of type 0x04). */
  readonly witnesses?: readonly TrustedKey[];
  /** How many distinct witnesses must have cosigned; by default all of them. */
  readonly requiredWitnesses?: number;
}

export interface Cosignature {
  readonly name: string;
  /** Seconds since the epoch at which the witness cosigned. */
  readonly time: number;
}

export interface VerifiedCheckpoint {
  readonly checkpoint: Checkpoint;
  /** One per configured witness that cosigned, in note order. */
  readonly cosignatures: readonly Cosignature[];
}

function verifierOf(
  key: TrustedKey,
  type: typeof SIGNATURE_TYPE_ED25519 | typeof SIGNATURE_TYPE_COSIGNATURE,
): NoteVerifier {
  let name: string;
  let publicKey: string;
  if (typeof key === 'string') {
    const parsed = parseVerifierKey(key);
    if (parsed.type !== type) {
      throw new LogError(
        'note.key',
        type === SIGNATURE_TYPE_ED25519
          ? `the log key ${parsed.name} must be an Ed25519 key (type 0x01)`
          : `the witness key ${parsed.name} must be a cosignature key (type 0x04)`,
      );
    }
    ({ name, publicKey } = parsed);
  } else {
    ({ name, publicKey } = key);
  }
  return type === SIGNATURE_TYPE_ED25519
    ? ed25519Verifier(name, publicKey)
    : cosignatureVerifier(name, publicKey);
}

/**
 * Verifies a checkpoint note: the log's signature, then at least k cosignatures from
 * distinct configured witnesses (k of n: no single witness can vouch for a split view, and
 * a few offline witnesses do not stop clients). As the signed-note spec asks, a signature
 * by any configured key that fails to verify rejects the note, and signatures by other
 * keys are ignored. Cosignature times are returned, not judged: the caller has the clock.
 */
export function verifyCheckpoint(
  note: string | Uint8Array,
  policy: CheckpointPolicy,
): VerifiedCheckpoint {
  const log = verifierOf(policy.logKey, SIGNATURE_TYPE_ED25519);
  const witnesses = new Map<string, NoteVerifier>();
  for (const key of policy.witnesses ?? []) {
    const v = verifierOf(key, SIGNATURE_TYPE_COSIGNATURE);
    witnesses.set(`${toHex(v.keyId)} ${v.name}`, v);
  }
  const required = policy.requiredWitnesses ?? witnesses.size;
  if (!Number.isSafeInteger(required) || required < 0 || required > witnesses.size) {
    throw new RangeError(
      `verifyCheckpoint: requiredWitnesses must be a whole number from 0 to the ${witnesses.size} distinct witnesses`,
    );
  }

  let opened: ReturnType<typeof openNote> | undefined;
  try {
    opened = openNote(note, [log, ...witnesses.values()]);
  } catch (error) {
    if (!(error instanceof LogError && error.code === 'note.unsigned')) throw error;
  }
  if (opened === undefined || !opened.verified.some((s) => s.verifier === log)) {
    throw new LogError('note.unsigned', `no valid signature by the log key ${log.name}`, {
      keyName: log.name,
    });
  }

  const checkpoint = parseCheckpoint(opened.text);
  const origin = policy.origin ?? log.name;
  if (checkpoint.origin !== origin) {
    throw new LogError('checkpoint.origin', `expected the origin ${origin}`, { expected: origin });
  }

  const cosignatures: Cosignature[] = [];
  const cosigned = new Set<NoteVerifier>();
  for (const s of opened.verified) {
    const time = cosignatureTime(s.signature);
    if (s.verifier === log || time === undefined) continue;
    cosigned.add(s.verifier);
    cosignatures.push({ name: s.name, time });
  }
  if (cosignatures.length < required) {
    const missing = [...witnesses.values()].filter((w) => !cosigned.has(w)).map((w) => w.name);
    throw new LogError(
      'checkpoint.witnesses',
      `${cosignatures.length} of the ${required} required; no valid cosignature from ${missing.join(', ')}`,
      { required, valid: cosignatures.length, missing: missing.join(',') },
    );
  }
  return { checkpoint, cosignatures };
}
