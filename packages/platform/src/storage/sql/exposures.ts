import { createHmac, randomBytes } from 'node:crypto';
import { EXPOSURE_MEMBER_TYPES, type ExposureJson } from '@credence/core/wire/exposures';
import type { LogAppend, TokenRef } from '../../domain/types.js';
import { eventEntry } from '../log-append.js';
import { logCommittingWrite } from './log.js';
import { bumpSeq } from './sequence.js';
import { all, dialect, get, inList, run, type Step } from './steps.js';
import { raiseAlerts } from './watch.js';

/**
 * Exposure warnings (issue 17, docs/exposures.md), written once for both stores: a part of
 * a seized list, as tokens, is matched against every member's watchlist; each watcher
 * gets an `exposed` alert per token of its own, and the part is logged with counts only.
 * The tokens are not kept: the part's row holds its counts and a salted digest of its
 * sorted tokens (which tells a repeat of the same upload from a different one under the
 * same name, and, salted per row, matches no token the platform sees later). The entry is
 * in the platform's name (EXPOSURE_WRITER): its record, with the police member that
 * uploaded and the counts, goes to auditors and the operator, not to the uploader (the
 * counts would tell it whether a listed person is someone's customer) nor to the watchers.
 * The record, salted, commits to the alerts too (kinds.ts `commitsAlerts`): a separate
 * `alerts` entry would show anyone reading the log how many were raised.
 */

/** The name the exposure entries are logged in. */
export const EXPOSURE_WRITER = 'platform';

type Raw = {
  id: number | string;
  member_id: string;
  list: string;
  part: number | string;
  seized_at: number | string;
  tokens: number | string;
  tokens_digest: string;
  tokens_salt: string;
  matched: number | string;
  alerts: string;
  created_at: number | string;
};

const exposureOf = (r: Raw): ExposureJson => ({
  id: Number(r.id),
  member: r.member_id,
  list: r.list,
  part: Number(r.part),
  seizedAt: new Date(Number(r.seized_at)).toISOString(),
  tokens: Number(r.tokens),
  matched: Number(r.matched),
  alerts: JSON.parse(r.alerts) as ExposureJson['alerts'],
  createdAt: new Date(Number(r.created_at)).toISOString(),
});

export type RecordedExposure =
  | {
      readonly status: 'recorded';
      readonly exposure: ExposureJson;
      readonly seq: number;
      readonly alerts: number;
      /** The part's entry in the log, which commits to its alerts too. */
      readonly log: LogAppend;
    }
  /** The same part uploaded before: answered as it was, nothing raised again. */
  | { readonly status: 'repeat'; readonly exposure: ExposureJson }
  /** Another upload holds this list's part under the same name, with other tokens. */
  | { readonly status: 'conflict'; readonly exposure: ExposureJson };

/** The salted digest of a part's distinct tokens, in order: what tells a repeat from a conflict. */
const tokensDigest = (salt: string, tokens: readonly string[]) =>
  createHmac('sha256', Buffer.from(salt, 'base64url'))
    .update([...new Set(tokens)].sort().join('\n'))
    .digest('hex');

/**
 * Matches a part of a seized list against the watchlists and alerts each watcher about
 * its own tokens, in one transaction with the part's log entry. `tokens` are distinct.
 */
export function* recordExposure(
  memberId: string,
  part: { readonly list: string; readonly part: number; readonly seizedAt: number },
  tokens: readonly TokenRef[],
  at: number,
): Step<RecordedExposure> {
  if ((yield* dialect()) === 'postgres') yield* run('LOCK TABLE exposures IN EXCLUSIVE MODE');
  const values = tokens.map((t) => t.token);
  const before = yield* get<Raw>(
    'SELECT * FROM exposures WHERE member_id = ? AND list = ? AND part = ?',
    memberId,
    part.list,
    part.part,
  );
  if (before !== undefined) {
    const same =
      before.tokens_digest === tokensDigest(before.tokens_salt, values) &&
      Number(before.seized_at) === part.seizedAt;
    return { status: same ? 'repeat' : 'conflict', exposure: exposureOf(before) };
  }
  const salt = randomBytes(16).toString('base64url');
  const where = yield* inList(
    'w.token',
    tokens.map((t) => t.token),
    'text',
  );
  // Each watcher of each token: the token's kind as the watcher registered it.
  const watched = yield* all<{ token: string; member_id: string; kind: string; type: string }>(
    `SELECT w.token, w.member_id, w.kind, m.type FROM watchlist w JOIN members m ON m.id = w.member_id
     WHERE ${where.text} AND m.status = 'active' ORDER BY w.member_id, w.token`,
    ...where.params,
  );
  const byType: Record<string, number> = Object.fromEntries(
    EXPOSURE_MEMBER_TYPES.map((t) => [t, 0]),
  );
  // A police member may watch too (its own staff's numbers): counted apart from the four.
  for (const w of watched) byType[w.type] = (byType[w.type] ?? 0) + 1;
  const id =
    Number(
      (yield* get<{ v: number | string | null }>('SELECT max(id) AS v FROM exposures'))?.v ?? 0,
    ) + 1;
  const exposure: ExposureJson = {
    id,
    member: memberId,
    list: part.list,
    part: part.part,
    seizedAt: new Date(part.seizedAt).toISOString(),
    tokens: tokens.length,
    matched: new Set(watched.map((w) => w.token)).size,
    alerts: byType as ExposureJson['alerts'],
    createdAt: new Date(at).toISOString(),
  };
  yield* run(
    `INSERT INTO exposures (id, member_id, list, part, seized_at, tokens, tokens_digest, tokens_salt, matched, alerts, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    id,
    memberId,
    part.list,
    part.part,
    part.seizedAt,
    exposure.tokens,
    tokensDigest(salt, values),
    salt,
    exposure.matched,
    JSON.stringify(exposure.alerts),
    at,
  );
  // Every recorded upload moves the change sequence and logs one salted entry, whether or
  // not anybody was alerted: the public head, the log's size and the entry's digest are
  // the same either way, so that the uploader cannot tell from them whether one identifier
  // it padded a list around is somebody's customer (docs/exposures.md).
  const seq = yield* bumpSeq();
  const alerts = yield* raiseAlerts(
    seq,
    watched.map((w) => ({
      memberId: w.member_id,
      token: w.token,
      kind: w.kind,
      source: 'exposed',
      occurredAt: part.seizedAt,
    })),
    at,
  );
  const log = yield* logCommittingWrite(
    alerts,
    (commitment) =>
      eventEntry('exposure', EXPOSURE_WRITER, `exposure/${id}`, at, {
        event: 'exposure',
        id,
        police: memberId,
        list: part.list,
        part: part.part,
        seizedAt: exposure.seizedAt,
        tokens: exposure.tokens,
        matched: exposure.matched,
        alerts: exposure.alerts,
        ...commitment,
      }),
    seq,
    at,
  );
  return { status: 'recorded', exposure, seq, alerts: alerts.length, log };
}

/** Uploads in id order after `after`: one police member's, or every one. */
export function* listExposures(
  filter: { readonly member?: string },
  after: number,
  limit: number,
): Step<ExposureJson[]> {
  const rows = yield* all<Raw>(
    filter.member === undefined
      ? 'SELECT * FROM exposures WHERE id > ? ORDER BY id LIMIT ?'
      : 'SELECT * FROM exposures WHERE id > ? AND member_id = ? ORDER BY id LIMIT ?',
    after,
    ...(filter.member === undefined ? [] : [filter.member]),
    limit,
  );
  return rows.map(exposureOf);
}
