import { retractionEntry } from '@credence/core/log/entries';
import type { Receipt } from '@credence/core/log/receipt';
import type { SealingKeys } from '@credence/core/sealing/hpke';
import {
  type BoundReport,
  type Detail,
  type DetailBinding,
  detailBinding,
  openDetail,
  type SealedDetail,
} from '@credence/core/sealing/sealed-detail';
import { parseDateTime } from '@credence/core/wire/date-time';
import type { LogMonitor } from './log-monitor.js';
import { MemberError } from './member-error.js';
import { type PlatformEndpoint, platformRequest } from './platform-client.js';

/** A report of the member's, as the platform keeps it (GET /v1/reports). */
export interface OwnReport {
  readonly id: string;
  readonly ref: string;
  readonly retractedAt?: string | null;
}

/** The member's report with this ref, or undefined (GET /v1/reports?ref=). */
export async function reportByRef(
  platform: PlatformEndpoint,
  ref: string,
): Promise<OwnReport | undefined> {
  const { reports } = await platformRequest<{ reports: OwnReport[] }>(
    platform,
    'GET',
    `/v1/reports?ref=${encodeURIComponent(ref)}`,
  );
  return reports[0];
}

/** A report as the API shows it to its member (GET /v1/reports/{id}, a disclosure's `record`). */
export interface ApiReport {
  readonly id: string;
  readonly ref: string;
  readonly type: string;
  readonly category: string;
  readonly occurredAt: string;
  readonly loss?: string;
  readonly entities: BoundReport['entities'];
  readonly sealed?: SealedDetail;
}

/** What a report's sealed detail is bound to, from the report as the API shows it. */
export const bindingOfReport = (report: ApiReport): DetailBinding =>
  detailBinding({ ...report, occurredAt: parseDateTime(report.occurredAt) ?? Number.NaN });

/**
 * `credence member details`: the narrative and exact loss of one of the member's reports,
 * read back from the platform's ciphertext and opened with the member's own sealing key,
 * bound to the report as the platform stores it (a detail moved to another report, or a
 * report altered, does not open). Undefined where the report was sent without one.
 */
export async function openOwnDetail(options: {
  readonly platform: PlatformEndpoint;
  readonly keys: SealingKeys;
  readonly ref: string;
}): Promise<{ readonly id: string; readonly detail: Detail | undefined }> {
  const found = await ownReport(options.platform, options.ref);
  const report = await platformRequest<ApiReport>(
    options.platform,
    'GET',
    `/v1/reports/${encodeURIComponent(found.id)}`,
  );
  if (report.sealed === undefined) return { id: report.id, detail: undefined };
  const binding = bindingOfReport(report);
  return {
    id: report.id,
    detail: await openDetail(options.keys.privateKey, binding, report.sealed),
  };
}

/** The member's report with this ref; a refusal naming the ref where it has none. */
async function ownReport(platform: PlatformEndpoint, ref: string): Promise<OwnReport> {
  const report = await reportByRef(platform, ref);
  if (report === undefined)
    throw new MemberError(
      'member.platform_refused',
      `no report of yours has the ref ${ref} (it was never submitted, or was refused)`,
    );
  return report;
}

export interface Retraction {
  readonly id: string;
  readonly ref: string;
  readonly retractedAt: string;
  readonly receipt: Receipt;
}

/**
 * `credence member retract`: withdraws one of the member's reports, found by the ref the
 * member gave it. The platform recounts the report's tokens at once; the member holds the
 * platform to the log, as for every write of its own: the receipt must prove exactly this
 * retraction (its report, time and the reason's digest) is in the log, so that `member
 * verify` knows it for the member's own.
 */
export async function retractReport(options: {
  readonly platform: PlatformEndpoint;
  readonly monitor: LogMonitor;
  readonly memberId: string;
  readonly ref: string;
  readonly reason: string;
}): Promise<Retraction> {
  const report = await ownReport(options.platform, options.ref);
  const answer = await platformRequest<{ retractedAt: string; log: Receipt }>(
    options.platform,
    'POST',
    `/v1/reports/${encodeURIComponent(report.id)}/retract`,
    { reason: options.reason },
  );
  await options.monitor.accept(answer.log, [
    retractionEntry(options.memberId, report.id, options.reason, Date.parse(answer.retractedAt)),
  ]);
  return { id: report.id, ref: options.ref, retractedAt: answer.retractedAt, receipt: answer.log };
}
