import type { PhoneRegion } from '@credence/core/identifiers/phone';
import { entryTime, type LogEntry, reportScriptDigest } from '@credence/core/log/entries';
import type { Receipt } from '@credence/core/log/receipt';
import { narrativeScript } from '@credence/core/narrative/script';
import type { Ed25519PrivateKey } from '@credence/core/signing/ed25519';
import { MAX_BATCH_ITEMS, type ScriptBatch, signBatch } from '@credence/core/wire/batches';
import { parseRawRecord } from '@credence/core/wire/raw-record-parser';
import type { LogMonitor } from './log-monitor.js';
import { MemberError } from './member-error.js';
import { type PlatformEndpoint, platformRequest } from './platform-client.js';
import { readRecords } from './record-source.js';
import { newBatchId } from './submit.js';

/**
 * Sharing the masked scripts of reports already sent (issue 11): a member that opted in
 * to script sharing after submitting reads its raw file again, masks each narrative here
 * (the narrative never leaves), and sends each script for its report's ref, in signed
 * batches. The platform keeps each as an entry of its own; the member verifies each
 * receipt from its own data, as for reports.
 */

export interface ShareProgress {
  reports: number;
  accepted: number;
  duplicates: number;
  conflicts: number;
  receipts: number;
}

interface ScriptAnswer {
  readonly batchId: string;
  readonly receivedAt: string;
  readonly log: Receipt | null;
  readonly results: readonly { index: number; status: string; id: string }[];
}

export async function shareScripts(options: {
  readonly input: string;
  readonly format: 'jsonl' | 'csv';
  /** The input's encoding (a WHATWG label); default UTF-8, read strictly. */
  readonly encoding?: string;
  readonly platform: PlatformEndpoint;
  readonly memberId: string;
  readonly phoneRegion: PhoneRegion;
  readonly signingKey: Ed25519PrivateKey;
  readonly publicKey: string;
  readonly monitor: LogMonitor;
}): Promise<ShareProgress> {
  const progress: ShareProgress = {
    reports: 0,
    accepted: 0,
    duplicates: 0,
    conflicts: 0,
    receipts: 0,
  };
  let batch: { ref: string; script: string }[] = [];
  const send = async () => {
    if (batch.length === 0) return;
    const scripts = batch;
    batch = [];
    const signed = signBatch<ScriptBatch>(
      {
        member: options.memberId,
        batchId: newBatchId(),
        createdAt: new Date().toISOString(),
        scripts,
      },
      options.signingKey,
      options.publicKey,
    );
    const answer = await platformRequest<ScriptAnswer>(
      options.platform,
      'POST',
      '/v1/reports/scripts',
      signed,
    );
    const accepted = answer.results.filter((r) => r.status === 'accepted');
    // Each result names an item of this batch, once.
    const indexes = new Set(answer.results.map((r) => r.index));
    if (
      indexes.size !== answer.results.length ||
      answer.results.some(
        (r) => !Number.isInteger(r.index) || r.index < 0 || r.index >= scripts.length,
      )
    )
      throw new MemberError(
        'member.log_receipt',
        `batch ${answer.batchId}: the results do not match the scripts sent`,
      );
    if (accepted.length > 0) {
      if (answer.log === null)
        throw new MemberError(
          'member.log_receipt',
          `batch ${answer.batchId}: scripts were accepted but the answer carries no receipt`,
        );
      const time = entryTime(Date.parse(answer.receivedAt));
      const expected: LogEntry[] = accepted
        .sort((a, b) => a.index - b.index)
        .map((r) => ({
          kind: 'report_script',
          time,
          member: options.memberId,
          subject: r.id,
          digest: reportScriptDigest({
            report: r.id,
            script: (scripts[r.index] as { script: string }).script,
            batchId: signed.batch.batchId,
          }),
        }));
      await options.monitor.accept(answer.log, expected);
      progress.receipts++;
    }
    progress.accepted += accepted.length;
    progress.duplicates += answer.results.filter((r) => r.status === 'duplicate').length;
    progress.conflicts += answer.results.filter((r) => r.status === 'conflict').length;
  };
  for await (const item of readRecords(
    options.input,
    options.format,
    options.encoding === undefined ? {} : { encoding: options.encoding },
  )) {
    if ('error' in item) continue;
    const parsed = parseRawRecord(item.value, { now: Date.now() });
    if (!parsed.ok || parsed.record.kind !== 'report') continue;
    const r = parsed.record.report;
    if (r.narrative === undefined) continue;
    const made = narrativeScript(r.narrative, { phoneRegion: options.phoneRegion });
    if (made === undefined) continue;
    progress.reports++;
    batch.push({ ref: r.ref, script: made.script });
    if (batch.length === MAX_BATCH_ITEMS) await send();
  }
  await send();
  return progress;
}
