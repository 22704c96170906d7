import {
  entryText,
  entryTime,
  type LogEntry,
  linkBatchDigest,
  recordDigest,
  reportDigest,
  retractionDigest,
} from '@credence/core/log/entries';
import { HASH_SIZE, hashLeaf } from '@credence/core/merkle/hash';
import { type CompletedNode, TreeBuilder } from '@credence/core/merkle/tree-builder';
import type { IngestLink, IngestReport, LogAppend, OprfUsage } from '../domain/types.js';

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

export interface PlannedAppend {
  readonly entries: readonly { readonly index: number; readonly text: string }[];
  readonly nodes: readonly CompletedNode[];
  readonly state: {
    readonly size: number;
    readonly frontier: Uint8Array;
    readonly root: Uint8Array;
  };
  readonly result: LogAppend;
}

export function planAppend(state: LogStateRow, entries: readonly LogEntry[]): PlannedAppend {
  const frontier: Uint8Array[] = [];
  for (let at = 0; at < state.frontier.length; at += HASH_SIZE)
    frontier.push(state.frontier.subarray(at, at + HASH_SIZE));
  const builder = TreeBuilder.fromFrontier(state.size, frontier);
  const rows: { index: number; text: string }[] = [];
  const nodes: CompletedNode[] = [];
  const encoder = new TextEncoder();
  for (const entry of entries) {
    const text = entryText(entry);
    rows.push({ index: builder.size, text });
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

/** One entry per accepted report: the digest of the report as stored. */
export function reportEntries(
  memberId: string,
  at: number,
  accepted: readonly (IngestReport & { readonly id: string })[],
): LogEntry[] {
  const time = entryTime(at);
  return accepted.map((r) => ({
    kind: 'report',
    time,
    member: memberId,
    subject: r.id,
    digest: reportDigest({
      id: r.id,
      ref: r.ref,
      type: r.type,
      category: r.category,
      occurredAt: r.occurredAt,
      loss: r.loss,
      entities: r.entities,
      contentHash: r.contentHash,
    }),
  }));
}

/** One entry per link batch that added links: the digest of the links it added. */
export function linkBatchEntry(
  memberId: string,
  batchId: string,
  at: number,
  accepted: readonly (IngestLink & { readonly id: string })[],
): LogEntry {
  return {
    kind: 'link_batch',
    time: entryTime(at),
    member: memberId,
    subject: batchId,
    digest: linkBatchDigest(
      accepted.map((l) => ({
        id: l.id,
        link: l.link,
        from: { token: l.from.token, kind: l.from.kind },
        to: { token: l.to.token, kind: l.to.kind },
        keyId: l.from.keyId,
        at: l.at,
        count: l.count,
        amount: l.amount,
        contentHash: l.contentHash,
      })),
    ),
  };
}

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
 * A key server's count of evaluations for a member on a day, as it grew: visible in the
 * subject (`oprf/<key server>/<key id>/<share>/<day>/<count>`) so that enumeration shows
 * in the log. A key server's counts are its own: another cannot overwrite them.
 */
export function oprfUsageEntry(u: OprfUsage, at: number): LogEntry {
  return {
    kind: 'oprf_usage',
    time: entryTime(at),
    member: u.member,
    subject: `oprf/${u.reporter}/${u.keyId}/${u.shareIndex}/${u.day}/${u.evaluations}`,
    digest: recordDigest({
      reporter: u.reporter,
      keyId: u.keyId,
      shareIndex: u.shareIndex,
      day: u.day,
      member: u.member,
      evaluations: u.evaluations,
    }),
  };
}

/** Member, key and policy events: the digest of what changed. */
export function eventEntry(
  kind: 'member_event' | 'key_event' | 'policy_change' | 'analysis',
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
}

/**
 * What the store holds now for the subject of a log entry, as the digest the entry would
 * carry (null when the store holds nothing for it). The audit compares the two: a stored
 * report edited or deleted after it was logged no longer matches its entry.
 */
export function storedDigest(
  kind: string,
  report: StoredReportRow | undefined,
  links: readonly StoredLinkRow[] | undefined,
): string | null {
  if (kind === 'report') {
    if (report === undefined) return null;
    return reportDigest({
      id: report.id,
      ref: report.ref,
      type: report.type,
      category: report.category,
      occurredAt: report.occurred_at,
      loss: report.loss ?? undefined,
      entities: JSON.parse(report.entities) as ReportEntities,
      contentHash: report.content_hash,
    });
  }
  if (kind === 'retraction') {
    if (report === undefined || report.retracted_at === null) return null;
    return retractionDigest({
      report: report.id,
      at: report.retracted_at,
      reason: report.retract_reason ?? '',
    });
  }
  if (kind === 'link_batch') {
    if (links === undefined || links.length === 0) return null;
    return linkBatchDigest(
      links.map((l) => ({
        id: l.id,
        link: l.link,
        from: { token: l.from_token, kind: l.from_kind },
        to: { token: l.to_token, kind: l.to_kind },
        keyId: l.key_id,
        at: l.at,
        count: l.count,
        amount: l.amount ?? undefined,
        contentHash: l.content_hash,
      })),
    );
  }
  return null;
}

type ReportEntities = { role: string; kind: string; token: string; keyId: string }[];

/** Kinds of entries whose subjects the store can be checked against. */
export const AUDITED_KINDS: ReadonlySet<string> = new Set(['report', 'retraction', 'link_batch']);
