import type { BatchRecord, IngestReport } from '@credence/platform/domain/types';
import { PostgresStore } from '@credence/platform/storage/postgres/postgres-store';
import pg from 'pg';
import { KEY_ID, postgresSchema, randomToken } from './platform-fixtures.js';

/**
 * The points where PostgreSQL writers meet (issue 19, docs/citus.md): every write takes
 * the next change sequence from the `counters` row and appends to the log under the
 * `log_state` row's lock, so writes commit one at a time through those two rows.
 * `node serialisation.js URL SECONDS BATCH` has 1, 2 and 4 writers ingest batches of
 * BATCH reports (two fresh tokens each) into a fresh schema through the store, as the API
 * does, for SECONDS each, while a sampler reads pg_stat_activity every 5 ms: of the
 * samples of writers inside a statement, the share waiting on a lock, and on which row
 * (the statement names it). Prints one JSON line.
 */
const [url = 'postgres://postgres@127.0.0.1:5432/test', secondsArg = '10', batchArg = '100'] =
  process.argv.slice(2);
const seconds = Number(secondsArg);
const batchSize = Number(batchArg);
const APP = 'credence-serialisation-bench';

function reports(writer: number, batch: number): IngestReport[] {
  return Array.from({ length: batchSize }, (_, i) => ({
    ref: `w${writer}-b${batch}-${i}`,
    type: i % 3 === 0 ? 'confirmed_fraud' : 'victim_report',
    category: 'fake_loan',
    occurredAt: Date.now() - (i % 200) * 86_400_000,
    loss: undefined,
    entities: [
      { role: 'caller', kind: 'phone', token: randomToken(), keyId: KEY_ID },
      { role: 'beneficiary_account', kind: 'bank_account', token: randomToken(), keyId: KEY_ID },
    ],
    contentHash: `h${writer}-${batch}-${i}`,
  }));
}

interface Samples {
  inStatement: number;
  waiting: number;
  counters: number;
  logState: number;
  other: number;
}

async function run(store: PostgresStore, sampler: pg.Client, writers: number) {
  const samples: Samples = { inStatement: 0, waiting: 0, counters: 0, logState: 0, other: 0 };
  let stop = false;
  const sampling = (async () => {
    while (!stop) {
      const { rows } = await sampler.query<{ wait_event_type: string | null; query: string }>(
        `SELECT wait_event_type, query FROM pg_stat_activity
          WHERE application_name = $1 AND state = 'active' AND pid <> pg_backend_pid()`,
        [APP],
      );
      for (const r of rows) {
        samples.inStatement++;
        if (r.wait_event_type !== 'Lock') continue;
        samples.waiting++;
        if (r.query.includes('counters')) samples.counters++;
        else if (r.query.includes('log_state')) samples.logState++;
        else samples.other++;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  let written = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const member = `bench-writer-${w}`;
      for (let b = 0; performance.now() < until; b++) {
        const batch: BatchRecord = {
          memberId: member,
          batchId: `${writers}-${w}-${b}`,
          kind: 'reports',
          digest: 'bench',
          publicKey: 'bench',
          signature: 'bench',
          items: batchSize,
          receivedAt: Date.now(),
        };
        await store.ingestReports(batch, reports(w + writers * 10, b));
        written += batchSize;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  stop = true;
  await sampling;
  return { writers, reportsPerSecond: written / elapsed, ...samples };
}

const schema = await postgresSchema(url);
if (schema === undefined) {
  console.log(JSON.stringify({ skipped: `PostgreSQL not reachable at ${url}` }));
} else {
  const u = new URL(schema.url);
  u.searchParams.set('application_name', APP);
  const store = new PostgresStore(u.toString(), 10);
  const sampler = new pg.Client({ connectionString: url });
  try {
    await store.migrate();
    for (let w = 0; w < 4; w++)
      await store.createMember({
        id: `bench-writer-${w}`,
        name: `bench-writer-${w}`,
        type: 'bank',
        createdAt: Date.now(),
      });
    await sampler.connect();
    const results = [];
    for (const writers of [1, 2, 4]) results.push(await run(store, sampler, writers));
    console.log(JSON.stringify({ seconds, batchSize, results }));
  } finally {
    await sampler.end().catch(() => undefined);
    await store.close();
    await schema.drop();
  }
}
