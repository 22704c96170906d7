import { sha256 } from '../crypto/hashes.js';
import { decodeBase64url, encodeBase64url } from '../encoding/base64url.js';
import { constantTimeEqual } from '../encoding/bytes.js';
import { CredenceError } from '../errors.js';
import type { Ristretto255 } from './ristretto255.js';
import { checkSharePublicKeys, type SharePublicKey, splitSecret } from './threshold.js';
import { SUITE_ID } from './voprf.js';

/**
 * The files of a threshold OPRF key (SPEC §3.2, issue 3): one public description of the
 * key (group.json: key id, threshold, group public key, every share's public key), given
 * to members and published; and one secret share file per key server. Parsing checks
 * everything that can be checked: encodings, the share's own public key, and that all
 * share public keys lie on one polynomial with the group key.
 */

export type KeyStatus = 'active' | 'retiring' | 'retired';
export const KEY_STATUSES: readonly KeyStatus[] = ['active', 'retiring', 'retired'];

export interface GroupKey {
  readonly keyId: string;
  readonly suite: typeof SUITE_ID;
  readonly mode: 'voprf';
  readonly threshold: number;
  readonly shares: number;
  readonly publicKey: Uint8Array;
  readonly sharePublicKeys: readonly SharePublicKey[];
  readonly createdAt: string;
  /** active: used for new tokens; retiring: still evaluated during a rotation; retired: refused. */
  readonly status: KeyStatus;
}

export interface ShareKey extends GroupKey {
  readonly index: number;
  readonly secret: Uint8Array;
  readonly sharePublicKey: Uint8Array;
}

export class KeyFileError extends CredenceError<'keys.invalid_file'> {
  constructor(
    readonly field: string,
    readonly reason: string,
    readonly file?: string,
  ) {
    super(
      'keys.invalid_file',
      `key file${file === undefined ? '' : ` ${file}`}: ${field} ${reason}`,
      {
        details: { field },
      },
    );
    this.name = 'KeyFileError';
  }

  /** The same error, naming the file it was read from. */
  inFile(file: string): KeyFileError {
    return new KeyFileError(this.field, this.reason, file);
  }
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The default key id: "k" and the first 10 characters of the public key's SHA-256. */
export function defaultKeyId(publicKey: Uint8Array): string {
  return `k${encodeBase64url(sha256(publicKey)).slice(0, 10)}`;
}

export interface NewKeySet {
  readonly group: GroupKey;
  readonly shares: readonly ShareKey[];
}

/** A fresh random key, split t-of-n. */
export function generateKeySet(
  group: Ristretto255,
  options: { threshold: number; shares: number; createdAt: string; keyId?: string },
): NewKeySet {
  const k = group.randomScalar();
  const publicKey = group.scalarMultBase(k);
  const keyId = options.keyId ?? defaultKeyId(publicKey);
  if (!KEY_ID.test(keyId))
    throw new KeyFileError('keyId', 'must be 1 to 64 letters, digits, dots, dashes or underscores');
  const split = splitSecret(group, k, options.threshold, options.shares);
  const sharePublicKeys = split.map((s) => ({
    index: s.index,
    publicKey: group.scalarMultBase(s.secret),
  }));
  const groupKey: GroupKey = {
    keyId,
    suite: SUITE_ID,
    mode: 'voprf',
    threshold: options.threshold,
    shares: options.shares,
    publicKey,
    sharePublicKeys,
    createdAt: options.createdAt,
    status: 'active',
  };
  return {
    group: groupKey,
    shares: split.map((s, i) => ({
      ...groupKey,
      index: s.index,
      secret: s.secret,
      sharePublicKey: sharePublicKeys[i]?.publicKey ?? new Uint8Array(),
    })),
  };
}

export function serializeGroupKey(key: GroupKey): Record<string, unknown> {
  return {
    keyId: key.keyId,
    suite: key.suite,
    mode: key.mode,
    threshold: key.threshold,
    shares: key.shares,
    publicKey: encodeBase64url(key.publicKey),
    sharePublicKeys: key.sharePublicKeys.map((s) => ({
      index: s.index,
      publicKey: encodeBase64url(s.publicKey),
    })),
    createdAt: key.createdAt,
    status: key.status,
  };
}

export function serializeShareKey(key: ShareKey): Record<string, unknown> {
  return {
    ...serializeGroupKey(key),
    index: key.index,
    sharePublicKey: encodeBase64url(key.sharePublicKey),
    secret: encodeBase64url(key.secret),
  };
}

type Json = Record<string, unknown>;

function object(value: unknown, field: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new KeyFileError(field, 'must be an object');
  return value as Json;
}

function integer(json: Json, field: string, min: number, max: number): number {
  const v = json[field];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw new KeyFileError(field, `must be an integer from ${min} to ${max}`);
  return v;
}

function string(json: Json, field: string): string {
  const v = json[field];
  if (typeof v !== 'string') throw new KeyFileError(field, 'must be a string');
  return v;
}

function element(group: Ristretto255, text: unknown, field: string): Uint8Array {
  const bytes = typeof text === 'string' ? decodeBase64url(text) : undefined;
  if (bytes === undefined) throw new KeyFileError(field, 'must be base64url');
  try {
    return group.deserializeElement(bytes);
  } catch {
    throw new KeyFileError(field, 'is not a valid ristretto255 element');
  }
}

/** Parses and checks group.json (or the public part of a share file). */
export function parseGroupKey(group: Ristretto255, value: unknown): GroupKey {
  const json = object(value, '(file)');
  const keyId = string(json, 'keyId');
  if (!KEY_ID.test(keyId))
    throw new KeyFileError('keyId', 'must be 1 to 64 letters, digits, dots, dashes or underscores');
  if (json.suite !== SUITE_ID) throw new KeyFileError('suite', `must be ${SUITE_ID}`);
  if (json.mode !== 'voprf') throw new KeyFileError('mode', 'must be voprf');
  const shares = integer(json, 'shares', 1, 255);
  const threshold = integer(json, 'threshold', 1, shares);
  const status = json.status ?? 'active';
  if (!KEY_STATUSES.includes(status as KeyStatus))
    throw new KeyFileError('status', `must be one of ${KEY_STATUSES.join(', ')}`);
  const createdAt = string(json, 'createdAt');
  const publicKey = element(group, json.publicKey, 'publicKey');
  const list = json.sharePublicKeys;
  if (!Array.isArray(list) || list.length !== shares)
    throw new KeyFileError('sharePublicKeys', `must list all ${shares} shares`);
  const sharePublicKeys = list.map((entry, i) => {
    const e = object(entry, `sharePublicKeys[${i}]`);
    return {
      index: integer(e, 'index', 1, 255),
      publicKey: element(group, e.publicKey, `sharePublicKeys[${i}].publicKey`),
    };
  });
  if (new Set(sharePublicKeys.map((s) => s.index)).size !== shares)
    throw new KeyFileError('sharePublicKeys', 'has repeated indexes');
  try {
    checkSharePublicKeys(group, threshold, publicKey, sharePublicKeys);
  } catch {
    throw new KeyFileError('sharePublicKeys', 'are not consistent with the group public key');
  }
  return {
    keyId,
    suite: SUITE_ID,
    mode: 'voprf',
    threshold,
    shares,
    publicKey,
    sharePublicKeys,
    createdAt,
    status: status as KeyStatus,
  };
}

/** Parses and checks a share file: its secret must match its listed public key. */
export function parseShareKey(group: Ristretto255, value: unknown): ShareKey {
  const groupKey = parseGroupKey(group, value);
  const json = object(value, '(file)');
  if (json.index === undefined && json.secret === undefined)
    throw new KeyFileError(
      '(file)',
      "is the group's public key (group.json), not a share: give one of the share-<i>.json files",
    );
  const index = integer(json, 'index', 1, groupKey.shares);
  const secretBytes = typeof json.secret === 'string' ? decodeBase64url(json.secret) : undefined;
  if (secretBytes === undefined) throw new KeyFileError('secret', 'must be base64url');
  let secret: Uint8Array;
  try {
    secret = group.deserializeScalar(secretBytes);
  } catch {
    throw new KeyFileError('secret', 'is not a canonical scalar');
  }
  const listed = groupKey.sharePublicKeys.find((s) => s.index === index);
  const sharePublicKey = group.scalarMultBase(secret);
  if (listed === undefined || !constantTimeEqual(listed.publicKey, sharePublicKey)) {
    throw new KeyFileError('secret', 'does not match the share public key listed for this index');
  }
  return { ...groupKey, index, secret, sharePublicKey };
}
