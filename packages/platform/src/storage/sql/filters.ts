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
import { all, dialect, get, run, type Step } from './steps.js';

/** Compact filters of flagged tokens (issue 18, docs/filters.md): written once for both stores. */

/** A published filter without its bytes: what the list of filters answers. */
export interface PublishedFilter {
  readonly release: FilterRelease;
  /** The index of its `filter` entry in the log. */
  readonly logIndex: number;
  /** The SHA-256 of the sorted tokens it was built from (not served). */
  readonly tokensDigest: string;
}

type Row = { release: string; log_index: number | string; tokens_digest: string };
const publishedOf = (r: Row): PublishedFilter => ({
  release: JSON.parse(r.release) as FilterRelease,
  logIndex: Number(r.log_index),
  tokensDigest: r.tokens_digest,
});

/** The flagged tokens under each key id, in token order. */
export function* flaggedTokensByKey(): Step<Map<string, string[]>> {
  const rows = yield* all<{ key_id: string; token: string }>(
    'SELECT key_id, token FROM token_state WHERE flagged ORDER BY key_id, token',
  );
  const byKey = new Map<string, string[]>();
  for (const r of rows) {
    const list = byKey.get(r.key_id);
    if (list === undefined) byKey.set(r.key_id, [r.token]);
    else list.push(r.token);
  }
  return byKey;
}

/** The newest version of each key id and width. */
export function* latestFilters(): Step<PublishedFilter[]> {
  return (yield* all<Row>(
    `SELECT f.release, f.log_index, f.tokens_digest FROM filters f
     WHERE f.version = (SELECT max(version) FROM filters g WHERE g.key_id = f.key_id AND g.bits = f.bits)
     ORDER BY f.key_id, f.bits`,
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
  /** The SHA-256 of the sorted tokens it was built from. */
  readonly tokensDigest: string;
  readonly bytes: Uint8Array;
}

/**
 * Logs and keeps a filter as the next version of its key id and width, unless the newest
 * one was built from the same tokens (then nothing is written and undefined answered).
 * The table is locked on PostgreSQL, so that two API processes publishing at once
 * publish once.
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
  const release: FilterRelease = {
    event: 'filter',
    keyId: filter.keyId,
    bits: filter.bits,
    version: Number(newest?.version ?? 0) + 1,
    tokens: filter.tokens,
    sha256: filterDigest(filter.bytes),
    createdAt: new Date(at).toISOString(),
  };
  const entry = eventEntry('filter', FILTER_WRITER, filterSubject(release), at, release);
  const log = (yield* logWrite(FILTER_WRITER, at, [], [entry])) as LogAppend;
  yield* run(
    `INSERT INTO filters (key_id, bits, version, tokens, sha256, tokens_digest, bytes, release, log_index, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
  );
  return { release, log };
}
