import { open, rename } from 'node:fs/promises';
import type { Identifier } from '@credence/core/identifiers/kinds';
import { tryNormalizeIdentifier } from '@credence/core/identifiers/normalize';
import type { PhoneRegion } from '@credence/core/identifiers/phone';
import { narrativeScript } from '@credence/core/narrative/script';
import { amountBand } from '@credence/core/wire/amount-band';
import type { FieldError } from '@credence/core/wire/field-error';
import { parseRawRecord } from '@credence/core/wire/raw-record-parser';
import type { RawEndpoint, RawLink, RawReport } from '@credence/core/wire/raw-records';
import type {
  TokenizedEntity,
  TokenizedLink,
  TokenizedReport,
} from '@credence/core/wire/tokenized-records';
import type { EntityRole } from '@credence/core/wire/vocabulary';
import { outputFileError } from './file-errors.js';
import { readRecords } from './record-source.js';
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
  /** The member's clock, for the times of events (none may be in the future). */
  readonly now?: () => number;
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
type Pending =
  | {
      readonly kind: 'report';
      readonly report: RawReport;
      readonly entities: readonly { readonly role: EntityRole; readonly identifier: Identifier }[];
    }
  | {
      readonly kind: 'link';
      readonly link: RawLink;
      readonly from: Identifier;
      readonly to: Identifier;
    };

const identifiersOf = (p: Pending): Identifier[] =>
  p.kind === 'report' ? p.entities.map((e) => e.identifier) : [p.from, p.to];

/**
 * Tokenizes a raw input file at the member side (issue 3): every identifier is
 * normalized, then tokenized through the threshold key servers (via the cache); the
 * output is the tokenized SPEC §5 format, narratives left out, amounts as bands. A bad
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

  /** The identifier and what it implies (a url's domain), or why it is not valid. */
  const normalize = (endpoint: RawEndpoint): Identifier[] | FieldError => {
    const result = tryNormalizeIdentifier(endpoint.kind, endpoint.value, { phoneRegion: region });
    return result.ok
      ? [result.identifier, ...result.identifier.derived]
      : { field: '', code: result.error.code, message: result.error.message };
  };

  /**
   * What of a narrative leaves: its script's fingerprint, and the masked text where the
   * report opts in (`shareScript`). The narrative itself never does.
   */
  const scriptOf = (r: RawReport): { fingerprint?: string; script?: string } => {
    const made =
      r.narrative === undefined ? undefined : narrativeScript(r.narrative, { phoneRegion: region });
    if (made === undefined) return {};
    const share = (r.shareScript ?? options.shareScripts) === true;
    return share ? made : { fingerprint: made.fingerprint };
  };

  const flush = async () => {
    const tokens = await options.tokenizer.tokenize(pending.flatMap(identifiersOf));
    let t = 0;
    const token = (identifier: Identifier) => ({
      kind: identifier.kind,
      token: tokens[t++] as string,
      keyId,
    });
    const lines: string[] = [];
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
          entities,
          ...scriptOf(r),
        };
        lines.push(JSON.stringify(tokenized));
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
        lines.push(JSON.stringify(tokenized));
        progress.links++;
        progress.identifiers += 2;
      }
    }
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
      if ('error' in item) {
        rejectLine(item.line, undefined, {
          field: '(line)',
          code: 'record.json',
          message: item.error,
        });
        continue;
      }
      const parsed = parseRawRecord(item.value, { now: now() });
      if (!parsed.ok) {
        const ref = (item.value as { ref?: unknown } | null)?.ref;
        rejectLine(item.line, typeof ref === 'string' ? ref : undefined, ...parsed.errors);
        continue;
      }
      if (parsed.record.kind === 'report') {
        const r = parsed.record.report;
        const entities: { role: EntityRole; identifier: Identifier }[] = [];
        r.entities.forEach((e, i) => {
          const normalized = normalize(e);
          if (Array.isArray(normalized))
            for (const identifier of normalized) entities.push({ role: e.role, identifier });
          else {
            // The entity is left out; the report goes on with the others.
            report(item.line, r.ref, { ...normalized, field: `entities[${i}].value` });
            progress.rejectedIdentifiers++;
          }
        });
        if (entities.length === 0) {
          rejectLine(item.line, r.ref, {
            field: 'entities',
            code: 'record.no_valid_entities',
            message: 'no entity of the report has a valid identifier',
          });
          continue;
        }
        pending.push({ kind: 'report', report: r, entities });
      } else {
        const l = parsed.record.link;
        const from = normalize(l.from);
        const to = normalize(l.to);
        if (!Array.isArray(from) || !Array.isArray(to)) {
          // A link needs both ends.
          const bad: FieldError[] = [];
          if (!Array.isArray(from)) bad.push({ ...from, field: 'from.value' });
          if (!Array.isArray(to)) bad.push({ ...to, field: 'to.value' });
          progress.rejectedIdentifiers += bad.length;
          rejectLine(item.line, undefined, ...bad);
          continue;
        }
        pending.push({
          kind: 'link',
          link: l,
          from: from[0] as Identifier,
          to: to[0] as Identifier,
        });
      }
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
