import { createHash } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import {
  credentialCommitment,
  entryTime,
  type LogEntry,
  recordDigest,
} from '@credence/core/log/entries';
import type { Receipt } from '@credence/core/log/receipt';
import { type Ed25519PrivateKey, generateEd25519 } from '@credence/core/signing/ed25519';
import {
  type KeyAction,
  type SignedKeyStatement,
  signKeyStatement,
} from '@credence/core/wire/key-statements';
import type { LogMonitor } from './log-monitor.js';
import { MemberError } from './member-error.js';
import { type PlatformEndpoint, platformRequest } from './platform-client.js';

/**
 * A member's own signing keys and credential (SPEC §3.6, issue 11): it changes them
 * itself, with statements signed by its current key, and keeps each change's receipt, so
 * that `credence member verify` knows them for its own and names any other.
 */

export interface KeyChangeAnswer {
  readonly event: 'added' | 'revoked' | 'objected';
  readonly publicKey: string;
  readonly replaces: readonly string[];
  readonly at: string;
  readonly log: Receipt;
}

export interface SigningKeyState {
  readonly publicKey: string;
  readonly createdAt: string;
  readonly activatesAt: string | null;
  readonly revokedAt: string | null;
  readonly state: 'current' | 'announced' | 'revoked' | 'retiring';
}

const EVENT_OF: Readonly<Record<KeyAction, KeyChangeAnswer['event']>> = {
  add_signing_key: 'added',
  revoke_signing_key: 'revoked',
  object_signing_key: 'objected',
};

/**
 * Sends a signed statement and holds the platform to it: the receipt must show the log
 * holds exactly the change the member made (its statement, signature and the keys it
 * replaced), logged as the member's.
 */
async function changeKeys(
  platform: PlatformEndpoint,
  monitor: LogMonitor,
  memberId: string,
  signed: SignedKeyStatement,
): Promise<KeyChangeAnswer> {
  const answer = await platformRequest<KeyChangeAnswer>(platform, 'POST', '/v1/me/keys', signed);
  const event = EVENT_OF[signed.statement.action];
  if (answer.event !== event || answer.publicKey !== signed.statement.publicKey)
    throw new MemberError('member.log_receipt', 'the platform answered for another key change');
  const record = {
    event,
    publicKey: signed.statement.publicKey,
    replaces: answer.replaces,
    by: 'member',
    authorization: signed,
  };
  const expected: LogEntry = {
    kind: 'key_event',
    time: entryTime(Date.parse(answer.at)),
    member: memberId,
    subject: signed.statement.publicKey,
    digest: recordDigest(record),
  };
  await monitor.accept(answer.log, [expected]);
  return answer;
}

/**
 * A new signing key in place of the current one: made here, sent with a statement the
 * current key signs (the others stop at once), and only then put where the configuration
 * looks for it (the old one is kept beside it, named by the time). The new key is written
 * to `<file>.next` before anything is sent, so a crash never loses a key the platform
 * accepted.
 */
export async function rotateSigningKey(options: {
  readonly platform: PlatformEndpoint;
  readonly monitor: LogMonitor;
  readonly memberId: string;
  readonly current: { readonly key: Ed25519PrivateKey; readonly publicKey: string };
  readonly keyFile: string;
  readonly now?: () => number;
}): Promise<{ publicKey: string; previous: string; answer: KeyChangeAnswer }> {
  const now = options.now ?? Date.now;
  const next = generateEd25519();
  const pending = `${options.keyFile}.next`;
  writeFileSync(pending, `${JSON.stringify(next.privateJwk, null, 2)}\n`, { mode: 0o600 });
  const signed = signKeyStatement(
    {
      action: 'add_signing_key',
      member: options.memberId,
      publicKey: next.publicKey,
      replace: true,
      at: new Date(now()).toISOString(),
    },
    options.current.key,
    options.current.publicKey,
  );
  const answer = await changeKeys(options.platform, options.monitor, options.memberId, signed);
  // Replacing means the key that signed stops too: a change that leaves it in force is
  // not the one asked for (the receipt shows what was logged; this holds it to the ask).
  if (!answer.replaces.includes(options.current.publicKey))
    throw new MemberError(
      'member.log_receipt',
      `the platform logged the new key ${next.publicKey} without stopping the current one: rotate again, and tell the auditors`,
    );
  options.monitor.ownKey(next.publicKey);
  options.monitor.ownKey(options.current.publicKey);
  const previous = `${options.keyFile}.${new Date(now()).toISOString().replaceAll(':', '')}`;
  renameSync(options.keyFile, previous);
  renameSync(pending, options.keyFile);
  return { publicKey: next.publicKey, previous, answer };
}

/**
 * A member's first signing key, for a member the operator added without one (`credence
 * member init`): the statement is signed by the new key itself, which the platform takes
 * only while the member has no key at all; the member's credential is what authenticates
 * it, and the log holds the change like any other.
 */
export async function addFirstKey(options: {
  readonly platform: PlatformEndpoint;
  readonly monitor: LogMonitor;
  readonly memberId: string;
  readonly key: { readonly key: Ed25519PrivateKey; readonly publicKey: string };
  readonly now?: () => number;
}): Promise<KeyChangeAnswer> {
  const signed = signKeyStatement(
    {
      action: 'add_signing_key',
      member: options.memberId,
      publicKey: options.key.publicKey,
      at: new Date((options.now ?? Date.now)()).toISOString(),
    },
    options.key.key,
    options.key.publicKey,
  );
  const answer = await changeKeys(options.platform, options.monitor, options.memberId, signed);
  options.monitor.ownKey(options.key.publicKey);
  return answer;
}

/** Objects to a key the operator announced for the member: it never starts. */
export function objectToKey(options: {
  readonly platform: PlatformEndpoint;
  readonly monitor: LogMonitor;
  readonly memberId: string;
  readonly current: { readonly key: Ed25519PrivateKey; readonly publicKey: string };
  readonly publicKey: string;
  readonly now?: () => number;
}): Promise<KeyChangeAnswer> {
  const signed = signKeyStatement(
    {
      action: 'object_signing_key',
      member: options.memberId,
      publicKey: options.publicKey,
      at: new Date((options.now ?? Date.now)()).toISOString(),
    },
    options.current.key,
    options.current.publicKey,
  );
  return changeKeys(options.platform, options.monitor, options.memberId, signed);
}

export async function listKeys(platform: PlatformEndpoint): Promise<SigningKeyState[]> {
  return (await platformRequest<{ keys: SigningKeyState[] }>(platform, 'GET', '/v1/me/keys')).keys;
}

/**
 * A new credential for the member, made by the member: the platform logs the old ones
 * revoked and a new one issued, as the member's doing, and the member holds the receipt
 * (checked with the new credential: the old one stopped). The new credential is handed to
 * `keep` first, so that a receipt that fails to verify never leaves the member without it.
 */
export async function renewCredential(
  platform: PlatformEndpoint,
  monitorWith: (platform: PlatformEndpoint) => Promise<LogMonitor>,
  memberId: string,
  keep: (credential: string) => void,
): Promise<string> {
  const answer = await platformRequest<{ credential: string; at: string; log: Receipt }>(
    platform,
    'POST',
    '/v1/me/credential',
  );
  keep(answer.credential);
  // What the platform keeps of it: the hex SHA-256 (as every bearer credential).
  const stored = createHash('sha256').update(answer.credential, 'utf8').digest('hex');
  const at = Date.parse(answer.at);
  const event = (name: string): LogEntry => ({
    kind: 'member_event',
    time: entryTime(at),
    member: memberId,
    subject: memberId,
    digest: recordDigest({
      event: name,
      at,
      by: 'member',
      ...(name === 'credential_issued' ? { credential: credentialCommitment(stored) } : {}),
    }),
  });
  // The same platform, reached the same way (its CA), with the new credential.
  const monitor = await monitorWith({ ...platform, credential: answer.credential });
  try {
    await monitor.accept(answer.log, [event('credentials_revoked'), event('credential_issued')]);
  } finally {
    monitor.close();
  }
  return answer.credential;
}
