import type { FingerprintBits } from '@credence/core/filters/binary-fuse';
import {
  FILTER_WRITER,
  type FilterRelease,
  filterDigest,
  filterSubject,
} from '@credence/core/filters/filter-release';
import type { LogAppend } from '../../domain/types.js';
import { eventEntry } from '../log-append.js';
import { logWrite } from './log.js';
import { currentSeq } from './sequence.js';
import { all, dialect, get, run, type Step } from './steps.js';

/** Compact filters of flagged tokens (issue 18, docs/filters.md): written once for both stores. */

/** A published filter without its bytes: what the list of filters answers. */
export interface PublishedFilter {
  readonly release: FilterRelease;
  /** The index of its `filter` entry in the log. */
  readonly logIndex: number;
  /** The SHA-256 of the sorted tokens it holds (not served). */
  readonly tokensDigest: string;
  /** The change sequence its tokens were read at (not served). */
  readonly seq: number;
}

type Row = {
  release: string;
  log_index: number | string;
  tokens_digest: string;
  seq: number | string;
};
const publishedOf = (r: Row): PublishedFilter => ({
  release: JSON.parse(r.release) as FilterRelease,
  logIndex: Number(r.log_index),
  tokensDigest: r.tokens_digest,
  seq: Number(r.seq),
});

/** The flagged tokens of one key id, in token order, and when each one's state last moved. */
export interface KeyTokens {
  readonly tokens: string[];
  /** The change sequence of each token's last move, in the tokens' order. */
  readonly seqs: Float64Array;
}

export interface FlaggedTokens {
  /** The change sequence they were read at: every move at or before it is in them. */
  readonly seq: number;
  readonly byKey: Map<string, KeyTokens>;
}

/**
 * The flagged tokens under each key id, in token order. The sequence is read first: a
 * write holds the counter until it commits, so every move numbered at or before it is
 * committed, and in the tokens read after it (later moves may be too; an additions
 * filter built from this base repeats them, which costs nothing but room).
 */
export function* flaggedTokensByKey(): Step<FlaggedTokens> {
  const seq = Number(yield* currentSeq());
  const rows = yield* all<{ key_id: string; token: string; seq: number | string }>(
    'SELECT key_id, token, seq FROM token_state WHERE flagged ORDER BY key_id, token',
  );
  const byKey = new Map<string, KeyTokens>();
  let start = 0;
  for (let i = 1; i <= rows.length; i++) {
    const keyId = (rows[start] as { key_id: string }).key_id;
    if (i < rows.length && (rows[i] as { key_id: string }).key_id === keyId) continue;
    const tokens: string[] = new Array(i - start);
    const seqs = new Float64Array(i - start);
    for (let j = start; j < i; j++) {
      const r = rows[j] as { token: string; seq: number | string };
      tokens[j - start] = r.token;
      seqs[j - start] = Number(r.seq);
    }
    byKey.set(keyId, { tokens, seqs });
    start = i;
  }
  return { seq, byKey };
}

/**
 * Per key id and width, the newest base and, if it is not that base, the newest version
 * (an additions filter over it: additions are only ever published over the newest base).
 */
export function* latestFilters(): Step<PublishedFilter[]> {
  return (yield* all<Row>(
    `SELECT f.release, f.log_index, f.tokens_digest, f.seq FROM filters f
     WHERE f.version = (SELECT max(version) FROM filters g WHERE g.key_id = f.key_id AND g.bits = f.bits)
        OR f.version = (SELECT max(version) FROM filters g WHERE g.key_id = f.key_id AND g.bits = f.bits AND g.base IS NULL)
     ORDER BY f.key_id, f.bits, f.version`,
  )).map(publishedOf);
}

export function* filterBytes(
  keyId: string,
  bits: number,
  version: number,
): Step<Uint8Array | undefined> {
  const row = yield* get<{ bytes: Uint8Array }>(
    'SELECT bytes FROM filters WHERE key_id = ? AND bits = ? AND version = ?',
    keyId,
    bits,
    version,
  );
  return row === undefined ? undefined : new Uint8Array(row.bytes);
}

/** A filter built, to be recorded as its key id and width's next version. */
export interface FilterToRecord {
  readonly keyId: string;
  readonly bits: FingerprintBits;
  /** Tokens it holds. */
  readonly tokens: number;
  /** The SHA-256 of the sorted tokens it holds. */
  readonly tokensDigest: string;
  /** The change sequence its tokens were read at. */
  readonly seq: number;
  /** An additions filter: the version of the base it adds to. */
  readonly base?: number;
  readonly bytes: Uint8Array;
}

/**
 * Logs and keeps a filter as the next version of its key id and width, unless the newest
 * one holds the same tokens, or an additions filter's base is no longer the newest base
 * (another process published one meanwhile): then nothing is written and undefined
 * answered. The table is locked on PostgreSQL, so that two API processes publishing at
 * once publish once.
 */
export function* recordFilter(
  filter: FilterToRecord,
  at: number,
): Step<{ release: FilterRelease; log: LogAppend } | undefined> {
  if ((yield* dialect()) === 'postgres') yield* run('LOCK TABLE filters IN EXCLUSIVE MODE');
  const newest = yield* get<{ version: number | string; tokens_digest: string }>(
    'SELECT version, tokens_digest FROM filters WHERE key_id = ? AND bits = ? ORDER BY version DESC LIMIT 1',
    filter.keyId,
    filter.bits,
  );
  if (newest?.tokens_digest === filter.tokensDigest) return undefined;
  if (filter.base !== undefined) {
    const base = yield* get<{ version: number | string }>(
      'SELECT max(version) AS version FROM filters WHERE key_id = ? AND bits = ? AND base IS NULL',
      filter.keyId,
      filter.bits,
    );
    if (Number(base?.version ?? 0) !== filter.base) return undefined;
  }
  const release: FilterRelease = {
    event: 'filter',
    keyId: filter.keyId,
    bits: filter.bits,
    version: Number(newest?.version ?? 0) + 1,
    ...(filter.base === undefined ? {} : { base: filter.base }),
    tokens: filter.tokens,
    sha256: filterDigest(filter.bytes),
    createdAt: new Date(at).toISOString(),
  };
  const entry = eventEntry('filter', FILTER_WRITER, filterSubject(release), at, release);
  const log = (yield* logWrite(FILTER_WRITER, at, [], [entry])) as LogAppend;
  yield* run(
    `INSERT INTO filters (key_id, bits, version, tokens, sha256, tokens_digest, bytes, release, log_index, created_at, seq, base)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    release.keyId,
    release.bits,
    release.version,
    release.tokens,
    release.sha256,
    filter.tokensDigest,
    Buffer.from(filter.bytes.buffer, filter.bytes.byteOffset, filter.bytes.byteLength),
    JSON.stringify(release),
    log.first,
    at,
    filter.seq,
    filter.base ?? null,
  );
  return { release, log };
}
