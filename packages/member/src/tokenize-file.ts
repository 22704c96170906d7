import { mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { Identifier } from '@credence/core/identifiers/kinds';
import type { PhoneRegion } from '@credence/core/identifiers/phone';
import { regionOfPhone } from '@credence/core/identifiers/phone-province';
import { narrativeScript } from '@credence/core/narrative/script';
import { type Detail, detailBinding } from '@credence/core/sealing/sealed-detail';
import { amountBand } from '@credence/core/wire/amount-band';
import { parseDateTime } from '@credence/core/wire/date-time';
import type { FieldError } from '@credence/core/wire/field-error';
import type { RawEvidence, RawReport } from '@credence/core/wire/raw-records';
import type {
  TokenizedEntity,
  TokenizedLink,
  TokenizedReport,
} from '@credence/core/wire/tokenized-records';
import { type CheckedRecord, checkRecord, unreadableEvidence } from './check-record.js';
import { outputFileError } from './file-errors.js';
import { readRecords } from './record-source.js';
import type { Sealer } from './repeatable-sealer.js';
import type { Tokenizer } from './tokenizer.js';

export interface TokenizeFileOptions {
  readonly input: string;
  readonly output: string;
  /** Where rejected lines and identifiers are reported, one JSON object per line. */
  readonly errors: string;
  readonly format?: 'jsonl' | 'csv';
  /** The input's encoding, a WHATWG label such as gb18030 (default: UTF-8, strictly). */
  readonly encoding?: string;
  readonly tokenizer: Tokenizer;
  readonly phoneRegion?: PhoneRegion;
  /** Records handled together: bounds memory, amortizes deduplication. */
  readonly chunk?: number;
  readonly onProgress?: (progress: TokenizeProgress) => void;
  /**
   * Share the masked narrative of every report that does not say otherwise
   * (`shareScript`): the member's opt-in for a whole file. Default: only fingerprints.
   */
  readonly shareScripts?: boolean;
  /**
   * Gives a report without `region` the province of its victim's Chinese fixed-line
   * number (the member's `regionFromPhone`). Default: no region but the one written.
   */
  readonly regionFromPhone?: boolean;
  /**
   * Seals each report's narrative and exact loss to the member's own key (SPEC §3.3):
   * the report carries them as `sealed`. Its evidence files are sealed with them, their
   * ciphertexts written beside the output (`evidenceFolder`), for `member submit` to
   * upload. Without a sealer they all stay at the member only.
   */
  readonly sealer?: Sealer;
  /** The member's clock, for the times of events (none may be in the future). */
  readonly now?: () => number;
  /**
   * Each identifier and the token it got, as they are made: for the member's own index
   * (own-index.ts), so that rings and alerts can name the member's own identifiers.
   */
  readonly onTokens?: (pairs: readonly { token: string; kind: string; value: string }[]) => void;
}

export interface TokenizeProgress {
  lines: number;
  reports: number;
  links: number;
  /** Lines left out whole (unreadable, invalid, or no valid identifier). */
  rejectedLines: number;
  /** Invalid identifiers, each reported with its reason (in reports and links alike). */
  rejectedIdentifiers: number;
  /** Identifier occurrences tokenized (with repeats). */
  identifiers: number;
}

/** One line of the errors file. Never the value: the reason and the field that held it. */
export interface LineError extends FieldError {
  readonly line: number;
  readonly ref?: string;
}

/** A record whose identifiers normalized, waiting for their tokens. */
type Pending = Exclude<CheckedRecord, { kind: 'rejected' }>;

const identifiersOf = (p: Pending): Identifier[] =>
  p.kind === 'report' ? p.entities.map((e) => e.identifier) : [p.from, p.to];

/**
 * Tokenizes a raw input file at the member side (issue 3): every identifier is
 * normalized, then tokenized through the threshold key servers (via the cache); the
 * output is the tokenized SPEC §5 format, narratives left out (sealed, with the exact
 * loss, where the member seals: `sealer`), amounts as bands. A bad
 * line or identifier is reported with its reason and the rest goes on. The output is
 * written to a temporary file and renamed when complete, so a partial run never looks
 * like a finished one.
 */
export async function tokenizeFile(options: TokenizeFileOptions): Promise<TokenizeProgress> {
  const format = options.format ?? (options.input.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl');
  const chunkSize = options.chunk ?? 5000;
  const region = options.phoneRegion ?? 'CN';
  const keyId = options.tokenizer.keyId;
  const now = options.now ?? Date.now;
  const partial = `${options.output}.partial`;
  const openOutput = (path: string) =>
    open(path, 'w').catch((error: unknown) => {
      throw outputFileError(path, error);
    });
  const out = await openOutput(partial);
  const errors = await openOutput(options.errors).catch(async (error: unknown) => {
    await out.close();
    throw error;
  });
  const progress: TokenizeProgress = {
    lines: 0,
    reports: 0,
    links: 0,
    rejectedLines: 0,
    rejectedIdentifiers: 0,
    identifiers: 0,
  };
  let pending: Pending[] = [];
  let errorText: string[] = [];

  const report = (line: number, ref: string | undefined, error: FieldError) => {
    errorText.push(
      `${JSON.stringify({ line, ...(ref === undefined ? {} : { ref }), field: error.field, code: error.code, message: error.message })}\n`,
    );
  };
  const rejectLine = (
    line: number,
    ref: string | undefined,
    ...lineErrors: readonly FieldError[]
  ) => {
    for (const e of lineErrors) report(line, ref, e);
    progress.rejectedLines++;
  };

  const flush = async () => {
    const identifiers = pending.flatMap(identifiersOf);
    const tokens = await options.tokenizer.tokenize(identifiers);
    options.onTokens?.(
      identifiers.map((id, i) => ({ token: tokens[i] as string, kind: id.kind, value: id.value })),
    );
    const lines = await sealDetails(
      tokenizedLines(pending, tokens, keyId, region, options, progress),
      options.sealer,
      { from: dirname(options.input), to: evidenceFolder(options.output) },
    );
    if (lines.length > 0) await out.write(`${lines.join('\n')}\n`);
    if (errorText.length > 0) await errors.write(errorText.join(''));
    pending = [];
    errorText = [];
    options.onProgress?.({ ...progress });
  };

  try {
    for await (const item of readRecords(
      options.input,
      format,
      options.encoding === undefined ? {} : { encoding: options.encoding },
    )) {
      progress.lines++;
      const checked = checkRecord(item, now(), region);
      if (checked.kind === 'rejected') {
        progress.rejectedIdentifiers += checked.badIdentifiers;
        rejectLine(item.line, checked.ref, ...checked.errors);
        continue;
      }
      if (checked.kind === 'report') {
        const unreadable = await unreadableEvidence(options.input, checked.report.evidence);
        if (unreadable.length > 0) {
          rejectLine(item.line, checked.report.ref, ...unreadable);
          continue;
        }
      }
      if (checked.kind === 'report') {
        // Entities left out; the report goes on with the others.
        for (const e of checked.errors) report(item.line, checked.report.ref, e);
        progress.rejectedIdentifiers += checked.errors.length;
        pending.push(checked);
      } else pending.push(checked);
      if (pending.length >= chunkSize) await flush();
    }
    await flush();
  } finally {
    await out.close();
    await errors.close();
  }
  await rename(partial, options.output);
  return progress;
}

/**
 * What of a narrative leaves: its script's fingerprint, and the masked text where the
 * report opts in (`shareScript`). The narrative itself never does.
 */
function scriptOf(
  r: RawReport,
  region: PhoneRegion,
  options: Pick<TokenizeFileOptions, 'shareScripts'>,
): { fingerprint?: string; script?: string } {
  const made =
    r.narrative === undefined ? undefined : narrativeScript(r.narrative, { phoneRegion: region });
  if (made === undefined) return {};
  const share = (r.shareScript ?? options.shareScripts) === true;
  return share ? made : { fingerprint: made.fingerprint };
}

/** A tokenized record, and what its report would seal. */
interface Tokenized {
  readonly record: TokenizedReport | TokenizedLink;
  readonly detail?: Omit<Detail, 'files'>;
  readonly evidence?: readonly RawEvidence[];
}

/**
 * Where tokenizing writes the sealed evidence files of `output`, each named by its
 * ciphertext's base64url SHA-256.
 */
export const evidenceFolder = (output: string) => `${output}.files`;

/**
 * The output lines of a chunk: each record as JSON, a report's details sealed when the
 * member seals (one run of the sealer per file: its details share one HPKE context), its
 * evidence files read from beside the input and their ciphertexts written to `files.to`.
 */
async function sealDetails(
  records: readonly Tokenized[],
  sealer: Sealer | undefined,
  files: { readonly from: string; readonly to: string },
): Promise<string[]> {
  return Promise.all(
    records.map(async ({ record, detail, evidence }) => {
      if (
        sealer === undefined ||
        (detail === undefined && evidence === undefined) ||
        !('ref' in record)
      )
        return JSON.stringify(record);
      const binding = detailBinding({
        ...record,
        occurredAt: parseDateTime(record.occurredAt) as number,
      });
      const toSeal = [];
      for (const e of evidence ?? [])
        toSeal.push({
          name: basename(e.file),
          mediaType: e.mediaType ?? mediaTypeOf(e.file),
          bytes: await readFile(resolve(files.from, e.file)),
        });
      const { sealed, ciphertexts } = await sealer.seal(binding, detail ?? {}, toSeal);
      if (ciphertexts.length > 0) await mkdir(files.to, { recursive: true });
      // Each named by its ciphertext's base64url SHA-256, as the sealed detail lists it.
      for (const [i, c] of ciphertexts.entries())
        await writeFile(join(files.to, sealed.files?.[i]?.sha256 as string), c);
      return JSON.stringify({ ...record, sealed });
    }),
  );
}

/** Media types by a file's extension, for evidence that does not name its own. */
const MEDIA_TYPES: Readonly<Record<string, string>> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.heic': 'image/heic',
  '.pdf': 'application/pdf',
  '.txt': 'text/plain',
  '.html': 'text/html',
  '.json': 'application/json',
  '.mp3': 'audio/mpeg',
  '.m4a': 'audio/mp4',
  '.wav': 'audio/wav',
  '.amr': 'audio/amr',
  '.mp4': 'video/mp4',
};

const mediaTypeOf = (file: string) =>
  MEDIA_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';

/** What of a raw report is sealed: its narrative and exact loss, where it has either. */
function detailOf(r: RawReport): Detail | undefined {
  if (r.narrative === undefined && r.lossCny === undefined) return undefined;
  return {
    ...(r.narrative === undefined ? {} : { narrative: r.narrative }),
    ...(r.lossCny === undefined ? {} : { lossCny: r.lossCny }),
  };
}

/**
 * The report's region: as the member gave it, or else the province a victim's Chinese
 * fixed-line number names by its area code (core/identifiers/phone-province.ts), among
 * the entities given (none unless the member asked for it: `regionFromPhone`).
 */
function regionOf(
  given: string | undefined,
  entities: readonly { readonly role: string; readonly identifier: Identifier }[],
): { region?: string } {
  if (given !== undefined) return { region: given };
  for (const e of entities) {
    if (e.role !== 'victim' || e.identifier.kind !== 'phone') continue;
    const region = regionOfPhone(e.identifier.value);
    if (region !== undefined) return { region };
  }
  return {};
}

/**
 * The records of a chunk, given their identifiers' tokens in order (as `identifiersOf`
 * lists them); each record is counted into `progress`.
 */
function tokenizedLines(
  pending: readonly Pending[],
  tokens: readonly string[],
  keyId: string,
  region: PhoneRegion,
  options: Pick<TokenizeFileOptions, 'shareScripts' | 'regionFromPhone'>,
  progress: TokenizeProgress,
): Tokenized[] {
  let t = 0;
  const token = (identifier: Identifier) => ({
    kind: identifier.kind,
    token: tokens[t++] as string,
    keyId,
  });
  const lines: Tokenized[] = [];
  for (const p of pending) {
    if (p.kind === 'report') {
      const r = p.report;
      const entities: TokenizedEntity[] = p.entities.map((e) => ({
        role: e.role,
        ...token(e.identifier),
      }));
      const tokenized: TokenizedReport = {
        ref: r.ref,
        type: r.type,
        category: r.category,
        occurredAt: r.occurredAt,
        ...(r.lossCny === undefined ? {} : { loss: amountBand(r.lossCny) }),
        ...regionOf(r.region, options.regionFromPhone === true ? p.entities : []),
        entities,
        ...scriptOf(r, region, options),
      };
      const detail = detailOf(r);
      lines.push({
        record: tokenized,
        ...(detail === undefined ? {} : { detail }),
        ...(r.evidence === undefined || r.evidence.length === 0 ? {} : { evidence: r.evidence }),
      });
      progress.reports++;
      progress.identifiers += entities.length;
    } else {
      const l = p.link;
      const tokenized: TokenizedLink = {
        link: l.link,
        from: token(p.from),
        to: token(p.to),
        at: l.at,
        count: l.count,
        ...(l.amountCny === undefined ? {} : { amount: amountBand(l.amountCny) }),
      };
      lines.push({ record: tokenized });
      progress.links++;
      progress.identifiers += 2;
    }
  }
  return lines;
}
