import { createHash, randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';

/**
 * The member's local cache of tokens, so that an identifier already tokenized costs
 * nothing (no evaluation, no quota). It lives inside the member's network, but still
 * holds no raw identifier: entries are keyed by SHA-256(salt ‖ key id ‖ 0x00 ‖ token
 * input), with a random salt of the cache's own, so the file alone does not say which
 * phone numbers the member has seen.
 */
export interface TokenCache {
  get(keyId: string, input: Uint8Array): string | undefined;
  putMany(keyId: string, entries: readonly (readonly [input: Uint8Array, token: string])[]): void;
  /**
   * The sealed detail (JSON) made before for the same sealing key, report and detail
   * (`input`: their canonical JSON), so that a file sent again repeats its reports byte
   * for byte and the platform answers them as already there (repeatable-sealer.ts).
   */
  sealedFor(input: Uint8Array): string | undefined;
  rememberSealed(input: Uint8Array, sealed: string): void;
  readonly size: number;
  close(): void;
}

export class MemoryTokenCache implements TokenCache {
  private readonly map = new Map<string, string>();
  private key(keyId: string, input: Uint8Array): string {
    return `${keyId}\u0000${Buffer.from(input).toString('base64')}`;
  }
  get(keyId: string, input: Uint8Array): string | undefined {
    return this.map.get(this.key(keyId, input));
  }
  putMany(keyId: string, entries: readonly (readonly [Uint8Array, string])[]): void {
    for (const [input, token] of entries) this.map.set(this.key(keyId, input), token);
  }
  private readonly sealed = new Map<string, string>();
  sealedFor(input: Uint8Array): string | undefined {
    return this.sealed.get(Buffer.from(input).toString('base64'));
  }
  rememberSealed(input: Uint8Array, sealed: string): void {
    this.sealed.set(Buffer.from(input).toString('base64'), sealed);
  }
  get size(): number {
    return this.map.size;
  }
  close(): void {}
}

export class SqliteTokenCache implements TokenCache {
  private readonly db: Database.Database;
  private readonly salt: Buffer;
  private readonly select: Database.Statement<[Buffer], { token: string }>;
  private readonly insert: Database.Statement<[Buffer, string, string]>;
  private readonly count: Database.Statement<[], { n: number }>;

  constructor(path: string) {
    this.db = new Database(path);
    try {
      this.salt = busyRetried(() => this.setUp());
    } catch (error) {
      // Not a cache (another kind of file): leave it as it was.
      this.db.close();
      throw error;
    }
    this.select = this.db.prepare('SELECT token FROM tokens WHERE lookup = ?');
    this.insert = this.db.prepare(
      'INSERT OR REPLACE INTO tokens (lookup, token, key_id) VALUES (?, ?, ?)',
    );
    this.count = this.db.prepare('SELECT count(*) AS n FROM tokens');
    this.selectSealed = this.db.prepare('SELECT sealed FROM sealed WHERE lookup = ?');
    this.insertSealed = this.db.prepare(
      'INSERT OR REPLACE INTO sealed (lookup, sealed) VALUES (?, ?)',
    );
  }

  /**
   * The tables and the salt, made by whichever process opens a new cache first: two
   * commands opening it at once both offer a salt, and both keep the one stored.
   */
  private setUp(): Buffer {
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);
      CREATE TABLE IF NOT EXISTS tokens (lookup BLOB PRIMARY KEY, token TEXT NOT NULL, key_id TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS sealed (lookup BLOB PRIMARY KEY, sealed TEXT NOT NULL) WITHOUT ROWID;
    `);
    this.db
      .prepare("INSERT INTO meta (name, value) VALUES ('salt', ?) ON CONFLICT (name) DO NOTHING")
      .run(randomBytes(32));
    return (
      this.db
        .prepare<[], { value: Buffer }>("SELECT value FROM meta WHERE name = 'salt'")
        .get() as { value: Buffer }
    ).value;
  }

  private readonly selectSealed: Database.Statement<[Buffer], { sealed: string }>;
  private readonly insertSealed: Database.Statement<[Buffer, string]>;

  /** Keyed like tokens, by a salted hash: the file does not hold the detail in the clear. */
  private sealedLookup(input: Uint8Array): Buffer {
    return createHash('sha256').update(this.salt).update('sealed\u0000').update(input).digest();
  }

  sealedFor(input: Uint8Array): string | undefined {
    return this.selectSealed.get(this.sealedLookup(input))?.sealed;
  }

  rememberSealed(input: Uint8Array, sealed: string): void {
    this.insertSealed.run(this.sealedLookup(input), sealed);
  }

  private lookup(keyId: string, input: Uint8Array): Buffer {
    return createHash('sha256')
      .update(this.salt)
      .update(keyId)
      .update(Buffer.from([0]))
      .update(input)
      .digest();
  }

  get(keyId: string, input: Uint8Array): string | undefined {
    return this.select.get(this.lookup(keyId, input))?.token;
  }

  putMany(keyId: string, entries: readonly (readonly [Uint8Array, string])[]): void {
    const run = this.db.transaction(() => {
      for (const [input, token] of entries)
        this.insert.run(this.lookup(keyId, input), token, keyId);
    });
    run();
  }

  get size(): number {
    return this.count.get()?.n ?? 0;
  }

  close(): void {
    this.db.close();
  }
}

/**
 * `work` again while SQLite answers SQLITE_BUSY, for up to 5 s: a new file's switch to WAL
 * and its first tables take a lock that another process opening it at the same moment
 * meets without its busy handler being called.
 */
function busyRetried<T>(work: () => T): T {
  const end = Date.now() + 5000;
  for (;;) {
    try {
      return work();
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if (!code.startsWith('SQLITE_BUSY') || Date.now() > end) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10 + Math.random() * 20);
    }
  }
}
