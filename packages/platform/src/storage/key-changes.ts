import type { AlertRecord } from '@credence/core/log/entries';
import type { KeyChange } from '../domain/types.js';

/**
 * What a change of a member's signing keys does to the rows (both adapters run these
 * statements, `?` numbered for PostgreSQL) and the record its key_event binds. The audit
 * replays the same rules from the logged records (member/src/audit-state.ts), so the
 * rows cannot drift from the log unseen.
 *
 * - added: the key, usable at once; the replaced keys stop now;
 * - announced: the key, usable from activatesAt; the replaced keys stop then;
 * - objected: the announced key stops now; the keys it replaced do not stop;
 * - revoked: the key stops now.
 */
export function keyChangeStatements(
  memberId: string,
  at: number,
  change: KeyChange,
): { sql: string; params: (string | number | null)[] }[] {
  const stop = (key: string, when: number) => ({
    sql: 'UPDATE signing_keys SET revoked_at = ? WHERE member_id = ? AND public_key = ? AND (revoked_at IS NULL OR revoked_at > ?)',
    params: [when, memberId, key, when],
  });
  // A key the member had before (revoked since) starts over: a row per key and member.
  const insert = (activatesAt: number | null) => ({
    sql: `INSERT INTO signing_keys (member_id, public_key, created_at, activates_at) VALUES (?, ?, ?, ?)
          ON CONFLICT (member_id, public_key) DO UPDATE SET created_at = excluded.created_at, activates_at = excluded.activates_at, revoked_at = NULL`,
    params: [memberId, change.publicKey, at, activatesAt],
  });
  switch (change.event) {
    case 'added':
      return [insert(null), ...change.replaces.map((k) => stop(k, at))];
    case 'announced': {
      const starts = change.activatesAt ?? at;
      return [insert(starts), ...change.replaces.map((k) => stop(k, starts))];
    }
    case 'objected':
      return [
        stop(change.publicKey, at),
        ...change.replaces.map((k) => ({
          sql: 'UPDATE signing_keys SET revoked_at = NULL WHERE member_id = ? AND public_key = ?',
          params: [memberId, k],
        })),
      ];
    case 'revoked':
      return [stop(change.publicKey, at)];
  }
}

/** The key_event's record: the change as made (JSON, without absent members). */
export function keyChangeRecord(change: KeyChange): Record<string, unknown> {
  return JSON.parse(JSON.stringify(change)) as Record<string, unknown>;
}

/** The alert a member gets when the operator announces a key for it (id set by the store). */
export function keyAlert(
  memberId: string,
  at: number,
  change: KeyChange,
): Omit<AlertRecord, 'id' | 'seq'> | undefined {
  if (change.event !== 'announced') return undefined;
  return {
    member: memberId,
    token: change.publicKey,
    kind: 'signing_key',
    source: 'key',
    reportType: null,
    category: null,
    linkType: null,
    ringId: null,
    occurredAt: change.activatesAt ?? at,
    createdAt: at,
  };
}
