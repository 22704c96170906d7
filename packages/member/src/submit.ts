import { randomBytes } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeBase64url } from '@credence/core/encoding/base64url';
import type { Receipt } from '@credence/core/log/receipt';
import type { Ed25519PrivateKey } from '@credence/core/signing/ed25519';
import {
  type LinkBatch,
  MAX_BATCH_BYTES,
  MAX_BATCH_ITEMS,
  type ReportBatch,
  signBatch,
} from '@credence/core/wire/batches';
import type { TokenizedLink, TokenizedReport } from '@credence/core/wire/tokenized-records';
import {
  expectedDuplicateReports,
  expectedLinkEntries,
  expectedReportEntries,
} from './expected-entries.js';
import { outputFileError } from './file-errors.js';
import type { LogMonitor } from './log-monitor.js';
import { MemberError } from './member-error.js';
import type { MemberSession } from './member-session.js';
import { type PlatformEndpoint, platformRequest } from './platform-client.js';
import { readTextLines } from './text-lines.js';
import { evidenceFolder, type TokenizeProgress, tokenizeFile } from './tokenize-file.js';

export interface BatchAnswer {
  readonly batchId: string;
  readonly receivedAt: string;
  /** The write's receipt; null when the batch added nothing. */
  readonly log: Receipt | null;
  readonly sequence: number;
  readonly accepted: number;
  readonly duplicates: number;
  readonly conflicts: number;
  readonly alerts: number;
  readonly results: readonly {
    readonly index: number;
    readonly ref?: string;
    readonly status: 'accepted' | 'duplicate' | 'conflict';
    readonly id: string;
    /** A duplicate's: the batch that first brought it. */
    readonly batchId?: string;
    /** item.conflict: the ref was submitted before with other content. */
    readonly code?: string;
  }[];
}

/** A batch's id: the day, and 72 random bits (the member's own nonce). */
export const newBatchId = (): string =>
  `${new Date().toISOString().slice(0, 10)}-${encodeBase64url(randomBytes(9))}`;

export interface SubmitProgress {
  reports: number;
  links: number;
  accepted: number;
  duplicates: number;
  conflicts: number;
  alerts: number;
  /** The highest change sequence the platform answered: read your writes with it. */
  sequence: number;
  /** Receipts verified against the entries this member expected (0 without a monitor). */
  receipts: number;
  /** Evidence files uploaded (sealed; those the platform held already are not sent again). */
  files: number;
}

export interface SubmitOptions {
  /** A tokenized file (the output of tokenizeFile): reports and links, one per line. */
  readonly tokens: string;
  /** Where every item's result goes, one JSON object per line. */
  readonly results: string;
  readonly memberId: string;
  readonly platform: PlatformEndpoint;
  readonly signingKey: Ed25519PrivateKey;
  readonly publicKey: string;
  readonly batchSize?: number;
  /** The most bytes of items' JSON in one batch (default MAX_BATCH_BYTES). */
  readonly batchBytes?: number;
  /** Batches posted at once (default 2). */
  readonly inFlight?: number;
  readonly onProgress?: (p: SubmitProgress) => void;
  /** Verifies and keeps every receipt (SPEC §3.4); a receipt that fails stops the submission. */
  readonly monitor?: LogMonitor;
}

/**
 * Submits a tokenized file: batches of up to 5,000 reports or links and 8 MiB of their
 * JSON (whichever comes first; an item larger than that goes alone), each signed
 * (Ed25519 over the RFC 8785 canonical JSON of the batch) and posted; every item's result
 * is written to the results file. A batch that fails in transit is sent again as it was
 * (the platform treats repeats as no-ops).
 */
export async function submitTokens(options: SubmitOptions): Promise<SubmitProgress> {
  const size = Math.max(1, Math.min(MAX_BATCH_ITEMS, options.batchSize ?? MAX_BATCH_ITEMS));
  const progress: SubmitProgress = {
    reports: 0,
    links: 0,
    accepted: 0,
    duplicates: 0,
    conflicts: 0,
    alerts: 0,
    sequence: 0,
    receipts: 0,
    files: 0,
  };
  const results = await open(options.results, 'w').catch((error: unknown) => {
    throw outputFileError(options.results, error);
  });
  const maxBytes = options.batchBytes ?? MAX_BATCH_BYTES;
  let reports: TokenizedReport[] = [];
  let links: TokenizedLink[] = [];
  const bytes = { reports: 0, links: 0 };

  // Batches in flight at once: while the platform stores one, it can already read and
  // verify the next. Results are written in batch order all the same.
  const inFlight = Math.max(1, options.inFlight ?? 2);
  let pending: Promise<void>[] = [];
  let written: Promise<void> = Promise.resolve();

  const send = async (kind: 'reports' | 'links') => {
    const items = kind === 'reports' ? reports : links;
    if (items.length === 0) return;
    if (kind === 'reports') reports = [];
    else links = [];
    bytes[kind] = 0;
    const base = {
      member: options.memberId,
      batchId: newBatchId(),
      createdAt: new Date().toISOString(),
    };
    const signed = signedBatch(kind, base, items, options);
    const answer = platformRequest<BatchAnswer>(options.platform, 'POST', `/v1/${kind}`, signed);
    // Awaited below, in batch order, once the batches before it are written. It may fail
    // before then (the platform gone while an earlier answer's receipt is being checked):
    // mark it handled now, or Node would end the process on an unhandled rejection
    // with a stack trace instead of the one-line error this failure deserves.
    answer.catch(() => undefined);
    const done = written.then(async () => {
      const a = await answer;
      if (options.monitor !== undefined) {
        const receipt = await holdToLog(
          options.monitor,
          options.memberId,
          kind,
          base.batchId,
          items,
          a,
        );
        if (receipt) progress.receipts++;
      }
      await results.write(
        `${a.results.map((r) => JSON.stringify({ kind, batchId: a.batchId, ...r })).join('\n')}\n`,
      );
      count(progress, kind, items.length, a);
      if (kind === 'reports')
        progress.files += await uploadEvidence(options, items as TokenizedReport[], a);
      options.onProgress?.({ ...progress });
    });
    // A failure surfaces from `done`; keep `written` usable for the batches behind it.
    written = done.catch(() => undefined);
    pending.push(done);
    if (pending.length >= inFlight) {
      const oldest = pending[0] as Promise<void>;
      pending = pending.slice(1);
      await oldest;
    }
  };

  try {
    for await (const { text: line } of readTextLines(options.tokens)) {
      if (line.length === 0) continue;
      const record = JSON.parse(line) as TokenizedReport | TokenizedLink;
      const kind = 'link' in record ? 'links' : 'reports';
      // Cut the batch before this item when it would pass the byte bound.
      const length = Buffer.byteLength(line);
      if (bytes[kind] > 0 && bytes[kind] + length > maxBytes) await send(kind);
      bytes[kind] += length;
      if (kind === 'links') links.push(record as TokenizedLink);
      else reports.push(record as TokenizedReport);
      if ((kind === 'links' ? links : reports).length >= size) await send(kind);
    }
    await send('reports');
    await send('links');
    await Promise.all(pending);
  } finally {
    await written;
    await results.close();
  }
  return progress;
}

/** A batch of reports or links, signed as the member. */
function signedBatch(
  kind: 'reports' | 'links',
  base: { member: string; batchId: string; createdAt: string },
  items: readonly (TokenizedReport | TokenizedLink)[],
  options: Pick<SubmitOptions, 'signingKey' | 'publicKey'>,
) {
  return kind === 'reports'
    ? signBatch<ReportBatch>(
        { ...base, reports: items as TokenizedReport[] },
        options.signingKey,
        options.publicKey,
      )
    : signBatch<LinkBatch>(
        { ...base, links: items as TokenizedLink[] },
        options.signingKey,
        options.publicKey,
      );
}

/**
 * Holds a batch's answer to the log (SPEC §3.4): its receipt verified against the
 * entries the member expects, and the reports answered as already there expected
 * without one. Returns whether there was a receipt.
 */
async function holdToLog(
  monitor: LogMonitor,
  memberId: string,
  kind: 'reports' | 'links',
  batchId: string,
  items: readonly (TokenizedReport | TokenizedLink)[],
  a: BatchAnswer,
): Promise<boolean> {
  // Whatever the platform says it added must come with its receipt.
  if (a.results.some((r) => r.status === 'accepted') && a.log === null)
    throw new MemberError(
      'member.log_receipt',
      `batch ${a.batchId}: items were accepted but the answer carries no receipt`,
    );
  if (a.log !== null) {
    const expected =
      kind === 'reports'
        ? expectedReportEntries(
            memberId,
            batchId,
            a.receivedAt,
            items as TokenizedReport[],
            a.results,
          )
        : expectedLinkEntries(memberId, batchId, a.receivedAt, items as TokenizedLink[], a.results);
    await monitor.accept(a.log, expected);
  }
  if (kind === 'reports')
    monitor.expectWithoutReceipt(
      expectedDuplicateReports(memberId, items as TokenizedReport[], a.results),
    );
  return a.log !== null;
}

/**
 * Uploads the sealed evidence files of a batch's reports that the platform holds
 * (accepted now, or there before), from beside the tokens file where tokenizing wrote
 * them (`evidenceFolder`), one PUT each; the platform keeps each once. Returns how many.
 */
async function uploadEvidence(
  options: Pick<SubmitOptions, 'tokens' | 'platform'>,
  items: readonly TokenizedReport[],
  a: BatchAnswer,
): Promise<number> {
  let uploaded = 0;
  for (const r of a.results) {
    const report = items[r.index];
    const files = report?.sealed?.files;
    if (r.status === 'conflict' || files === undefined) continue;
    for (const [i, f] of files.entries()) {
      const url = `/v1/reports/${encodeURIComponent(r.id)}/files/${i}`;
      // A report there before may have its files too (a submission run again): asked
      // first, so that a second run does not send every recording again.
      if (r.status === 'duplicate' && (await uploadedBefore(options.platform, url))) continue;
      const path = join(evidenceFolder(options.tokens), f.sha256);
      const bytes = await readFile(path).catch((error: unknown) => {
        throw new MemberError(
          'member.input',
          `${path}: evidence file ${i} of report ${report?.ref} is not there; tokenize the raw file again`,
          {},
          error,
        );
      });
      await platformRequest(options.platform, 'PUT', url, undefined, { octets: bytes });
      uploaded++;
    }
  }
  return uploaded;
}

/** Whether the platform holds an evidence file already (HEAD: its headers, no bytes). */
async function uploadedBefore(platform: PlatformEndpoint, url: string): Promise<boolean> {
  try {
    await platformRequest(platform, 'HEAD', url, undefined, { text: true });
    return true;
  } catch (error) {
    if (error instanceof MemberError && error.details.status === 404) return false;
    throw error;
  }
}

/** A batch's answer counted into the submission's progress. */
function count(
  progress: SubmitProgress,
  kind: 'reports' | 'links',
  items: number,
  a: BatchAnswer,
): void {
  progress[kind] += items;
  progress.accepted += a.accepted;
  progress.duplicates += a.duplicates;
  progress.conflicts += a.conflicts;
  progress.alerts += a.alerts;
  progress.sequence = Math.max(progress.sequence, a.sequence);
}

export interface SubmitFileOptions {
  /** The raw file (SPEC §5 JSON Lines or CSV), as the member holds it. */
  readonly input: string;
  readonly format?: 'jsonl' | 'csv';
  /** The raw file's encoding, a WHATWG label (default: UTF-8, strictly). */
  readonly encoding?: string;
  /** The tokenized file this makes on the way (kept: it is what was sent). */
  readonly tokens: string;
  /** Rejected lines and identifiers, with reasons. */
  readonly errors: string;
  /** Every submitted item's result. */
  readonly results: string;
  readonly batchSize?: number;
  /** Share the masked narratives of reports that do not say otherwise (tokenizeFile). */
  readonly shareScripts?: boolean;
  readonly onTokenizing?: (p: TokenizeProgress) => void;
  readonly onSubmitting?: (p: SubmitProgress, total: number) => void;
}

/**
 * `credence member submit`: tokenizes a raw file at the member side (the narrative and
 * raw identifiers stay here), then signs and submits what came out.
 */
export async function submitFile(
  session: MemberSession,
  options: SubmitFileOptions,
): Promise<{ tokenized: TokenizeProgress; submitted: SubmitProgress }> {
  const sealer = await session.sealer();
  const tokenized = await tokenizeFile({
    input: options.input,
    output: options.tokens,
    errors: options.errors,
    tokenizer: session.tokenizer,
    phoneRegion: session.config.phoneRegion,
    regionFromPhone: session.config.regionFromPhone,
    ...(options.format === undefined ? {} : { format: options.format }),
    ...(options.encoding === undefined ? {} : { encoding: options.encoding }),
    ...(options.shareScripts === undefined ? {} : { shareScripts: options.shareScripts }),
    ...(options.onTokenizing === undefined ? {} : { onProgress: options.onTokenizing }),
    ...(sealer === undefined ? {} : { sealer }),
    onTokens: (pairs) => session.rememberOwn(pairs),
  });
  const { key, publicKey } = session.signingKey();
  const total = tokenized.reports + tokenized.links;
  const monitor = await session.logMonitor();
  try {
    const submitted = await submitTokens({
      monitor,
      tokens: options.tokens,
      results: options.results,
      memberId: session.config.memberId,
      platform: session.platform,
      signingKey: key,
      publicKey,
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      ...(options.onSubmitting === undefined
        ? {}
        : { onProgress: (p: SubmitProgress) => options.onSubmitting?.(p, total) }),
    });
    return { tokenized, submitted };
  } finally {
    monitor.close();
  }
}
