import type { IdentifierKind } from '@credence/core/identifiers/kinds';
import type { AuditRecord } from '@credence/core/log/audit-records';
import type { AlertRecord, LogEntry } from '@credence/core/log/entries';
import { retractionEntry } from '@credence/core/log/entries';
import type { NodeId } from '@credence/core/merkle/tree-builder';
import type { Category, ReportType } from '@credence/core/wire/vocabulary';
import pg from 'pg';
import type {
  Alert,
  AnalysisWrite,
  AuditCounts,
  BatchRecord,
  Enrolment,
  EnrolmentResult,
  EvidenceLinkRow,
  EvidenceReportRow,
  IngestEntity,
  IngestLink,
  IngestReport,
  IngestResult,
  IngestScript,
  ItemOutcome,
  KeyChange,
  LogAppend,
  LogHead,
  Member,
  MemberType,
  OprfUsage,
  PolicyRecord,
  Rotation,
  ShareBinding,
  SigningKeyRow,
  StoredAnalysis,
  StoredCheckpoint,
  StoredReport,
  TokenChange,
  TokenRef,
  WebhookDelivery,
} from '../../domain/types.js';
import { distinctTokens, entitiesJson, recount, statDeltas } from '../aggregate.js';
import { analysisRecord, joinedRings } from '../analysis-rows.js';
import {
  AUDIT_COUNTS,
  type AuditStatePage,
  type AuditTable,
  auditStatePage,
  auditStateQuery,
} from '../audit-state.js';
import { BatchReusedError, newId } from '../ids.js';
import {
  givenTokens,
  type KnownReport,
  linkEvents,
  reportEvents,
  sortReports,
  type WatchEvent,
} from '../ingest-rules.js';
import { keyAlert, keyChangeRecord, keyChangeStatements } from '../key-changes.js';
import {
  type AuditSubject,
  alertRecordOf,
  alertSalt,
  alertsEntry,
  auditRecordOf,
  auditWants,
  createdEntry,
  credentialEntries,
  type EntryToAppend,
  eventEntry,
  linkBatchEntries,
  memberKey,
  oprfUsageEntry,
  planAppend,
  reportEntries,
  reportScriptEntry,
  type StoredAlertRow,
  type StoredLinkRow,
  type StoredReportRow,
  shareEntry,
  tableEventEntry,
} from '../log-append.js';
import { nodesFromTiles, patchTiles, TILE_BYTES, type TileId, tilesOf } from '../log-tiles.js';
import {
  type AlertRow,
  alertOf,
  type LinkEvidenceRow,
  linkEvidenceOf,
  memberOf,
  REPORT_EVIDENCE_COLUMNS,
  REPORT_EVIDENCE_FROM,
  type ReportEvidenceSqlRow,
  reportEvidenceOf,
  reportOf,
  signingKeyOf,
} from '../rows.js';
import type { Store } from '../store.js';
import { POSTGRES_MIGRATIONS } from './migrations.js';

/** The channel on which every committed change of the sequence is announced. */
export const CHANGES_CHANNEL = 'credence_changes';

/** How long a lost LISTEN connection waits before it reconnects: doubling up to the most. */
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 30_000;

// BIGINT columns hold epoch milliseconds and sequence numbers, all below 2^53.
const types = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? Number : pg.types.getTypeParser(oid, format ?? 'text'),
};

/**
 * The production store on PostgreSQL (pg). Batches are written with a handful of
 * set-based statements (unnest of arrays), not one statement per row. The change
 * sequence is a counter row updated last in each writing transaction: its row lock
 * orders commits, so sequence order is commit order, and readers never skip a change
 * that commits late. Each change is announced with NOTIFY on CHANGES_CHANNEL.
 */
export class PostgresStore implements Store {
  readonly dialect = 'postgres' as const;
  readonly pool: pg.Pool;

  constructor(
    readonly url: string,
    poolSize = 10,
  ) {
    this.pool = new pg.Pool({ connectionString: url, max: poolSize, types });
  }

  private async tx<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
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
      for (const m of POSTGRES_MIGRATIONS) {
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
  }

  async createMember(m: {
    id: string;
    name: string;
    type: MemberType;
    createdAt: number;
  }): Promise<void> {
    await this.tx((client) => this.insertMember(client, m));
  }

  async enrolMember(e: Enrolment): Promise<EnrolmentResult> {
    try {
      return await this.tx(async (client): Promise<EnrolmentResult> => {
        // A second enrolment of the id waits here for the first to commit, then does nothing.
        const { rowCount } = await client.query(
          "INSERT INTO members (id, name, type, status, created_at) VALUES ($1, $2, $3, 'active', $4) ON CONFLICT (id) DO NOTHING",
          [e.id, e.name, e.type, e.at],
        );
        if ((rowCount ?? 0) === 0) return { status: 'exists' };
        await this.appendInTx(client, [
          createdEntry({ id: e.id, name: e.name, type: e.type, createdAt: e.at }),
        ]);
        if (e.shareIndex !== undefined) {
          // The unique index on share_index decides between two enrolments of one share.
          await client.query('UPDATE members SET share_index = $1 WHERE id = $2', [
            e.shareIndex,
            e.id,
          ]);
          await this.appendInTx(client, [shareEntry(e.id, e.shareIndex, e.at)]);
        }
        await this.issueCredentialTx(client, e.id, e.credentialSha256, e.at, {
          by: 'operator',
          replace: false,
        });
        if (e.publicKey !== undefined)
          await this.changeSigningKeysTx(client, e.id, e.at, {
            event: 'added',
            publicKey: e.publicKey,
            replaces: [],
            by: 'operator',
          });
        return { status: 'created' };
      });
    } catch (error) {
      if ((error as { code?: string }).code !== '23505' || e.shareIndex === undefined) throw error;
      const holder = await this.shareHolder(e.shareIndex);
      if (holder === undefined || holder === e.id) throw error;
      return { status: 'share_taken', by: holder };
    }
  }

  async rotateMember(memberId: string, at: number, rotation: Rotation): Promise<boolean> {
    return this.tx(async (client) => {
      // Locks the member's row: rotations of one member run one after the other.
      const { rowCount } = await client.query('SELECT 1 FROM members WHERE id = $1 FOR UPDATE', [
        memberId,
      ]);
      if ((rowCount ?? 0) === 0) return false;
      if (rotation.credentialSha256 !== undefined)
        await this.issueCredentialTx(client, memberId, rotation.credentialSha256, at, {
          by: 'operator',
          replace: true,
        });
      if (rotation.announce !== undefined)
        await this.changeSigningKeysTx(client, memberId, at, rotation.announce);
      return true;
    });
  }

  private async insertMember(
    client: pg.PoolClient,
    m: { id: string; name: string; type: MemberType; createdAt: number },
  ): Promise<void> {
    await client.query(
      "INSERT INTO members (id, name, type, status, created_at) VALUES ($1, $2, $3, 'active', $4)",
      [m.id, m.name, m.type, m.createdAt],
    );
    await this.appendInTx(client, [createdEntry(m)]);
  }

  private async shareHolder(shareIndex: number): Promise<string | undefined> {
    return (
      await this.pool.query<{ id: string }>('SELECT id FROM members WHERE share_index = $1', [
        shareIndex,
      ])
    ).rows[0]?.id;
  }

  async watchChanges(
    onChange: (what: 'members' | 'data') => void,
    onError: (error: unknown) => void,
  ): Promise<{ close(): Promise<void> }> {
    let client: pg.Client | undefined;
    let retry: NodeJS.Timeout | undefined;
    let closed = false;
    let delayMs = RECONNECT_MIN_MS;
    const connect = async () => {
      const next = new pg.Client({ connectionString: this.url });
      next.on('notification', (n) => onChange(n.payload === 'members' ? 'members' : 'data'));
      next.on('error', (error) => {
        if (client !== next) return;
        onError(error);
        client = undefined;
        // The connection is broken; its end can only fail the same way, already told.
        void next.end().catch(() => undefined);
        reconnect();
      });
      try {
        await next.connect();
        await next.query(`LISTEN ${CHANGES_CHANNEL}`);
      } catch (error) {
        await next.end().catch(() => undefined);
        throw error;
      }
      client = next;
      delayMs = RECONNECT_MIN_MS;
    };
    const reconnect = () => {
      if (closed || retry !== undefined) return;
      retry = setTimeout(() => {
        retry = undefined;
        connect().then(
          // What committed while nobody listened is read by following the sequence.
          () => onChange('data'),
          (error: unknown) => {
            onError(error);
            reconnect();
          },
        );
      }, delayMs);
      retry.unref();
      delayMs = Math.min(delayMs * 2, RECONNECT_MAX_MS);
    };
    await connect();
    return {
      close: async () => {
        closed = true;
        if (retry !== undefined) clearTimeout(retry);
        await client?.end();
        client = undefined;
      },
    };
  }

  async getMember(id: string): Promise<Member | undefined> {
    const { rows } = await this.pool.query('SELECT * FROM members WHERE id = $1', [id]);
    return rows[0] === undefined ? undefined : memberOf(rows[0]);
  }

  async listMembers(): Promise<Member[]> {
    return (await this.pool.query('SELECT * FROM members ORDER BY id')).rows.map(memberOf);
  }

  async setMemberStatus(id: string, status: Member['status']): Promise<boolean> {
    return this.tx(async (client) => {
      const changed =
        ((await client.query('UPDATE members SET status = $1 WHERE id = $2', [status, id]))
          .rowCount ?? 0) > 0;
      if (changed) await this.bumpMemberVersion(client);
      if (changed)
        await this.appendInTx(client, [
          eventEntry('member_event', id, id, Date.now(), { event: 'status', status }),
        ]);
      return changed;
    });
  }

  async issueCredential(
    memberId: string,
    sha256: string,
    at: number,
    options: { by: 'operator' | 'member'; replace: boolean },
  ): Promise<LogAppend> {
    return this.tx((client) => this.issueCredentialTx(client, memberId, sha256, at, options));
  }

  private async issueCredentialTx(
    client: pg.PoolClient,
    memberId: string,
    sha256: string,
    at: number,
    options: { by: 'operator' | 'member'; replace: boolean },
  ): Promise<LogAppend> {
    if (options.replace)
      await client.query(
        'UPDATE credentials SET revoked_at = $1 WHERE member_id = $2 AND revoked_at IS NULL',
        [at, memberId],
      );
    await client.query(
      'INSERT INTO credentials (sha256, member_id, created_at) VALUES ($1, $2, $3)',
      [sha256, memberId, at],
    );
    await this.bumpMemberVersion(client);
    return (await this.appendInTx(
      client,
      credentialEntries(memberId, sha256, at, options),
    )) as LogAppend;
  }

  async memberByCredential(sha256: string): Promise<Member | undefined> {
    const { rows } = await this.pool.query(
      'SELECT m.* FROM credentials c JOIN members m ON m.id = c.member_id WHERE c.sha256 = $1 AND c.revoked_at IS NULL',
      [sha256],
    );
    return rows[0] === undefined ? undefined : memberOf(rows[0]);
  }

  async changeSigningKeys(memberId: string, at: number, change: KeyChange): Promise<LogAppend> {
    return this.tx((client) => this.changeSigningKeysTx(client, memberId, at, change));
  }

  private async changeSigningKeysTx(
    client: pg.PoolClient,
    memberId: string,
    at: number,
    change: KeyChange,
  ): Promise<LogAppend> {
    for (const { sql, params } of keyChangeStatements(memberId, at, change)) {
      let n = 0;
      await client.query(
        sql.replace(/\?/g, () => `$${++n}`),
        params,
      );
    }
    await this.bumpMemberVersion(client);
    const alert = keyAlert(memberId, at, change);
    const alerts: AlertRecord[] = [];
    if (alert !== undefined) {
      // Its own sequence number (the counter row locked until commit), so that no cursor
      // passes it before it is committed.
      const seq = await this.bumpSeq(client);
      const { rows } = await client.query<StoredAlertRow>(
        `INSERT INTO alerts (seq, member_id, token, kind, source, occurred_at, created_at)
           VALUES ($7, $1, $2, $3, $4, $5, $6) RETURNING *`,
        [memberId, alert.token, alert.kind, alert.source, alert.occurredAt, alert.createdAt, seq],
      );
      await client.query(
        'INSERT INTO webhook_deliveries (alert_id, member_id, attempts, next_attempt_at) SELECT $1, member_id, 0, $2 FROM webhooks WHERE member_id = $3',
        [rows[0]?.id, at, memberId],
      );
      alerts.push(...rows.map(alertRecordOf));
    }
    return (await this.logWrite(client, memberId, at, alerts, [
      eventEntry('key_event', memberId, change.publicKey, at, keyChangeRecord(change)),
    ])) as LogAppend;
  }

  async bindShare(memberId: string, shareIndex: number, at: number): Promise<ShareBinding> {
    const taken = (id: string): ShareBinding =>
      id === memberId ? { status: 'unchanged' } : { status: 'taken', by: id };
    try {
      return await this.tx(async (client): Promise<ShareBinding> => {
        // The unique index on share_index decides between two binds of one share at once.
        const { rowCount } = await client.query(
          'UPDATE members SET share_index = $1 WHERE id = $2 AND share_index IS DISTINCT FROM $1',
          [shareIndex, memberId],
        );
        if ((rowCount ?? 0) === 0) {
          const current = await this.shareHolder(shareIndex);
          return current === undefined ? { status: 'not_found' } : taken(current);
        }
        await this.appendInTx(client, [shareEntry(memberId, shareIndex, at)]);
        return { status: 'bound' };
      });
    } catch (error) {
      const current =
        (error as { code?: string }).code === '23505'
          ? await this.shareHolder(shareIndex)
          : undefined;
      if (current === undefined) throw error;
      return taken(current);
    }
  }

  async signingKeys(memberId: string): Promise<SigningKeyRow[]> {
    const { rows } = await this.pool.query<{
      public_key: string;
      created_at: number;
      activates_at: number | null;
      revoked_at: number | null;
    }>(
      'SELECT public_key, created_at, activates_at, revoked_at FROM signing_keys WHERE member_id = $1 ORDER BY created_at, public_key',
      [memberId],
    );
    return rows.map(signingKeyOf);
  }

  async currentSeq(): Promise<number> {
    return (
      (await this.pool.query<{ value: number }>("SELECT value FROM counters WHERE name = 'seq'"))
        .rows[0]?.value ?? 0
    );
  }

  /**
   * Appends entries to the log (storage/log-append.ts). Call last in a transaction: the
   * state row stays locked until commit, which orders appends across processes, and
   * taking it after every other lock keeps lock order the same everywhere.
   */
  private async appendInTx(
    client: pg.PoolClient,
    entries: readonly EntryToAppend[],
  ): Promise<LogAppend | undefined> {
    if (entries.length === 0) return undefined;
    const { rows } = await client.query<{ size: number; frontier: Buffer }>(
      'SELECT size, frontier FROM log_state WHERE id = 1 FOR UPDATE',
    );
    const plan = planAppend(rows[0] as { size: number; frontier: Buffer }, entries);
    const existing = await this.tiles(client, tilesOf(plan.nodes));
    const tiles = patchTiles(plan.nodes, existing);
    // One statement: the entries, the tiles (sent as one bytea, cut in SQL: far cheaper
    // to encode than an array of byteas) and the new state.
    await client.query(
      `WITH entries AS (
         INSERT INTO log_entries (idx, entry) SELECT * FROM unnest($1::bigint[], $2::text[])
       ), records AS (
         INSERT INTO log_records (idx, record)
         SELECT idx, record FROM unnest($1::bigint[], $9::text[]) AS r(idx, record) WHERE record IS NOT NULL
       ), tiles AS (
         INSERT INTO log_tiles (band, idx, hashes)
         SELECT t.band, t.idx, substring($5::bytea from ((t.n - 1) * ${TILE_BYTES} + 1)::int for ${TILE_BYTES})
         FROM unnest($3::int[], $4::bigint[]) WITH ORDINALITY AS t(band, idx, n)
         ON CONFLICT (band, idx) DO UPDATE SET hashes = excluded.hashes
       )
       UPDATE log_state SET size = $6, frontier = $7, root = $8 WHERE id = 1`,
      [
        plan.entries.map((e) => e.index),
        plan.entries.map((e) => e.text),
        tiles.map((t) => t.band),
        tiles.map((t) => t.index),
        Buffer.concat(tiles.map((t) => t.hashes)),
        plan.state.size,
        Buffer.from(plan.state.frontier),
        Buffer.from(plan.state.root),
        plan.entries.map((e) => e.record ?? null),
      ],
    );
    return plan.result;
  }

  /**
   * Logs one write (as SqliteStore.logWrite): the commitment to the alerts it raised,
   * then its own entries, whose append is returned; with `seq`, the log's size after the
   * write is kept for that sequence number. Call last in the transaction.
   */
  private async logWrite(
    client: pg.PoolClient,
    writer: string,
    at: number,
    alerts: readonly AlertRecord[],
    entries: readonly EntryToAppend[],
    seq?: number,
  ): Promise<LogAppend | undefined> {
    if (alerts.length > 0) {
      const salt = alertSalt();
      const committed = (await this.appendInTx(client, [
        alertsEntry(writer, at, salt, alerts),
      ])) as LogAppend;
      await client.query(
        `WITH salt AS (INSERT INTO alert_salts (log_index, salt) VALUES ($1, $2))
         UPDATE alerts SET log_index = $1 WHERE id = ANY($3::bigint[])`,
        [committed.first, salt, alerts.map((a) => a.id)],
      );
    }
    const log = await this.appendInTx(client, entries);
    if (seq !== undefined)
      await client.query(
        `INSERT INTO sequence_log (seq, log_size) VALUES ($1, coalesce($2::bigint, (SELECT size FROM log_state WHERE id = 1)))
         ON CONFLICT (seq) DO UPDATE SET log_size = excluded.log_size`,
        [seq, log?.size ?? null],
      );
    return log;
  }

  async recordOprfUsage(all: readonly OprfUsage[], at: number): Promise<LogAppend | undefined> {
    // A count of nothing is nothing to log (as on SQLite).
    const usage = all.filter((u) => u.evaluations > 0);
    if (usage.length === 0) return undefined;
    return this.tx(async (client) => {
      // Counts that grew, kept; the rows stay locked until commit so two reports of one
      // count cannot both log it.
      const { rows } = await client.query<{
        reporter: string;
        key_id: string;
        share_index: number;
        day: string;
        member_id: string;
        evaluations: number;
      }>(
        `INSERT INTO oprf_usage (reporter, key_id, share_index, day, member_id, evaluations)
         SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::bigint[])
         ON CONFLICT (reporter, key_id, share_index, day, member_id) DO UPDATE SET evaluations = excluded.evaluations
         WHERE oprf_usage.evaluations < excluded.evaluations
         RETURNING reporter, key_id, share_index, day, member_id, evaluations`,
        [
          usage.map((u) => u.reporter),
          usage.map((u) => u.keyId),
          usage.map((u) => u.shareIndex),
          usage.map((u) => u.day),
          usage.map((u) => u.member),
          usage.map((u) => u.evaluations),
        ],
      );
      const grown = rows
        .map((r) => ({
          reporter: r.reporter,
          keyId: r.key_id,
          shareIndex: r.share_index,
          day: r.day,
          member: r.member_id,
          evaluations: r.evaluations,
        }))
        .sort((a, b) => (`${a.day}/${a.member}` < `${b.day}/${b.member}` ? -1 : 1));
      return this.appendInTx(
        client,
        grown.map((u) => oprfUsageEntry(u, at)),
      );
    });
  }

  async appendLog(entries: readonly LogEntry[]): Promise<LogAppend> {
    return this.tx(async (client) => {
      const appended = await this.appendInTx(client, entries);
      if (appended !== undefined) return appended;
      const head = await this.logHead();
      return { first: head.size, count: 0, size: head.size, root: head.root };
    });
  }

  async logHead(): Promise<LogHead> {
    const { rows } = await this.pool.query<{ size: number; root: Buffer }>(
      'SELECT size, root FROM log_state WHERE id = 1',
    );
    const row = rows[0] as { size: number; root: Buffer };
    return { size: row.size, root: new Uint8Array(row.root) };
  }

  async logEntries(start: number, end: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ entry: string }>(
      'SELECT entry FROM log_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx',
      [start, end],
    );
    return rows.map((r) => r.entry);
  }

  private async tiles(
    client: pg.Pool | pg.PoolClient,
    ids: readonly TileId[],
  ): Promise<Map<string, Uint8Array>> {
    const found = new Map<string, Uint8Array>();
    if (ids.length === 0) return found;
    const { rows } = await client.query<{ band: number; idx: number; hashes: Buffer }>(
      'SELECT t.band, t.idx, t.hashes FROM log_tiles t JOIN unnest($1::int[], $2::bigint[]) AS w(band, idx) ON t.band = w.band AND t.idx = w.idx',
      [ids.map((i) => i.band), ids.map((i) => i.index)],
    );
    for (const r of rows) found.set(`${r.band}/${r.idx}`, new Uint8Array(r.hashes));
    return found;
  }

  async logNodes(ids: readonly NodeId[]): Promise<Map<string, Uint8Array>> {
    return nodesFromTiles(ids, await this.tiles(this.pool, tilesOf(ids)));
  }

  async saveCheckpoint(size: number, note: string, at: number): Promise<void> {
    await this.pool.query(
      'INSERT INTO log_checkpoints (size, note, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [size, note, at],
    );
  }

  private async checkpointsOf(
    rows: readonly { size: number; note: string; created_at: number }[],
  ): Promise<StoredCheckpoint[]> {
    if (rows.length === 0) return [];
    const cosigned = await this.pool.query<{ size: number; line: string }>(
      'SELECT size, line FROM log_cosignatures WHERE size = ANY($1::bigint[]) ORDER BY size, witness',
      [rows.map((r) => r.size)],
    );
    return rows.map((r) => ({
      size: r.size,
      note: r.note,
      createdAt: r.created_at,
      cosignatures: cosigned.rows.filter((c) => c.size === r.size).map((c) => c.line),
    }));
  }

  async getCheckpoint(size?: number): Promise<StoredCheckpoint | undefined> {
    const { rows } =
      size === undefined
        ? await this.pool.query('SELECT * FROM log_checkpoints ORDER BY size DESC LIMIT 1')
        : await this.pool.query('SELECT * FROM log_checkpoints WHERE size = $1', [size]);
    return (await this.checkpointsOf(rows))[0];
  }

  async latestCosignedCheckpoint(cosignatures: number): Promise<StoredCheckpoint | undefined> {
    const { rows } = await this.pool.query(
      'SELECT * FROM log_checkpoints c WHERE (SELECT count(*) FROM log_cosignatures s WHERE s.size = c.size) >= $1 ORDER BY size DESC LIMIT 1',
      [cosignatures],
    );
    return (await this.checkpointsOf(rows))[0];
  }

  async listCheckpoints(fromSize: number, limit: number): Promise<StoredCheckpoint[]> {
    const { rows } = await this.pool.query(
      'SELECT * FROM log_checkpoints WHERE size >= $1 ORDER BY size LIMIT $2',
      [fromSize, limit],
    );
    return this.checkpointsOf(rows);
  }

  async auditRecords(entries: readonly AuditSubject[]): Promise<(AuditRecord | null)[]> {
    const want = auditWants(entries);
    const pairs = async <R>(
      table: string,
      idColumn: string,
      subjects: readonly AuditSubject[],
    ): Promise<(R & { member_id: string })[]> =>
      subjects.length === 0
        ? []
        : (
            await this.pool.query<R & { member_id: string }>(
              `SELECT x.* FROM ${table} x JOIN unnest($1::text[], $2::text[]) AS t(member_id, id) ON x.member_id = t.member_id AND x.${idColumn} = t.id`,
              [subjects.map((e) => e.member), subjects.map((e) => e.subject)],
            )
          ).rows;
    const byIndex = async <R extends pg.QueryResultRow>(
      sql: string,
      indexes: readonly number[],
    ): Promise<R[]> =>
      indexes.length === 0 ? [] : (await this.pool.query<R>(sql, [indexes])).rows;
    const reports = new Map(
      (await pairs<StoredReportRow>('reports', 'id', want.reports)).map((r) => [
        memberKey(r.member_id, r.id),
        r,
      ]),
    );
    const links = new Map<string, StoredLinkRow[]>();
    for (const l of await pairs<StoredLinkRow & { batch_id: string }>(
      'links',
      'batch_id',
      want.links,
    )) {
      const key = memberKey(l.member_id, l.batch_id);
      links.set(key, [...(links.get(key) ?? []), l]);
    }
    for (const list of links.values()) list.sort((a, b) => (a.id < b.id ? -1 : 1));
    const scripts = new Map(
      (
        await pairs<{ report_id: string; script: string; batch_id: string; created_at: number }>(
          'report_scripts',
          'report_id',
          want.scripts,
        )
      ).map((r) => [memberKey(r.member_id, r.report_id), r]),
    );
    const alerts = new Map<number, { salt: string; rows: StoredAlertRow[] }>();
    for (const salt of await byIndex<{ log_index: number; salt: string }>(
      'SELECT * FROM alert_salts WHERE log_index = ANY($1::bigint[])',
      want.alerts,
    ))
      alerts.set(salt.log_index, { salt: salt.salt, rows: [] });
    for (const row of await byIndex<StoredAlertRow & { log_index: number }>(
      'SELECT * FROM alerts WHERE log_index = ANY($1::bigint[])',
      want.alerts,
    ))
      alerts.get(row.log_index)?.rows.push(row);
    const records = new Map(
      (
        await byIndex<{ idx: number; record: string }>(
          'SELECT * FROM log_records WHERE idx = ANY($1::bigint[])',
          want.records,
        )
      ).map((r) => [r.idx, r.record]),
    );
    const policies = new Map(
      (
        await byIndex<{ version: number; body: unknown }>(
          'SELECT version, body FROM policies WHERE version = ANY($1::int[])',
          want.policies,
        )
      ).map((r) => [r.version, r.body]),
    );
    const analyses = new Map(
      (
        await byIndex<{ id: number; body: string }>(
          'SELECT id, body FROM analysis_runs WHERE id = ANY($1::bigint[])',
          want.analyses,
        )
      ).map((r) => [r.id, r.body]),
    );
    const rows = { reports, links, scripts, alerts, records, policies, analyses };
    return entries.map((e) => auditRecordOf(e, rows));
  }

  async auditCounts(): Promise<AuditCounts> {
    const { rows } = await this.pool.query<Record<keyof AuditCounts, string>>(
      `SELECT ${AUDIT_COUNTS}`,
    );
    const r = rows[0] as Record<keyof AuditCounts, string>;
    return Object.fromEntries(
      Object.entries(r).map(([k, v]) => [k, Number(v)]),
    ) as unknown as AuditCounts;
  }

  async auditState(
    table: AuditTable,
    after: readonly (string | number)[] | undefined,
    limit: number,
  ): Promise<AuditStatePage> {
    const { sql, params } = auditStateQuery(table, after, limit);
    let n = 0;
    const { rows } = await this.pool.query<Record<string, unknown>>(
      sql.replace(/\?/g, () => `$${++n}`),
      params,
    );
    return auditStatePage(table, rows, limit);
  }

  async addCosignature(size: number, witness: string, line: string, at: number): Promise<void> {
    await this.pool.query(
      'INSERT INTO log_cosignatures (size, witness, line, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [size, witness, line, at],
    );
  }

  /**
   * Inside a transaction that changes a member's status, credentials or keys; announced
   * on CHANGES_CHANNEL at commit, so that other API processes drop their caches at once.
   */
  private async bumpMemberVersion(client: pg.PoolClient): Promise<void> {
    await client.query(
      "INSERT INTO counters (name, value) VALUES ('members', 1) ON CONFLICT (name) DO UPDATE SET value = counters.value + 1",
    );
    await client.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, 'members']);
  }

  async memberVersion(): Promise<number> {
    return (
      (
        await this.pool.query<{ value: number }>(
          "SELECT value FROM counters WHERE name = 'members'",
        )
      ).rows[0]?.value ?? 0
    );
  }

  /** Takes the next sequence number: the counter row stays locked until commit. */
  private async bumpSeq(client: pg.PoolClient): Promise<number> {
    const seq =
      (
        await client.query<{ value: number }>(
          "UPDATE counters SET value = value + 1 WHERE name = 'seq' RETURNING value",
        )
      ).rows[0]?.value ?? 0;
    await client.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, String(seq)]);
    return seq;
  }

  private async recordBatch(client: pg.PoolClient, b: BatchRecord): Promise<void> {
    const { rows } = await client.query<{ digest: string }>(
      `INSERT INTO batches (member_id, batch_id, kind, digest, public_key, signature, items, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (member_id, batch_id) DO UPDATE SET digest = batches.digest RETURNING digest`,
      [b.memberId, b.batchId, b.kind, b.digest, b.publicKey, b.signature, b.items, b.receivedAt],
    );
    if (rows[0]?.digest !== b.digest) throw new BatchReusedError();
  }

  private async alertWatchers(
    client: pg.PoolClient,
    submitter: string,
    seq: number,
    events: readonly WatchEvent[],
    now: number,
  ): Promise<AlertRecord[]> {
    if (events.length === 0) return [];
    const { rows } = await client.query<StoredAlertRow>(
      `INSERT INTO alerts (seq, member_id, token, kind, source, report_type, category, link_type, occurred_at, created_at)
       SELECT $1, w.member_id, e.token, e.kind, e.source, e.report_type, e.category, e.link_type, e.occurred_at, $2
       FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[]) WITH ORDINALITY AS e(token, kind, source, report_type, category, link_type, occurred_at, n)
       JOIN watchlist w ON w.token = e.token AND w.member_id <> $10
       ORDER BY e.n, w.member_id
       RETURNING *`,
      [
        seq,
        now,
        events.map((e) => e.token),
        events.map((e) => e.kind),
        events.map((e) => e.source),
        events.map((e) => e.reportType ?? null),
        events.map((e) => e.category ?? null),
        events.map((e) => e.linkType ?? null),
        events.map((e) => e.occurredAt),
        submitter,
      ],
    );
    if (rows.length > 0) {
      await client.query(
        'INSERT INTO webhook_deliveries (alert_id, member_id, attempts, next_attempt_at) SELECT a.id, a.member_id, 0, $2 FROM alerts a JOIN webhooks h ON h.member_id = a.member_id WHERE a.seq = $1',
        [seq, now],
      );
    }
    return rows.map(alertRecordOf);
  }

  /**
   * Runs a writing transaction again when another one committed the same ref or link
   * first (unique violation: the next run sees that row and reports a duplicate), or
   * when PostgreSQL chose it as a deadlock's victim or failed it for serialization. Rows
   * are written in token order, which keeps concurrent ingests from deadlocking on each
   * other's summary rows; this is the net below that.
   */
  private async retryOnConflict<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        const code = (error as { code?: string }).code;
        const retryable = code === '23505' || code === '40P01' || code === '40001';
        if (!retryable || attempt >= 5) throw error;
        await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
      }
    }
  }

  async ingestReports(batch: BatchRecord, reports: readonly IngestReport[]): Promise<IngestResult> {
    return this.retryOnConflict(() => this.ingestReportsOnce(batch, reports));
  }

  private async ingestReportsOnce(
    batch: BatchRecord,
    reports: readonly IngestReport[],
  ): Promise<IngestResult> {
    return this.tx(async (client) => {
      await this.recordBatch(client, batch);
      const existing = new Map<string, KnownReport>();
      const found = await client.query<{
        ref: string;
        id: string;
        content_hash: string;
        batch_id: string;
      }>(
        'SELECT ref, id, content_hash, batch_id FROM reports WHERE member_id = $1 AND ref = ANY($2::text[])',
        [batch.memberId, reports.map((r) => r.ref)],
      );
      for (const r of found.rows)
        existing.set(r.ref, { id: r.id, contentHash: r.content_hash, batchId: r.batch_id });
      const { outcomes, accepted } = sortReports(batch.batchId, reports, (ref) =>
        existing.get(ref),
      );
      if (accepted.length === 0)
        return { outcomes, seq: await this.currentSeqIn(client), alerts: 0, log: undefined };
      await client.query(
        `INSERT INTO reports (id, member_id, ref, type, category, occurred_at, loss, entities, content_hash, batch_id, created_at, fingerprint, script)
         SELECT id, $1, ref, type, category, occurred_at, loss, entities, content_hash, $2, $3, fingerprint, script
         FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[]) AS t(id, ref, type, category, occurred_at, loss, entities, content_hash, fingerprint, script)`,
        [
          batch.memberId,
          batch.batchId,
          batch.receivedAt,
          accepted.map((r) => r.id),
          accepted.map((r) => r.ref),
          accepted.map((r) => r.type),
          accepted.map((r) => r.category),
          accepted.map((r) => r.occurredAt),
          accepted.map((r) => r.loss ?? null),
          accepted.map((r) => entitiesJson(r.entities)),
          accepted.map((r) => r.contentHash),
          accepted.map((r) => r.fingerprint ?? null),
          accepted.map((r) => r.script ?? null),
        ],
      );
      const entities = accepted.flatMap((r) => r.entities.map((e) => ({ ...e, reportId: r.id })));
      await client.query(
        `INSERT INTO report_entities (token, report_id, role, kind, key_id, member_id)
         SELECT token, report_id, role, kind, key_id, $1 FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS t(token, report_id, role, kind, key_id)
         ON CONFLICT DO NOTHING`,
        [
          batch.memberId,
          entities.map((e) => e.token),
          entities.map((e) => e.reportId),
          entities.map((e) => e.role),
          entities.map((e) => e.kind),
          entities.map((e) => e.keyId),
        ],
      );
      // In token order, so that concurrent ingests lock summary rows in the same order.
      const deltas = statDeltas(accepted).sort((a, b) =>
        a.token < b.token ? -1 : a.token > b.token ? 1 : a.type < b.type ? -1 : 1,
      );
      await client.query(
        `INSERT INTO token_stats (token, member_id, type, reports, first_seen, last_seen, categories)
         SELECT token, $1, type, reports, first_seen, last_seen, categories FROM unnest($2::text[], $3::text[], $4::int[], $5::bigint[], $6::bigint[], $7::int[]) AS t(token, type, reports, first_seen, last_seen, categories)
         ON CONFLICT (token, member_id, type) DO UPDATE SET reports = token_stats.reports + excluded.reports, first_seen = least(token_stats.first_seen, excluded.first_seen),
           last_seen = greatest(token_stats.last_seen, excluded.last_seen), categories = token_stats.categories | excluded.categories`,
        [
          batch.memberId,
          deltas.map((d) => d.token),
          deltas.map((d) => d.type),
          deltas.map((d) => d.reports),
          deltas.map((d) => d.firstSeen),
          deltas.map((d) => d.lastSeen),
          deltas.map((d) => d.categories),
        ],
      );
      const seq = await this.bumpSeq(client);
      const tokens = distinctTokens(accepted).sort((a, b) => (a.token < b.token ? -1 : 1));
      await client.query(
        `INSERT INTO token_state (token, kind, key_id, seq, flagged) SELECT token, kind, key_id, $1, true FROM unnest($2::text[], $3::text[], $4::text[]) AS t(token, kind, key_id)
         ON CONFLICT (token) DO UPDATE SET seq = excluded.seq, flagged = true`,
        [seq, tokens.map((t) => t.token), tokens.map((t) => t.kind), tokens.map((t) => t.keyId)],
      );
      // Read after the sequence is taken (see ingestLinksOnce).
      const reassigned = await client.query<{ token: string; at: number }>(
        "SELECT from_token AS token, max(at) AS at FROM links WHERE link = 'reassigned' AND from_token = ANY($1::text[]) GROUP BY from_token",
        [tokens.map((t) => t.token)],
      );
      const alerts = await this.alertWatchers(
        client,
        batch.memberId,
        seq,
        reportEvents(accepted),
        batch.receivedAt,
      );
      const log = await this.logWrite(
        client,
        batch.memberId,
        batch.receivedAt,
        alerts,
        reportEntries(batch.memberId, batch.batchId, batch.receivedAt, accepted),
        seq,
      );
      return {
        outcomes,
        seq,
        alerts: alerts.length,
        log,
        ...(reassigned.rows.length === 0
          ? {}
          : {
              reassigned: Object.fromEntries(reassigned.rows.map((r) => [r.token, Number(r.at)])),
            }),
      };
    });
  }

  private async currentSeqIn(client: pg.PoolClient): Promise<number> {
    return (
      (await client.query<{ value: number }>("SELECT value FROM counters WHERE name = 'seq'"))
        .rows[0]?.value ?? 0
    );
  }

  async shareScripts(batch: BatchRecord, scripts: readonly IngestScript[]): Promise<IngestResult> {
    return this.retryOnConflict(() =>
      this.tx(async (client) => {
        await this.recordBatch(client, batch);
        const { rows } = await client.query<{
          ref: string;
          id: string;
          script: string | null;
          shared: string | null;
        }>(
          `SELECT r.ref, r.id, r.script, s.script AS shared FROM reports r
           LEFT JOIN report_scripts s ON s.member_id = r.member_id AND s.report_id = r.id
           WHERE r.member_id = $1 AND r.ref = ANY($2::text[]) FOR UPDATE OF r`,
          [batch.memberId, scripts.map((s) => s.ref)],
        );
        const byRef = new Map(rows.map((r) => [r.ref, r]));
        const outcomes: ItemOutcome[] = [];
        const accepted: { report: string; script: string }[] = [];
        const taken = new Map<string, string>();
        scripts.forEach((s, index) => {
          const report = byRef.get(s.ref);
          if (report === undefined) return;
          const kept = report.script ?? report.shared ?? taken.get(report.id);
          if (kept !== undefined) {
            outcomes.push({
              index,
              status: kept === s.script ? 'duplicate' : 'conflict',
              id: report.id,
            });
            return;
          }
          taken.set(report.id, s.script);
          accepted.push({ report: report.id, script: s.script });
          outcomes.push({ index, status: 'accepted', id: report.id });
        });
        if (accepted.length > 0)
          await client.query(
            `INSERT INTO report_scripts (member_id, report_id, script, batch_id, created_at)
             SELECT $1, report_id, script, $2, $3 FROM unnest($4::text[], $5::text[]) AS t(report_id, script)`,
            [
              batch.memberId,
              batch.batchId,
              batch.receivedAt,
              accepted.map((a) => a.report),
              accepted.map((a) => a.script),
            ],
          );
        const log = await this.appendInTx(
          client,
          accepted.map((a) =>
            reportScriptEntry(batch.memberId, { ...a, batchId: batch.batchId }, batch.receivedAt),
          ),
        );
        return { outcomes, seq: await this.currentSeqIn(client), alerts: 0, log };
      }),
    );
  }

  async reportsByRef(
    memberId: string,
    refs: readonly string[],
  ): Promise<Map<string, { id: string; fingerprint: boolean }>> {
    const { rows } = await this.pool.query<{ ref: string; id: string; fingerprint: string | null }>(
      'SELECT ref, id, fingerprint FROM reports WHERE member_id = $1 AND ref = ANY($2::text[])',
      [memberId, [...refs]],
    );
    return new Map(rows.map((r) => [r.ref, { id: r.id, fingerprint: r.fingerprint !== null }]));
  }

  async ingestLinks(batch: BatchRecord, links: readonly IngestLink[]): Promise<IngestResult> {
    return this.retryOnConflict(() => this.ingestLinksOnce(batch, links));
  }

  private async ingestLinksOnce(
    batch: BatchRecord,
    links: readonly IngestLink[],
  ): Promise<IngestResult> {
    return this.tx(async (client) => {
      await this.recordBatch(client, batch);
      const ids = links.map(() => newId('l'));
      // Insert what is new; a repeat (same member, same content) is kept once.
      const inserted = await client.query<{ id: string }>(
        `INSERT INTO links (from_token, id, member_id, link, from_kind, to_token, to_kind, key_id, at, count, amount, content_hash, batch_id, created_at)
         SELECT from_token, id, $1, link, from_kind, to_token, to_kind, key_id, at, count, amount, content_hash, $2, $3
         FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::bigint[], $12::int[], $13::text[], $14::text[])
           AS t(from_token, id, link, from_kind, to_token, to_kind, key_id, at, count, amount, content_hash)
         ON CONFLICT (from_token, member_id, content_hash) DO NOTHING RETURNING id`,
        [
          batch.memberId,
          batch.batchId,
          batch.receivedAt,
          links.map((l) => l.from.token),
          ids,
          links.map((l) => l.link),
          links.map((l) => l.from.kind),
          links.map((l) => l.to.token),
          links.map((l) => l.to.kind),
          links.map((l) => l.from.keyId),
          links.map((l) => l.at),
          links.map((l) => l.count),
          links.map((l) => l.amount ?? null),
          links.map((l) => l.contentHash),
        ],
      );
      const fresh = new Set(inserted.rows.map((r) => r.id));
      const repeats = links.filter((_, i) => !fresh.has(ids[i] as string));
      const known = new Map<string, string>();
      if (repeats.length > 0) {
        const { rows } = await client.query<{
          content_hash: string;
          from_token: string;
          id: string;
        }>(
          'SELECT from_token, content_hash, id FROM links WHERE member_id = $1 AND content_hash = ANY($2::text[])',
          [batch.memberId, repeats.map((l) => l.contentHash)],
        );
        for (const r of rows) known.set(`${r.from_token}\u0000${r.content_hash}`, r.id);
      }
      const firstInBatch = new Map<string, string>();
      const outcomes: ItemOutcome[] = links.map((l, index) => {
        const id = ids[index] as string;
        const key = `${l.from.token}\u0000${l.contentHash}`;
        if (fresh.has(id)) {
          firstInBatch.set(key, id);
          return { index, status: 'accepted' as const, id };
        }
        return {
          index,
          status: 'duplicate' as const,
          id: firstInBatch.get(key) ?? known.get(key) ?? id,
        };
      });
      const accepted = links.flatMap((l, i) =>
        fresh.has(ids[i] as string) ? [{ ...l, id: ids[i] as string }] : [],
      );
      const events = linkEvents(accepted);
      const watched =
        events.length > 0 &&
        (
          await client.query('SELECT 1 FROM watchlist WHERE token = ANY($1::text[]) LIMIT 1', [
            events.map((e) => e.token),
          ])
        ).rowCount !== 0;
      const entries = linkBatchEntries(batch.memberId, batch.batchId, batch.receivedAt, accepted);
      // A reported token given to a new holder changes what checks count (issue 12): it
      // moves the change sequence, so that every process's view takes the new time. The
      // sequence is taken first: a report naming the token for the first time, committed
      // meanwhile, is then seen here, or (committed after) sees this link.
      const given = givenTokens(accepted);
      if (!watched && given.length === 0)
        return {
          outcomes,
          seq: await this.currentSeqIn(client),
          alerts: 0,
          log: await this.appendInTx(client, entries),
        };
      const seq = await this.bumpSeq(client);
      const reassigned =
        given.length === 0
          ? []
          : (
              await client.query<{ token: string }>(
                'SELECT token FROM token_state WHERE token = ANY($1::text[]) ORDER BY token',
                [given],
              )
            ).rows.map((r) => r.token);
      if (reassigned.length > 0)
        await client.query('UPDATE token_state SET seq = $1 WHERE token = ANY($2::text[])', [
          seq,
          reassigned,
        ]);
      const alerts = watched
        ? await this.alertWatchers(client, batch.memberId, seq, events, batch.receivedAt)
        : [];
      const log = await this.logWrite(
        client,
        batch.memberId,
        batch.receivedAt,
        alerts,
        entries,
        seq,
      );
      return { outcomes, seq, alerts: alerts.length, log };
    });
  }

  async retractReport(
    memberId: string,
    reportId: string,
    reason: string,
    at: number,
  ): Promise<{ status: 'retracted' | 'not_found' | 'already'; seq: number; log?: LogAppend }> {
    // An ingest of the same member's reports of the same token that commits in between
    // makes the recount's insert meet its row: the retraction runs again (and counts it).
    return this.retryOnConflict(() => this.retractReportOnce(memberId, reportId, reason, at));
  }

  private async retractReportOnce(
    memberId: string,
    reportId: string,
    reason: string,
    at: number,
  ): Promise<{ status: 'retracted' | 'not_found' | 'already'; seq: number; log?: LogAppend }> {
    return this.tx(async (client) => {
      const { rows } = await client.query<{ retracted_at: number | null; entities: string }>(
        'SELECT retracted_at, entities FROM reports WHERE id = $1 AND member_id = $2 FOR UPDATE',
        [reportId, memberId],
      );
      const row = rows[0];
      if (row === undefined)
        return { status: 'not_found' as const, seq: await this.currentSeqIn(client) };
      if (row.retracted_at !== null)
        return { status: 'already' as const, seq: await this.currentSeqIn(client) };
      await client.query(
        'UPDATE reports SET retracted_at = $1, retract_reason = $2 WHERE id = $3',
        [at, reason, reportId],
      );
      const tokens = distinctTokens([{ entities: JSON.parse(row.entities) as IngestEntity[] }]).map(
        (t) => t.token,
      );
      // The member's rows of these tokens go first: the delete waits for an ingest that
      // holds them, and the reports read next (a statement of its own, so a snapshot taken
      // after that ingest committed) include its reports.
      await client.query(
        'DELETE FROM token_stats WHERE token = ANY($1::text[]) AND member_id = $2',
        [tokens, memberId],
      );
      const remaining = (
        await client.query<{
          token: string;
          type: ReportType;
          category: Category;
          occurred_at: number;
        }>(
          `SELECT DISTINCT e.token, r.id, r.type, r.category, r.occurred_at FROM report_entities e JOIN reports r ON r.member_id = e.member_id AND r.id = e.report_id
           WHERE e.token = ANY($1::text[]) AND e.member_id = $2 AND r.retracted_at IS NULL`,
          [tokens, memberId],
        )
      ).rows;
      for (const token of tokens) {
        const stats = recount(
          memberId,
          remaining
            .filter((r) => r.token === token)
            .map((r) => ({ type: r.type, category: r.category, occurredAt: r.occurred_at })),
        );
        for (const s of stats) {
          await client.query(
            'INSERT INTO token_stats (token, member_id, type, reports, first_seen, last_seen, categories) VALUES ($1, $2, $3, $4, $5, $6, $7)',
            [token, memberId, s.type, s.reports, s.firstSeen, s.lastSeen, s.categories],
          );
        }
      }
      const seq = await this.bumpSeq(client);
      await client.query(
        'UPDATE token_state s SET seq = $1, flagged = EXISTS (SELECT 1 FROM token_stats t WHERE t.token = s.token) WHERE s.token = ANY($2::text[])',
        [seq, tokens],
      );
      const log = await this.logWrite(
        client,
        memberId,
        at,
        [],
        [retractionEntry(memberId, reportId, reason, at)],
        seq,
      );
      return { status: 'retracted' as const, seq, ...(log === undefined ? {} : { log }) };
    });
  }

  async getReport(memberId: string, reportId: string): Promise<StoredReport | undefined> {
    const { rows } = await this.pool.query(
      'SELECT * FROM reports WHERE id = $1 AND member_id = $2',
      [reportId, memberId],
    );
    return rows[0] === undefined ? undefined : reportOf(rows[0]);
  }

  async listReports(
    memberId: string,
    afterId: string | undefined,
    limit: number,
  ): Promise<StoredReport[]> {
    const { rows } = await this.pool.query(
      'SELECT * FROM reports WHERE member_id = $1 AND id > $2 ORDER BY id LIMIT $3',
      [memberId, afterId ?? '', limit],
    );
    return rows.map(reportOf);
  }

  async changesSince(seq: number, limit: number): Promise<TokenChange[]> {
    const last = (
      await this.pool.query<{ seq: number }>(
        'SELECT seq FROM token_state WHERE seq > $1 ORDER BY seq LIMIT 1 OFFSET $2',
        [seq, Math.max(0, limit - 1)],
      )
    ).rows[0];
    const select =
      "SELECT s.*, coalesce(l.log_size, 0) AS log_size, (SELECT max(at) FROM links WHERE from_token = s.token AND link = 'reassigned') AS reassigned_at FROM token_state s LEFT JOIN sequence_log l ON l.seq = s.seq";
    const { rows } = await this.pool.query<{
      token: string;
      kind: IdentifierKind;
      key_id: string;
      seq: number;
      flagged: boolean;
      log_size: number;
      reassigned_at: number | null;
    }>(
      last === undefined
        ? `${select} WHERE s.seq > $1 ORDER BY s.seq`
        : `${select} WHERE s.seq > $1 AND s.seq <= $2 ORDER BY s.seq`,
      last === undefined ? [seq] : [seq, last.seq],
    );
    const flagged = rows.filter((r) => r.flagged).map((r) => r.token);
    const stats = new Map<string, TokenChange['stats'][number][]>();
    if (flagged.length > 0) {
      const { rows: s } = await this.pool.query<{
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
      flagged: r.flagged,
      stats: stats.get(r.token) ?? [],
    }));
  }

  async addWatch(memberId: string, tokens: readonly TokenRef[], at: number): Promise<number> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO watchlist (token, member_id, kind, key_id, created_at) SELECT token, $1, kind, key_id, $2 FROM unnest($3::text[], $4::text[], $5::text[]) AS t(token, kind, key_id)
       ON CONFLICT DO NOTHING`,
      [
        memberId,
        at,
        tokens.map((t) => t.token),
        tokens.map((t) => t.kind),
        tokens.map((t) => t.keyId),
      ],
    );
    return rowCount ?? 0;
  }

  async removeWatch(memberId: string, tokens: readonly string[]): Promise<number> {
    return (
      (
        await this.pool.query(
          'DELETE FROM watchlist WHERE member_id = $1 AND token = ANY($2::text[])',
          [memberId, tokens],
        )
      ).rowCount ?? 0
    );
  }

  async listWatch(
    memberId: string,
    afterToken: string | undefined,
    limit: number,
  ): Promise<TokenRef[]> {
    const { rows } = await this.pool.query<{ token: string; kind: IdentifierKind; key_id: string }>(
      'SELECT token, kind, key_id FROM watchlist WHERE member_id = $1 AND token > $2 ORDER BY token LIMIT $3',
      [memberId, afterToken ?? '', limit],
    );
    return rows.map((r) => ({ token: r.token, kind: r.kind, keyId: r.key_id }));
  }

  async listAlerts(
    memberId: string,
    after: { seq: number; id: number } | undefined,
    limit: number,
  ): Promise<Alert[]> {
    const a = after ?? { seq: 0, id: 0 };
    const { rows } = await this.pool.query<AlertRow>(
      'SELECT * FROM alerts WHERE member_id = $1 AND (seq, id) > ($2, $3) ORDER BY seq, id LIMIT $4',
      [memberId, a.seq, a.id, limit],
    );
    return rows.map(alertOf);
  }

  async listWitnesses(): Promise<string[]> {
    const { rows } = await this.pool.query<{ vkey: string }>(
      'SELECT vkey FROM witnesses ORDER BY added_at, vkey',
    );
    return rows.map((r) => r.vkey);
  }

  async addWitness(vkey: string, at: number): Promise<boolean> {
    const result = await this.pool.query(
      'INSERT INTO witnesses (vkey, added_at) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [vkey, at],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async removeWitness(vkey: string): Promise<boolean> {
    return (
      ((await this.pool.query('DELETE FROM witnesses WHERE vkey = $1', [vkey])).rowCount ?? 0) > 0
    );
  }

  async setWebhook(memberId: string, url: string, at: number): Promise<void> {
    await this.pool.query(
      'INSERT INTO webhooks (member_id, url, created_at) VALUES ($1, $2, $3) ON CONFLICT (member_id) DO UPDATE SET url = excluded.url',
      [memberId, url, at],
    );
  }

  async getWebhook(memberId: string): Promise<string | undefined> {
    return (
      await this.pool.query<{ url: string }>('SELECT url FROM webhooks WHERE member_id = $1', [
        memberId,
      ])
    ).rows[0]?.url;
  }

  async deleteWebhook(memberId: string): Promise<boolean> {
    return (
      ((await this.pool.query('DELETE FROM webhooks WHERE member_id = $1', [memberId])).rowCount ??
        0) > 0
    );
  }

  async claimDeliveries(now: number, leaseMs: number, limit: number): Promise<WebhookDelivery[]> {
    // SKIP LOCKED: several API processes share the queue; each delivery goes to one.
    const { rows } = await this.pool.query<AlertRow & { attempts: number; url: string }>(
      `WITH due AS (
         SELECT member_id, alert_id FROM webhook_deliveries WHERE delivered_at IS NULL AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED
       ), leased AS (
         UPDATE webhook_deliveries d SET next_attempt_at = $3 FROM due WHERE d.member_id = due.member_id AND d.alert_id = due.alert_id RETURNING d.member_id, d.alert_id, d.attempts
       )
       SELECT a.*, leased.attempts, w.url FROM leased JOIN alerts a ON a.member_id = leased.member_id AND a.id = leased.alert_id JOIN webhooks w ON w.member_id = a.member_id`,
      [now, limit, now + leaseMs],
    );
    return rows.map((r) => ({
      alert: alertOf(r),
      memberId: r.member_id,
      url: r.url,
      attempts: r.attempts,
    }));
  }

  async deliveryDone(alertId: number, at: number): Promise<void> {
    await this.pool.query(
      'UPDATE webhook_deliveries SET delivered_at = $1, attempts = attempts + 1 WHERE alert_id = $2',
      [at, alertId],
    );
  }

  async deliveryFailed(alertId: number, nextAttemptAt: number, error: string): Promise<void> {
    await this.pool.query(
      'UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = $1, last_error = $2 WHERE alert_id = $3',
      [nextAttemptAt, error.slice(0, 500), alertId],
    );
  }

  async latestPolicy(): Promise<PolicyRecord | undefined> {
    const row = (
      await this.pool.query<{
        version: number;
        body: unknown;
        created_at: number;
        created_by: string;
      }>('SELECT * FROM policies ORDER BY version DESC LIMIT 1')
    ).rows[0];
    return row === undefined
      ? undefined
      : {
          version: row.version,
          body: row.body,
          createdAt: row.created_at,
          createdBy: row.created_by,
        };
  }

  async putPolicy(body: unknown, createdBy: string, at: number): Promise<number> {
    return this.tx(async (client) => {
      await client.query('LOCK TABLE policies IN EXCLUSIVE MODE');
      const version =
        ((await client.query<{ v: number | null }>('SELECT max(version) AS v FROM policies'))
          .rows[0]?.v ?? 0) + 1;
      await client.query(
        'INSERT INTO policies (version, body, created_at, created_by) VALUES ($1, $2, $3, $4)',
        [version, JSON.stringify(body), at, createdBy],
      );
      await this.appendInTx(client, [
        tableEventEntry('policy_change', createdBy, `policy/${version}`, at, body),
      ]);
      return version;
    });
  }

  async reportEvidence(
    after: { memberId: string; id: string } | undefined,
    limit: number,
  ): Promise<EvidenceReportRow[]> {
    const a = after ?? { memberId: '', id: '' };
    const { rows } = await this.pool.query<ReportEvidenceSqlRow>(
      `SELECT ${REPORT_EVIDENCE_COLUMNS} FROM ${REPORT_EVIDENCE_FROM} WHERE (r.member_id, r.id) > ($1, $2) AND r.retracted_at IS NULL ORDER BY r.member_id, r.id LIMIT $3`,
      [a.memberId, a.id, limit],
    );
    return rows.map(reportEvidenceOf);
  }

  async linkEvidence(
    after: { fromToken: string; id: string } | undefined,
    limit: number,
  ): Promise<EvidenceLinkRow[]> {
    const a = after ?? { fromToken: '', id: '' };
    const { rows } = await this.pool.query<LinkEvidenceRow>(
      'SELECT from_token, id, member_id, link, from_kind, to_token, to_kind, key_id, at, count FROM links WHERE (from_token, id) > ($1, $2) ORDER BY from_token, id LIMIT $3',
      [a.fromToken, a.id, limit],
    );
    return rows.map(linkEvidenceOf);
  }

  async reassignments(
    after: { fromToken: string; id: string } | undefined,
    limit: number,
  ): Promise<EvidenceLinkRow[]> {
    const a = after ?? { fromToken: '', id: '' };
    const { rows } = await this.pool.query<LinkEvidenceRow>(
      "SELECT from_token, id, member_id, link, from_kind, to_token, to_kind, key_id, at, count FROM links WHERE link = 'reassigned' AND (from_token, id) > ($1, $2) ORDER BY from_token, id LIMIT $3",
      [a.fromToken, a.id, limit],
    );
    return rows.map(linkEvidenceOf);
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
        'INSERT INTO analysis_runs (id, created_at, created_by, body) VALUES ($1, $2, $3, $4)',
        [id, run.createdAt, run.createdBy, run.body],
      );
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
      const seq = await this.currentSeqIn(client);
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
      const entry = tableEventEntry(
        'analysis',
        run.createdBy,
        `analysis/${id}`,
        run.createdAt,
        analysisRecord(run.body),
      );
      const log = (await this.logWrite(
        client,
        run.createdBy,
        run.createdAt,
        inserted.map(alertRecordOf),
        [entry],
      )) as LogAppend;
      return { id, seq, alerts: inserted.length, log };
    });
  }

  async latestAnalysis(known?: number): Promise<StoredAnalysis | undefined> {
    const latest = (
      await this.pool.query<{ id: number | null }>('SELECT max(id) AS id FROM analysis_runs')
    ).rows[0]?.id;
    if (latest === null || latest === undefined || latest === known) return undefined;
    const { rows } = await this.pool.query<{ id: number; created_at: number; body: string }>(
      'SELECT id, created_at, body FROM analysis_runs WHERE id = $1',
      [latest],
    );
    const row = rows[0];
    return row === undefined
      ? undefined
      : { id: row.id, createdAt: row.created_at, body: row.body };
  }

  async getAnalysis(id: number): Promise<StoredAnalysis | undefined> {
    const { rows } = await this.pool.query<{ id: number; created_at: number; body: string }>(
      'SELECT id, created_at, body FROM analysis_runs WHERE id = $1',
      [id],
    );
    const row = rows[0];
    return row === undefined
      ? undefined
      : { id: row.id, createdAt: row.created_at, body: row.body };
  }
}
