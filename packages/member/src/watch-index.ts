import Database from 'better-sqlite3';

/**
 * A member's local index from token to the identifier it came from (SQLite, beside the
 * member configuration, inside the member's network; the platform never sees it). Two
 * live there: the customers it watches (WatchIndex) and every identifier it tokenized
 * itself (OwnIndex), so that alerts and rings can be shown in the member's own words.
 */
export class TokenIndex {
  private readonly db: Database.Database;
  private readonly find: Database.Statement<[string], { kind: string; value: string }>;

  constructor(
    path: string,
    private readonly table: 'watched' | 'own',
  ) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(
      `CREATE TABLE IF NOT EXISTS ${table} (token TEXT PRIMARY KEY, kind TEXT NOT NULL, value TEXT NOT NULL) WITHOUT ROWID`,
    );
    this.find = this.db.prepare(`SELECT kind, value FROM ${table} WHERE token = ?`);
  }

  add(entries: readonly { token: string; kind: string; value: string }[]): void {
    const insert = this.db.prepare(
      `INSERT OR REPLACE INTO ${this.table} (token, kind, value) VALUES (?, ?, ?)`,
    );
    this.db.transaction(() => {
      for (const e of entries) insert.run(e.token, e.kind, e.value);
    })();
  }

  remove(tokens: readonly string[]): void {
    const del = this.db.prepare(`DELETE FROM ${this.table} WHERE token = ?`);
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

/**
 * The member's own index of what it watches: token → the customer's identifier, so that
 * an alert about a token can be shown as the customer's phone number or card.
 */
export class WatchIndex extends TokenIndex {
  constructor(path: string) {
    super(path, 'watched');
  }
}
