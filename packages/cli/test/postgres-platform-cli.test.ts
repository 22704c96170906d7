import pg from 'pg';
import { describe, it } from 'vitest';
import { freshSchema, POSTGRES_URL, skipMessage } from '../../platform/test/postgres.js';
import { describePlatformCli } from './platform-suite.js';

if (POSTGRES_URL === undefined) {
  describe.skip(`the platform from the command line (PostgreSQL): ${skipMessage()}`, () => {
    it('needs PostgreSQL', () => {});
  });
} else {
  const url = POSTGRES_URL;
  describePlatformCli('PostgreSQL', async () => {
    const schema = await freshSchema(url);
    return {
      db: schema.url,
      // Every row of every table of the schema, as text.
      dump: async () => {
        const client = new pg.Client({ connectionString: schema.url });
        await client.connect();
        try {
          const { rows } = await client.query<{ name: string }>(
            'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()',
          );
          let text = '';
          for (const { name } of rows) {
            const all = await client.query(`SELECT t::text AS row FROM "${name}" t`);
            text += all.rows.map((r: { row: string }) => r.row).join('\n');
          }
          return text;
        } finally {
          await client.end();
        }
      },
      drop: schema.drop,
      sql: async (query) => {
        const client = new pg.Client({ connectionString: schema.url });
        await client.connect();
        try {
          return (await client.query(query)).rows as Record<string, unknown>[];
        } finally {
          await client.end();
        }
      },
      insert: async (table, row) => {
        const client = new pg.Client({ connectionString: schema.url });
        await client.connect();
        try {
          const columns = Object.keys(row);
          await client.query(
            `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
            columns.map((c) => row[c]),
          );
        } finally {
          await client.end();
        }
      },
    };
  });
}
