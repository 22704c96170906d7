import { type AlertRecord, alertsDigest, type LogEntry } from '@credence/core/log/entries';
import type { LogAppend, LogHead, OprfUsage, StoredCheckpoint } from '../../domain/types.js';
import { alertSalt, alertsEntry, type EntryToAppend, oprfUsageEntry } from '../log-append.js';
import { all, append, dialect, get, inList, run, type Step } from './steps.js';

/** The transparency log's tables, witnesses and checkpoints: written once for both stores. */

/**
 * Logs one write: first the commitment to the alerts it raised (if any; their rows learn
 * its index and its salt is kept), then the write's own entries, whose append is
 * returned (the receipt covers exactly those). With `seq`, the write moved the change
 * sequence: the log's size after it is kept for that sequence number, which is what a
 * check answered from the changes up to it rests on. Call last in the transaction.
 */
export function* logWrite(
  writer: string,
  at: number,
  alerts: readonly AlertRecord[],
  entries: readonly EntryToAppend[],
  seq?: number,
): Step<LogAppend | undefined> {
  if (alerts.length > 0) {
    const salt = alertSalt();
    const committed = (yield* append([alertsEntry(writer, at, salt, alerts)])) as LogAppend;
    yield* placeAlerts(committed.first, alerts, salt);
  }
  const log = yield* append(entries);
  if (seq !== undefined) yield* keepSequenceSize(seq, log, at);
  return log;
}

/**
 * Logs one write as a single entry whose record commits to the alerts it raised (kinds.ts,
 * `commitsAlerts`): `entryOf` is given a fresh salt, and the alerts' digest under it where
 * there are any; the alerts' rows learn the entry's index. One entry whether or not the
 * write raised alerts, and a salted record either way, so that neither the log's size nor
 * the entry's digest tells anyone but an auditor whether anybody was alerted.
 */
export function* logCommittingWrite(
  alerts: readonly AlertRecord[],
  entryOf: (commitment: { readonly salt: string; readonly alertsDigest?: string }) => EntryToAppend,
  seq: number,
  at: number,
): Step<LogAppend> {
  const salt = alertSalt();
  const log = (yield* append([
    entryOf(alerts.length === 0 ? { salt } : { salt, alertsDigest: alertsDigest(salt, alerts) }),
  ])) as LogAppend;
  yield* placeAlerts(log.first, alerts);
  yield* keepSequenceSize(seq, log, at);
  return log;
}

/**
 * The alerts' rows learn the index of the entry that commits to them, and, for an `alerts`
 * entry, its salt is kept (inside a record, the salt is the record's). On PostgreSQL one
 * statement: every write that raises alerts runs it.
 */
function* placeAlerts(index: number, alerts: readonly AlertRecord[], salt?: string): Step<void> {
  if (alerts.length === 0) return;
  const ids = alerts.map((a) => a.id);
  if ((yield* dialect()) === 'postgres') {
    if (salt === undefined)
      yield* run('UPDATE alerts SET log_index = ? WHERE id = ANY(?::bigint[])', index, ids);
    else
      yield* run(
        `WITH salt AS (INSERT INTO alert_salts (log_index, salt) VALUES (?, ?))
         UPDATE alerts SET log_index = ? WHERE id = ANY(?::bigint[])`,
        index,
        salt,
        index,
        ids,
      );
    return;
  }
  if (salt !== undefined)
    yield* run('INSERT INTO alert_salts (log_index, salt) VALUES (?, ?)', index, salt);
  for (const id of ids) yield* run('UPDATE alerts SET log_index = ? WHERE id = ?', index, id);
}

/**
 * The log's size after the write that moved the change sequence to `seq`, and its time:
 * the later of `at` and the previous sequence number's, so that times never go back in
 * sequence order (TAXII serves changes in that order, by that time). The previous one is
 * committed: a write holds the counter until it commits.
 */
function* keepSequenceSize(seq: number, log: LogAppend | undefined, at: number): Step<void> {
  const [later] = (yield* dialect()) === 'postgres' ? ['greatest'] : ['max'];
  yield* run(
    `INSERT INTO sequence_log (seq, log_size, at) VALUES (?, coalesce(?, (SELECT size FROM log_state WHERE id = 1)),
       ${later}(?, coalesce((SELECT at FROM sequence_log WHERE seq < ? ORDER BY seq DESC LIMIT 1), 0)))
     ON CONFLICT (seq) DO UPDATE SET log_size = excluded.log_size, at = excluded.at`,
    seq,
    log?.size ?? null,
    at,
    seq,
  );
}

export function* logHead(): Step<LogHead> {
  const row = (yield* get<{ size: number; root: Uint8Array }>(
    'SELECT size, root FROM log_state WHERE id = 1',
  )) as { size: number; root: Uint8Array };
  return { size: row.size, root: new Uint8Array(row.root) };
}

/** Appends entries that no other write carries; an empty list answers the head. */
export function* appendLog(entries: readonly LogEntry[]): Step<LogAppend> {
  const appended = yield* append(entries);
  if (appended !== undefined) return appended;
  const head = yield* logHead();
  return { first: head.size, count: 0, size: head.size, root: head.root };
}

export function* logEntries(start: number, end: number): Step<string[]> {
  const rows = yield* all<{ entry: string }>(
    'SELECT entry FROM log_entries WHERE idx >= ? AND idx < ? ORDER BY idx',
    start,
    end,
  );
  return rows.map((r) => r.entry);
}

/**
 * Keeps key servers' counts that grew and logs each (in day, member order); counts that
 * did not grow change nothing. On PostgreSQL the upserted rows stay locked until commit,
 * so two reports of one count cannot both log it.
 */
export function* recordOprfUsage(
  usage: readonly OprfUsage[],
  at: number,
): Step<LogAppend | undefined> {
  const grown: OprfUsage[] = [];
  for (const u of usage) {
    if (u.evaluations <= 0) continue;
    const kept = yield* all(
      `INSERT INTO oprf_usage (reporter, key_id, share_index, day, member_id, evaluations) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (reporter, key_id, share_index, day, member_id) DO UPDATE SET evaluations = excluded.evaluations
       WHERE oprf_usage.evaluations < excluded.evaluations
       RETURNING evaluations`,
      u.reporter,
      u.keyId,
      u.shareIndex,
      u.day,
      u.member,
      u.evaluations,
    );
    if (kept.length > 0) grown.push(u);
  }
  grown.sort((a, b) => (`${a.day}/${a.member}` < `${b.day}/${b.member}` ? -1 : 1));
  return yield* append(grown.map((u) => oprfUsageEntry(u, at)));
}

type CheckpointRow = { size: number; note: string; created_at: number };

/** Checkpoints with their cosignature lines (in witness order). */
function* withCosignatures(rows: readonly CheckpointRow[]): Step<StoredCheckpoint[]> {
  if (rows.length === 0) return [];
  const sizes = yield* inList(
    'size',
    rows.map((r) => r.size),
    'bigint',
  );
  const cosigned = yield* all<{ size: number; line: string }>(
    `SELECT size, line FROM log_cosignatures WHERE ${sizes.text} ORDER BY size, witness`,
    ...sizes.params,
  );
  return rows.map((r) => ({
    size: r.size,
    note: r.note,
    createdAt: r.created_at,
    cosignatures: cosigned.filter((c) => c.size === r.size).map((c) => c.line),
  }));
}

export function* saveCheckpoint(size: number, note: string, at: number): Step<void> {
  yield* run(
    'INSERT INTO log_checkpoints (size, note, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    size,
    note,
    at,
  );
}

export function* getCheckpoint(size?: number): Step<StoredCheckpoint | undefined> {
  const rows =
    size === undefined
      ? yield* all<CheckpointRow>('SELECT * FROM log_checkpoints ORDER BY size DESC LIMIT 1')
      : yield* all<CheckpointRow>('SELECT * FROM log_checkpoints WHERE size = ?', size);
  return (yield* withCosignatures(rows))[0];
}

export function* latestCosignedCheckpoint(
  cosignatures: number,
): Step<StoredCheckpoint | undefined> {
  const rows = yield* all<CheckpointRow>(
    'SELECT * FROM log_checkpoints c WHERE (SELECT count(*) FROM log_cosignatures s WHERE s.size = c.size) >= ? ORDER BY size DESC LIMIT 1',
    cosignatures,
  );
  return (yield* withCosignatures(rows))[0];
}

export function* listCheckpoints(fromSize: number, limit: number): Step<StoredCheckpoint[]> {
  return yield* withCosignatures(
    yield* all<CheckpointRow>(
      'SELECT * FROM log_checkpoints WHERE size >= ? ORDER BY size LIMIT ?',
      fromSize,
      limit,
    ),
  );
}

export function* addCosignature(
  size: number,
  witness: string,
  line: string,
  at: number,
): Step<void> {
  yield* run(
    'INSERT INTO log_cosignatures (size, witness, line, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    size,
    witness,
    line,
    at,
  );
}

export function* listWitnesses(): Step<string[]> {
  return (yield* all<{ vkey: string }>('SELECT vkey FROM witnesses ORDER BY added_at, vkey')).map(
    (r) => r.vkey,
  );
}

export function* addWitness(vkey: string, at: number): Step<boolean> {
  return (
    (yield* run(
      'INSERT INTO witnesses (vkey, added_at) VALUES (?, ?) ON CONFLICT DO NOTHING',
      vkey,
      at,
    )) > 0
  );
}

export function* removeWitness(vkey: string): Step<boolean> {
  return (yield* run('DELETE FROM witnesses WHERE vkey = ?', vkey)) > 0;
}
