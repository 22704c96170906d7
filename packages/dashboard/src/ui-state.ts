import { createHash, randomBytes } from 'node:crypto';
import { csrfOf, type SessionKeeper, type WebSession } from '@credence/server-kit/web-session';
import Database from 'better-sqlite3';

/** How long a one-time sign-in link may wait to be used. */
export const LOGIN_LINK_TTL_MS = 10 * 60 * 1000;
/** How long a session lasts from sign-in (sign-out ends it sooner). */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const secret = () => randomBytes(32).toString('base64url');

/**
 * A dashboard server's own state (a SQLite file beside the configuration it serves):
 * one-time sign-in links and sessions, each kept only as the SHA-256 of its secret, so a
 * copy of the file lets nobody in; and the URL the server listens on, for the command
 * that prints a link. The CLI's `login` command writes links here while the server runs
 * (SQLite's WAL lets both open it).
 */
export class UiState implements SessionKeeper {
  private constructor(private readonly db: Database.Database) {}

  static open(file: string): UiState {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.exec(`
      CREATE TABLE IF NOT EXISTS login_links (
        hash TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) STRICT;
      CREATE TABLE IF NOT EXISTS sessions (
        hash TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) STRICT;
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
      CREATE TABLE IF NOT EXISTS check_counts (
        day TEXT NOT NULL, verdict TEXT NOT NULL, n INTEGER NOT NULL,
        PRIMARY KEY (day, verdict)) STRICT;
    `);
    return new UiState(db);
  }

  close(): void {
    this.db.close();
  }

  /** A new one-time sign-in secret (32 random bytes), good for LOGIN_LINK_TTL_MS. */
  issueLoginLink(now: number): string {
    const token = secret();
    this.db.prepare('DELETE FROM login_links WHERE expires_at <= ?').run(now);
    this.db
      .prepare('INSERT INTO login_links (hash, expires_at) VALUES (?, ?)')
      .run(sha256(token), now + LOGIN_LINK_TTL_MS);
    return token;
  }

  /**
   * Spends a sign-in secret (once: the row goes in the same statement that reads it) and
   * opens a session; the session's cookie, or undefined for an unknown, used or expired
   * secret.
   */
  redeemLoginLink(token: string, now: number): string | undefined {
    const row = this.db
      .prepare<[string], { expires_at: number }>(
        'DELETE FROM login_links WHERE hash = ? RETURNING expires_at',
      )
      .get(sha256(token));
    if (row === undefined || row.expires_at <= now) return undefined;
    return this.openSession(now);
  }

  private openSession(now: number): string {
    const cookie = secret();
    this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now);
    this.db
      .prepare('INSERT INTO sessions (hash, expires_at) VALUES (?, ?)')
      .run(sha256(cookie), now + SESSION_TTL_MS);
    return cookie;
  }

  /** The live session a cookie names, or undefined. */
  session(cookie: string, now: number): WebSession | undefined {
    const row = this.db
      .prepare<[string], { expires_at: number }>('SELECT expires_at FROM sessions WHERE hash = ?')
      .get(sha256(cookie));
    if (row === undefined || row.expires_at <= now) return undefined;
    return { csrf: csrfOf(cookie), expiresAt: row.expires_at };
  }

  endSession(cookie: string): void {
    this.db.prepare('DELETE FROM sessions WHERE hash = ?').run(sha256(cookie));
  }

  /** Counts a check's verdicts (the day and verdict only: nothing of what was checked). */
  countChecks(day: string, verdicts: readonly string[]): void {
    const add = this.db.prepare(
      'INSERT INTO check_counts (day, verdict, n) VALUES (?, ?, 1) ON CONFLICT (day, verdict) DO UPDATE SET n = n + 1',
    );
    this.db.transaction(() => {
      for (const v of verdicts) add.run(day, v);
    })();
  }

  /** The checks counted, in all, by verdict and by week (the Monday of each day's week). */
  checkCounts(weekOf: (day: string) => string): {
    total: number;
    byVerdict: Record<string, number>;
    weekly: Record<string, number>;
  } {
    const out = {
      total: 0,
      byVerdict: {} as Record<string, number>,
      weekly: {} as Record<string, number>,
    };
    for (const row of this.db
      .prepare<[], { day: string; verdict: string; n: number }>(
        'SELECT day, verdict, n FROM check_counts',
      )
      .all()) {
      out.total += row.n;
      out.byVerdict[row.verdict] = (out.byVerdict[row.verdict] ?? 0) + row.n;
      const week = weekOf(row.day);
      out.weekly[week] = (out.weekly[week] ?? 0) + row.n;
    }
    return out;
  }

  /** Where the server listens (it records this when it starts). */
  url(): string | undefined {
    return this.db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'url'").get()
      ?.value;
  }

  recordUrl(url: string): void {
    this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('url', ?)").run(url);
  }
}
