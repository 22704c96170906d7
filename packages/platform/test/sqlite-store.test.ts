import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import { ThreadedSqliteStore } from '../src/storage/sqlite/threaded-sqlite-store.js';
import type { Store } from '../src/storage/store.js';
import { storeContract } from './store-contract.js';

/** The contract, on the SQLite adapter itself and on it behind its writer thread. */
for (const [name, open] of [
  ['SQLite', (path: string): Store => new SqliteStore(path)],
  ['SQLite on its own thread', (path: string): Store => ThreadedSqliteStore.open(path)],
] as const) {
  storeContract(name, () => {
    const dir = mkdtempSync(join(tmpdir(), 'credence-sqlite-'));
    const path = join(dir, 'platform.sqlite');
    return {
      open: async () => open(path),
      reopen: async () => open(path),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  });
}
