import type { AlertRecord, LogEntry } from '@credence/core/log/entries';
import { retractionEntry } from '@credence/core/log/entries';
import type { Category, ReportType } from '@credence/core/wire/vocabulary';
import type Database from 'better-sqlite3';
import type {
  BatchRecord,
  IngestEntity,
  IngestLink,
  IngestReport,
  IngestResult,
  IngestScript,
  ItemOutcome,
  LogAppend,
} from '../../domain/types.js';
import {
  AT_RISK_SQL,
  distinctTokens,
  entitiesJson,
  recount,
  sealedJson,
  statDeltas,
} from '../aggregate.js';
import { BatchReusedError, newId } from '../ids.js';
import {
  givenTokens,
  linkEvents,
  reportEvents,
  sortReports,
  type WatchEvent,
} from '../ingest-rules.js';
import {
  type EntryToAppend,
  linkBatchEntries,
  reportEntries,
  reportScriptEntry,
} from '../log-append.js';
import { logWrite } from '../sql/log.js';
import { bumpSeq, currentSeq } from '../sql/sequence.js';
import { INSERT_TOKEN_STATS, mergeTokenStatsSql } from '../sql/token-stats.js';
import type { SqliteSteps } from './run-steps.js';

/**
 * Contributions on SQLite: batches of reports, links and scripts, and retractions, each
 * in one transaction of the one writer, a prepared statement per row. The rules of what
 * is accepted, a duplicate or a conflict, and whom a write alerts, are the platform's
 * (storage/ingest-rules.ts); this is how SQLite applies them.
 */
export class SqliteContributions {
  private readonly db: Database.Database;

  constructor(private readonly steps: SqliteSteps) {
    this.db = steps.db;
  }

  private bumpSeq(): number {
    return this.steps.run(bumpSeq());
  }

  private seqNow(): number {
    return this.steps.run(currentSeq());
  }

  private appendInTx(entries: readonly EntryToAppend[]): LogAppend | undefined {
    return this.steps.log.append(entries);
  }

  private logWrite(...write: Parameters<typeof logWrite>): LogAppend | undefined {
    return this.steps.run(logWrite(...write));
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

  ingestReports(batch: BatchRecord, reports: readonly IngestReport[]): IngestResult {
    const byRef = this.db.prepare<
      [string, string],
      { id: string; content_hash: string; batch_id: string }
    >('SELECT id, content_hash, batch_id FROM reports WHERE member_id = ? AND ref = ?');
    const insertReport = this.db.prepare(
      'INSERT INTO reports (id, member_id, ref, type, category, occurred_at, loss, region, entities, content_hash, batch_id, created_at, fingerprint, script, sealed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const insertEntity = this.db.prepare(
      'INSERT OR IGNORE INTO report_entities (token, report_id, role, kind, key_id, member_id) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const upsertStats = this.db.prepare(
      mergeTokenStatsSql('sqlite', 'VALUES (?, ?, ?, ?, ?, ?, ?)'),
    );
    const upsertState = this.db.prepare(`
      INSERT INTO token_state (token, kind, key_id, seq, flagged, first_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (token) DO UPDATE SET seq = excluded.seq, flagged = max(flagged, excluded.flagged)`);
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
          r.region ?? null,
          entitiesJson(r.entities),
          r.contentHash,
          batch.batchId,
          batch.receivedAt,
          r.fingerprint ?? null,
          r.script ?? null,
          sealedJson(r.sealed),
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
      const deltas = statDeltas(accepted);
      // A token named only on the victim's side is known, but not flagged (riskTokens).
      const atRisk = new Set(deltas.map((d) => d.token));
      for (const d of deltas)
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
        upsertState.run(
          t.token,
          t.kind,
          t.keyId,
          seq,
          atRisk.has(t.token) ? 1 : 0,
          batch.receivedAt,
        );
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

  shareScripts(batch: BatchRecord, scripts: readonly IngestScript[]): IngestResult {
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

  ingestLinks(batch: BatchRecord, links: readonly IngestLink[]): IngestResult {
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

  retractReport(
    memberId: string,
    reportId: string,
    reason: string,
    at: number,
  ): { status: 'retracted' | 'not_found' | 'already'; seq: number; log?: LogAppend } {
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
         WHERE e.token = ? AND e.member_id = ? AND r.retracted_at IS NULL AND ${AT_RISK_SQL}`,
      );
      const clear = this.db.prepare('DELETE FROM token_stats WHERE token = ? AND member_id = ?');
      const insert = this.db.prepare(INSERT_TOKEN_STATS);
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
}
