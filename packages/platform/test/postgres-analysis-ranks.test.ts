import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { RankColumns } from '../src/domain/types.js';
import { PostgresStore } from '../src/storage/postgres/postgres-store.js';
import { freshSchema, POSTGRES_URL, skipMessage } from './postgres.js';

/**
 * A check reads the ranks of its tokens in the latest run, and PostgreSQL has seldom seen
 * that run in its statistics: the run was written moments ago. Keyed by run first, the
 * planner then took the run's rows one by one and filtered them by token (0.5 s a check at
 * 120,000 ranks in the soak, which took the machine's two cores). Keyed by token first, the
 * tokens are the index's own condition whatever the statistics say.
 */
const suite = POSTGRES_URL === undefined ? describe.skip : describe;

const columns = (run: number, n: number): RankColumns => ({
  tokens: Array.from({ length: n }, (_, i) => `r${run}t${i}`.padEnd(43, 'x')),
  score: new Float64Array(n).fill(0.5),
  percentile: new Float64Array(n).fill(0.9),
  near: new Int32Array(n).fill(1),
  via: Array.from({ length: n }, () => null),
});

suite(`a run's ranks on PostgreSQL${POSTGRES_URL === undefined ? ` (${skipMessage()})` : ''}`, () => {
  it('are found by their tokens, not by scanning the run, before the statistics have seen it', async () => {
    const schema = await freshSchema(POSTGRES_URL as string);
    const store = new PostgresStore(schema.url);
    const client = new pg.Client({ connectionString: schema.url });
    try {
      await store.migrate();
      await client.connect();
      await store.restoreRanks(1, columns(1, 20_000));
      await client.query('ANALYZE analysis_ranks');
      // The latest run, written after the statistics were taken.
      const latest = columns(2, 20_000);
      await store.restoreRanks(2, latest);
      const asked = [latest.tokens[7], latest.tokens[19_000], 'x'.repeat(43)] as string[];
      const { rows } = await client.query<{ 'QUERY PLAN': unknown }>(
        'EXPLAIN (FORMAT JSON) SELECT token, score, percentile, near, via FROM analysis_ranks WHERE run_id = $1 AND token = ANY($2::text[])',
        [2, asked],
      );
      const plan = JSON.stringify(rows[0]?.['QUERY PLAN']);
      expect(plan).toMatch(/"Index Cond":"\(\(token = ANY/);
      expect(plan).not.toContain('"Filter"');
      const read = await store.analysisRanks(2, asked);
      expect(read.map((r) => r?.token)).toEqual([asked[0], asked[1], undefined]);
    } finally {
      await client.end();
      await store.close();
      await schema.drop();
    }
  });
});
