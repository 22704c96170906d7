import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrations } from '../src/storage/sql/schema.js';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import { ThreadedSqliteStore } from '../src/storage/sqlite/threaded-sqlite-store.js';
import type { Store } from '../src/storage/store.js';
import { storeContract } from './store-contract.js';
import { batch, report, T0, tok } from './store-contract-fixtures.js';

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

describe('the migration that takes the risk off victims (issue 17)', () => {
  it("makes every summary again from the reports that stand, without the victim's side", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'credence-sqlite-'));
    const path = join(dir, 'platform.sqlite');
    try {
      const store = new SqliteStore(path);
      await store.migrate();
      await store.createMember({ id: 'bank-a', name: 'bank-a', type: 'bank', createdAt: T0 });
      await store.ingestReports(batch('bank-a', 'reports', 2), [
        report('r1', [1, 2]),
        report('r2', [1], { type: 'confirmed_fraud', category: 'romance', contentHash: 'x' }),
      ]);
      const before = await store.changesSince(0, 100);
      await store.close();
      // As a store written before the rule held it: the victim counted, and flagged.
      const db = new Database(path);
      db.prepare(
        'INSERT INTO token_stats (token, member_id, type, reports, first_seen, last_seen, categories) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ).run(tok(2), 'bank-a', 'victim_report', 1, T0, T0, 4);
      db.prepare('UPDATE token_state SET flagged = 1 WHERE token = ?').run(tok(2));
      db.prepare('DELETE FROM token_stats WHERE token = ?').run(tok(1));
      const migration = migrations('sqlite').find(
        (m) => m.version === '2026-12-06-03-victims-take-no-risk',
      );
      db.exec(migration?.sql ?? '');
      db.close();
      const reopened = new SqliteStore(path);
      const after = await reopened.changesSince(0, 100);
      await reopened.close();
      const byToken = (cs: typeof before) => new Map(cs.map((c) => [c.token, c]));
      expect(byToken(after).get(tok(1))?.stats).toEqual(
        expect.arrayContaining([...(byToken(before).get(tok(1))?.stats ?? [])]),
      );
      expect(byToken(after).get(tok(1))?.stats).toHaveLength(2);
      expect(byToken(after).get(tok(2))).toMatchObject({ flagged: false, stats: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
