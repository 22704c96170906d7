import type { AuditRecord } from '@credence/core/log/audit-records';
import type { AuditCounts } from '../../domain/types.js';
import {
  AUDIT_COUNTS,
  type AuditStatePage,
  type AuditTable,
  auditStatePage,
  auditStateQuery,
} from '../audit-state.js';
import {
  type AuditSubject,
  auditRecordOf,
  auditWants,
  memberKey,
  type StoredAlertRow,
  type StoredLinkRow,
  type StoredReportRow,
} from '../log-append.js';
import { all, dialect, get, inList, readJson, type Step } from './steps.js';

/** What an auditor reads to recompute the log's entries: written once for both stores. */

/** Pairs per statement on SQLite, whose statements take a bounded number of parameters. */
const SQLITE_PAIRS = 400;

/** The rows of `table` whose (member_id, idColumn) is one of the subjects'. */
function* byMemberAndId<R>(
  table: string,
  idColumn: string,
  subjects: readonly AuditSubject[],
): Step<(R & { member_id: string })[]> {
  if (subjects.length === 0) return [];
  if ((yield* dialect()) === 'postgres')
    return yield* all<R & { member_id: string }>(
      `SELECT x.* FROM ${table} x JOIN unnest(?::text[], ?::text[]) AS t(member_id, id) ON x.member_id = t.member_id AND x.${idColumn} = t.id`,
      subjects.map((e) => e.member),
      subjects.map((e) => e.subject),
    );
  const rows: (R & { member_id: string })[] = [];
  for (let at = 0; at < subjects.length; at += SQLITE_PAIRS) {
    const chunk = subjects.slice(at, at + SQLITE_PAIRS);
    rows.push(
      ...(yield* all<R & { member_id: string }>(
        `SELECT * FROM ${table} WHERE (member_id, ${idColumn}) IN (VALUES ${chunk.map(() => '(?, ?)').join(', ')})`,
        ...chunk.flatMap((e) => [e.member, e.subject]),
      )),
    );
  }
  return rows;
}

/** The rows of `select`'s table whose `column` is one of the indexes. */
function* byIndex<R>(
  select: string,
  column: string,
  indexes: readonly number[],
  type: 'bigint' | 'int',
): Step<R[]> {
  if (indexes.length === 0) return [];
  const where = yield* inList(column, indexes, type);
  return yield* all<R>(`${select} WHERE ${where.text}`, ...where.params);
}

/**
 * For each entry, what the store holds for its subject now (core/log/audit-records.ts),
 * or null when it holds nothing or the kind has no record.
 */
export function* auditRecords(entries: readonly AuditSubject[]): Step<(AuditRecord | null)[]> {
  const want = auditWants(entries);
  const reports = new Map(
    (yield* byMemberAndId<StoredReportRow>('reports', 'id', want.reports)).map((r) => [
      memberKey(r.member_id, r.id),
      r,
    ]),
  );
  const links = new Map<string, StoredLinkRow[]>();
  for (const l of yield* byMemberAndId<StoredLinkRow & { batch_id: string }>(
    'links',
    'batch_id',
    want.links,
  )) {
    const key = memberKey(l.member_id, l.batch_id);
    links.set(key, [...(links.get(key) ?? []), l]);
  }
  for (const list of links.values()) list.sort((a, b) => (a.id < b.id ? -1 : 1));
  const scripts = new Map(
    (yield* byMemberAndId<{
      report_id: string;
      script: string;
      batch_id: string;
      created_at: number;
    }>('report_scripts', 'report_id', want.scripts)).map((r) => [
      memberKey(r.member_id, r.report_id),
      r,
    ]),
  );
  const alerts = new Map<number, { salt: string; rows: StoredAlertRow[] }>();
  for (const salt of yield* byIndex<{ log_index: number; salt: string }>(
    'SELECT * FROM alert_salts',
    'log_index',
    want.alerts,
    'bigint',
  ))
    alerts.set(salt.log_index, { salt: salt.salt, rows: [] });
  // The alerts under an `alerts` entry, and those an event's record commits to.
  const committed = new Map<number, StoredAlertRow[]>(want.committed.map((i) => [i, []]));
  for (const row of yield* byIndex<StoredAlertRow & { log_index: number }>(
    'SELECT * FROM alerts',
    'log_index',
    [...want.alerts, ...want.committed],
    'bigint',
  ))
    (alerts.get(row.log_index)?.rows ?? committed.get(row.log_index))?.push(row);
  const records = new Map(
    (yield* byIndex<{ idx: number; record: string }>(
      'SELECT * FROM log_records',
      'idx',
      want.records,
      'bigint',
    )).map((r) => [r.idx, r.record]),
  );
  const policies = new Map<number, unknown>();
  for (const r of yield* byIndex<{ version: number; body: unknown }>(
    'SELECT version, body FROM policies',
    'version',
    want.policies,
    'int',
  ))
    policies.set(r.version, yield* readJson(r.body));
  const analyses = new Map(
    (yield* byIndex<{ id: number; body: string }>(
      'SELECT id, body FROM analysis_runs',
      'id',
      want.analyses,
      'bigint',
    )).map((r) => [r.id, r.body]),
  );
  const qualities = new Map(
    (yield* byIndex<{ version: number | string; body: string }>(
      'SELECT version, body FROM quality_weights',
      'version',
      want.qualities,
      'bigint',
    )).map((r) => [Number(r.version), r.body]),
  );
  const rows = {
    reports,
    links,
    scripts,
    alerts,
    committed,
    records,
    policies,
    analyses,
    qualities,
  };
  return entries.map((e) => auditRecordOf(e, rows));
}

/** What the store holds that the log should account for (PostgreSQL counts as text). */
export function* auditCounts(): Step<AuditCounts> {
  const row = (yield* get<Record<keyof AuditCounts, string | number>>(
    `SELECT ${AUDIT_COUNTS}`,
  )) as Record<keyof AuditCounts, string | number>;
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k, Number(v)]),
  ) as unknown as AuditCounts;
}

/** A page of a derived table, in its key's order after `after` (storage/audit-state.ts). */
export function* auditState(
  table: AuditTable,
  after: readonly (string | number)[] | undefined,
  limit: number,
): Step<AuditStatePage> {
  const { sql, params } = auditStateQuery(table, after, limit);
  return auditStatePage(table, yield* all<Record<string, unknown>>(sql, ...params), limit);
}
