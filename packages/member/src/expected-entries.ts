import {
  entryTime,
  itemContentHash,
  type LogEntry,
  linkBatchDigest,
  reportDigest,
} from '@credence/core/log/entries';
import { canonicalJson } from '@credence/core/signing/canonical-json';
import type { TokenizedLink, TokenizedReport } from '@credence/core/wire/tokenized-records';

/**
 * The log entries a member expects from a batch it submitted, computed from its own
 * items and the ids the platform gave them — never from what the log says. The digests
 * are the ones the platform logs (@credence/core/log/entries), so a receipt verifies only
 * if the platform logged exactly what the member sent.
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

/**
 * The report entry (without its time) of one of the member's reports, by the id it got
 * and the batch that brought it.
 */
function reportEntry(
  memberId: string,
  batchId: string,
  item: TokenizedReport,
  id: string,
): Omit<LogEntry, 'time'> {
  return {
    kind: 'report',
    member: memberId,
    subject: id,
    digest: reportDigest({
      id,
      ref: item.ref,
      type: item.type,
      category: item.category,
      occurredAt: Date.parse(item.occurredAt),
      loss: item.loss,
      entities: item.entities,
      contentHash: contentHash(item),
      batchId,
      fingerprint: item.fingerprint,
      script: item.script,
    }),
  };
}

export function expectedReportEntries(
  memberId: string,
  batchId: string,
  receivedAt: string,
  reports: readonly TokenizedReport[],
  results: readonly Accepted[],
): LogEntry[] {
  const time = entryTime(Date.parse(receivedAt));
  return acceptedInOrder(results).map((r) => ({
    ...reportEntry(memberId, batchId, reports[r.index] as TokenizedReport, r.id),
    time,
  }));
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
    .map((r) => reportEntry(memberId, r.batchId ?? '', reports[r.index] as TokenizedReport, r.id));
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
    {
      kind: 'link_batch',
      time: entryTime(Date.parse(receivedAt)),
      member: memberId,
      subject: batchId,
      digest: linkBatchDigest(
        accepted.map((r) => {
          const l = links[r.index] as TokenizedLink;
          return {
            id: r.id,
            link: l.link,
            from: { token: l.from.token, kind: l.from.kind },
            to: { token: l.to.token, kind: l.to.kind },
            keyId: l.from.keyId,
            at: Date.parse(l.at),
            count: l.count,
            amount: l.amount,
            contentHash: contentHash(l),
          };
        }),
      ),
    },
  ];
}
