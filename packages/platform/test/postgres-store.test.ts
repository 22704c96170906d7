import { describe, it } from 'vitest';
import { PostgresStore } from '../src/storage/postgres/postgres-store.js';
import { freshSchema, POSTGRES_URL, skipMessage } from './postgres.js';
import { storeContract } from './store-contract.js';

if (POSTGRES_URL === undefined) {
  describe.skip(`Store contract: PostgreSQL (${skipMessage()})`, () => {
    it('needs PostgreSQL', () => {});
  });
} else {
  const base = POSTGRES_URL;
  storeContract('PostgreSQL', () => {
    let schema: Awaited<ReturnType<typeof freshSchema>> | undefined;
    return {
      open: async () => {
        schema = await freshSchema(base);
        return new PostgresStore(schema.url);
      },
      reopen: async () => new PostgresStore(schema?.url ?? base),
      cleanup: async () => schema?.drop(),
    };
  });
}
