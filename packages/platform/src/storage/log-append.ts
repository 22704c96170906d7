import { randomBytes } from 'node:crypto';
import { encodeBase64url } from '@credence/core/encoding/base64url';
import type {
  AuditRecord,
  StoredLinkRecord,
  StoredReportRecord,
} from '@credence/core/log/audit-records';
import {
  type AlertRecord,
  alertsDigest,
  credentialCommitment,
  entryText,
  entryTime,
  type LogEntry,
  linkBatchEntry,
  recordDigest,
  reportEntry,
  reportScriptDigest,
} from '@credence/core/log/entries';
import { type EntryRecordType, entryKind, isLogEntryKind } from '@credence/core/log/kinds';
import { HASH_SIZE, hashLeaf } from '@credence/core/merkle/hash';
import { type CompletedNode, TreeBuilder } from '@credence/core/merkle/tree-builder';
import { canonicalJson } from '@credence/core/signing/canonical-json';
import type { IngestLink, IngestReport, LogAppend, OprfUsage } from '../domain/types.js';
import { sealedOf } from './aggregate.js';
import { analysisRecord } from './analysis-rows.js';

/**
 * Appending to the transparency log inside a store's write transaction (SPEC §3.4): the
 * write and its entries commit together, so nothing is acknowledged that is not in the
 * log and nothing is logged that was not written. The log's state is one row — its size,
 * the frontier of perfect subtree roots and the root — read and rewritten under the
 * transaction's lock, which serializes appends across processes. Every perfect subtree
 * completed by an append is stored, so proofs are read, never recomputed from leaves.
 */

export interface LogStateRow {
  readonly size: number;
  /** The frontier: popcount(size) hashes of 32 bytes, concatenated, largest subtree first. */
  readonly frontier: Uint8Array;
}

/**
 * An entry to append, with the record its digest is of when the store keeps that record
 * only beside the log (member, key and key-server events): canonical JSON, kept in
 * `log_records` so that an auditor can check the digest and rebuild what the events say.
 */
export interface EntryToAppend extends LogEntry {
  readonly record?: string;
}

export interface PlannedAppend {
  readonly entries: readonly {
    readonly index: number;
    readonly text: string;
    readonly record: string | undefined;
  }[];
  readonly nodes: readonly CompletedNode[];
  readonly state: {
    readonly size: number;
    readonly frontier: Uint8Array;
    readonly root: Uint8Array;
  };
  readonly result: LogAppend;
}

export function planAppend(state: LogStateRow, entries: readonly EntryToAppend[]): PlannedAppend {
  const frontier: Uint8Array[] = [];
  for (let at = 0; at < state.frontier.length; at += HASH_SIZE)
    frontier.push(state.frontier.subarray(at, at + HASH_SIZE));
  const builder = TreeBuilder.fromFrontier(state.size, frontier);
  const rows: { index: number; text: string; record: string | undefined }[] = [];
  const nodes: CompletedNode[] = [];
  const encoder = new TextEncoder();
  for (const entry of entries) {
    const text = entryText(entry);
    rows.push({ index: builder.size, text, record: entry.record });
    for (const node of builder.append(hashLeaf(encoder.encode(text)))) nodes.push(node);
  }
  const root = builder.root();
  const next = builder.frontier();
  const packed = new Uint8Array(next.length * HASH_SIZE);
  for (const [i, h] of next.entries()) packed.set(h, i * HASH_SIZE);
  return {
    entries: rows,
    nodes,
    state: { size: builder.size, frontier: packed, root },
    result: { first: state.size, count: entries.length, size: builder.size, root },
  };
}

/** One entry per accepted report (core/log/entries.ts, reportEntry). */
export function reportEntries(
  memberId: string,
  batchId: string,
  at: number,
  accepted: readonly (IngestReport & { readonly id: string })[],
): LogEntry[] {
  return accepted.map((r) => reportEntry(memberId, at, { ...r, batchId }));
}

/** A script shared later for one of the member's reports. */
export function reportScriptEntry(
  memberId: string,
  s: { report: string; script: string; batchId: string },
  at: number,
): LogEntry {
  return {
    kind: 'report_script',
    time: entryTime(at),
    member: memberId,
    subject: s.report,
    digest: reportScriptDigest(s),
  };
}

/** A fresh salt for an `alerts` entry (core/log/entries.ts, alertsDigest). */
export function alertSalt(): string {
  return encodeBase64url(randomBytes(16));
}

/**
 * The commitment to the alerts one write raised: appended before the write's own entries
 * (so the write's receipt still covers exactly the member's entries), by the member or
 * process whose write raised them, its subject the number of alerts.
 */
export function alertsEntry(
  writer: string,
  at: number,
  salt: string,
  alerts: readonly AlertRecord[],
): LogEntry {
  return {
    kind: 'alerts',
    time: entryTime(at),
    member: writer,
    subject: `alerts/${alerts.length}`,
    digest: alertsDigest(salt, alerts),
  };
}

/** The entry of a link batch that added links (core/log/entries.ts, linkBatchEntry). */
export function linkBatchEntries(
  memberId: string,
  batchId: string,
  at: number,
  accepted: readonly (IngestLink & { readonly id: string })[],
): LogEntry[] {
  return accepted.length === 0
    ? []
    : [
        linkBatchEntry(
          memberId,
          batchId,
          at,
          accepted.map((l) => ({ ...l, keyId: l.from.keyId })),
        ),
      ];
}

/**
 * A key server's count of evaluations for a member on a day, as it grew: visible in the
 * subject (`oprf/<key server>/<key id>/<share>/<day>/<count>`) so that enumeration shows
 * in the log. A key server's counts are its own: another cannot overwrite them.
 */
export function oprfUsageEntry(u: OprfUsage, at: number): EntryToAppend {
  return eventEntry(
    'oprf_usage',
    u.member,
    `oprf/${u.reporter}/${u.keyId}/${u.shareIndex}/${u.day}/${u.evaluations}`,
    at,
    {
      reporter: u.reporter,
      keyId: u.keyId,
      shareIndex: u.shareIndex,
      day: u.day,
      member: u.member,
      evaluations: u.evaluations,
    },
  );
}

/**
 * Member, key, key-server and case events: the digest of what changed, and
 * the record itself to keep beside the log (never a credential: an event says that one
 * was issued, not what it is).
 */
export function eventEntry(
  kind:
    | 'member_event'
    | 'key_event'
    | 'oprf_usage'
    | 'case_event'
    | 'outcome'
    | 'appeal'
    | 'appeal_ruling'
    | 'stats_release'
    | 'exposure'
    | 'filter',
  memberId: string,
  subject: string,
  at: number,
  record: unknown,
): EntryToAppend {
  return {
    kind,
    time: entryTime(at),
    member: memberId,
    subject,
    digest: recordDigest(record),
    record: canonicalJson(record),
  };
}

/** A member made: its member event. */
export function createdEntry(m: {
  id: string;
  name: string;
  type: string;
  createdAt: number;
}): EntryToAppend {
  return eventEntry('member_event', m.id, m.id, m.createdAt, {
    event: 'created',
    name: m.name,
    type: m.type,
  });
}

/** A key server bound to the share it evaluates with: its member event. */
export function shareEntry(memberId: string, shareIndex: number, at: number): EntryToAppend {
  return eventEntry('member_event', memberId, memberId, at, { event: 'share', shareIndex });
}

/**
 * A credential issued (and, with `replace`, the member's others revoked first): member
 * events that say when and who did it, never the credential.
 */
export function credentialEntries(
  memberId: string,
  sha256: string,
  at: number,
  options: { by: 'operator' | 'member'; replace: boolean },
): EntryToAppend[] {
  const event = (name: string, extra = {}) =>
    eventEntry('member_event', memberId, memberId, at, {
      event: name,
      at,
      by: options.by,
      ...extra,
    });
  return [
    ...(options.replace ? [event('credentials_revoked')] : []),
    event('credential_issued', { credential: credentialCommitment(sha256) }),
  ];
}

/**
 * A policy change or an analysis run: the record its digest is of is a row of its own
 * table (the policy; the kept result's SHA-256), which the audit reads and checks there.
 */
export function tableEventEntry(
  kind: 'policy_change' | 'analysis' | 'quality_weights',
  memberId: string,
  subject: string,
  at: number,
  record: unknown,
): LogEntry {
  return { kind, time: entryTime(at), member: memberId, subject, digest: recordDigest(record) };
}

/** A stored report row, as the audit reads it. */
export interface StoredReportRow {
  readonly id: string;
  readonly ref: string;
  readonly type: string;
  readonly category: string;
  readonly occurred_at: number;
  readonly loss: string | null;
  readonly entities: string;
  readonly content_hash: string;
  readonly batch_id: string;
  readonly fingerprint: string | null;
  readonly script: string | null;
  readonly region: string | null;
  readonly sealed: string | null;
  readonly created_at: number;
  readonly retracted_at: number | null;
  readonly retract_reason: string | null;
}

export interface StoredLinkRow {
  readonly id: string;
  readonly link: string;
  readonly from_token: string;
  readonly from_kind: string;
  readonly to_token: string;
  readonly to_kind: string;
  readonly key_id: string;
  readonly at: number;
  readonly count: number;
  readonly amount: string | null;
  readonly content_hash: string;
  readonly created_at: number;
}

export interface StoredAlertRow {
  readonly id: number;
  readonly seq: number;
  readonly member_id: string;
  readonly token: string;
  readonly kind: string;
  readonly source: string;
  readonly report_type: string | null;
  readonly category: string | null;
  readonly link_type: string | null;
  readonly ring_id: string | null;
  readonly occurred_at: number;
  readonly created_at: number;
}

export const reportRecordOf = (r: StoredReportRow): StoredReportRecord => ({
  id: r.id,
  ref: r.ref,
  type: r.type,
  category: r.category,
  occurredAt: Number(r.occurred_at),
  loss: r.loss,
  entities: JSON.parse(r.entities) as StoredReportRecord['entities'],
  contentHash: r.content_hash,
  batchId: r.batch_id,
  fingerprint: r.fingerprint,
  script: r.script,
  region: r.region,
  sealed: sealedOf(r.sealed) ?? null,
  createdAt: Number(r.created_at),
  retractedAt: r.retracted_at === null ? null : Number(r.retracted_at),
  retractReason: r.retract_reason,
});

export const linkRecordOf = (l: StoredLinkRow): StoredLinkRecord => ({
  id: l.id,
  link: l.link,
  from: { token: l.from_token, kind: l.from_kind },
  to: { token: l.to_token, kind: l.to_kind },
  keyId: l.key_id,
  at: Number(l.at),
  count: l.count,
  amount: l.amount,
  contentHash: l.content_hash,
  createdAt: Number(l.created_at),
});

export const alertRecordOf = (a: StoredAlertRow): AlertRecord => ({
  id: Number(a.id),
  seq: Number(a.seq),
  member: a.member_id,
  token: a.token,
  kind: a.kind,
  source: a.source,
  reportType: a.report_type,
  category: a.category,
  linkType: a.link_type,
  ringId: a.ring_id,
  occurredAt: Number(a.occurred_at),
  createdAt: Number(a.created_at),
});

/** An entry as the audit asks about it: where it is and what it names. */
export interface AuditSubject {
  readonly index: number;
  readonly kind: string;
  readonly member: string;
  readonly subject: string;
}

/**
 * What a store holds for each entry of a page, read in a few statements by the adapter
 * and assembled here: the report row (report and retraction entries), the batch's links,
 * the shared script, the alerts and their salt, the record kept beside the log (events),
 * the policy as the policies table holds it, the SHA-256 of the kept analysis result.
 * Null where the store holds nothing for the entry (the audit names that).
 */
export interface AuditRows {
  readonly reports: ReadonlyMap<string, StoredReportRow>;
  readonly links: ReadonlyMap<string, readonly StoredLinkRow[]>;
  readonly scripts: ReadonlyMap<
    string,
    { readonly script: string; readonly batch_id: string; readonly created_at: number }
  >;
  readonly alerts: ReadonlyMap<
    number,
    { readonly salt: string; readonly rows: readonly StoredAlertRow[] }
  >;
  /** The alerts each entry that commits to them in its record (kinds.ts `commitsAlerts`) holds, by index. */
  readonly committed: ReadonlyMap<number, readonly StoredAlertRow[]>;
  readonly records: ReadonlyMap<number, string>;
  readonly policies: ReadonlyMap<number, unknown>;
  readonly analyses: ReadonlyMap<number, string>;
  /** Versions of the quality weights, as the quality_weights table holds them (JSON). */
  readonly qualities: ReadonlyMap<number, string>;
}

export const memberKey = (member: string, id: string) => `${member}\u0000${id}`;

/** Where the store keeps what an entry's digest is of, one place per kind of entry. */
type AuditSource =
  | 'reports'
  | 'links'
  | 'scripts'
  | 'alerts'
  | 'policies'
  | 'analyses'
  | 'qualities'
  | 'records';

const SOURCE_OF_RECORD = {
  report: 'reports',
  links: 'links',
  script: 'scripts',
  alerts: 'alerts',
  event: 'records',
} as const satisfies Record<EntryRecordType, AuditSource>;

/**
 * The place of an entry's record: the one its declared record type names, but for the
 * events kept in tables of their own: a policy's row in `policies`, a run's kept result,
 * a version of the quality weights in `quality_weights` (the rows the platform reads).
 */
function auditSource(kind: string): AuditSource | undefined {
  if (!isLogEntryKind(kind)) return undefined;
  if (kind === 'policy_change') return 'policies';
  if (kind === 'analysis') return 'analyses';
  if (kind === 'quality_weights') return 'qualities';
  const record = entryKind(kind).record;
  return record === undefined ? undefined : SOURCE_OF_RECORD[record];
}

export function auditRecordOf(e: AuditSubject, rows: AuditRows): AuditRecord | null {
  switch (auditSource(e.kind)) {
    case 'reports': {
      const row = rows.reports.get(memberKey(e.member, e.subject));
      return row === undefined ? null : { type: 'report', report: reportRecordOf(row) };
    }
    case 'links': {
      const links = rows.links.get(memberKey(e.member, e.subject)) ?? [];
      return links.length === 0 ? null : { type: 'links', links: links.map(linkRecordOf) };
    }
    case 'scripts': {
      const s = rows.scripts.get(memberKey(e.member, e.subject));
      return s === undefined
        ? null
        : {
            type: 'script',
            report: e.subject,
            script: s.script,
            batchId: s.batch_id,
            createdAt: Number(s.created_at),
          };
    }
    case 'alerts': {
      const a = rows.alerts.get(e.index);
      return a === undefined
        ? null
        : { type: 'alerts', salt: a.salt, alerts: a.rows.map(alertRecordOf) };
    }
    case 'policies': {
      const version = /^policy\/(\d+)$/.exec(e.subject)?.[1];
      const body = version === undefined ? undefined : rows.policies.get(Number(version));
      return body === undefined ? null : { type: 'event', record: body };
    }
    case 'analyses': {
      const id = /^analysis\/(\d+)$/.exec(e.subject)?.[1];
      const body = id === undefined ? undefined : rows.analyses.get(Number(id));
      return body === undefined ? null : { type: 'event', record: analysisRecord(body) };
    }
    case 'qualities': {
      const version = /^quality\/(\d+)$/.exec(e.subject)?.[1];
      const body = version === undefined ? undefined : rows.qualities.get(Number(version));
      return body === undefined ? null : { type: 'event', record: JSON.parse(body) as unknown };
    }
    case 'records': {
      const text = rows.records.get(e.index);
      if (text === undefined) return null;
      const alerts = rows.committed.get(e.index);
      return {
        type: 'event',
        record: JSON.parse(text) as unknown,
        ...(alerts === undefined ? {} : { alerts: alerts.map(alertRecordOf) }),
      };
    }
    default:
      return null;
  }
}

/** The ids an adapter reads for a page of entries: kind by kind. */
export function auditWants(entries: readonly AuditSubject[]): {
  reports: AuditSubject[];
  links: AuditSubject[];
  scripts: AuditSubject[];
  alerts: number[];
  committed: number[];
  records: number[];
  policies: number[];
  analyses: number[];
  qualities: number[];
} {
  const by = (source: AuditSource) => entries.filter((e) => auditSource(e.kind) === source);
  const numbered = (source: 'policies' | 'analyses' | 'qualities', prefix: string) =>
    by(source)
      .map((e) => (e.subject.startsWith(prefix) ? Number(e.subject.slice(prefix.length)) : NaN))
      .filter((n) => Number.isSafeInteger(n));
  return {
    reports: by('reports'),
    links: by('links'),
    scripts: by('scripts'),
    alerts: by('alerts').map((e) => e.index),
    committed: entries
      .filter((e) => isLogEntryKind(e.kind) && entryKind(e.kind).commitsAlerts)
      .map((e) => e.index),
    records: by('records').map((e) => e.index),
    policies: numbered('policies', 'policy/'),
    analyses: numbered('analyses', 'analysis/'),
    qualities: numbered('qualities', 'quality/'),
  };
}
