import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * PostgreSQL for the tests that need it: CREDENCE_TEST_POSTGRES_URL names a server
 * (CI sets it); without it those suites skip, with a message. Each test gets a schema of
 * its own, dropped afterwards.
 */
export const POSTGRES_URL = process.env.CREDENCE_TEST_POSTGRES_URL;

export function skipMessage(): string {
  return 'skipped: set CREDENCE_TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to run the PostgreSQL suites';
}

/** A fresh schema; returns the URL that uses it and a function that drops it. */
export async function freshSchema(
  url: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}

/** A store to run a test on: its --db (none: a fresh SQLite file) and how to drop it. */
export type Backend = () => Promise<{ db?: string; drop: () => Promise<void> }>;

/** SQLite always; PostgreSQL too with CREDENCE_TEST_POSTGRES_URL, each test in a fresh schema. */
export const BACKENDS: readonly [string, Backend][] = [
  ['SQLite', async () => ({ drop: async () => {} })],
  ...(POSTGRES_URL === undefined
    ? []
    : [
        [
          'PostgreSQL',
          async () => {
            const schema = await freshSchema(POSTGRES_URL as string);
            return { db: schema.url, drop: schema.drop };
          },
        ] as [string, Backend],
      ]),
];
