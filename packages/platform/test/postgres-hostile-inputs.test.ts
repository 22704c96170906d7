import { describe, it } from 'vitest';
import { describeHostileInputs } from './hostile-inputs.js';
import { freshSchema, POSTGRES_URL, skipMessage } from './postgres.js';

if (POSTGRES_URL === undefined)
  describe.skip(`hostile input (PostgreSQL): ${skipMessage()}`, () => {
    it('needs PostgreSQL', () => {});
  });
else {
  const url = POSTGRES_URL;
  describeHostileInputs('PostgreSQL', async () => (await freshSchema(url)).url);
}
