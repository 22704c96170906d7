import { retractionEntry } from '@credence/core/log/entries';
import type { Receipt } from '@credence/core/log/receipt';
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
  const report = await reportByRef(options.platform, options.ref);
  if (report === undefined)
    throw new MemberError(
      'member.platform_refused',
      `no report of yours has the ref ${options.ref} (it was never submitted, or was refused)`,
    );
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
