import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
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
    sql: async (query) => {
      const handle = new Database(db);
      try {
        const statement = handle.prepare(query);
        if (statement.reader) return statement.all() as Record<string, unknown>[];
        statement.run();
        return [];
      } finally {
        handle.close();
      }
    },
    insert: async (table, row) => {
      const handle = new Database(db);
      try {
        const columns = Object.keys(row);
        handle
          .prepare(
            `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
          )
          .run(...columns.map((c) => row[c]));
      } finally {
        handle.close();
      }
    },
  };
});
