import type { AlertRecord } from '@credence/core/log/entries';
import type {
  Enrolment,
  EnrolmentResult,
  KeyChange,
  LogAppend,
  Member,
  MemberType,
  Rotation,
  ShareBinding,
  SigningKeyRow,
} from '../../domain/types.js';
import { keyAlert, keyChangeRecord, keyChangeStatements } from '../key-changes.js';
import { createdEntry, credentialEntries, eventEntry, shareEntry } from '../log-append.js';
import { type MemberRow, memberOf, signingKeyOf } from '../rows.js';
import { logWrite } from './log.js';
import { bumpMemberVersion, bumpSeq } from './sequence.js';
import { all, append, dialect, get, run, type Step } from './steps.js';
import { raiseAlert } from './watch.js';

/** Members, their credentials, signing keys and shares: written once for both stores. */

export function* memberById(id: string): Step<Member | undefined> {
  const row = yield* get<MemberRow>('SELECT * FROM members WHERE id = ?', id);
  return row === undefined ? undefined : memberOf(row);
}

export function* listMembers(): Step<Member[]> {
  return (yield* all<MemberRow>('SELECT * FROM members ORDER BY id')).map(memberOf);
}

export function* memberByCredential(sha256: string): Step<Member | undefined> {
  const row = yield* get<MemberRow>(
    'SELECT m.* FROM credentials c JOIN members m ON m.id = c.member_id WHERE c.sha256 = ? AND c.revoked_at IS NULL',
    sha256,
  );
  return row === undefined ? undefined : memberOf(row);
}

export function* signingKeys(memberId: string): Step<SigningKeyRow[]> {
  const rows = yield* all<{
    public_key: string;
    created_at: number;
    activates_at: number | null;
    revoked_at: number | null;
  }>(
    'SELECT public_key, created_at, activates_at, revoked_at FROM signing_keys WHERE member_id = ? ORDER BY created_at, public_key',
    memberId,
  );
  return rows.map(signingKeyOf);
}

/** The member holding a share index, if any. */
export function* shareHolder(shareIndex: number): Step<string | undefined> {
  return (yield* get<{ id: string }>('SELECT id FROM members WHERE share_index = ?', shareIndex))
    ?.id;
}

export function* insertMember(m: {
  id: string;
  name: string;
  type: MemberType;
  createdAt: number;
}): Step<void> {
  yield* run(
    "INSERT INTO members (id, name, type, status, created_at) VALUES (?, ?, ?, 'active', ?)",
    m.id,
    m.name,
    m.type,
    m.createdAt,
  );
  yield* append([createdEntry(m)]);
}

export function* setMemberStatus(id: string, status: Member['status']): Step<boolean> {
  const changed = (yield* run('UPDATE members SET status = ? WHERE id = ?', status, id)) > 0;
  if (changed) {
    yield* bumpMemberVersion();
    yield* append([eventEntry('member_event', id, id, Date.now(), { event: 'status', status })]);
  }
  return changed;
}

/** A credential (kept as its hash), `replace` revoking the member's others first. */
export function* issueCredential(
  memberId: string,
  sha256: string,
  at: number,
  options: { by: 'operator' | 'member'; replace: boolean },
): Step<LogAppend> {
  if (options.replace)
    yield* run(
      'UPDATE credentials SET revoked_at = ? WHERE member_id = ? AND revoked_at IS NULL',
      at,
      memberId,
    );
  yield* run(
    'INSERT INTO credentials (sha256, member_id, created_at) VALUES (?, ?, ?)',
    sha256,
    memberId,
    at,
  );
  yield* bumpMemberVersion();
  return (yield* append(credentialEntries(memberId, sha256, at, options))) as LogAppend;
}

/** A change of the member's signing keys, logged; an announced key alerts the member. */
export function* changeSigningKeys(
  memberId: string,
  at: number,
  change: KeyChange,
): Step<LogAppend> {
  for (const { sql, params } of keyChangeStatements(memberId, at, change))
    yield* run(sql, ...params);
  yield* bumpMemberVersion();
  const alert = keyAlert(memberId, at, change);
  const alerts: AlertRecord[] = [];
  if (alert !== undefined) {
    // Its own sequence number (on PostgreSQL the counter row is locked until commit), so
    // that no cursor passes it before it is committed.
    const seq = yield* bumpSeq();
    alerts.push(...(yield* raiseAlert(seq, memberId, alert, at)));
  }
  return (yield* logWrite(memberId, at, alerts, [
    eventEntry('key_event', memberId, change.publicKey, at, keyChangeRecord(change)),
  ])) as LogAppend;
}

/**
 * Binds a share to a member. On PostgreSQL the unique index on share_index decides
 * between two binds of one share at once: the loser fails with a unique violation,
 * which the store answers as `taken` (bindShareRace).
 */
export function* bindShare(memberId: string, shareIndex: number, at: number): Step<ShareBinding> {
  const holder = yield* shareHolder(shareIndex);
  if (holder !== undefined) return heldBy(memberId, holder);
  const changed = yield* run(
    'UPDATE members SET share_index = ? WHERE id = ? AND share_index IS DISTINCT FROM ?',
    shareIndex,
    memberId,
    shareIndex,
  );
  if (changed === 0) {
    const now = yield* shareHolder(shareIndex);
    return now === undefined ? { status: 'not_found' } : heldBy(memberId, now);
  }
  yield* append([shareEntry(memberId, shareIndex, at)]);
  return { status: 'bound' };
}

/** A share already bound: to this member (nothing to do) or to another. */
export const heldBy = (memberId: string, holder: string): ShareBinding =>
  holder === memberId ? { status: 'unchanged' } : { status: 'taken', by: holder };

/**
 * Creates a member whole, or not at all: the member, its share, its first credential
 * and its first key, each logged. An id that exists changes nothing (on PostgreSQL a
 * second enrolment of the id waits for the first to commit and then does nothing).
 */
export function* enrolMember(e: Enrolment): Step<EnrolmentResult> {
  if ((yield* get('SELECT 1 AS found FROM members WHERE id = ?', e.id)) !== undefined)
    return { status: 'exists' };
  if (e.shareIndex !== undefined) {
    const holder = yield* shareHolder(e.shareIndex);
    if (holder !== undefined) return { status: 'share_taken', by: holder };
  }
  const created = yield* run(
    "INSERT INTO members (id, name, type, status, created_at) VALUES (?, ?, ?, 'active', ?) ON CONFLICT (id) DO NOTHING",
    e.id,
    e.name,
    e.type,
    e.at,
  );
  if (created === 0) return { status: 'exists' };
  yield* append([createdEntry({ id: e.id, name: e.name, type: e.type, createdAt: e.at })]);
  if (e.shareIndex !== undefined) {
    yield* run('UPDATE members SET share_index = ? WHERE id = ?', e.shareIndex, e.id);
    yield* append([shareEntry(e.id, e.shareIndex, e.at)]);
  }
  yield* issueCredential(e.id, e.credentialSha256, e.at, { by: 'operator', replace: false });
  if (e.publicKey !== undefined)
    yield* changeSigningKeys(e.id, e.at, {
      event: 'added',
      publicKey: e.publicKey,
      replaces: [],
      by: 'operator',
    });
  return { status: 'created' };
}

/** The operator's rotation: credentials replaced and/or a key announced. */
export function* rotateMember(memberId: string, at: number, rotation: Rotation): Step<boolean> {
  // On PostgreSQL the member's row is locked: rotations of one member run one by one.
  const lock = (yield* dialect()) === 'postgres' ? ' FOR UPDATE' : '';
  if ((yield* get(`SELECT 1 AS found FROM members WHERE id = ?${lock}`, memberId)) === undefined)
    return false;
  if (rotation.credentialSha256 !== undefined)
    yield* issueCredential(memberId, rotation.credentialSha256, at, {
      by: 'operator',
      replace: true,
    });
  if (rotation.announce !== undefined) yield* changeSigningKeys(memberId, at, rotation.announce);
  return true;
}

/** A unique violation: PostgreSQL's code (SQLite's single writer checks first). */
export const isUniqueViolation = (error: unknown): boolean =>
  (error as { code?: string }).code === '23505';
