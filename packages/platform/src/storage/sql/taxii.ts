import { all, dialect, get, type Step } from './steps.js';

/**
 * The rows TAXII pages through (issue 18, docs/interop.md): each flagged token's state,
 * by epoch (a day, by default) of the change that last moved it, and by token within an
 * epoch. Times never go back in sequence order (sql/log.ts), so an epoch's changes are a
 * range of sequence numbers. Within one, the order is the tokens', not the changes': the
 * order of the changes would tell which tokens came in one batch, which the log's entries
 * (naming their member, with their time) would tie to a member. Written once for both
 * stores.
 */
export interface TokenRow {
  readonly token: string;
  readonly kind: string;
  readonly keyId: string;
  readonly seq: number;
  /** The epoch of the change that last moved it. */
  readonly epoch: number;
  /** When it was first known (epoch ms). */
  readonly firstAt: number;
}

/** Where a page starts: after this token (exclusive) of this epoch. */
export interface TokenCursor {
  readonly epoch: number;
  readonly token: string;
}

type Row = {
  token: string;
  kind: string;
  key_id: string;
  seq: number | string;
  first_at: number | string | null;
};
const rowOf =
  (epoch: number, epochMs: number) =>
  (r: Row): TokenRow => ({
    token: r.token,
    kind: r.kind,
    keyId: r.key_id,
    seq: Number(r.seq),
    epoch,
    firstAt: r.first_at === null ? epoch * epochMs : Number(r.first_at),
  });

const COLUMNS = 's.token, s.kind, s.key_id, s.seq, s.first_at';

/** The first sequence number made at or after `at` (epoch ms), and its time. */
function* firstSince(at: number): Step<{ seq: number; at: number } | undefined> {
  const row = yield* get<{ seq: number | string; at: number | string }>(
    'SELECT seq, at FROM sequence_log WHERE at >= ? ORDER BY at, seq LIMIT 1',
    at,
  );
  return row === undefined ? undefined : { seq: Number(row.seq), at: Number(row.at) };
}

/**
 * Up to `limit` flagged tokens' rows after `cursor`, epoch by epoch, of the epochs before
 * `sealedBefore` only (an epoch still open may take more changes).
 */
export function* tokenRows(
  cursor: TokenCursor,
  limit: number,
  epochMs: number,
  sealedBefore: number,
): Step<TokenRow[]> {
  const sqlite = (yield* dialect()) === 'sqlite';
  const out: TokenRow[] = [];
  let epoch = cursor.epoch;
  let after = cursor.token;
  while (out.length < limit && epoch < sealedBefore) {
    const first = yield* firstSince(epoch * epochMs);
    if (first === undefined) break;
    const starts = Math.floor(first.at / epochMs);
    // No change in this epoch: on to the next that has one.
    if (starts > epoch) {
      epoch = starts;
      after = '';
      continue;
    }
    const next = yield* firstSince((epoch + 1) * epochMs);
    // The epoch's rows in token order: its range of the sequence's index, sorted (on
    // SQLite, `+` keeps the token's index out of it, which would scan every token).
    const rows = yield* all<Row>(
      `SELECT ${COLUMNS} FROM token_state s
       WHERE s.flagged AND s.seq >= ?${next === undefined ? '' : ' AND s.seq < ?'} AND ${sqlite ? '+s.token' : 's.token'} > ?
       ORDER BY s.token LIMIT ?`,
      first.seq,
      ...(next === undefined ? [] : [next.seq]),
      after,
      limit - out.length,
    );
    out.push(...rows.map(rowOf(epoch, epochMs)));
    if (out.length >= limit) break;
    epoch++;
    after = '';
  }
  return out;
}

/** The epoch of a token's last change: its sequence number's time. */
function* epochOfSeq(seq: number, epochMs: number): Step<number> {
  const row = yield* get<{ at: number | string | null }>(
    'SELECT at FROM sequence_log WHERE seq <= ? AND at IS NOT NULL ORDER BY seq DESC LIMIT 1',
    seq,
  );
  return Math.floor(Number(row?.at ?? 0) / epochMs);
}

/**
 * The flagged tokens that start with `prefix` (an indicator's id leads to them), each with
 * its epoch; at most 64 (more is a member sending tokens made to share a prefix).
 */
export function* tokenRowsByPrefix(prefix: string, epochMs: number): Step<TokenRow[]> {
  // SQLite compares text bytewise, so a range is the prefix. PostgreSQL compares by the
  // database's collation, under which a range need not be: LIKE is right under any (and
  // uses the index under C), with base64url's `_` escaped.
  const rows =
    (yield* dialect()) === 'postgres'
      ? yield* all<Row>(
          `SELECT ${COLUMNS} FROM token_state s WHERE s.flagged AND s.token LIKE ? ORDER BY s.token LIMIT 64`,
          `${prefix.replace(/_/g, '\\_')}%`,
        )
      : yield* all<Row>(
          `SELECT ${COLUMNS} FROM token_state s WHERE s.flagged AND s.token >= ? AND s.token < ? ORDER BY s.token LIMIT 64`,
          prefix,
          `${prefix}\u007f`,
        );
  const found: TokenRow[] = [];
  for (const r of rows) {
    const epoch = yield* epochOfSeq(Number(r.seq), epochMs);
    found.push(rowOf(epoch, epochMs)(r));
  }
  return found;
}

/** When the first change was made (epoch ms), if any was: when the platform's objects were added. */
export function* firstChangeAt(): Step<number | undefined> {
  const row = yield* get<{ at: number | string | null }>(
    'SELECT at FROM sequence_log WHERE at IS NOT NULL ORDER BY at LIMIT 1',
  );
  return row === undefined ? undefined : Number(row.at);
}
