import { randomBytes } from 'node:crypto';
import { encodeBase64url } from '@credence/core/encoding/base64url';
import type { AlertRecord } from '@credence/core/log/entries';
import type { AppealReason, AppealStatus, RejectionReason } from '@credence/core/wire/appeals';
import { AT_RISK_SQL } from '../aggregate.js';
import { eventEntry } from '../log-append.js';
import { logWrite } from './log.js';
import { bumpSeq, currentSeq } from './sequence.js';
import { all, dialect, get, run, type Step } from './steps.js';
import { raiseAlerts } from './watch.js';

/**
 * Appeals (issue 17, docs/appeals.md), written once for both stores: a person wrongly
 * flagged asks through a member for a token to be cleared; the operator upholds or
 * rejects. Each step is logged (`appeal`, `appeal_ruling`), each record salted so that the
 * log alone confirms no guessed token. An upheld appeal moves the token's change sequence,
 * so that every process's checks leave out the evidence it was ruled on
 * (core/risk/appeals.ts), and tells each member whose reports of the token no longer
 * count, and each member watching it.
 */

export interface AppealRow {
  readonly id: number;
  readonly token: string;
  readonly kind: string;
  readonly memberId: string;
  readonly reason: AppealReason;
  readonly openedAt: number;
  readonly status: AppealStatus;
  readonly ruledAt: number | null;
  readonly ruledBy: string | null;
  readonly rulingReason: RejectionReason | null;
}

type Raw = {
  id: number | string;
  token: string;
  kind: string;
  member_id: string;
  reason: string;
  opened_at: number | string;
  status: string;
  ruled_at: number | string | null;
  ruled_by: string | null;
  ruling_reason: string | null;
};

const appealOf = (r: Raw): AppealRow => ({
  id: Number(r.id),
  token: r.token,
  kind: r.kind,
  memberId: r.member_id,
  reason: r.reason as AppealReason,
  openedAt: Number(r.opened_at),
  status: r.status as AppealStatus,
  ruledAt: r.ruled_at === null ? null : Number(r.ruled_at),
  ruledBy: r.ruled_by,
  rulingReason: r.ruling_reason as RejectionReason | null,
});

export type OpenedAppeal =
  | { readonly status: 'opened'; readonly appeal: AppealRow }
  /** An appeal about the token is open already (through any member): its id. */
  | { readonly status: 'pending'; readonly appeal: AppealRow }
  /** No member's report names the token: nothing to appeal. */
  | { readonly status: 'unknown' };

/**
 * Opens an appeal about a token some member's report names (its state says so), logged
 * in the name of the member it came through. One appeal per token is open at a time.
 */
export function* openAppeal(
  memberId: string,
  token: string,
  reason: AppealReason,
  at: number,
): Step<OpenedAppeal> {
  if ((yield* dialect()) === 'postgres') yield* run('LOCK TABLE appeals IN EXCLUSIVE MODE');
  const state = yield* get<{ kind: string; key_id: string }>(
    'SELECT kind, key_id FROM token_state WHERE token = ?',
    token,
  );
  if (state === undefined) return { status: 'unknown' };
  const open = yield* get<Raw>(
    "SELECT * FROM appeals WHERE token = ? AND status = 'open' ORDER BY id LIMIT 1",
    token,
  );
  if (open !== undefined) return { status: 'pending', appeal: appealOf(open) };
  const id =
    Number(
      (yield* get<{ v: number | string | null }>('SELECT max(id) AS v FROM appeals'))?.v ?? 0,
    ) + 1;
  yield* run(
    `INSERT INTO appeals (id, token, kind, key_id, member_id, reason, opened_at, status)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'open')`,
    id,
    token,
    state.kind,
    state.key_id,
    memberId,
    reason,
    at,
  );
  yield* logWrite(
    memberId,
    at,
    [],
    [
      eventEntry('appeal', memberId, `appeal/${id}`, at, {
        event: 'appeal',
        id,
        salt: encodeBase64url(randomBytes(16)),
        token,
        kind: state.kind,
        keyId: state.key_id,
        reason,
      }),
    ],
  );
  return {
    status: 'opened',
    appeal: {
      id,
      token,
      kind: state.kind,
      memberId,
      reason,
      openedAt: at,
      status: 'open',
      ruledAt: null,
      ruledBy: null,
      rulingReason: null,
    },
  };
}

export type Ruling =
  | { readonly ruling: 'upheld' }
  | { readonly ruling: 'rejected'; readonly reason: RejectionReason };

export type RuledAppeal =
  | {
      readonly status: 'ruled';
      readonly appeal: AppealRow;
      readonly seq: number;
      readonly alerts: number;
    }
  | { readonly status: 'not_found' }
  | { readonly status: 'ruled_before'; readonly appeal: AppealRow };

/**
 * The operator's ruling, logged in its name. Upheld: the token's state moves to a new
 * sequence (checks leave out what was said of it until now) and its reporters and
 * watchers are alerted, all in the ruling's transaction.
 */
export function* ruleAppeal(id: number, ruling: Ruling, by: string, at: number): Step<RuledAppeal> {
  if ((yield* dialect()) === 'postgres') yield* run('LOCK TABLE appeals IN EXCLUSIVE MODE');
  const row = yield* get<Raw>('SELECT * FROM appeals WHERE id = ?', id);
  if (row === undefined) return { status: 'not_found' };
  if (row.status !== 'open') return { status: 'ruled_before', appeal: appealOf(row) };
  const rulingReason = ruling.ruling === 'rejected' ? ruling.reason : null;
  yield* run(
    'UPDATE appeals SET status = ?, ruled_at = ?, ruled_by = ?, ruling_reason = ? WHERE id = ?',
    ruling.ruling,
    at,
    by,
    rulingReason,
    id,
  );
  const appeal = appealOf({
    ...row,
    status: ruling.ruling,
    ruled_at: at,
    ruled_by: by,
    ruling_reason: rulingReason,
  });
  const entry = eventEntry('appeal_ruling', by, `appeal/${id}`, at, {
    event: 'appeal_ruling',
    id,
    salt: encodeBase64url(randomBytes(16)),
    token: row.token,
    ruling: ruling.ruling,
    reason: rulingReason,
    at,
  });
  if (ruling.ruling === 'rejected') {
    yield* logWrite(by, at, [], [entry]);
    return { status: 'ruled', appeal, seq: Number(yield* currentSeq()), alerts: 0 };
  }
  const seq = yield* bumpSeq();
  yield* run('UPDATE token_state SET seq = ? WHERE token = ?', seq, row.token);
  const alerts = yield* tellOwnersAndWatchers(row.token, row.kind, seq, at);
  yield* logWrite(by, at, alerts, [entry], seq);
  return { status: 'ruled', appeal, seq, alerts: alerts.length };
}

/** An `appeal` alert to each member with a standing report of the token at risk, or watching it. */
function* tellOwnersAndWatchers(
  token: string,
  kind: string,
  seq: number,
  at: number,
): Step<AlertRecord[]> {
  const members = yield* all<{ member_id: string }>(
    `SELECT DISTINCT e.member_id FROM report_entities e
     JOIN reports r ON r.member_id = e.member_id AND r.id = e.report_id
     WHERE e.token = ? AND r.retracted_at IS NULL AND ${AT_RISK_SQL}
     UNION SELECT member_id FROM watchlist WHERE token = ?
     ORDER BY member_id`,
    token,
    token,
  );
  return yield* raiseAlerts(
    seq,
    members.map(({ member_id }) => ({
      memberId: member_id,
      token,
      kind,
      source: 'appeal',
      occurredAt: at,
    })),
    at,
  );
}

/** Appeals in id order after `after`: those opened through one member, or every one. */
export function* listAppeals(
  filter: { readonly member?: string; readonly status?: AppealStatus },
  after: number,
  limit: number,
): Step<AppealRow[]> {
  const where = ['id > ?'];
  const params: unknown[] = [after];
  if (filter.member !== undefined) {
    where.push('member_id = ?');
    params.push(filter.member);
  }
  if (filter.status !== undefined) {
    where.push('status = ?');
    params.push(filter.status);
  }
  const rows = yield* all<Raw>(
    `SELECT * FROM appeals WHERE ${where.join(' AND ')} ORDER BY id LIMIT ?`,
    ...params,
    limit,
  );
  return rows.map(appealOf);
}

/** When each token's latest upheld appeal was upheld (what analysis leaves out before). */
export function* upheldAppeals(): Step<Map<string, number>> {
  const rows = yield* all<{ token: string; at: number | string }>(
    "SELECT token, max(ruled_at) AS at FROM appeals WHERE status = 'upheld' GROUP BY token",
  );
  return new Map(rows.map((r) => [r.token, Number(r.at)]));
}
