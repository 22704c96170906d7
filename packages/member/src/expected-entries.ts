import {
  itemContentHash,
  type LogEntry,
  linkBatchEntry,
  type ReportRecord,
  reportEntry,
} from '@credence/core/log/entries';
import { canonicalJson } from '@credence/core/signing/canonical-json';
import type { TokenizedLink, TokenizedReport } from '@credence/core/wire/tokenized-records';

/**
 * The log entries a member expects from a batch it submitted, computed from its own
 * items and the ids the platform gave them — never from what the log says. The entries
 * are made by the functions the platform logs with (@credence/core/log/entries), so a
 * receipt verifies only if the platform logged exactly what the member sent.
 */

const contentHash = (item: unknown) => itemContentHash(canonicalJson(item));

interface Accepted {
  readonly index: number;
  readonly status: string;
  readonly id: string;
  /** A duplicate's: the batch that first brought it. */
  readonly batchId?: string;
}

const acceptedInOrder = (results: readonly Accepted[]) =>
  results.filter((r) => r.status === 'accepted').sort((a, b) => a.index - b.index);

/** One of the member's reports as the platform stores it, by the id it got and its batch. */
const reportRecord = (batchId: string, item: TokenizedReport, id: string): ReportRecord => ({
  ...item,
  id,
  occurredAt: Date.parse(item.occurredAt),
  contentHash: contentHash(item),
  batchId,
});

export function expectedReportEntries(
  memberId: string,
  batchId: string,
  receivedAt: string,
  reports: readonly TokenizedReport[],
  results: readonly Accepted[],
): LogEntry[] {
  const at = Date.parse(receivedAt);
  return acceptedInOrder(results).map((r) =>
    reportEntry(memberId, at, reportRecord(batchId, reports[r.index] as TokenizedReport, r.id)),
  );
}

/**
 * The entries of reports the platform answered as already there (`duplicate`): logged
 * when they were first accepted — perhaps by a submission whose answer never arrived —
 * so their time is not known here; `credence member verify` finds them in the log. The
 * batch that first brought each is the platform's word (a duplicate names it): if that
 * word is false, the digest will not match what was logged, and verify says so.
 */
export function expectedDuplicateReports(
  memberId: string,
  reports: readonly TokenizedReport[],
  results: readonly Accepted[],
): Omit<LogEntry, 'time'>[] {
  return results
    .filter((r) => r.status === 'duplicate')
    .map((r) => {
      const { time: _unknown, ...entry } = reportEntry(
        memberId,
        0,
        reportRecord(r.batchId ?? '', reports[r.index] as TokenizedReport, r.id),
      );
      return entry;
    });
}

export function expectedLinkEntries(
  memberId: string,
  batchId: string,
  receivedAt: string,
  links: readonly TokenizedLink[],
  results: readonly Accepted[],
): LogEntry[] {
  const accepted = acceptedInOrder(results);
  if (accepted.length === 0) return [];
  return [
    linkBatchEntry(
      memberId,
      batchId,
      Date.parse(receivedAt),
      accepted.map((r) => {
        const l = links[r.index] as TokenizedLink;
        return {
          ...l,
          id: r.id,
          keyId: l.from.keyId,
          at: Date.parse(l.at),
          contentHash: contentHash(l),
        };
      }),
    ),
  ];
}
