import type { LogEntry } from '@credence/core/log/entries';
import {
  type KeyAction,
  type SignedKeyStatement,
  verifyKeyStatement,
} from '@credence/core/wire/key-statements';

/**
 * The member's signing keys as the audit rebuilds them from the logged key events, and
 * whether each event carries the authorization it claims (SPEC §3.4, issue 11).
 */

/** A signing key's times, as the platform's table keeps them. */
export interface KeyRow {
  createdAt: number;
  activatesAt: number | null;
  revokedAt: number | null;
}

const ACTION_OF: Readonly<Record<string, KeyAction>> = {
  added: 'add_signing_key',
  revoked: 'revoke_signing_key',
  objected: 'object_signing_key',
};

/**
 * Signing keys (docs/log.md, key events): added (at once, by the member's own
 * authorization or at enrolment), announced (by the operator, usable from a later
 * time, the keys it replaces revoked then), objected to (the announcement undone),
 * revoked. Applies one to the member's keys (by public key) and says why it was not
 * authorized as its record says, if it was not.
 */
export function applyKeyEvent(
  keys: Map<string, KeyRow>,
  entry: LogEntry,
  r: Record<string, unknown>,
  memberCreatedAt: number | undefined,
): string | undefined {
  const at = Date.parse(entry.time);
  const key = String(r.publicKey);
  const replaced = Array.isArray(r.replaces) ? r.replaces.map(String) : [];
  const refused = unauthorized(entry, r, keys, at, key, replaced, memberCreatedAt);
  // As the platform's statements do (platform/src/storage/key-changes.ts).
  const stop = (k: string, when: number) => {
    const row = keys.get(k);
    if (row !== undefined && (row.revokedAt === null || row.revokedAt > when)) row.revokedAt = when;
  };
  switch (r.event) {
    case 'added':
      keys.set(key, { createdAt: at, activatesAt: null, revokedAt: null });
      for (const k of replaced) stop(k, at);
      break;
    case 'announced': {
      const activatesAt = Number(r.activatesAt);
      keys.set(key, { createdAt: at, activatesAt, revokedAt: null });
      for (const k of replaced) stop(k, activatesAt);
      break;
    }
    case 'objected':
      stop(key, at);
      for (const k of replaced) {
        const row = keys.get(k);
        if (row !== undefined) row.revokedAt = null;
      }
      break;
    case 'revoked':
      stop(key, at);
      break;
  }
  return refused;
}

/**
 * Why a key event was not authorized as its record says, if it was not: a member's
 * change must carry its statement, signed with a key of the member's usable then, about
 * this very key and action (and, replacing, stop the signer too), or be the member's
 * first key signed by itself when it had none; the operator adds a key only with the
 * member's creation (its enrolment key) and otherwise only announces.
 */
function unauthorized(
  entry: LogEntry,
  r: Record<string, unknown>,
  keys: ReadonlyMap<string, KeyRow>,
  at: number,
  key: string,
  replaced: readonly string[],
  memberCreatedAt: number | undefined,
): string | undefined {
  if (r.by === 'operator')
    return r.event === 'added' && memberCreatedAt !== at
      ? 'the operator added a key at once, other than at enrolment'
      : r.event === 'objected'
        ? "an objection that is not the member's"
        : undefined;
  if (r.by !== 'member') return 'it says neither the member nor the operator made it';
  const auth = r.authorization as SignedKeyStatement | undefined;
  const action = ACTION_OF[String(r.event)];
  if (auth?.statement === undefined || action === undefined) return 'it carries no statement';
  if (!verifyKeyStatement(auth)) return "its statement's signature does not verify";
  const s = auth.statement;
  if (s.member !== entry.member || s.publicKey !== key || s.action !== action)
    return 'its statement is about another member, key or action';
  // A member's first key, added with its credential: signed by itself, no key before it.
  if (keys.size === 0 && action === 'add_signing_key' && auth.signedBy === key) return undefined;
  const signer = keys.get(auth.signedBy);
  if (
    signer === undefined ||
    (signer.activatesAt !== null && signer.activatesAt > at) ||
    (signer.revokedAt !== null && signer.revokedAt <= at)
  )
    return "it is signed with a key that was not the member's then";
  if (action === 'add_signing_key' && s.replace === true && !replaced.includes(auth.signedBy))
    return "it says the member's keys were replaced, but the key that signed it goes on";
  return undefined;
}
