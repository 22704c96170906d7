import type { IdentifierKind } from '@credence/core/identifiers/kinds';
import { riskTokens } from '@credence/core/risk/token-summary';
import type { Category, LinkType, ReportType } from '@credence/core/wire/vocabulary';
import type { IngestLink, IngestReport, ItemOutcome } from '../domain/types.js';
import { newId } from './ids.js';

/**
 * The rules of taking in a batch, written once for every storage adapter: which reports
 * are new, repeats or conflicts; which watch events a write raises; which tokens a link
 * batch gives to a new holder. The adapters run them inside their own transaction, each
 * with its own SQL (set-based on PostgreSQL, prepared statements on the SQLite thread).
 */

/** What a member already sent under a report's ref. */
export interface KnownReport {
  readonly id: string;
  readonly contentHash: string;
  readonly batchId: string;
}

/**
 * Sorts a batch of reports against what the member already sent: a ref it sent before
 * with the same content is a `duplicate` (naming the batch that first brought it, so the
 * member can compute the entry that logged it); with other content a `conflict`; the
 * rest is `accepted` under a new id. A ref repeated within the batch is held to its first.
 */
export function sortReports(
  batchId: string,
  reports: readonly IngestReport[],
  known: (ref: string) => KnownReport | undefined,
): { outcomes: ItemOutcome[]; accepted: (IngestReport & { id: string })[] } {
  const inBatch = new Map<string, KnownReport>();
  const outcomes: ItemOutcome[] = [];
  const accepted: (IngestReport & { id: string })[] = [];
  reports.forEach((r, index) => {
    const seen = inBatch.get(r.ref) ?? known(r.ref);
    if (seen !== undefined) {
      outcomes.push(
        seen.contentHash === r.contentHash
          ? { index, status: 'duplicate', id: seen.id, batchId: seen.batchId }
          : { index, status: 'conflict', id: seen.id },
      );
      return;
    }
    const id = newId('r');
    inBatch.set(r.ref, { id, contentHash: r.contentHash, batchId });
    accepted.push({ ...r, id });
    outcomes.push({ index, status: 'accepted', id });
  });
  return { outcomes, accepted };
}

/** Something a write did to a token, which a member watching the token is alerted to. */
export interface WatchEvent {
  readonly token: string;
  readonly kind: IdentifierKind;
  readonly source: 'report' | 'link';
  readonly reportType?: ReportType;
  readonly category?: Category;
  readonly linkType?: LinkType;
  readonly occurredAt: number;
}

/**
 * A watch event per token each accepted report holds at risk: a watcher is not told its
 * customer was "reported" when the report names them as the victim (riskTokens; a
 * victim's own identifiers take no risk).
 */
export const reportEvents = (accepted: readonly IngestReport[]): WatchEvent[] =>
  accepted.flatMap((r) =>
    riskTokens(r.type, r.entities).map((t) => ({
      token: t.token,
      kind: t.kind,
      source: 'report' as const,
      reportType: r.type,
      category: r.category,
      occurredAt: r.occurredAt,
    })),
  );

/** A watch event per end of each accepted link. */
export const linkEvents = (accepted: readonly IngestLink[]): WatchEvent[] =>
  accepted.flatMap((l) =>
    [l.from, l.to].map((t) => ({
      token: t.token,
      kind: t.kind,
      source: 'link' as const,
      linkType: l.link,
      occurredAt: l.at,
    })),
  );

/**
 * The tokens an accepted link batch gives to a new holder, distinct and in order: a
 * reported one among them changes what checks count (issue 12), so the write moves the
 * change sequence and every process's view takes the new time.
 */
export const givenTokens = (accepted: readonly IngestLink[]): string[] =>
  [...new Set(accepted.filter((l) => l.link === 'reassigned').map((l) => l.from.token))].sort();
