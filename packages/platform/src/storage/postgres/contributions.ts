import type { AlertRecord } from '@credence/core/log/entries';
import { retractionEntry } from '@credence/core/log/entries';
import type { Category, ReportType } from '@credence/core/wire/vocabulary';
import type pg from 'pg';
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
  type KnownReport,
  linkEvents,
  reportEvents,
  sortReports,
  type WatchEvent,
} from '../ingest-rules.js';
import {
  alertRecordOf,
  linkBatchEntries,
  reportEntries,
  reportScriptEntry,
  type StoredAlertRow,
} from '../log-append.js';
import { logWrite } from '../sql/log.js';
import { bumpSeq, currentSeq } from '../sql/sequence.js';
import { INSERT_TOKEN_STATS, mergeTokenStatsSql } from '../sql/token-stats.js';
import { appendInTx } from './log-writes.js';
import { pgText, runPgSteps } from './run-steps.js';

/**
 * Contributions on PostgreSQL: batches of reports, links and scripts, and retractions,
 * each written with a handful of set-based statements (unnest of arrays) in the
 * caller's transaction. The rules of what is accepted, a duplicate or a conflict, and
 * whom a write alerts, are the platform's (storage/ingest-rules.ts); this is how
 * PostgreSQL applies them in bulk.
 */

/** Logs a write's alerts and entries in this transaction (storage/sql/log.ts). */
const logWriteIn = (
  client: pg.PoolClient,
  ...write: Parameters<typeof logWrite>
): Promise<LogAppend | undefined> => runPgSteps(client, logWrite(...write));

async function recordBatch(client: pg.PoolClient, b: BatchRecord): Promise<void> {
  const { rows } = await client.query<{ digest: string }>(
    `INSERT INTO batches (member_id, batch_id, kind, digest, public_key, signature, items, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (member_id, batch_id) DO UPDATE SET digest = batches.digest RETURNING digest`,
    [b.memberId, b.batchId, b.kind, b.digest, b.publicKey, b.signature, b.items, b.receivedAt],
  );
  if (rows[0]?.digest !== b.digest) throw new BatchReusedError();
}

async function alertWatchers(
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
export async function retryOnConflict<T>(work: () => Promise<T>): Promise<T> {
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

export async function ingestReportsTx(
  client: pg.PoolClient,
  batch: BatchRecord,
  reports: readonly IngestReport[],
): Promise<IngestResult> {
  await recordBatch(client, batch);
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
  const { outcomes, accepted } = sortReports(batch.batchId, reports, (ref) => existing.get(ref));
  if (accepted.length === 0)
    return { outcomes, seq: await runPgSteps(client, currentSeq()), alerts: 0, log: undefined };
  await client.query(
    `INSERT INTO reports (id, member_id, ref, type, category, occurred_at, loss, region, entities, content_hash, batch_id, created_at, fingerprint, script, sealed)
   SELECT id, $1, ref, type, category, occurred_at, loss, region, entities, content_hash, $2, $3, fingerprint, script, sealed
   FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[]) AS t(id, ref, type, category, occurred_at, loss, region, entities, content_hash, fingerprint, script, sealed)`,
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
      accepted.map((r) => r.region ?? null),
      accepted.map((r) => entitiesJson(r.entities)),
      accepted.map((r) => r.contentHash),
      accepted.map((r) => r.fingerprint ?? null),
      accepted.map((r) => r.script ?? null),
      accepted.map((r) => sealedJson(r.sealed)),
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
    mergeTokenStatsSql(
      'postgres',
      'SELECT token, $1, type, reports, first_seen, last_seen, categories FROM unnest($2::text[], $3::text[], $4::int[], $5::bigint[], $6::bigint[], $7::int[]) AS t(token, type, reports, first_seen, last_seen, categories)',
    ),
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
  const seq = await runPgSteps(client, bumpSeq());
  const atRisk = new Set(deltas.map((d) => d.token));
  const tokens = distinctTokens(accepted).sort((a, b) => (a.token < b.token ? -1 : 1));
  await client.query(
    `INSERT INTO token_state (token, kind, key_id, seq, flagged, first_at) SELECT token, kind, key_id, $1, flagged, $6 FROM unnest($2::text[], $3::text[], $4::text[], $5::boolean[]) AS t(token, kind, key_id, flagged)
   ON CONFLICT (token) DO UPDATE SET seq = excluded.seq, flagged = token_state.flagged OR excluded.flagged`,
    [
      seq,
      tokens.map((t) => t.token),
      tokens.map((t) => t.kind),
      tokens.map((t) => t.keyId),
      // A token named only on the victim's side is known, but not flagged (riskTokens).
      tokens.map((t) => atRisk.has(t.token)),
      batch.receivedAt,
    ],
  );
  // Read after the sequence is taken (see ingestLinksOnce).
  const reassigned = await client.query<{ token: string; at: number }>(
    "SELECT from_token AS token, max(at) AS at FROM links WHERE link = 'reassigned' AND from_token = ANY($1::text[]) GROUP BY from_token",
    [tokens.map((t) => t.token)],
  );
  const alerts = await alertWatchers(
    client,
    batch.memberId,
    seq,
    reportEvents(accepted),
    batch.receivedAt,
  );
  const log = await logWriteIn(
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
}

export async function ingestLinksTx(
  client: pg.PoolClient,
  batch: BatchRecord,
  links: readonly IngestLink[],
): Promise<IngestResult> {
  await recordBatch(client, batch);
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
      seq: await runPgSteps(client, currentSeq()),
      alerts: 0,
      log: await appendInTx(client, entries),
    };
  const seq = await runPgSteps(client, bumpSeq());
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
    ? await alertWatchers(client, batch.memberId, seq, events, batch.receivedAt)
    : [];
  const log = await logWriteIn(client, batch.memberId, batch.receivedAt, alerts, entries, seq);
  return { outcomes, seq, alerts: alerts.length, log };
}

export async function retractReportTx(
  client: pg.PoolClient,
  memberId: string,
  reportId: string,
  reason: string,
  at: number,
): Promise<{ status: 'retracted' | 'not_found' | 'already'; seq: number; log?: LogAppend }> {
  const { rows } = await client.query<{ retracted_at: number | null; entities: string }>(
    'SELECT retracted_at, entities FROM reports WHERE id = $1 AND member_id = $2 FOR UPDATE',
    [reportId, memberId],
  );
  const row = rows[0];
  if (row === undefined)
    return { status: 'not_found' as const, seq: await runPgSteps(client, currentSeq()) };
  if (row.retracted_at !== null)
    return { status: 'already' as const, seq: await runPgSteps(client, currentSeq()) };
  await client.query('UPDATE reports SET retracted_at = $1, retract_reason = $2 WHERE id = $3', [
    at,
    reason,
    reportId,
  ]);
  const tokens = distinctTokens([{ entities: JSON.parse(row.entities) as IngestEntity[] }]).map(
    (t) => t.token,
  );
  // The member's rows of these tokens go first: the delete waits for an ingest that
  // holds them, and the reports read next (a statement of its own, so a snapshot taken
  // after that ingest committed) include its reports.
  await client.query('DELETE FROM token_stats WHERE token = ANY($1::text[]) AND member_id = $2', [
    tokens,
    memberId,
  ]);
  const remaining = (
    await client.query<{
      token: string;
      type: ReportType;
      category: Category;
      occurred_at: number;
    }>(
      `SELECT DISTINCT e.token, r.id, r.type, r.category, r.occurred_at FROM report_entities e JOIN reports r ON r.member_id = e.member_id AND r.id = e.report_id
     WHERE e.token = ANY($1::text[]) AND e.member_id = $2 AND r.retracted_at IS NULL AND ${AT_RISK_SQL}`,
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
      await client.query(pgText(INSERT_TOKEN_STATS), [
        token,
        memberId,
        s.type,
        s.reports,
        s.firstSeen,
        s.lastSeen,
        s.categories,
      ]);
    }
  }
  const seq = await runPgSteps(client, bumpSeq());
  await client.query(
    'UPDATE token_state s SET seq = $1, flagged = EXISTS (SELECT 1 FROM token_stats t WHERE t.token = s.token) WHERE s.token = ANY($2::text[])',
    [seq, tokens],
  );
  const log = await logWriteIn(
    client,
    memberId,
    at,
    [],
    [retractionEntry(memberId, reportId, reason, at)],
    seq,
  );
  return { status: 'retracted' as const, seq, ...(log === undefined ? {} : { log }) };
}

export async function shareScriptsTx(
  client: pg.PoolClient,
  batch: BatchRecord,
  scripts: readonly IngestScript[],
): Promise<IngestResult> {
  await recordBatch(client, batch);
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
  const log = await appendInTx(
    client,
    accepted.map((a) =>
      reportScriptEntry(batch.memberId, { ...a, batchId: batch.batchId }, batch.receivedAt),
    ),
  );
  return { outcomes, seq: await runPgSteps(client, currentSeq()), alerts: 0, log };
}
