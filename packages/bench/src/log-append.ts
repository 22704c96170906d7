import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeBase64url } from '@credence/core/encoding/base64url';
import { entryText, entryTime, type LogEntry } from '@credence/core/log/entries';
import { PostgresStore } from '@credence/platform/storage/postgres/postgres-store';
import { SqliteStore } from '@credence/platform/storage/sqlite/sqlite-store';
import type { Store } from '@credence/platform/storage/store';
import Database from 'better-sqlite3';
import pg from 'pg';
import { postgresSchema } from './platform-fixtures.js';

/**
 * Child of `npm run bench`: appends `total` log entries in batches of `batch`, each batch
 * one transaction as the sequencer makes it (entries, the tree nodes they complete, the
 * new state), and the same entry rows alone into a table with no tree, as the baseline.
 * Prints {append, baseline} in entries per second.
 * Args: sqlite | postgres-url, total, batch.
 */

const [target = 'sqlite', totalArg = '200000', batchArg = '1000'] = process.argv.slice(2);
const total = Number(totalArg);
const batchSize = Number(batchArg);

const entries = (from: number): LogEntry[] =>
  Array.from({ length: batchSize }, (_, i) => ({
    kind: 'report',
    time: entryTime(Date.now()),
    member: 'bank-a',
    subject: `r_${(from + i).toString(16).padStart(24, '0')}`,
    digest: encodeBase64url(Buffer.alloc(32, (from + i) % 251)),
  }));

async function timeAppends(store: Store): Promise<number> {
  const started = performance.now();
  for (let done = 0; done < total; done += batchSize) await store.appendLog(entries(done));
  return total / ((performance.now() - started) / 1000);
}

const work = mkdtempSync(join(tmpdir(), 'credence-log-bench-'));
let append: number;
let baseline: number;
if (target === 'sqlite') {
  const store = new SqliteStore(join(work, 'log.sqlite'));
  await store.migrate();
  append = await timeAppends(store);
  await store.close();
  const db = new Database(join(work, 'baseline.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE log_entries (idx INTEGER PRIMARY KEY, entry TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO log_entries (idx, entry) VALUES (?, ?)');
  const started = performance.now();
  for (let done = 0; done < total; done += batchSize) {
    const texts = entries(done).map(entryText);
    db.transaction(() => {
      texts.forEach((t, i) => {
        insert.run(done + i, t);
      });
    })();
  }
  baseline = total / ((performance.now() - started) / 1000);
  db.close();
} else {
  const schema = await postgresSchema(target);
  if (schema === undefined) {
    console.log(JSON.stringify({ skipped: 'PostgreSQL is not reachable' }));
    process.exit(0);
  }
  const store = new PostgresStore(schema.url);
  await store.migrate();
  append = await timeAppends(store);
  await store.close();
  const client = new pg.Client({ connectionString: schema.url });
  await client.connect();
  await client.query('CREATE TABLE baseline_entries (idx BIGINT PRIMARY KEY, entry TEXT NOT NULL)');
  const started = performance.now();
  for (let done = 0; done < total; done += batchSize) {
    const texts = entries(done).map(entryText);
    await client.query('BEGIN');
    await client.query(
      'INSERT INTO baseline_entries (idx, entry) SELECT * FROM unnest($1::bigint[], $2::text[])',
      [texts.map((_, i) => done + i), texts],
    );
    await client.query('COMMIT');
  }
  baseline = total / ((performance.now() - started) / 1000);
  await client.end();
  await schema.drop();
}
rmSync(work, { recursive: true, force: true });
console.log(JSON.stringify({ append, baseline }));
