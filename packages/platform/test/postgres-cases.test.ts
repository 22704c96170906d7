import { describe, it } from 'vitest';
import { describeCases } from './cases.js';
import { freshSchema, POSTGRES_URL, skipMessage } from './postgres.js';

if (POSTGRES_URL === undefined)
  describe.skip(`police cases (PostgreSQL): ${skipMessage()}`, () => {
    it('needs PostgreSQL', () => {});
  });
else {
  const url = POSTGRES_URL;
  describeCases('PostgreSQL', async () => (await freshSchema(url)).url);
}
