import Database from 'better-sqlite3';

/**
 * The member's own index of what it watches: token → the identifier it came from. It
 * lives next to the member configuration, inside the member's network (it holds the
 * member's own customers' identifiers, which it already has), so that an alert about a
 * token can be shown as the customer's phone number or card. The platform never sees it.
 */
export class WatchIndex {
  private readonly db: Database.Database;
  private readonly find: Database.Statement<[string], { kind: string; value: string }>;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS watched (token TEXT PRIMARY KEY, kind TEXT NOT NULL, value TEXT NOT NULL) WITHOUT ROWID',
    );
    this.find = this.db.prepare('SELECT kind, value FROM watched WHERE token = ?');
  }

  add(entries: readonly { token: string; kind: string; value: string }[]): void {
    const insert = this.db.prepare(
      'INSERT OR REPLACE INTO watched (token, kind, value) VALUES (?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const e of entries) insert.run(e.token, e.kind, e.value);
    })();
  }

  remove(tokens: readonly string[]): void {
    const del = this.db.prepare('DELETE FROM watched WHERE token = ?');
    this.db.transaction(() => {
      for (const t of tokens) del.run(t);
    })();
  }

  get(token: string): { kind: string; value: string } | undefined {
    return this.find.get(token);
  }

  close(): void {
    this.db.close();
  }
}
