import { all, get, run, type Step } from './steps.js';

/**
 * The platform's dashboard sessions (/ui/, docs/dashboard.md), written once for both
 * stores: one-time sign-in links and sessions, each kept only as the SHA-256 of its
 * secret with the member it was opened for, so a copy of the store lets nobody in. Kept
 * in the store rather than a process, so any API node behind the balancer knows them.
 * Nothing here is in the log: a sign-in changes no contribution, and the links and
 * sessions are the operator's own staff's.
 */

export function* putUiLink(
  hash: string,
  member: string,
  expiresAt: number,
  now: number,
): Step<void> {
  yield* run('DELETE FROM ui_links WHERE expires_at <= ?', now);
  yield* run(
    'INSERT INTO ui_links (hash, member_id, expires_at) VALUES (?, ?, ?)',
    hash,
    member,
    expiresAt,
  );
}

/** Spends a link (read and deleted in one statement): its member and expiry, if it was there. */
export function* takeUiLink(hash: string): Step<{ member: string; expiresAt: number } | undefined> {
  const row = yield* get<{ member_id: string; expires_at: number | string }>(
    'DELETE FROM ui_links WHERE hash = ? RETURNING member_id, expires_at',
    hash,
  );
  return row === undefined
    ? undefined
    : { member: row.member_id, expiresAt: Number(row.expires_at) };
}

export function* putUiSession(
  hash: string,
  member: string,
  expiresAt: number,
  now: number,
): Step<void> {
  yield* run('DELETE FROM ui_sessions WHERE expires_at <= ?', now);
  yield* run(
    'INSERT INTO ui_sessions (hash, member_id, expires_at) VALUES (?, ?, ?)',
    hash,
    member,
    expiresAt,
  );
}

export function* uiSession(hash: string): Step<{ member: string; expiresAt: number } | undefined> {
  const row = yield* get<{ member_id: string; expires_at: number | string }>(
    'SELECT member_id, expires_at FROM ui_sessions WHERE hash = ?',
    hash,
  );
  return row === undefined
    ? undefined
    : { member: row.member_id, expiresAt: Number(row.expires_at) };
}

export function* endUiSession(hash: string): Step<void> {
  yield* run('DELETE FROM ui_sessions WHERE hash = ?', hash);
}

/** Key servers' evaluations per UTC day (all members together) from `since`, the latest first. */
export function* oprfUsageByDay(
  since: string,
): Step<{ reporter: string; shareIndex: number; day: string; evaluations: number }[]> {
  const rows = yield* all<{
    reporter: string;
    share_index: number;
    day: string;
    n: number | string;
  }>(
    `SELECT reporter, share_index, day, SUM(evaluations) AS n FROM oprf_usage
     WHERE day >= ? GROUP BY reporter, share_index, day ORDER BY day DESC, reporter`,
    since,
  );
  return rows.map((r) => ({
    reporter: r.reporter,
    shareIndex: Number(r.share_index),
    day: r.day,
    evaluations: Number(r.n),
  }));
}
