import {
  csrfOf,
  LOGIN_LINK_TTL_MS,
  newSecret,
  SESSION_TTL_MS,
  type SessionKeeper,
  secretHash,
  type WebSession,
} from '@credence/server-kit/web-session';
import Database from 'better-sqlite3';

export { LOGIN_LINK_TTL_MS, SESSION_TTL_MS };

/**
 * A dashboard server's own state (a SQLite file beside the configuration it serves):
 * one-time sign-in links and sessions, each kept only as the SHA-256 of its secret, so a
 * copy of the file lets nobody in; and the URL the server listens on, for the command
 * that prints a link. The CLI's `login` command writes links here while the server runs
 * (SQLite's WAL lets both open it).
 */
export class UiState implements SessionKeeper {
  // Prepared once: the session is looked up on every request the dashboard serves.
  private readonly sql;

  private constructor(private readonly db: Database.Database) {
    this.sql = {
      sweepLinks: db.prepare<[number]>('DELETE FROM login_links WHERE expires_at <= ?'),
      addLink: db.prepare<[string, number]>(
        'INSERT INTO login_links (hash, expires_at) VALUES (?, ?)',
      ),
      takeLink: db.prepare<[string], { expires_at: number }>(
        'DELETE FROM login_links WHERE hash = ? RETURNING expires_at',
      ),
      sweepSessions: db.prepare<[number]>('DELETE FROM sessions WHERE expires_at <= ?'),
      addSession: db.prepare<[string, number]>(
        'INSERT INTO sessions (hash, expires_at) VALUES (?, ?)',
      ),
      session: db.prepare<[string], { expires_at: number }>(
        'SELECT expires_at FROM sessions WHERE hash = ?',
      ),
      endSession: db.prepare<[string]>('DELETE FROM sessions WHERE hash = ?'),
      countCheck: db.prepare<[string, string]>(
        'INSERT INTO check_counts (day, verdict, n) VALUES (?, ?, 1) ON CONFLICT (day, verdict) DO UPDATE SET n = n + 1',
      ),
      checkCounts: db.prepare<[], { day: string; verdict: string; n: number }>(
        'SELECT day, verdict, n FROM check_counts',
      ),
      url: db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'url'"),
      recordUrl: db.prepare<[string]>("INSERT OR REPLACE INTO meta (key, value) VALUES ('url', ?)"),
    };
  }

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
    const token = newSecret();
    this.sql.sweepLinks.run(now);
    this.sql.addLink.run(secretHash(token), now + LOGIN_LINK_TTL_MS);
    return token;
  }

  /**
   * Spends a sign-in secret (once: the row goes in the same statement that reads it) and
   * opens a session; the session's cookie, or undefined for an unknown, used or expired
   * secret.
   */
  redeemLoginLink(token: string, now: number): string | undefined {
    const row = this.sql.takeLink.get(secretHash(token));
    if (row === undefined || row.expires_at <= now) return undefined;
    const cookie = newSecret();
    this.sql.sweepSessions.run(now);
    this.sql.addSession.run(secretHash(cookie), now + SESSION_TTL_MS);
    return cookie;
  }

  /** The live session a cookie names, or undefined. */
  session(cookie: string, now: number): WebSession | undefined {
    const row = this.sql.session.get(secretHash(cookie));
    if (row === undefined || row.expires_at <= now) return undefined;
    return { csrf: csrfOf(cookie), expiresAt: row.expires_at };
  }

  endSession(cookie: string): void {
    this.sql.endSession.run(secretHash(cookie));
  }

  /** Counts a check's verdicts (the day and verdict only: nothing of what was checked). */
  countChecks(day: string, verdicts: readonly string[]): void {
    this.db.transaction(() => {
      for (const v of verdicts) this.sql.countCheck.run(day, v);
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
    for (const row of this.sql.checkCounts.all()) {
      out.total += row.n;
      out.byVerdict[row.verdict] = (out.byVerdict[row.verdict] ?? 0) + row.n;
      const week = weekOf(row.day);
      out.weekly[week] = (out.weekly[week] ?? 0) + row.n;
    }
    return out;
  }

  /** Where the server listens (it records this when it starts). */
  url(): string | undefined {
    return this.sql.url.get()?.value;
  }

  recordUrl(url: string): void {
    this.sql.recordUrl.run(url);
  }
}
