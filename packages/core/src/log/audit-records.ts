import { sha256 } from '../crypto/hashes.js';
import type { SealedDetail } from '../sealing/sealed-detail.js';
import {
  type AlertRecord,
  alertsDigest,
  entryTime,
  type LogEntry,
  linkBatchDigest,
  recordDigest,
  reportDigest,
  reportScriptDigest,
  retractionDigest,
} from './entries.js';
import { entryKind, LOG_ENTRY_KINDS } from './kinds.js';

/**
 * What the store holds for the subject of a log entry, as the platform serves it to an
 * auditor (`GET /v1/audit/entries`), and the digest an entry would carry for it. The
 * auditor computes the digest itself, from the record: whatever the store holds must be
 * what was logged, field by field, and what the auditor rebuilds from these records (the
 * tokens' summaries, the signing keys, the members) is compared with the platform's
 * derived tables in turn.
 */

/** A report row: every column. */
export interface StoredReportRecord {
  readonly id: string;
  readonly ref: string;
  readonly type: string;
  readonly category: string;
  readonly occurredAt: number;
  readonly loss: string | null;
  readonly entities: readonly {
    readonly role: string;
    readonly kind: string;
    readonly token: string;
    readonly keyId: string;
  }[];
  readonly contentHash: string;
  readonly batchId: string;
  readonly fingerprint: string | null;
  readonly script: string | null;
  readonly region?: string | null;
  /** The sealed detail (ciphertext), where the member sealed one; its digest is in the record. */
  readonly sealed?: SealedDetail | null;
  readonly createdAt: number;
  readonly retractedAt: number | null;
  readonly retractReason: string | null;
}

/** A link row: every column but the member and the batch, which the entry names. */
export interface StoredLinkRecord {
  readonly id: string;
  readonly link: string;
  readonly from: { readonly token: string; readonly kind: string };
  readonly to: { readonly token: string; readonly kind: string };
  readonly keyId: string;
  readonly at: number;
  readonly count: number;
  readonly amount: string | null;
  readonly contentHash: string;
  readonly createdAt: number;
}

export type AuditRecord =
  /** For `report` and `retraction` entries: the report row. */
  | { readonly type: 'report'; readonly report: StoredReportRecord }
  /** For `link_batch` entries: the links of the batch. */
  | { readonly type: 'links'; readonly links: readonly StoredLinkRecord[] }
  /** For `report_script` entries: the script shared later for a report. */
  | {
      readonly type: 'script';
      readonly report: string;
      readonly script: string;
      readonly batchId: string;
      readonly createdAt: number;
    }
  /** For `alerts` entries: the alerts the write raised, and the salt of their digest. */
  | { readonly type: 'alerts'; readonly salt: string; readonly alerts: readonly AlertRecord[] }
  /**
   * For member, key, policy, analysis and key-server entries: the record the digest is
   * of, as kept beside the log (a policy: as the policies table holds it; a run: the
   * SHA-256 of the kept result). For a kind that commits to its alerts inside its record
   * (kinds.ts, `commitsAlerts`), the alerts the store holds under the entry come with it.
   */
  | {
      readonly type: 'event';
      readonly record: unknown;
      readonly alerts?: readonly AlertRecord[];
    };

/** Which record each kind of entry is checked against; absent: none (check digests). */
export const RECORD_TYPE_OF: Readonly<Partial<Record<LogEntry['kind'], AuditRecord['type']>>> =
  Object.fromEntries(
    LOG_ENTRY_KINDS.flatMap((kind) => {
      const record = entryKind(kind).record;
      return record === undefined ? [] : [[kind, record]];
    }),
  );

/**
 * The digest the entry would carry if the store held exactly this record, or why it
 * cannot: a record of another type, or one whose write time is not the entry's.
 */
export function recordDigestOf(
  entry: LogEntry,
  record: AuditRecord,
): { digest: string } | { mismatch: string; readonly alerts?: true } {
  const want = RECORD_TYPE_OF[entry.kind];
  if (want !== record.type) return { mismatch: `a ${record.type} record where a ${want} belongs` };
  const timed = (createdAt: number, digest: () => string) =>
    entryTime(createdAt) === entry.time
      ? { digest: digest() }
      : { mismatch: 'its time in the store is not the time logged' };
  switch (record.type) {
    case 'report': {
      const r = record.report;
      if (r.id !== entry.subject) return { mismatch: 'it is another report' };
      if (entry.kind === 'retraction')
        return r.retractedAt === null
          ? { mismatch: 'the store holds the report as not retracted' }
          : {
              digest: retractionDigest({
                report: r.id,
                at: r.retractedAt,
                reason: r.retractReason ?? '',
              }),
            };
      return timed(r.createdAt, () => reportDigest(r));
    }
    case 'links': {
      if (record.links.length === 0) return { mismatch: 'the store holds none of its links' };
      const late = record.links.find((l) => entryTime(l.createdAt) !== entry.time);
      if (late !== undefined) return { mismatch: `link ${late.id} was stored at another time` };
      return { digest: linkBatchDigest(record.links) };
    }
    case 'script':
      if (record.report !== entry.subject)
        return { mismatch: 'it is the script of another report' };
      return timed(record.createdAt, () => reportScriptDigest(record));
    case 'alerts':
      return { digest: alertsDigest(record.salt, record.alerts) };
    case 'event': {
      const alerts = entryKind(entry.kind).commitsAlerts ? committedAlerts(record) : undefined;
      return alerts === undefined || 'ok' in alerts
        ? { digest: recordDigest(record.record) }
        : alerts;
    }
  }
}

/**
 * Whether the alerts served with an event's record are those its record commits to: an
 * `alertsDigest` under the record's `salt` where the write raised any, none where not.
 */
function committedAlerts(
  record: Extract<AuditRecord, { type: 'event' }>,
): { ok: true } | { mismatch: string; alerts: true } {
  const body = (typeof record.record === 'object' ? record.record : null) as {
    salt?: unknown;
    alertsDigest?: unknown;
  } | null;
  const served = record.alerts ?? [];
  if (typeof body?.alertsDigest !== 'string')
    return served.length === 0
      ? { ok: true }
      : {
          mismatch: `the store holds ${served.length} alerts under it that it does not commit to`,
          alerts: true,
        };
  if (typeof body.salt !== 'string')
    return { mismatch: 'its record has no salt for its alerts', alerts: true };
  return alertsDigest(body.salt, served) === body.alertsDigest
    ? { ok: true }
    : {
        mismatch: 'the alerts the store holds under it are not those it committed to',
        alerts: true,
      };
}

/**
 * The index of reports by token (`report_entities`: a row per token, report and role)
 * as the audit holds it to the reports: per token, how many rows and the sum (mod 2^32)
 * of a 32-bit hash of each, a multiset hash that both sides add up in any order.
 */
export interface EntityRowsDigest {
  rows: number;
  hash: number;
}

export function addEntityRow(
  digest: EntityRowsDigest,
  row: { report: string; role: string; kind: string; keyId: string; member: string },
): void {
  const h = sha256(
    `${row.report}\u0000${row.role}\u0000${row.kind}\u0000${row.keyId}\u0000${row.member}`,
  );
  digest.rows++;
  digest.hash = (digest.hash + new DataView(h.buffer, h.byteOffset, 4).getUint32(0)) >>> 0;
}
