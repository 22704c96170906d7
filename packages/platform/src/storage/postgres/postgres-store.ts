import type { NodeId } from '@credence/core/merkle/tree-builder';
import type { ReportType } from '@credence/core/wire/vocabulary';
import pg from 'pg';
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
import { alertRecordOf, type StoredAlertRow, tableEventEntry } from '../log-append.js';
import { nodesFromTiles, tilesOf } from '../log-tiles.js';
import { logWrite } from '../sql/log.js';
import { migrations } from '../sql/schema.js';
import { currentSeq } from '../sql/sequence.js';
import { SqlStore } from '../sql/sql-store.js';
import type { Step } from '../sql/steps.js';
import { TOKEN_CHANGES_SELECT, type TokenChangeRow } from '../sql/token-stats.js';
import type { Store } from '../store.js';
import { watchChanges } from './change-feed.js';
import {
  ingestLinksTx,
  ingestReportsTx,
  retractReportTx,
  retryOnConflict,
  shareScriptsTx,
} from './contributions.js';
import { logTiles } from './log-writes.js';
import { runPgSteps } from './run-steps.js';
import { unavailableOr } from './unavailable.js';

// BIGINT columns hold epoch milliseconds and sequence numbers, all below 2^53.
const types = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? Number : pg.types.getTypeParser(oid, format ?? 'text'),
};

type StateRow = TokenChangeRow<boolean>;

/**
 * A pool that outlives its server's restart or failover. A connection that dies emits
 * 'error', which without a listener ends the process: on the pool for an idle one (the
 * pool drops it, and the next query opens a new one), on the client for one checked out
 * between two statements of a transaction. A statement in flight fails on its own, and
 * is answered as StoreUnavailableError (tx, reach).
 */
function survivingPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, types });
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/**
 * The production store on PostgreSQL (pg). Batches are written with a handful of
 * set-based statements (unnest of arrays), not one statement per row. The change
 * sequence is a counter row updated last in each writing transaction: its row lock
 * orders commits, so sequence order is commit order, and readers never skip a change
 * that commits late. Each change is announced with NOTIFY on CHANGES_CHANNEL (sql/sequence.ts). What both
 * stores share is written once (storage/sql/); here is what PostgreSQL does its own way.
 */
/** Ranks an analysis run writes in one statement. */
const RANKS_AT_ONCE = 20_000;

/** A run's ranks as rows; a row already there stays (a restore after a crash may race another). */
async function insertRanks(client: pg.PoolClient, id: number, r: RankColumns): Promise<void> {
  for (let at = 0; at < r.tokens.length; at += RANKS_AT_ONCE) {
    const end = Math.min(r.tokens.length, at + RANKS_AT_ONCE);
    await client.query(
      'INSERT INTO analysis_ranks (run_id, token, score, percentile, near, via) SELECT $1, * FROM unnest($2::text[], $3::float8[], $4::float8[], $5::int[], $6::text[]) ON CONFLICT DO NOTHING',
      [
        id,
        r.tokens.slice(at, end),
        Array.from(r.score.subarray(at, end)),
        Array.from(r.percentile.subarray(at, end)),
        Array.from(r.near.subarray(at, end)),
        r.via.slice(at, end),
      ],
    );
  }
  await client.query(
    'INSERT INTO analysis_ranks_kept (run_id) VALUES ($1) ON CONFLICT DO NOTHING',
    [id],
  );
}

export class PostgresStore extends SqlStore implements Store {
  readonly dialect = 'postgres' as const;
  readonly pool: pg.Pool;

  /** Reads of the hot standbys (`readUrl`), if any: served there, and sent to the primary instead. */
  readonly standbyReads = { served: 0, primary: 0 };
  private readonly readPool: pg.Pool | undefined;

  /**
   * `readUrl`: PostgreSQL hot standbys (a balancer's port to them, docs/deployment.md),
   * for reads that a standby answers as well as the primary when it has replayed far
   * enough: flagged tokens' states for checks, and the log's nodes for proofs.
   */
  constructor(
    readonly url: string,
    poolSize = 10,
    readUrl?: string,
  ) {
    super();
    this.pool = survivingPool(url, poolSize);
    this.readPool = readUrl === undefined ? undefined : survivingPool(readUrl, poolSize);
  }

  /** A read or write outside a transaction: the server out of reach is StoreUnavailableError. */
  private async reach<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw unavailableOr(error);
    }
  }

  private async tx<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.reach(() => this.pool.connect());
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // A connection that cannot roll back is not given back to the pool.
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw unavailableOr(error);
    } finally {
      client.release(broken);
    }
  }

  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query("SELECT pg_advisory_lock(hashtext('credence-migrations'))");
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)',
      );
      const applied = new Set(
        (await client.query<{ version: string }>('SELECT version FROM schema_migrations')).rows.map(
          (r) => r.version,
        ),
      );
      for (const m of migrations('postgres')) {
        if (applied.has(m.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query(
            'INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)',
            [m.version, Date.now()],
          );
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      }
    } finally {
      await client
        .query("SELECT pg_advisory_unlock(hashtext('credence-migrations'))")
        .catch(() => undefined);
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
    await this.readPool?.end();
  }

  /**
   * `work` on a hot standby, in one read-only snapshot, when the standby has replayed the
   * change sequence up to `freshAs` (or any, without it); undefined when there is no
   * standby, it lags, it cannot be reached, or `work` finds it lacking (then the caller
   * asks the primary).
   */
  private async onStandby<T>(
    freshAs: number | undefined,
    work: (client: pg.PoolClient) => Promise<T | undefined>,
  ): Promise<T | undefined> {
    if (this.readPool === undefined) return undefined;
    let client: pg.PoolClient | undefined;
    let broken = false;
    try {
      client = await this.readPool.connect();
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      try {
        const seq = freshAs === undefined ? 0 : await runPgSteps(client, currentSeq());
        const answer = seq >= (freshAs ?? 0) ? await work(client) : undefined;
        if (answer === undefined) this.standbyReads.primary++;
        else this.standbyReads.served++;
        return answer;
      } finally {
        await client.query('COMMIT');
      }
    } catch {
      broken = true;
      this.standbyReads.primary++;
      return undefined;
    } finally {
      client?.release(broken);
    }
  }

  watchChanges(
    onChange: (what: 'members' | 'data') => void,
    onError: (error: unknown) => void,
  ): Promise<{ close(): Promise<void> }> {
    return watchChanges(this.url, onChange, onError);
  }

  protected autocommit<T>(step: Step<T>): Promise<T> {
    return this.reach(() => runPgSteps(this.pool, step));
  }

  protected transaction<T>(step: Step<T>): Promise<T> {
    return this.tx((client) => runPgSteps(client, step));
  }

  async logNodes(ids: readonly NodeId[]): Promise<Map<string, Uint8Array>> {
    // The log only grows, and a node's hash never changes once written: a standby that
    // holds every node asked answers as the primary would.
    const wanted = new Set(ids.map((n) => `${n.level}/${n.index}`)).size;
    const standby = await this.onStandby(undefined, async (client) => {
      const found = nodesFromTiles(ids, await logTiles(client, tilesOf(ids)));
      return found.size === wanted ? found : undefined;
    });
    if (standby !== undefined) return standby;
    return nodesFromTiles(ids, await this.reach(() => logTiles(this.pool, tilesOf(ids))));
  }

  ingestReports(batch: BatchRecord, reports: readonly IngestReport[]): Promise<IngestResult> {
    return retryOnConflict(() => this.tx((client) => ingestReportsTx(client, batch, reports)));
  }

  shareScripts(batch: BatchRecord, scripts: readonly IngestScript[]): Promise<IngestResult> {
    return retryOnConflict(() => this.tx((client) => shareScriptsTx(client, batch, scripts)));
  }

  ingestLinks(batch: BatchRecord, links: readonly IngestLink[]): Promise<IngestResult> {
    return retryOnConflict(() => this.tx((client) => ingestLinksTx(client, batch, links)));
  }

  retractReport(
    memberId: string,
    reportId: string,
    reason: string,
    at: number,
  ): Promise<{ status: 'retracted' | 'not_found' | 'already'; seq: number; log?: LogAppend }> {
    // An ingest of the same member's reports of the same token that commits in between
    // makes the recount's insert meet its row: the retraction runs again (and counts it).
    return retryOnConflict(() =>
      this.tx((client) => retractReportTx(client, memberId, reportId, reason, at)),
    );
  }

  changesSince(seq: number, limit: number): Promise<TokenChange[]> {
    return this.reach(() => this.readChanges(seq, limit));
  }

  private async readChanges(seq: number, limit: number): Promise<TokenChange[]> {
    const last = (
      await this.pool.query<{ seq: number }>(
        'SELECT seq FROM token_state WHERE seq > $1 ORDER BY seq LIMIT 1 OFFSET $2',
        [seq, Math.max(0, limit - 1)],
      )
    ).rows[0];
    const { rows } = await this.pool.query<StateRow>(
      last === undefined
        ? `${TOKEN_CHANGES_SELECT} WHERE s.seq > $1 ORDER BY s.seq`
        : `${TOKEN_CHANGES_SELECT} WHERE s.seq > $1 AND s.seq <= $2 ORDER BY s.seq`,
      last === undefined ? [seq] : [seq, last.seq],
    );
    return this.withStats(this.pool, rows);
  }

  async tokenStates(tokens: readonly string[], freshAs?: number): Promise<TokenChange[]> {
    if (tokens.length === 0) return [];
    const read = async (db: pg.Pool | pg.PoolClient) => {
      const { rows } = await db.query<StateRow>(
        `${TOKEN_CHANGES_SELECT} WHERE s.token = ANY($1::text[])`,
        [tokens],
      );
      return this.withStats(db, rows);
    };
    // A standby only for a caller that says how fresh it needs the states.
    const standby = freshAs === undefined ? undefined : await this.onStandby(freshAs, read);
    return standby ?? this.reach(() => read(this.pool));
  }

  /** Token state rows as changes, with the statistics of the flagged ones. */
  private async withStats(
    db: pg.Pool | pg.PoolClient,
    rows: readonly StateRow[],
  ): Promise<TokenChange[]> {
    const flagged = rows.filter((r) => r.flagged).map((r) => r.token);
    const stats = new Map<string, TokenChange['stats'][number][]>();
    if (flagged.length > 0) {
      const { rows: s } = await db.query<{
        token: string;
        member_id: string;
        type: ReportType;
        reports: number;
        first_seen: number;
        last_seen: number;
        categories: number;
      }>('SELECT * FROM token_stats WHERE token = ANY($1::text[])', [flagged]);
      for (const r of s) {
        const list = stats.get(r.token) ?? [];
        list.push({
          memberId: r.member_id,
          type: r.type,
          reports: r.reports,
          firstSeen: r.first_seen,
          lastSeen: r.last_seen,
          categories: r.categories,
        });
        stats.set(r.token, list);
      }
    }
    return rows.map((r) => ({
      token: r.token,
      kind: r.kind,
      keyId: r.key_id,
      seq: r.seq,
      logSize: r.log_size,
      ...(r.reassigned_at === null ? {} : { reassignedAt: Number(r.reassigned_at) }),
      ...(r.appeal_upheld_at === null ? {} : { appealUpheldAt: Number(r.appeal_upheld_at) }),
      flagged: r.flagged,
      stats: stats.get(r.token) ?? [],
    }));
  }

  restoreRanks(run: number, ranks: RankColumns): Promise<void> {
    return this.tx((client) => insertRanks(client, run, ranks));
  }

  async saveAnalysis(
    run: AnalysisWrite,
  ): Promise<{ id: number; seq: number; alerts: number; log: LogAppend }> {
    return this.tx(async (client) => {
      await client.query('LOCK TABLE analysis_runs IN EXCLUSIVE MODE');
      const id =
        ((await client.query<{ v: number | null }>('SELECT max(id) AS v FROM analysis_runs'))
          .rows[0]?.v ?? 0) + 1;
      await client.query(
        'INSERT INTO analysis_runs (id, created_at, created_by, body, summary, result_sha256, rank_filter) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        analysisRunRow(id, run),
      );
      // The ranks of this run and the one before (a node may hold that one a while yet).
      await client.query('DELETE FROM analysis_ranks WHERE run_id < $1', [id - 1]);
      await client.query('DELETE FROM analysis_ranks_kept WHERE run_id < $1', [id - 1]);
      await insertRanks(client, id, run.ranks);
      const previous = new Map(
        (
          await client.query<{ token: string; ring_id: string }>(
            'SELECT token, ring_id FROM ring_tokens',
          )
        ).rows.map((r) => [r.token, r.ring_id]),
      );
      await client.query('DELETE FROM ring_tokens');
      await client.query(
        'INSERT INTO ring_tokens (token, ring_id, kind, run_id) SELECT token, ring_id, kind, $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS t(token, ring_id, kind)',
        [
          run.ringTokens.map((t) => t.token),
          run.ringTokens.map((t) => t.ringId),
          run.ringTokens.map((t) => t.kind),
          id,
        ],
      );
      // The run changes no token's statistics: it does not move the change sequence. Its
      // alerts take the current one (after every alert already listed, by their ids).
      const seq = await runPgSteps(client, currentSeq());
      const joined = joinedRings(previous, run);
      const { rows: inserted } = await client.query<StoredAlertRow>(
        `INSERT INTO alerts (seq, member_id, token, kind, source, ring_id, occurred_at, created_at)
         SELECT $1, w.member_id, j.token, j.kind, 'ring', j.ring_id, $2, $2
         FROM unnest($3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS j(token, kind, ring_id, n)
         JOIN watchlist w ON w.token = j.token
         ORDER BY j.n, w.member_id
         RETURNING *`,
        [
          seq,
          run.createdAt,
          joined.map((t) => t.token),
          joined.map((t) => t.kind),
          joined.map((t) => t.ringId),
        ],
      );
      if (inserted.length > 0)
        await client.query(
          'INSERT INTO webhook_deliveries (alert_id, member_id, attempts, next_attempt_at) SELECT a.id, a.member_id, 0, $3 FROM unnest($1::bigint[], $2::text[]) AS a(id, member_id) JOIN webhooks h ON h.member_id = a.member_id',
          [inserted.map((r) => r.id), inserted.map((r) => r.member_id), run.createdAt],
        );
      const entry = tableEventEntry('analysis', run.createdBy, `analysis/${id}`, run.createdAt, {
        resultSha256: run.resultSha256,
      });
      const log = (await runPgSteps(
        client,
        logWrite(run.createdBy, run.createdAt, inserted.map(alertRecordOf), [entry]),
      )) as LogAppend;
      return { id, seq, alerts: inserted.length, log };
    });
  }
}
