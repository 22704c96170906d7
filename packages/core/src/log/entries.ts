import { sha256, sha256Hex } from '../crypto/hashes.js';
import { encodeBase64url } from '../encoding/base64url.js';
import { hashLeaf } from '../merkle/hash.js';
import {
  type BoundReport,
  type SealedDetail,
  sealedDetailDigest,
} from '../sealing/sealed-detail.js';
import { canonicalBytes } from '../signing/canonical-json.js';
import type { LogEntryKind } from './kinds.js';

/**
 * Entries of the transparency log (SPEC §3.4). An entry says that something happened —
 * what kind of thing, when, for which member, about which subject — and binds what it was
 * by a digest. It never holds the payload: tokens, narratives and raw data stay out of the
 * log, so the log can be public to every member and auditor.
 *
 * The leaf is the entry's RFC 8785 canonical JSON, hashed as an RFC 9162 leaf.
 */

export { LOG_ENTRY_KINDS, type LogEntryKind } from './kinds.js';

export interface LogEntry {
  readonly kind: LogEntryKind;
  /** When the platform took the write: RFC 3339 UTC with milliseconds. */
  readonly time: string;
  /** The member the entry is by or about (for operator events, the member acted upon). */
  readonly member: string;
  /** The platform's id of what the entry is about: a report id, a batch id, a key. */
  readonly subject: string;
  /** base64url SHA-256 of the payload's record (see the record functions below). */
  readonly digest: string;
}

/**
 * The entry's RFC 8785 canonical JSON: its five members in code-unit order, each value a
 * string serialized as JSON.stringify does (which is what RFC 8785 prescribes for
 * strings). Written out rather than through a general canonicalizer because the log
 * makes one per write on its hottest path; a test holds it equal to canonicalJson.
 */
export function entryText(entry: LogEntry): string {
  const s = JSON.stringify;
  return `{"digest":${s(String(entry.digest))},"kind":${s(String(entry.kind))},"member":${s(String(entry.member))},"subject":${s(String(entry.subject))},"time":${s(String(entry.time))}}`;
}

export function entryLeafHash(entry: LogEntry): Uint8Array {
  return hashLeaf(new TextEncoder().encode(entryText(entry)));
}

/** The time of an entry from epoch milliseconds. */
export function entryTime(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * A contributed item's content hash: hex SHA-256 of its canonical JSON as the member
 * signed it. The platform keeps it for idempotency and logs it in the report's record;
 * the member computes the same to check its receipts, so both use this one function.
 */
export function itemContentHash(canonicalItemText: string): string {
  return sha256Hex(canonicalItemText);
}

/** base64url SHA-256 of a value's RFC 8785 canonical JSON. */
export function recordDigest(record: unknown): string {
  return encodeBase64url(sha256(canonicalBytes(record)));
}

/**
 * A report as the platform stores it: every field of the stored row but those the entry
 * itself carries (member, time) and the retraction's (its own entry). Its digest is what
 * the log binds: the member can compute it from its own report, the batch it sent it in
 * and the id it was given, and an auditor from the stored row, so either can tell whether
 * the stored report is the one that was logged. `contentHash` (hex SHA-256 of the
 * report's canonical JSON as the member signed it) ties the record to the member's
 * signature; the script and its fingerprint are bound here too, since the signed JSON
 * cannot be rebuilt from the row. Its facts (ref, type, category, time in epoch
 * milliseconds, loss band, entities) are those a sealed detail is bound to.
 */
export interface ReportRecord extends BoundReport {
  readonly id: string;
  readonly contentHash: string;
  /** The signed batch the report came in. */
  readonly batchId: string;
  /** The script's fingerprint (`mh1.…`) and, where the member shared it, the masked script. */
  readonly fingerprint?: string | null | undefined;
  readonly script?: string | null | undefined;
  /**
   * Where the victim lives (ISO 3166-2), where the report says: left out of the record
   * when absent, so the digests of reports without one are what they were before regions.
   */
  readonly region?: string | null | undefined;
  /**
   * The narrative and exact loss sealed to the member's key, where it sealed them: the
   * record binds their digest (`sealedDetailDigest`), so a stored ciphertext swapped or
   * altered no longer matches its entry. Left out of the record when absent, so the
   * digests of reports sent without one are what they were before sealing existed.
   */
  readonly sealed?: SealedDetail | null | undefined;
}

export function reportDigest(r: ReportRecord): string {
  return encodeBase64url(sha256(reportRecordText(r)));
}

/**
 * The report record's RFC 8785 canonical JSON, written out (members in code-unit order,
 * strings and safe integers as JSON.stringify writes them, which is what RFC 8785 says
 * for them): the platform makes one per report it takes and the audit one per report it
 * checks. A test holds it equal to canonicalJson.
 */
export function reportRecordText(r: ReportRecord): string {
  const s = JSON.stringify;
  if (!Number.isSafeInteger(r.occurredAt)) throw new TypeError('occurredAt must be an integer');
  const entities = r.entities
    .map(
      (e) =>
        `{"keyId":${s(String(e.keyId))},"kind":${s(String(e.kind))},"role":${s(String(e.role))},"token":${s(String(e.token))}}`,
    )
    .join(',');
  const optional = (v: string | null | undefined) => (v == null ? 'null' : s(String(v)));
  const sealed = r.sealed == null ? '' : `,"sealed":${s(sealedDetailDigest(r.sealed))}`;
  const region = r.region == null ? '' : `,"region":${s(String(r.region))}`;
  return `{"batchId":${s(String(r.batchId))},"category":${s(String(r.category))},"contentHash":${s(String(r.contentHash))},"entities":[${entities}],"fingerprint":${optional(r.fingerprint)},"id":${s(String(r.id))},"loss":${optional(r.loss)},"occurredAt":${s(r.occurredAt)},"ref":${s(String(r.ref))}${region},"script":${optional(r.script)}${sealed},"type":${s(String(r.type))}}`;
}

export interface LinkRecord {
  readonly id: string;
  readonly link: string;
  readonly from: { readonly token: string; readonly kind: string };
  readonly to: { readonly token: string; readonly kind: string };
  readonly keyId: string;
  /** Epoch milliseconds. */
  readonly at: number;
  readonly count: number;
  readonly amount?: string | null | undefined;
  readonly contentHash: string;
}

/** The digest of the links a batch added, in id order (the order does not depend on storage). */
export function linkBatchDigest(links: readonly LinkRecord[]): string {
  const sorted = [...links].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return recordDigest(
    sorted.map((l) => ({
      id: l.id,
      link: l.link,
      from: { token: l.from.token, kind: l.from.kind },
      to: { token: l.to.token, kind: l.to.kind },
      keyId: l.keyId,
      at: l.at,
      count: l.count,
      amount: l.amount ?? null,
      contentHash: l.contentHash,
    })),
  );
}

/**
 * The entry of a report a member sent: the one mapping from a report to its entry, which
 * the platform logs, the member expects from its receipt and an auditor rebuilds from
 * the stored row.
 */
export function reportEntry(memberId: string, at: number, report: ReportRecord): LogEntry {
  return {
    kind: 'report',
    time: entryTime(at),
    member: memberId,
    subject: report.id,
    digest: reportDigest(report),
  };
}

/** The entry of a batch that added links: the digest of the links it added. */
export function linkBatchEntry(
  memberId: string,
  batchId: string,
  at: number,
  links: readonly LinkRecord[],
): LogEntry {
  return {
    kind: 'link_batch',
    time: entryTime(at),
    member: memberId,
    subject: batchId,
    digest: linkBatchDigest(links),
  };
}

/** A retraction: the report, when, and a digest of the reason (which is free text). */
export function retractionDigest(r: { report: string; at: number; reason: string }): string {
  return recordDigest({
    report: r.report,
    at: r.at,
    reason: encodeBase64url(sha256(r.reason)),
  });
}

/**
 * The entry of a member's retraction of one of its reports, as the platform logs it and
 * the member expects it.
 */
export function retractionEntry(
  memberId: string,
  reportId: string,
  reason: string,
  at: number,
): LogEntry {
  return {
    kind: 'retraction',
    time: entryTime(at),
    member: memberId,
    subject: reportId,
    digest: retractionDigest({ report: reportId, at, reason }),
  };
}

/**
 * A member's masked script added to one of its reports after the report was sent (the
 * member opted in to sharing later): logged as its own entry, so the report's record
 * never changes after it was logged.
 */
export function reportScriptDigest(r: { report: string; script: string; batchId: string }): string {
  return recordDigest({ report: r.report, script: r.script, batchId: r.batchId });
}

/** One alert as the platform keeps it and commits to (an `alerts` entry). */
export interface AlertRecord {
  readonly id: number;
  /** The change sequence it is listed under (GET /v1/alerts?after=): where a cursor finds it. */
  readonly seq: number;
  readonly member: string;
  readonly token: string;
  readonly kind: string;
  readonly source: string;
  readonly reportType: string | null;
  readonly category: string | null;
  readonly linkType: string | null;
  readonly ringId: string | null;
  readonly occurredAt: number;
  readonly createdAt: number;
}

/**
 * The alerts one write raised, committed to by an `alerts` entry: SHA-256 of the RFC 8785
 * JSON of a random salt and the alerts in id order. Salted, because the log is public to
 * every member: without it, anyone who can compute a token could confirm from the digest
 * that some member watches it. The salt is kept with the alerts, for auditors.
 */
export function alertsDigest(salt: string, alerts: readonly AlertRecord[]): string {
  const sorted = [...alerts].sort((a, b) => a.id - b.id);
  return recordDigest({
    salt,
    alerts: sorted.map((a) => ({
      id: a.id,
      seq: a.seq,
      member: a.member,
      token: a.token,
      kind: a.kind,
      source: a.source,
      reportType: a.reportType,
      category: a.category,
      linkType: a.linkType,
      ringId: a.ringId,
      occurredAt: a.occurredAt,
      createdAt: a.createdAt,
    })),
  });
}

/**
 * What a `credential_issued` event binds of the credential: the SHA-256 of the hash the
 * platform keeps (itself the hex SHA-256 of the bearer credential), so that a credential
 * swapped in the store is seen, and the log holds nothing that opens a door.
 */
export function credentialCommitment(storedSha256Hex: string): string {
  return encodeBase64url(sha256(storedSha256Hex));
}
