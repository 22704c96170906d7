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
    };
  });
}
