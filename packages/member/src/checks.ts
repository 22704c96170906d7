import type { Identifier } from '@credence/core/identifiers/kinds';
import { normalizeIdentifier, tryNormalizeIdentifier } from '@credence/core/identifiers/normalize';
import type { CheckAnswer } from '@credence/core/wire/check-answer';
import { stringify } from 'csv-stringify/sync';
import type { MemberSession } from './member-session.js';
import { platformRequest } from './platform-client.js';
import { parseWatchLine, WatchLineError } from './watch-line.js';

export type { CheckAnswer, CheckRank, CheckRing } from '@credence/core/wire/check-answer';

export interface IdentifierCheck {
  /** The normalized identifier (it never leaves the member). */
  readonly identifier: Pick<Identifier, 'kind' | 'value'>;
  readonly answer: CheckAnswer;
}

/**
 * Checks raw identifiers: normalizes each (a bad one throws its IdentifierError before
 * anything is sent), adds what it implies (a URL's registrable domain), tokenizes them
 * through the key servers, and asks the platform in one request. Answers come in the
 * order of the identifiers, implied ones right after the identifier that implied them.
 */
export async function checkIdentifiers(
  session: MemberSession,
  values: readonly { readonly kind: string; readonly value: string }[],
  options: { readonly after?: number } = {},
): Promise<IdentifierCheck[]> {
  const identifiers = values.flatMap(({ kind, value }) => {
    const identifier = normalizeIdentifier(kind, value, {
      phoneRegion: session.config.phoneRegion,
    });
    return [identifier, ...identifier.derived];
  });
  const tokens = await session.tokenize(identifiers);
  const checks: IdentifierCheck[] = [];
  for (let i = 0; i < tokens.length; i += 1000) {
    const { results } = await platformRequest<{ results: CheckAnswer[] }>(
      session.platform,
      'POST',
      '/v1/check',
      {
        tokens: tokens.slice(i, i + 1000),
        ...(options.after === undefined ? {} : { after: options.after }),
      },
    );
    results.forEach((answer, j) => {
      const identifier = identifiers[i + j] as Identifier;
      checks.push({ identifier: { kind: identifier.kind, value: identifier.value }, answer });
    });
  }
  return checks;
}

const VERDICT = { clear: 'clear', suspicious: 'SUSPICIOUS', fraud: 'FRAUD' } as const;

/** A check as a person reads it: verdict, score, who and what, and why. */
export function describeCheck({ identifier, answer }: IdentifierCheck): string {
  const lines = [
    `${identifier.kind} ${identifier.value}: ${VERDICT[answer.verdict]} (score ${answer.score.toFixed(2)})`,
  ];
  const counts = Object.entries(answer.reports)
    .filter(([, n]) => n > 0)
    .map(([type, n]) => `${type} ${n}`);
  if (answer.reporters > 0) {
    lines.push(
      `  reported by ${answer.reporters} member${answer.reporters === 1 ? '' : 's'}: ${counts.join(', ')}${answer.categories.length > 0 ? `; ${answer.categories.join(', ')}` : ''}`,
    );
    lines.push(`  first seen ${answer.firstSeen ?? '?'}, last seen ${answer.lastSeen ?? '?'}`);
  }
  const { ring, rank } = answer;
  if (ring !== null)
    lines.push(
      `  ring ${ring.id}: ${ring.size} identifiers, score ${ring.score.toFixed(2)}${ring.categories.length > 0 ? `; ${ring.categories.join(', ')}` : ''}`,
    );
  if (rank !== undefined && rank !== null)
    lines.push(
      `  ranked ${rank.score.toFixed(2)}, above ${(100 * rank.percentile).toFixed(1)} % of scored identifiers (${rank.model})`,
    );
  lines.push(`  ${answer.explanation}`);
  return lines.join('\n');
}

/** One line of a batch check's results: the identifier as read, and its answer or why not. */
export interface BatchCheckRow {
  readonly line: number;
  readonly kind: string;
  /** As written in the file (the member's own data, written only to its own output). */
  readonly value: string;
  readonly normalized?: string;
  readonly answer?: CheckAnswer;
  readonly error?: string;
}

export const BATCH_CHECK_COLUMNS = [
  'line',
  'kind',
  'value',
  'normalized',
  'verdict',
  'score',
  'rank_score',
  'percentile',
  'reporters',
  'categories',
  'ring',
  'why',
  'error',
] as const;

/** The CSV header line of a batch check's results. */
export const batchCheckHeader = (): string => stringify([[...BATCH_CHECK_COLUMNS]]);

/** Result rows as CSV lines (RFC 4180 quoting), in BATCH_CHECK_COLUMNS order. */
export const batchCheckCsv = (rows: readonly BatchCheckRow[]): string =>
  stringify(rows.map(batchCheckCells));

/** A result row as CSV cells, in BATCH_CHECK_COLUMNS order. */
function batchCheckCells(row: BatchCheckRow): string[] {
  const a = row.answer;
  return [
    String(row.line),
    row.kind,
    row.value,
    row.normalized ?? '',
    a?.verdict ?? '',
    a === undefined ? '' : a.score.toFixed(4),
    a?.rank?.score === undefined ? '' : a.rank.score.toFixed(4),
    a?.rank?.percentile === undefined ? '' : a.rank.percentile.toFixed(4),
    a === undefined ? '' : String(a.reporters),
    a?.categories.join(' ') ?? '',
    a?.ring?.id ?? '',
    a?.explanation ?? '',
    row.error ?? '',
  ];
}

/**
 * `credence member check --in FILE`: a batch of identifiers, one per line as a watch file
 * holds them (`kind,value` or {"kind","value"}; # comments), each normalized here, the
 * valid ones tokenized and checked a thousand at a time. Every line gets a row, in order:
 * its answer, or why it could not be checked (the code and reason, never sent anywhere).
 */
export async function checkLines(
  session: MemberSession,
  lines: AsyncIterable<{ readonly text: string }>,
  onRows: (rows: readonly BatchCheckRow[]) => Promise<void> | void,
  options: { readonly after?: number; readonly chunk?: number } = {},
): Promise<{ lines: number; checked: number; rejected: number }> {
  const chunk = options.chunk ?? 1000;
  const counts = { lines: 0, checked: 0, rejected: 0 };
  let rows: BatchCheckRow[] = [];
  let pending: { row: number; identifier: Identifier }[] = [];
  const flush = async () => {
    if (pending.length > 0) {
      const tokens = await session.tokenize(pending.map((p) => p.identifier));
      const { results } = await platformRequest<{ results: CheckAnswer[] }>(
        session.platform,
        'POST',
        '/v1/check',
        { tokens, ...(options.after === undefined ? {} : { after: options.after }) },
      );
      results.forEach((answer, i) => {
        const at = (pending[i] as { row: number }).row;
        rows[at] = { ...(rows[at] as BatchCheckRow), answer };
      });
      counts.checked += results.length;
    }
    await onRows(rows);
    rows = [];
    pending = [];
  };
  for await (const { text } of lines) {
    counts.lines++;
    let entry: { kind: string; value: string } | undefined;
    try {
      entry = parseWatchLine(text);
    } catch (error) {
      if (!(error instanceof WatchLineError)) throw error;
      rows.push({
        line: counts.lines,
        kind: '',
        value: '',
        error: `${error.code}: ${error.message}`,
      });
      counts.rejected++;
      continue;
    }
    if (entry === undefined) continue;
    const result = tryNormalizeIdentifier(entry.kind, entry.value, {
      phoneRegion: session.config.phoneRegion,
    });
    if (!result.ok) {
      rows.push({
        line: counts.lines,
        ...entry,
        error: `${result.error.code}: ${result.error.message}`,
      });
      counts.rejected++;
      continue;
    }
    pending.push({ row: rows.length, identifier: result.identifier });
    rows.push({ line: counts.lines, ...entry, normalized: result.identifier.value });
    if (pending.length >= chunk) await flush();
  }
  await flush();
  return counts;
}
