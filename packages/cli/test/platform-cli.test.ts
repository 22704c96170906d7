import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describePlatformCli } from './platform-suite.js';

describePlatformCli('SQLite', async () => {
  const db = join(mkdtempSync(join(tmpdir(), 'credence-db-')), 'platform.sqlite');
  return {
    db,
    // The file and its write-ahead log, byte for byte.
    dump: async () =>
      readFileSync(db).toString('latin1') +
      readFileSync(`${db}-wal`, { flag: 'a+' }).toString('latin1'),
    drop: async () => undefined,
  };
});
