import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AlertRecord } from '@credence/core/log/entries';
import type { NodeId } from '@credence/core/merkle/tree-builder';
import type { ReportType } from '@credence/core/wire/vocabulary';
import Database from 'better-sqlite3';
import type {
  AnalysisWrite,
  BatchRecord,
  IngestLink,
  IngestReport,
  IngestResult,
  IngestScript,
  LogAppend,
  RankColumns,
  TokenChange,
} from '../../domain/types.js';
import { analysisRunRow, joinedRings } from '../analysis-rows.js';
import { tableEventEntry } from '../log-append.js';
import { nodesFromTiles, tilesOf } from '../log-tiles.js';
import { logWrite } from '../sql/log.js';
import { migrations } from '../sql/schema.js';
import { currentSeq } from '../sql/sequence.js';
import { SqlStore } from '../sql/sql-store.js';
import type { Step } from '../sql/steps.js';
import { TOKEN_CHANGES_SELECT, type TokenChangeRow } from '../sql/token-stats.js';
import type { Store } from '../store.js';
import { SqliteContributions } from './contributions.js';
import { SqliteSteps } from './run-steps.js';

/** Opens the file: the writer in WAL mode, or a reader beside it. */
function openDatabase(path: string, readOnly: boolean): Database.Database {
  if (readOnly) {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    db.pragma('cache_size = -65536');
    return db;
  }
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Token-keyed tables are written at random places: 64 MiB of page cache keeps their
  // upper index levels in memory (the default is 2 MiB).
  db.pragma('cache_size = -65536');
  return db;
}

type StateRow = TokenChangeRow<number>;

/**
 * The embedded store: one SQLite file (better-sqlite3) in WAL mode with synchronous=FULL,
 * so that a write is on disk when it is acknowledged. One process writes; better-sqlite3
 * is synchronous, so every method runs its transaction to the end before returning. What
 * both stores share is written once (storage/sql/); here is what SQLite does its own way.
 */

export class SqliteStore extends SqlStore implements Store {
  readonly dialect = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly steps: SqliteSteps;
  private readonly contributions: SqliteContributions;

  /**
   * `readOnly` opens an existing file for reading only: a second connection beside the
   * writer's, which WAL lets read what is committed while the writer writes.
   */
  constructor(path: string, options: { readOnly?: boolean } = {}) {
    super();
    this.db = openDatabase(path, options.readOnly === true);
    this.steps = new SqliteSteps(this.db);
    this.contributions = new SqliteContributions(this.steps);
  }

  protected async autocommit<T>(step: Step<T>): Promise<T> {
    return this.steps.run(step);
  }

  protected async transaction<T>(step: Step<T>): Promise<T> {
    return this.steps.transaction(step);
  }

  async migrate(): Promise<void> {
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)',
    );
    const applied = new Set(
      this.db
        .prepare<[], { version: string }>('SELECT version FROM schema_migrations')
        .all()
        .map((r) => r.version),
    );
    for (const m of migrations('sqlite')) {
      if (applied.has(m.version)) continue;
      this.db.transaction(() => {
        this.db.exec(m.sql);
        this.db
          .prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)')
          .run(m.version, Date.now());
      })();
    }
  }

  async close(): Promise<void> {
    this.db.close();
  }

  async logNodes(ids: readonly NodeId[]): Promise<Map<string, Uint8Array>> {
    return nodesFromTiles(ids, this.steps.log.tiles(tilesOf(ids)));
  }

  async ingestReports(batch: BatchRecord, reports: readonly IngestReport[]): Promise<IngestResult> {
    return this.contributions.ingestReports(batch, reports);
  }

  async shareScripts(batch: BatchRecord, scripts: readonly IngestScript[]): Promise<IngestResult> {
    return this.contributions.shareScripts(batch, scripts);
  }

  async ingestLinks(batch: BatchRecord, links: readonly IngestLink[]): Promise<IngestResult> {
    return this.contributions.ingestLinks(batch, links);
  }

  async retractReport(
    memberId: string,
    reportId: string,
    reason: string,
    at: number,
  ): Promise<{ status: 'retracted' | 'not_found' | 'already'; seq: number; log?: LogAppend }> {
    return this.contributions.retractReport(memberId, reportId, reason, at);
  }

  async changesSince(seq: number, limit: number): Promise<TokenChange[]> {
    // Whole sequence groups only: a batch's tokens share one seq, and a cursor that
    // stopped inside a group would skip the rest of it.
    const last = this.db
      .prepare<[number, number], { seq: number }>(
        'SELECT seq FROM token_state WHERE seq > ? ORDER BY seq LIMIT 1 OFFSET ?',
      )
      .get(seq, Math.max(0, limit - 1));
    const rows =
      last === undefined
        ? this.db
            .prepare<[number], StateRow>(`${TOKEN_CHANGES_SELECT} WHERE s.seq > ? ORDER BY s.seq`)
            .all(seq)
        : this.db
            .prepare<[number, number], StateRow>(
              `${TOKEN_CHANGES_SELECT} WHERE s.seq > ? AND s.seq <= ? ORDER BY s.seq`,
            )
            .all(seq, last.seq);
    return this.withStats(rows);
  }

  async tokenStates(tokens: readonly string[]): Promise<TokenChange[]> {
    const one = this.db.prepare<[string], StateRow>(`${TOKEN_CHANGES_SELECT} WHERE s.token = ?`);
    return this.withStats(tokens.flatMap((t) => one.all(t)));
  }

  /** Token state rows as changes, with the statistics of the flagged ones. */
  private withStats(rows: readonly StateRow[]): TokenChange[] {
    const stats = this.db.prepare<
      [string],
      {
        member_id: string;
        type: ReportType;
        reports: number;
        first_seen: number;
        last_seen: number;
        categories: number;
      }
    >(
      'SELECT member_id, type, reports, first_seen, last_seen, categories FROM token_stats WHERE token = ?',
    );
    return rows.map((r) => ({
      token: r.token,
      kind: r.kind,
      keyId: r.key_id,
      seq: r.seq,
      logSize: r.log_size,
      ...(r.reassigned_at === null ? {} : { reassignedAt: r.reassigned_at }),
      ...(r.appeal_upheld_at === null ? {} : { appealUpheldAt: r.appeal_upheld_at }),
      flagged: r.flagged === 1,
      stats:
        r.flagged === 1
          ? stats.all(r.token).map((s) => ({
              memberId: s.member_id,
              type: s.type,
              reports: s.reports,
              firstSeen: s.first_seen,
              lastSeen: s.last_seen,
              categories: s.categories,
            }))
          : [],
    }));
  }

  /** A run's ranks as rows; a row already there stays. */
  private insertRanks(id: number, r: RankColumns): void {
    const rank = this.db.prepare(
      'INSERT INTO analysis_ranks (run_id, token, score, percentile, near, via) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    );
    for (let i = 0; i < r.tokens.length; i++)
      rank.run(id, r.tokens[i], r.score[i], r.percentile[i], r.near[i], r.via[i]);
    this.db
      .prepare('INSERT INTO analysis_ranks_kept (run_id) VALUES (?) ON CONFLICT DO NOTHING')
      .run(id);
  }

  async restoreRanks(run: number, ranks: RankColumns): Promise<void> {
    this.db.transaction(() => this.insertRanks(run, ranks))();
  }

  async saveAnalysis(
    run: AnalysisWrite,
  ): Promise<{ id: number; seq: number; alerts: number; log: LogAppend }> {
    return this.db.transaction(() => {
      const id =
        (this.db.prepare<[], { v: number | null }>('SELECT max(id) AS v FROM analysis_runs').get()
          ?.v ?? 0) + 1;
      this.db
        .prepare(
          'INSERT INTO analysis_runs (id, created_at, created_by, body, summary, result_sha256, rank_filter) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(...analysisRunRow(id, run));
      // The ranks of this run and the one before (a node may hold that one a while yet).
      this.db.prepare('DELETE FROM analysis_ranks WHERE run_id < ?').run(id - 1);
      this.db.prepare('DELETE FROM analysis_ranks_kept WHERE run_id < ?').run(id - 1);
      this.insertRanks(id, run.ranks);
      const previous = new Map(
        this.db
          .prepare<[], { token: string; ring_id: string }>('SELECT token, ring_id FROM ring_tokens')
          .all()
          .map((r) => [r.token, r.ring_id]),
      );
      this.db.prepare('DELETE FROM ring_tokens').run();
      const insert = this.db.prepare(
        'INSERT INTO ring_tokens (token, ring_id, kind, run_id) VALUES (?, ?, ?, ?)',
      );
      for (const t of run.ringTokens) insert.run(t.token, t.ringId, t.kind, id);
      // The run changes no token's statistics: it does not move the change sequence (a
      // scheduler that reads the sequence sees only data). Its alerts take the current one,
      // after every alert already listed by their ids.
      const seq = this.steps.run(currentSeq());
      const watchers = this.db.prepare<[string], { member_id: string }>(
        'SELECT member_id FROM watchlist WHERE token = ?',
      );
      const alert = this.db.prepare(
        "INSERT INTO alerts (seq, member_id, token, kind, source, ring_id, occurred_at, created_at) VALUES (?, ?, ?, ?, 'ring', ?, ?, ?)",
      );
      const deliver = this.db.prepare(
        'INSERT INTO webhook_deliveries (alert_id, member_id, attempts, next_attempt_at) SELECT ?, member_id, 0, ? FROM webhooks WHERE member_id = ?',
      );
      const alerts: AlertRecord[] = [];
      for (const t of joinedRings(previous, run))
        for (const w of watchers.all(t.token)) {
          const alertId = alert.run(
            seq,
            w.member_id,
            t.token,
            t.kind,
            t.ringId,
            run.createdAt,
            run.createdAt,
          ).lastInsertRowid;
          deliver.run(alertId, run.createdAt, w.member_id);
          alerts.push({
            id: Number(alertId),
            seq,
            member: w.member_id,
            token: t.token,
            kind: t.kind,
            source: 'ring',
            reportType: null,
            category: null,
            linkType: null,
            ringId: t.ringId,
            occurredAt: run.createdAt,
            createdAt: run.createdAt,
          });
        }
      const entry = tableEventEntry('analysis', run.createdBy, `analysis/${id}`, run.createdAt, {
        resultSha256: run.resultSha256,
      });
      const log = this.steps.run(
        logWrite(run.createdBy, run.createdAt, alerts, [entry]),
      ) as LogAppend;
      return { id, seq, alerts: alerts.length, log };
    })();
  }
}
