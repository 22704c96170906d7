import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { IdentifierKind } from '@credence/core/identifiers/kinds';
import type { AuditRecord } from '@credence/core/log/audit-records';
import type { AlertRecord, LogEntry } from '@credence/core/log/entries';
import { retractionEntry } from '@credence/core/log/entries';
import type { NodeId } from '@credence/core/merkle/tree-builder';
import type { Category, ReportType } from '@credence/core/wire/vocabulary';
import Database from 'better-sqlite3';
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
  linkEvents,
  reportEvents,
  sortReports,
  type WatchEvent,
} from '../ingest-rules.js';
import { keyAlert, keyChangeRecord, keyChangeStatements } from '../key-changes.js';
import {
  type AuditSubject,
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
import { nodesFromTiles, patchTiles, type TileId, tilesOf } from '../log-tiles.js';
import {
  type AlertRow,
  alertOf,
  type LinkEvidenceRow,
  linkEvidenceOf,
  type MemberRow,
  memberOf,
  REPORT_EVIDENCE_COLUMNS,
  REPORT_EVIDENCE_FROM,
  type ReportEvidenceSqlRow,
  type ReportRow,
  reportEvidenceOf,
  reportOf,
  signingKeyOf,
} from '../rows.js';
import type { Store } from '../store.js';
import { SQLITE_MIGRATIONS } from './migrations.js';

interface TileRow {
  band: number;
  idx: number;
  hashes: Buffer;
}

/**
 * The embedded store: one SQLite file (better-sqlite3) in WAL mode with synchronous=FULL,
 * so that a write is on disk when it is acknowledged. One process writes; better-sqlite3
 * is synchronous, so every method runs its transaction to the end before returning.
 */
/** A token's latest reassignment (issue 12), from the links, as a column of token_state `s`. */
const REASSIGNED_AT =
  "(SELECT max(at) FROM links WHERE from_token = s.token AND link = 'reassigned') AS reassigned_at";

export class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  private readonly db: Database.Database;

  /**
   * `readOnly` opens an existing file for reading only: a second connection beside the
   * writer's, which WAL lets read what is committed while the writer writes.
   */
  constructor(path: string, options: { readOnly?: boolean } = {}) {
    if (options.readOnly === true) {
      this.db = new Database(path, { readonly: true, fileMustExist: true });
      this.db.pragma('busy_timeout = 5000');
      this.db.pragma('cache_size = -65536');
      return;
    }
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    // Token-keyed tables are written at random places: 64 MiB of page cache keeps their
    // upper index levels in memory (the default is 2 MiB).
    this.db.pragma('cache_size = -65536');
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
    for (const m of SQLITE_MIGRATIONS) {
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

  async createMember(m: {
    id: string;
    name: string;
    type: MemberType;
    createdAt: number;
  }): Promise<void> {
    this.db.transaction(() => this.insertMember(m))();
  }

  async enrolMember(e: Enrolment): Promise<EnrolmentResult> {
    // One transaction, run to its end before any other (better-sqlite3 is synchronous):
    // what it checks still holds when it writes.
    return this.db.transaction((): EnrolmentResult => {
      if (this.db.prepare('SELECT 1 FROM members WHERE id = ?').get(e.id) !== undefined)
        return { status: 'exists' };
      const holder = e.shareIndex === undefined ? undefined : this.shareHolder(e.shareIndex);
      if (holder !== undefined) return { status: 'share_taken', by: holder };
      this.insertMember({ id: e.id, name: e.name, type: e.type, createdAt: e.at });
      if (e.shareIndex !== undefined) this.bindShareTx(e.id, e.shareIndex, e.at);
      this.issueCredentialTx(e.id, e.credentialSha256, e.at, { by: 'operator', replace: false });
      if (e.publicKey !== undefined)
        this.changeSigningKeysTx(e.id, e.at, {
          event: 'added',
          publicKey: e.publicKey,
          replaces: [],
          by: 'operator',
        });
      return { status: 'created' };
    })();
  }

  async rotateMember(memberId: string, at: number, rotation: Rotation): Promise<boolean> {
    return this.db.transaction((): boolean => {
      if (this.db.prepare('SELECT 1 FROM members WHERE id = ?').get(memberId) === undefined)
        return false;
      if (rotation.credentialSha256 !== undefined)
        this.issueCredentialTx(memberId, rotation.credentialSha256, at, {
          by: 'operator',
          replace: true,
        });
      if (rotation.announce !== undefined)
        this.changeSigningKeysTx(memberId, at, rotation.announce);
      return true;
    })();
  }

  private insertMember(m: { id: string; name: string; type: MemberType; createdAt: number }): void {
    this.db
      .prepare(
        "INSERT INTO members (id, name, type, status, created_at) VALUES (?, ?, ?, 'active', ?)",
      )
      .run(m.id, m.name, m.type, m.createdAt);
    this.appendInTx([createdEntry(m)]);
  }

  async getMember(id: string): Promise<Member | undefined> {
    const row = this.db.prepare<[string], MemberRow>('SELECT * FROM members WHERE id = ?').get(id);
    return row === undefined ? undefined : memberOf(row);
  }

  async listMembers(): Promise<Member[]> {
    return this.db.prepare<[], MemberRow>('SELECT * FROM members ORDER BY id').all().map(memberOf);
  }

  async setMemberStatus(id: string, status: Member['status']): Promise<boolean> {
    return this.db.transaction(() => {
      const changed =
        this.db.prepare('UPDATE members SET status = ? WHERE id = ?').run(status, id).changes > 0;
      if (changed) this.bumpMemberVersion();
      if (changed)
        this.appendInTx([
          eventEntry('member_event', id, id, Date.now(), { event: 'status', status }),
        ]);
      return changed;
    })();
  }

  async issueCredential(
    memberId: string,
    sha256: string,
    at: number,
    options: { by: 'operator' | 'member'; replace: boolean },
  ): Promise<LogAppend> {
    return this.db.transaction(() => this.issueCredentialTx(memberId, sha256, at, options))();
  }

  private issueCredentialTx(
    memberId: string,
    sha256: string,
    at: number,
    options: { by: 'operator' | 'member'; replace: boolean },
  ): LogAppend {
    const entries = credentialEntries(memberId, sha256, at, options);
    if (options.replace)
      this.db
        .prepare('UPDATE credentials SET revoked_at = ? WHERE member_id = ? AND revoked_at IS NULL')
        .run(at, memberId);
    this.db
      .prepare('INSERT INTO credentials (sha256, member_id, created_at) VALUES (?, ?, ?)')
      .run(sha256, memberId, at);
    this.bumpMemberVersion();
    return this.appendInTx(entries) as LogAppend;
  }

  async memberByCredential(sha256: string): Promise<Member | undefined> {
    const row = this.db
      .prepare<[string], MemberRow>(
        'SELECT m.* FROM credentials c JOIN members m ON m.id = c.member_id WHERE c.sha256 = ? AND c.revoked_at IS NULL',
      )
      .get(sha256);
    return row === undefined ? undefined : memberOf(row);
  }

  async changeSigningKeys(memberId: string, at: number, change: KeyChange): Promise<LogAppend> {
    return this.db.transaction(() => this.changeSigningKeysTx(memberId, at, change))();
  }

  private changeSigningKeysTx(memberId: string, at: number, change: KeyChange): LogAppend {
    for (const { sql, params } of keyChangeStatements(memberId, at, change))
      this.db.prepare(sql).run(...params);
    this.bumpMemberVersion();
    const alert = keyAlert(memberId, at, change);
    const alerts: AlertRecord[] = [];
    if (alert !== undefined) {
      const keySeq = this.bumpSeq();
      const id = this.db
        .prepare(
          'INSERT INTO alerts (seq, member_id, token, kind, source, occurred_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          keySeq,
          memberId,
          alert.token,
          alert.kind,
          alert.source,
          alert.occurredAt,
          alert.createdAt,
        ).lastInsertRowid;
      this.db
        .prepare(
          'INSERT INTO webhook_deliveries (alert_id, member_id, attempts, next_attempt_at) SELECT ?, member_id, 0, ? FROM webhooks WHERE member_id = ?',
        )
        .run(id, at, memberId);
      alerts.push({ ...alert, id: Number(id), seq: keySeq });
    }
    return this.logWrite(memberId, at, alerts, [
      eventEntry('key_event', memberId, change.publicKey, at, keyChangeRecord(change)),
    ]) as LogAppend;
  }

  async bindShare(memberId: string, shareIndex: number, at: number): Promise<ShareBinding> {
    return this.db.transaction((): ShareBinding => {
      const holder = this.shareHolder(shareIndex);
      if (holder !== undefined)
        return holder === memberId ? { status: 'unchanged' } : { status: 'taken', by: holder };
      return this.bindShareTx(memberId, shareIndex, at)
        ? { status: 'bound' }
        : { status: 'not_found' };
    })();
  }

  private shareHolder(shareIndex: number): string | undefined {
    return this.db
      .prepare<[number], { id: string }>('SELECT id FROM members WHERE share_index = ?')
      .get(shareIndex)?.id;
  }

  /** Binds a share no member holds; false if there is no such member. */
  private bindShareTx(memberId: string, shareIndex: number, at: number): boolean {
    const changed = this.db
      .prepare('UPDATE members SET share_index = ? WHERE id = ?')
      .run(shareIndex, memberId).changes;
    if (changed === 0) return false;
    this.appendInTx([shareEntry(memberId, shareIndex, at)]);
    return true;
  }

  async signingKeys(memberId: string): Promise<SigningKeyRow[]> {
    return this.db
      .prepare<
        [string],
        {
          public_key: string;
          created_at: number;
          activates_at: number | null;
          revoked_at: number | null;
        }
      >(
        'SELECT public_key, created_at, activates_at, revoked_at FROM signing_keys WHERE member_id = ? ORDER BY created_at, public_key',
      )
      .all(memberId)
      .map(signingKeyOf);
  }

  /** Inside a transaction that changes a member's status, credentials or keys. */
  private bumpMemberVersion(): void {
    this.db
      .prepare(
        "INSERT INTO counters (name, value) VALUES ('members', 1) ON CONFLICT (name) DO UPDATE SET value = counters.value + 1",
      )
      .run();
  }

  async memberVersion(): Promise<number> {
    return (
      this.db
        .prepare<[], { value: number }>("SELECT value FROM counters WHERE name = 'members'")
        .get()?.value ?? 0
    );
  }

  private bumpSeq(): number {
    return (
      this.db
        .prepare<[], { value: number }>(
          "UPDATE counters SET value = value + 1 WHERE name = 'seq' RETURNING value",
        )
        .get() as { value: number }
    ).value;
  }

  private seqNow(): number {
    return (
      this.db
        .prepare<[], { value: number }>("SELECT value FROM counters WHERE name = 'seq'")
        .get() as { value: number }
    ).value;
  }

  async currentSeq(): Promise<number> {
    return this.seqNow();
  }

  /** Appends entries to the log; call inside a transaction (storage/log-append.ts). */
  private appendInTx(entries: readonly EntryToAppend[]): LogAppend | undefined {
    if (entries.length === 0) return undefined;
    const state = this.db
      .prepare<[], { size: number; frontier: Buffer }>('SELECT size, frontier FROM log_state')
      .get() as { size: number; frontier: Buffer };
    const plan = planAppend(state, entries);
    const entry = this.db.prepare('INSERT INTO log_entries (idx, entry) VALUES (?, ?)');
    const record = this.db.prepare('INSERT INTO log_records (idx, record) VALUES (?, ?)');
    for (const e of plan.entries) {
      entry.run(e.index, e.text);
      if (e.record !== undefined) record.run(e.index, e.record);
    }
    const existing = this.tiles(tilesOf(plan.nodes));
    const tile = this.db.prepare(
      'INSERT OR REPLACE INTO log_tiles (band, idx, hashes) VALUES (?, ?, ?)',
    );
    for (const t of patchTiles(plan.nodes, existing)) tile.run(t.band, t.index, t.hashes);
    this.db
      .prepare('UPDATE log_state SET size = ?, frontier = ?, root = ?')
      .run(plan.state.size, plan.state.frontier, plan.state.root);
    return plan.result;
  }

  /**
   * Logs one write: first the commitment to the alerts it raised (if any; their rows learn
   * its index and its salt is kept), then the write's own entries, whose append is
   * returned (the receipt covers exactly those). With `seq`, the write moved the change
   * sequence: the log's size after it is kept for that sequence number, which is what a
   * check answered from the changes up to it rests on.
   */
  private logWrite(
    writer: string,
    at: number,
    alerts: readonly AlertRecord[],
    entries: readonly EntryToAppend[],
    seq?: number,
  ): LogAppend | undefined {
    if (alerts.length > 0) {
      const salt = alertSalt();
      const committed = this.appendInTx([alertsEntry(writer, at, salt, alerts)]) as LogAppend;
      this.db
        .prepare('INSERT INTO alert_salts (log_index, salt) VALUES (?, ?)')
        .run(committed.first, salt);
      const mark = this.db.prepare('UPDATE alerts SET log_index = ? WHERE id = ?');
      for (const a of alerts) mark.run(committed.first, a.id);
    }
    const log = this.appendInTx(entries);
    if (seq !== undefined)
      this.db
        .prepare('INSERT OR REPLACE INTO sequence_log (seq, log_size) VALUES (?, ?)')
        .run(seq, log?.size ?? this.head().size);
    return log;
  }

  async recordOprfUsage(usage: readonly OprfUsage[], at: number): Promise<LogAppend | undefined> {
    const known = this.db.prepare<
      [string, string, number, string, string],
      { evaluations: number }
    >(
      'SELECT evaluations FROM oprf_usage WHERE reporter = ? AND key_id = ? AND share_index = ? AND day = ? AND member_id = ?',
    );
    const keep = this.db.prepare(
      'INSERT OR REPLACE INTO oprf_usage (reporter, key_id, share_index, day, member_id, evaluations) VALUES (?, ?, ?, ?, ?, ?)',
    );
    return this.db.transaction(() => {
      const grown = usage.filter(
        (u) =>
          u.evaluations >
          (known.get(u.reporter, u.keyId, u.shareIndex, u.day, u.member)?.evaluations ?? 0),
      );
      for (const u of grown)
        keep.run(u.reporter, u.keyId, u.shareIndex, u.day, u.member, u.evaluations);
      return this.appendInTx(grown.map((u) => oprfUsageEntry(u, at)));
    })();
  }

  async appendLog(entries: readonly LogEntry[]): Promise<LogAppend> {
    return this.db.transaction(() => {
      const appended = this.appendInTx(entries);
      if (appended !== undefined) return appended;
      const head = this.head();
      return { first: head.size, count: 0, size: head.size, root: head.root };
    })();
  }

  private head(): LogHead {
    const row = this.db
      .prepare<[], { size: number; root: Buffer }>('SELECT size, root FROM log_state')
      .get() as { size: number; root: Buffer };
    return { size: row.size, root: new Uint8Array(row.root) };
  }

  async logHead(): Promise<LogHead> {
    return this.head();
  }

  async logEntries(start: number, end: number): Promise<string[]> {
    return this.db
      .prepare<[number, number], { entry: string }>(
        'SELECT entry FROM log_entries WHERE idx >= ? AND idx < ? ORDER BY idx',
      )
      .all(start, end)
      .map((r) => r.entry);
  }

  /** Tile lookups by number of tiles (a proof reads a handful; an append some tens). */
  private readonly tileQueries = new Map<number, Database.Statement<number[], TileRow>>();
  private tileQuery: Database.Statement<[number, number], { hashes: Buffer }> | undefined;

  private tiles(ids: readonly TileId[]): Map<string, Uint8Array> {
    const found = new Map<string, Uint8Array>();
    if (ids.length === 0) return found;
    if (ids.length === 1) {
      // The common case of a proof whose upper nodes are cached: one plain lookup.
      const id = ids[0] as TileId;
      this.tileQuery ??= this.db.prepare<[number, number], { hashes: Buffer }>(
        'SELECT hashes FROM log_tiles WHERE band = ? AND idx = ?',
      );
      const row = this.tileQuery.get(id.band, id.index);
      if (row !== undefined) found.set(`${id.band}/${id.index}`, new Uint8Array(row.hashes));
      return found;
    }
    let query = this.tileQueries.get(ids.length);
    if (query === undefined) {
      query = this.db.prepare<number[], TileRow>(
        `SELECT band, idx, hashes FROM log_tiles WHERE (band, idx) IN (VALUES ${ids.map(() => '(?, ?)').join(', ')})`,
      );
      if (this.tileQueries.size < 256) this.tileQueries.set(ids.length, query);
    }
    for (const r of query.all(...ids.flatMap((id) => [id.band, id.index])))
      found.set(`${r.band}/${r.idx}`, new Uint8Array(r.hashes));
    return found;
  }

  async logNodes(ids: readonly NodeId[]): Promise<Map<string, Uint8Array>> {
    return nodesFromTiles(ids, this.tiles(tilesOf(ids)));
  }

  async saveCheckpoint(size: number, note: string, at: number): Promise<void> {
    this.db
      .prepare('INSERT OR IGNORE INTO log_checkpoints (size, note, created_at) VALUES (?, ?, ?)')
      .run(size, note, at);
  }

  private checkpointOf(row: { size: number; note: string; created_at: number }): StoredCheckpoint {
    const lines = this.db
      .prepare<[number], { line: string }>(
        'SELECT line FROM log_cosignatures WHERE size = ? ORDER BY witness',
      )
      .all(row.size)
      .map((r) => r.line);
    return { size: row.size, note: row.note, createdAt: row.created_at, cosignatures: lines };
  }

  async getCheckpoint(size?: number): Promise<StoredCheckpoint | undefined> {
    const row =
      size === undefined
        ? this.db
            .prepare<[], { size: number; note: string; created_at: number }>(
              'SELECT * FROM log_checkpoints ORDER BY size DESC LIMIT 1',
            )
            .get()
        : this.db
            .prepare<[number], { size: number; note: string; created_at: number }>(
              'SELECT * FROM log_checkpoints WHERE size = ?',
            )
            .get(size);
    return row === undefined ? undefined : this.checkpointOf(row);
  }

  async latestCosignedCheckpoint(cosignatures: number): Promise<StoredCheckpoint | undefined> {
    const row = this.db
      .prepare<[number], { size: number; note: string; created_at: number }>(
        'SELECT * FROM log_checkpoints c WHERE (SELECT count(*) FROM log_cosignatures s WHERE s.size = c.size) >= ? ORDER BY size DESC LIMIT 1',
      )
      .get(cosignatures);
    return row === undefined ? undefined : this.checkpointOf(row);
  }

  async listCheckpoints(fromSize: number, limit: number): Promise<StoredCheckpoint[]> {
    return this.db
      .prepare<[number, number], { size: number; note: string; created_at: number }>(
        'SELECT * FROM log_checkpoints WHERE size >= ? ORDER BY size LIMIT ?',
      )
      .all(fromSize, limit)
      .map((r) => this.checkpointOf(r));
  }

  async auditRecords(entries: readonly AuditSubject[]): Promise<(AuditRecord | null)[]> {
    const want = auditWants(entries);
    const pairs = <R>(
      table: string,
      idColumn: string,
      subjects: readonly AuditSubject[],
    ): (R & { member_id: string })[] => {
      const rows: (R & { member_id: string })[] = [];
      // A page's rows in a few statements rather than one lookup each.
      for (let at = 0; at < subjects.length; at += 400) {
        const chunk = subjects.slice(at, at + 400);
        rows.push(
          ...this.db
            .prepare<string[], R & { member_id: string }>(
              `SELECT * FROM ${table} WHERE (member_id, ${idColumn}) IN (VALUES ${chunk.map(() => '(?, ?)').join(', ')})`,
            )
            .all(...chunk.flatMap((e) => [e.member, e.subject])),
        );
      }
      return rows;
    };
    const byIndex = <R>(sql: string, indexes: readonly number[]): R[] =>
      indexes.length === 0
        ? []
        : this.db
            .prepare<number[], R>(`${sql} IN (${indexes.map(() => '?').join(', ')})`)
            .all(...indexes);
    const reports = new Map(
      pairs<StoredReportRow>('reports', 'id', want.reports).map((r) => [
        memberKey(r.member_id, r.id),
        r,
      ]),
    );
    const links = new Map<string, StoredLinkRow[]>();
    const batchLinks = this.db.prepare<[string, string], StoredLinkRow>(
      'SELECT * FROM links WHERE member_id = ? AND batch_id = ? ORDER BY id',
    );
    for (const e of want.links)
      links.set(memberKey(e.member, e.subject), batchLinks.all(e.member, e.subject));
    const scripts = new Map(
      pairs<{ report_id: string; script: string; batch_id: string; created_at: number }>(
        'report_scripts',
        'report_id',
        want.scripts,
      ).map((r) => [memberKey(r.member_id, r.report_id), r]),
    );
    const alerts = new Map<number, { salt: string; rows: StoredAlertRow[] }>();
    for (const salt of byIndex<{ log_index: number; salt: string }>(
      'SELECT * FROM alert_salts WHERE log_index',
      want.alerts,
    ))
      alerts.set(salt.log_index, { salt: salt.salt, rows: [] });
    for (const row of byIndex<StoredAlertRow & { log_index: number }>(
      'SELECT * FROM alerts WHERE log_index',
      want.alerts,
    ))
      alerts.get(row.log_index)?.rows.push(row);
    const records = new Map(
      byIndex<{ idx: number; record: string }>(
        'SELECT * FROM log_records WHERE idx',
        want.records,
      ).map((r) => [r.idx, r.record]),
    );
    const policies = new Map(
      byIndex<{ version: number; body: string }>(
        'SELECT version, body FROM policies WHERE version',
        want.policies,
      ).map((r) => [r.version, JSON.parse(r.body) as unknown]),
    );
    const analyses = new Map(
      byIndex<{ id: number; body: string }>(
        'SELECT id, body FROM analysis_runs WHERE id',
        want.analyses,
      ).map((r) => [r.id, r.body]),
    );
    const rows = { reports, links, scripts, alerts, records, policies, analyses };
    return entries.map((e) => auditRecordOf(e, rows));
  }

  async auditCounts(): Promise<AuditCounts> {
    return this.db.prepare<[], AuditCounts>(`SELECT ${AUDIT_COUNTS}`).get() as AuditCounts;
  }

  async auditState(
    table: AuditTable,
    after: readonly (string | number)[] | undefined,
    limit: number,
  ): Promise<AuditStatePage> {
    const { sql, params } = auditStateQuery(table, after, limit);
    return auditStatePage(
      table,
      this.db.prepare<(string | number)[], Record<string, unknown>>(sql).all(...params),
      limit,
    );
  }

  async addCosignature(size: number, witness: string, line: string, at: number): Promise<void> {
    this.db
      .prepare(
        'INSERT OR IGNORE INTO log_cosignatures (size, witness, line, created_at) VALUES (?, ?, ?, ?)',
      )
      .run(size, witness, line, at);
  }

  private recordBatch(batch: BatchRecord): void {
    const kept = this.db
      .prepare<[string, string], { digest: string }>(
        'SELECT digest FROM batches WHERE member_id = ? AND batch_id = ?',
      )
      .get(batch.memberId, batch.batchId);
    if (kept !== undefined && kept.digest !== batch.digest) throw new BatchReusedError();
    this.db
      .prepare(
        'INSERT OR IGNORE INTO batches (member_id, batch_id, kind, digest, public_key, signature, items, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        batch.memberId,
        batch.batchId,
        batch.kind,
        batch.digest,
        batch.publicKey,
        batch.signature,
        batch.items,
        batch.receivedAt,
      );
  }

  /** Alerts for watchers of the tokens, other than the member who wrote; returns them. */
  private alertWatchers(
    submitter: string,
    seq: number,
    events: readonly WatchEvent[],
    now: number,
  ): AlertRecord[] {
    const watchers = this.db.prepare<[string, string], { member_id: string }>(
      'SELECT member_id FROM watchlist WHERE token = ? AND member_id <> ?',
    );
    const insert = this.db.prepare(
      'INSERT INTO alerts (seq, member_id, token, kind, source, report_type, category, link_type, occurred_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const deliver = this.db.prepare(
      'INSERT INTO webhook_deliveries (alert_id, member_id, attempts, next_attempt_at) SELECT ?, member_id, 0, ? FROM webhooks WHERE member_id = ?',
    );
    const raised: AlertRecord[] = [];
    for (const e of events) {
      for (const w of watchers.all(e.token, submitter)) {
        const id = insert.run(
          seq,
          w.member_id,
          e.token,
          e.kind,
          e.source,
          e.reportType ?? null,
          e.category ?? null,
          e.linkType ?? null,
          e.occurredAt,
          now,
        ).lastInsertRowid;
        deliver.run(id, now, w.member_id);
        raised.push({
          id: Number(id),
          seq,
          member: w.member_id,
          token: e.token,
          kind: e.kind,
          source: e.source,
          reportType: e.reportType ?? null,
          category: e.category ?? null,
          linkType: e.linkType ?? null,
          ringId: null,
          occurredAt: e.occurredAt,
          createdAt: now,
        });
      }
    }
    return raised;
  }

  async ingestReports(batch: BatchRecord, reports: readonly IngestReport[]): Promise<IngestResult> {
    const byRef = this.db.prepare<
      [string, string],
      { id: string; content_hash: string; batch_id: string }
    >('SELECT id, content_hash, batch_id FROM reports WHERE member_id = ? AND ref = ?');
    const insertReport = this.db.prepare(
      'INSERT INTO reports (id, member_id, ref, type, category, occurred_at, loss, entities, content_hash, batch_id, created_at, fingerprint, script) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const insertEntity = this.db.prepare(
      'INSERT OR IGNORE INTO report_entities (token, report_id, role, kind, key_id, member_id) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const upsertStats = this.db.prepare(`
      INSERT INTO token_stats (token, member_id, type, reports, first_seen, last_seen, categories) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (token, member_id, type) DO UPDATE SET reports = reports + excluded.reports, first_seen = min(first_seen, excluded.first_seen),
        last_seen = max(last_seen, excluded.last_seen), categories = categories | excluded.categories`);
    const upsertState = this.db.prepare(`
      INSERT INTO token_state (token, kind, key_id, seq, flagged) VALUES (?, ?, ?, ?, 1)
      ON CONFLICT (token) DO UPDATE SET seq = excluded.seq, flagged = 1`);
    return this.db.transaction((): IngestResult => {
      this.recordBatch(batch);
      const { outcomes, accepted } = sortReports(batch.batchId, reports, (ref) => {
        const r = byRef.get(batch.memberId, ref);
        return r && { id: r.id, contentHash: r.content_hash, batchId: r.batch_id };
      });
      for (const r of accepted) {
        insertReport.run(
          r.id,
          batch.memberId,
          r.ref,
          r.type,
          r.category,
          r.occurredAt,
          r.loss ?? null,
          entitiesJson(r.entities),
          r.contentHash,
          batch.batchId,
          batch.receivedAt,
          r.fingerprint ?? null,
          r.script ?? null,
        );
        for (const e of r.entities)
          insertEntity.run(e.token, r.id, e.role, e.kind, e.keyId, batch.memberId);
      }
      if (accepted.length === 0)
        return {
          outcomes,
          seq: this.seqNow(),
          alerts: 0,
          log: undefined,
        };
      for (const d of statDeltas(accepted))
        upsertStats.run(
          d.token,
          batch.memberId,
          d.type,
          d.reports,
          d.firstSeen,
          d.lastSeen,
          d.categories,
        );
      const seq = this.bumpSeq();
      const latest = this.db.prepare<[string], { at: number | null }>(
        "SELECT max(at) AS at FROM links WHERE from_token = ? AND link = 'reassigned'",
      );
      const reassigned: Record<string, number> = {};
      for (const t of distinctTokens(accepted)) {
        upsertState.run(t.token, t.kind, t.keyId, seq);
        const at = latest.get(t.token)?.at;
        if (at !== null && at !== undefined) reassigned[t.token] = at;
      }
      const alerts = this.alertWatchers(
        batch.memberId,
        seq,
        reportEvents(accepted),
        batch.receivedAt,
      );
      const log = this.logWrite(
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
        ...(Object.keys(reassigned).length === 0 ? {} : { reassigned }),
      };
    })();
  }

  async shareScripts(batch: BatchRecord, scripts: readonly IngestScript[]): Promise<IngestResult> {
    const byRef = this.db.prepare<[string, string], { id: string; script: string | null }>(
      'SELECT id, script FROM reports WHERE member_id = ? AND ref = ?',
    );
    const shared = this.db.prepare<[string, string], { script: string }>(
      'SELECT script FROM report_scripts WHERE member_id = ? AND report_id = ?',
    );
    const insert = this.db.prepare(
      'INSERT INTO report_scripts (member_id, report_id, script, batch_id, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    return this.db.transaction((): IngestResult => {
      this.recordBatch(batch);
      const outcomes: ItemOutcome[] = [];
      const entries: LogEntry[] = [];
      scripts.forEach((s, index) => {
        const report = byRef.get(batch.memberId, s.ref);
        if (report === undefined) return;
        const kept = report.script ?? shared.get(batch.memberId, report.id)?.script;
        if (kept !== undefined) {
          outcomes.push({
            index,
            status: kept === s.script ? 'duplicate' : 'conflict',
            id: report.id,
          });
          return;
        }
        insert.run(batch.memberId, report.id, s.script, batch.batchId, batch.receivedAt);
        outcomes.push({ index, status: 'accepted', id: report.id });
        entries.push(
          reportScriptEntry(
            batch.memberId,
            { report: report.id, script: s.script, batchId: batch.batchId },
            batch.receivedAt,
          ),
        );
      });
      return { outcomes, seq: this.seqNow(), alerts: 0, log: this.appendInTx(entries) };
    })();
  }

  async reportsByRef(
    memberId: string,
    refs: readonly string[],
  ): Promise<Map<string, { id: string; fingerprint: boolean }>> {
    const get = this.db.prepare<[string, string], { id: string; fingerprint: string | null }>(
      'SELECT id, fingerprint FROM reports WHERE member_id = ? AND ref = ?',
    );
    const found = new Map<string, { id: string; fingerprint: boolean }>();
    for (const ref of refs) {
      const r = get.get(memberId, ref);
      if (r !== undefined) found.set(ref, { id: r.id, fingerprint: r.fingerprint !== null });
    }
    return found;
  }

  async ingestLinks(batch: BatchRecord, links: readonly IngestLink[]): Promise<IngestResult> {
    const byHash = this.db.prepare<[string, string, string], { id: string }>(
      'SELECT id FROM links WHERE from_token = ? AND member_id = ? AND content_hash = ?',
    );
    const insert = this.db.prepare(
      'INSERT INTO links (from_token, id, member_id, link, from_kind, to_token, to_kind, key_id, at, count, amount, content_hash, batch_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    return this.db.transaction((): IngestResult => {
      this.recordBatch(batch);
      const outcomes: ItemOutcome[] = [];
      const accepted: (IngestLink & { id: string })[] = [];
      links.forEach((l, index) => {
        const existing = byHash.get(l.from.token, batch.memberId, l.contentHash);
        if (existing !== undefined) {
          outcomes.push({ index, status: 'duplicate', id: existing.id });
          return;
        }
        const id = newId('l');
        insert.run(
          l.from.token,
          id,
          batch.memberId,
          l.link,
          l.from.kind,
          l.to.token,
          l.to.kind,
          l.from.keyId,
          l.at,
          l.count,
          l.amount ?? null,
          l.contentHash,
          batch.batchId,
          batch.receivedAt,
        );
        accepted.push({ ...l, id });
        outcomes.push({ index, status: 'accepted', id });
      });
      const entries = linkBatchEntries(batch.memberId, batch.batchId, batch.receivedAt, accepted);
      const events = linkEvents(accepted);
      const watched =
        events.length > 0 && this.db.prepare('SELECT 1 FROM watchlist LIMIT 1').get() !== undefined;
      // A reported token given to a new holder changes what checks count (issue 12): it
      // moves the change sequence, so that every process's view takes the new time.
      const known = this.db.prepare<[string], { token: string }>(
        'SELECT token FROM token_state WHERE token = ?',
      );
      const reassigned = givenTokens(accepted).filter((t) => known.get(t) !== undefined);
      if (!watched && reassigned.length === 0)
        return {
          outcomes,
          seq: this.seqNow(),
          alerts: 0,
          log: this.appendInTx(entries),
        };
      const seq = this.bumpSeq();
      const state = this.db.prepare('UPDATE token_state SET seq = ? WHERE token = ?');
      for (const t of reassigned) state.run(seq, t);
      const alerts = watched
        ? this.alertWatchers(batch.memberId, seq, events, batch.receivedAt)
        : [];
      return {
        outcomes,
        seq,
        alerts: alerts.length,
        log: this.logWrite(batch.memberId, batch.receivedAt, alerts, entries, seq),
      };
    })();
  }

  async retractReport(
    memberId: string,
    reportId: string,
    reason: string,
    at: number,
  ): Promise<{ status: 'retracted' | 'not_found' | 'already'; seq: number; log?: LogAppend }> {
    return this.db.transaction(() => {
      const row = this.db
        .prepare<[string, string], { retracted_at: number | null; entities: string }>(
          'SELECT retracted_at, entities FROM reports WHERE id = ? AND member_id = ?',
        )
        .get(reportId, memberId);
      if (row === undefined) return { status: 'not_found' as const, seq: this.seqNow() };
      if (row.retracted_at !== null) return { status: 'already' as const, seq: this.seqNow() };
      this.db
        .prepare('UPDATE reports SET retracted_at = ?, retract_reason = ? WHERE id = ?')
        .run(at, reason, reportId);
      const tokens = distinctTokens([{ entities: JSON.parse(row.entities) as IngestEntity[] }]);
      const remaining = this.db.prepare<
        [string, string],
        { type: ReportType; category: Category; occurred_at: number }
      >(
        `SELECT DISTINCT r.id, r.type, r.category, r.occurred_at FROM report_entities e JOIN reports r ON r.member_id = e.member_id AND r.id = e.report_id
         WHERE e.token = ? AND e.member_id = ? AND r.retracted_at IS NULL`,
      );
      const clear = this.db.prepare('DELETE FROM token_stats WHERE token = ? AND member_id = ?');
      const insert = this.db.prepare(
        'INSERT INTO token_stats (token, member_id, type, reports, first_seen, last_seen, categories) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
      const stillFlagged = this.db.prepare<[string], { n: number }>(
        'SELECT count(*) AS n FROM token_stats WHERE token = ?',
      );
      const state = this.db.prepare('UPDATE token_state SET seq = ?, flagged = ? WHERE token = ?');
      const seq = this.bumpSeq();
      for (const t of tokens) {
        clear.run(t.token, memberId);
        const rows = remaining
          .all(t.token, memberId)
          .map((r) => ({ type: r.type, category: r.category, occurredAt: r.occurred_at }));
        for (const s of recount(memberId, rows))
          insert.run(t.token, memberId, s.type, s.reports, s.firstSeen, s.lastSeen, s.categories);
        state.run(seq, (stillFlagged.get(t.token)?.n ?? 0) > 0 ? 1 : 0, t.token);
      }
      const log = this.logWrite(
        memberId,
        at,
        [],
        [retractionEntry(memberId, reportId, reason, at)],
        seq,
      );
      return { status: 'retracted' as const, seq, ...(log === undefined ? {} : { log }) };
    })();
  }

  async getReport(memberId: string, reportId: string): Promise<StoredReport | undefined> {
    const row = this.db
      .prepare<[string, string], ReportRow>('SELECT * FROM reports WHERE id = ? AND member_id = ?')
      .get(reportId, memberId);
    return row === undefined ? undefined : reportOf(row);
  }

  async listReports(
    memberId: string,
    afterId: string | undefined,
    limit: number,
  ): Promise<StoredReport[]> {
    const rows = this.db
      .prepare<[string, string, number], ReportRow>(
        'SELECT * FROM reports WHERE member_id = ? AND id > ? ORDER BY id LIMIT ?',
      )
      .all(memberId, afterId ?? '', limit);
    return rows.map(reportOf);
  }

  async changesSince(seq: number, limit: number): Promise<TokenChange[]> {
    // Whole sequence groups only: a batch's tokens share one seq, and a cursor that
    // stopped inside a group would skip the rest of it.
    const last = this.db
      .prepare<[number, number], { seq: number }>(
        'SELECT seq FROM token_state WHERE seq > ? ORDER BY seq LIMIT 1 OFFSET ?',
      )
      .get(seq, Math.max(0, limit - 1));
    type StateRow = {
      token: string;
      kind: IdentifierKind;
      key_id: string;
      seq: number;
      flagged: number;
      log_size: number;
      reassigned_at: number | null;
    };
    const select = `SELECT s.*, coalesce(l.log_size, 0) AS log_size, ${REASSIGNED_AT} FROM token_state s LEFT JOIN sequence_log l ON l.seq = s.seq`;
    const rows =
      last === undefined
        ? this.db.prepare<[number], StateRow>(`${select} WHERE s.seq > ? ORDER BY s.seq`).all(seq)
        : this.db
            .prepare<[number, number], StateRow>(
              `${select} WHERE s.seq > ? AND s.seq <= ? ORDER BY s.seq`,
            )
            .all(seq, last.seq);
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

  async addWatch(memberId: string, tokens: readonly TokenRef[], at: number): Promise<number> {
    const insert = this.db.prepare(
      'INSERT OR IGNORE INTO watchlist (token, member_id, kind, key_id, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    return this.db.transaction(() =>
      tokens.reduce((n, t) => n + insert.run(t.token, memberId, t.kind, t.keyId, at).changes, 0),
    )();
  }

  async removeWatch(memberId: string, tokens: readonly string[]): Promise<number> {
    const remove = this.db.prepare('DELETE FROM watchlist WHERE token = ? AND member_id = ?');
    return this.db.transaction(() =>
      tokens.reduce((n, t) => n + remove.run(t, memberId).changes, 0),
    )();
  }

  async listWatch(
    memberId: string,
    afterToken: string | undefined,
    limit: number,
  ): Promise<TokenRef[]> {
    return this.db
      .prepare<[string, string, number], { token: string; kind: IdentifierKind; key_id: string }>(
        'SELECT token, kind, key_id FROM watchlist WHERE member_id = ? AND token > ? ORDER BY token LIMIT ?',
      )
      .all(memberId, afterToken ?? '', limit)
      .map((r) => ({ token: r.token, kind: r.kind, keyId: r.key_id }));
  }

  async listAlerts(
    memberId: string,
    after: { seq: number; id: number } | undefined,
    limit: number,
  ): Promise<Alert[]> {
    const a = after ?? { seq: 0, id: 0 };
    return this.db
      .prepare<[string, number, number, number], AlertRow>(
        'SELECT * FROM alerts WHERE member_id = ? AND (seq, id) > (?, ?) ORDER BY seq, id LIMIT ?',
      )
      .all(memberId, a.seq, a.id, limit)
      .map(alertOf);
  }

  async listWitnesses(): Promise<string[]> {
    return this.db
      .prepare<[], { vkey: string }>('SELECT vkey FROM witnesses ORDER BY added_at, vkey')
      .all()
      .map((r) => r.vkey);
  }

  async addWitness(vkey: string, at: number): Promise<boolean> {
    return (
      this.db
        .prepare('INSERT INTO witnesses (vkey, added_at) VALUES (?, ?) ON CONFLICT DO NOTHING')
        .run(vkey, at).changes > 0
    );
  }

  async removeWitness(vkey: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM witnesses WHERE vkey = ?').run(vkey).changes > 0;
  }

  async setWebhook(memberId: string, url: string, at: number): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO webhooks (member_id, url, created_at) VALUES (?, ?, ?) ON CONFLICT (member_id) DO UPDATE SET url = excluded.url',
      )
      .run(memberId, url, at);
  }

  async getWebhook(memberId: string): Promise<string | undefined> {
    return this.db
      .prepare<[string], { url: string }>('SELECT url FROM webhooks WHERE member_id = ?')
      .get(memberId)?.url;
  }

  async deleteWebhook(memberId: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM webhooks WHERE member_id = ?').run(memberId).changes > 0;
  }

  async claimDeliveries(now: number, leaseMs: number, limit: number): Promise<WebhookDelivery[]> {
    return this.db.transaction(() => {
      const rows = this.db
        .prepare<[number, number], AlertRow & { attempts: number; url: string }>(
          `SELECT a.*, d.attempts, w.url FROM webhook_deliveries d JOIN alerts a ON a.id = d.alert_id JOIN webhooks w ON w.member_id = d.member_id
           WHERE d.delivered_at IS NULL AND d.next_attempt_at <= ? ORDER BY d.next_attempt_at LIMIT ?`,
        )
        .all(now, limit);
      const lease = this.db.prepare(
        'UPDATE webhook_deliveries SET next_attempt_at = ? WHERE alert_id = ?',
      );
      for (const r of rows) lease.run(now + leaseMs, r.id);
      return rows.map((r) => ({
        alert: alertOf(r),
        memberId: r.member_id,
        url: r.url,
        attempts: r.attempts,
      }));
    })();
  }

  async deliveryDone(alertId: number, at: number): Promise<void> {
    this.db
      .prepare(
        'UPDATE webhook_deliveries SET delivered_at = ?, attempts = attempts + 1 WHERE alert_id = ?',
      )
      .run(at, alertId);
  }

  async deliveryFailed(alertId: number, nextAttemptAt: number, error: string): Promise<void> {
    this.db
      .prepare(
        'UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE alert_id = ?',
      )
      .run(nextAttemptAt, error.slice(0, 500), alertId);
  }

  async latestPolicy(): Promise<PolicyRecord | undefined> {
    const row = this.db
      .prepare<[], { version: number; body: string; created_at: number; created_by: string }>(
        'SELECT * FROM policies ORDER BY version DESC LIMIT 1',
      )
      .get();
    return row === undefined
      ? undefined
      : {
          version: row.version,
          body: JSON.parse(row.body) as unknown,
          createdAt: row.created_at,
          createdBy: row.created_by,
        };
  }

  async putPolicy(body: unknown, createdBy: string, at: number): Promise<number> {
    return this.db.transaction(() => {
      const version =
        (this.db.prepare<[], { v: number | null }>('SELECT max(version) AS v FROM policies').get()
          ?.v ?? 0) + 1;
      this.db
        .prepare('INSERT INTO policies (version, body, created_at, created_by) VALUES (?, ?, ?, ?)')
        .run(version, JSON.stringify(body), at, createdBy);
      this.appendInTx([tableEventEntry('policy_change', createdBy, `policy/${version}`, at, body)]);
      return version;
    })();
  }

  async reportEvidence(
    after: { memberId: string; id: string } | undefined,
    limit: number,
  ): Promise<EvidenceReportRow[]> {
    const a = after ?? { memberId: '', id: '' };
    return this.db
      .prepare<[string, string, number], ReportEvidenceSqlRow>(
        `SELECT ${REPORT_EVIDENCE_COLUMNS} FROM ${REPORT_EVIDENCE_FROM} WHERE (r.member_id, r.id) > (?, ?) AND r.retracted_at IS NULL ORDER BY r.member_id, r.id LIMIT ?`,
      )
      .all(a.memberId, a.id, limit)
      .map(reportEvidenceOf);
  }

  async linkEvidence(
    after: { fromToken: string; id: string } | undefined,
    limit: number,
  ): Promise<EvidenceLinkRow[]> {
    const a = after ?? { fromToken: '', id: '' };
    return this.db
      .prepare<[string, string, number], LinkEvidenceRow>(
        'SELECT from_token, id, member_id, link, from_kind, to_token, to_kind, key_id, at, count FROM links WHERE (from_token, id) > (?, ?) ORDER BY from_token, id LIMIT ?',
      )
      .all(a.fromToken, a.id, limit)
      .map(linkEvidenceOf);
  }

  async reassignments(
    after: { fromToken: string; id: string } | undefined,
    limit: number,
  ): Promise<EvidenceLinkRow[]> {
    const a = after ?? { fromToken: '', id: '' };
    return this.db
      .prepare<[string, string, number], LinkEvidenceRow>(
        "SELECT from_token, id, member_id, link, from_kind, to_token, to_kind, key_id, at, count FROM links WHERE link = 'reassigned' AND (from_token, id) > (?, ?) ORDER BY from_token, id LIMIT ?",
      )
      .all(a.fromToken, a.id, limit)
      .map(linkEvidenceOf);
  }

  async saveAnalysis(
    run: AnalysisWrite,
  ): Promise<{ id: number; seq: number; alerts: number; log: LogAppend }> {
    return this.db.transaction(() => {
      const id =
        (this.db.prepare<[], { v: number | null }>('SELECT max(id) AS v FROM analysis_runs').get()
          ?.v ?? 0) + 1;
      this.db
        .prepare('INSERT INTO analysis_runs (id, created_at, created_by, body) VALUES (?, ?, ?, ?)')
        .run(id, run.createdAt, run.createdBy, run.body);
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
      const seq = this.seqNow();
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
      const entry = tableEventEntry(
        'analysis',
        run.createdBy,
        `analysis/${id}`,
        run.createdAt,
        analysisRecord(run.body),
      );
      const log = this.logWrite(run.createdBy, run.createdAt, alerts, [entry]) as LogAppend;
      return { id, seq, alerts: alerts.length, log };
    })();
  }

  async latestAnalysis(known?: number): Promise<StoredAnalysis | undefined> {
    const latest = this.db
      .prepare<[], { id: number }>('SELECT max(id) AS id FROM analysis_runs')
      .get()?.id;
    if (latest === null || latest === undefined || latest === known) return undefined;
    const row = this.db
      .prepare<[number], { id: number; created_at: number; body: string }>(
        'SELECT id, created_at, body FROM analysis_runs WHERE id = ?',
      )
      .get(latest);
    return row === undefined
      ? undefined
      : { id: row.id, createdAt: row.created_at, body: row.body };
  }

  async getAnalysis(id: number): Promise<StoredAnalysis | undefined> {
    const row = this.db
      .prepare<[number], { id: number; created_at: number; body: string }>(
        'SELECT id, created_at, body FROM analysis_runs WHERE id = ?',
      )
      .get(id);
    return row === undefined
      ? undefined
      : { id: row.id, createdAt: row.created_at, body: row.body };
  }
}
