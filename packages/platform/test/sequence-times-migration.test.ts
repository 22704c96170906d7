import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { harness, report } from './harness.js';
import { BACKENDS as backends } from './postgres.js';

/**
 * The migration that keeps each change's time and each token's first (TAXII's dates,
 * docs/interop.md) on a store that had changes before it: it takes each change's time
 * from the last log entry the change left, and each token's first time from its last
 * change, on SQLite and PostgreSQL. The store is put back as it was before the migration
 * (its columns dropped, its row in schema_migrations deleted) and migrated again.
 */
const VERSION = '2026-12-09-02-sequence-times';

for (const [name, backend] of backends)
  describe(`the sequence times migration (${name})`, () => {
    it('dates the changes made before it by the log entries they left', async () => {
      const b = await backend();
      const H = await harness(b.db === undefined ? {} : { db: b.db });
      try {
        await H.reports(H.actors.bankA, [report('r1', [1, 2])]);
        await new Promise((r) => setTimeout(r, 5));
        await H.reports(H.actors.bankB, [report('r2', [3])]);
        const sql = async (text: string): Promise<Record<string, unknown>[]> => {
          if (b.db === undefined) {
            const db = new Database(join(dirname(H.keyFile), 'platform.sqlite'));
            try {
              if (text.trim().toUpperCase().startsWith('SELECT'))
                return db.prepare(text).all() as Record<string, unknown>[];
              db.exec(text);
              return [];
            } finally {
              db.close();
            }
          }
          const c = new pg.Client({ connectionString: b.db });
          await c.connect();
          try {
            return (await c.query(text)).rows as Record<string, unknown>[];
          } finally {
            await c.end();
          }
        };
        const times = async () =>
          (await sql('SELECT seq, at FROM sequence_log ORDER BY seq')).map((r) => [
            Number(r.seq),
            Number(r.at),
          ]);
        const firsts = async () =>
          (await sql('SELECT token, first_at FROM token_state ORDER BY token')).map((r) => [
            r.token,
            Number(r.first_at),
          ]);
        const before = await times();
        const firstBefore = await firsts();
        expect(before.length).toBeGreaterThan(1);
        expect(before.every(([, at]) => (at as number) > Date.parse('2026-01-01'))).toBe(true);

        for (const statement of [
          'DROP INDEX sequence_log_at',
          'ALTER TABLE sequence_log DROP COLUMN at',
          'ALTER TABLE token_state DROP COLUMN first_at',
          `DELETE FROM schema_migrations WHERE version = '${VERSION}'`,
        ])
          await sql(statement);
        await H.platform.store.migrate();

        // Each write's own time is its log entry's time: the same millisecond.
        expect(await times()).toEqual(before);
        // A token's first time, taken from its last change: here, its only one.
        expect(await firsts()).toEqual(firstBefore);
      } finally {
        await H.close();
        await b.drop();
      }
    });
  });
