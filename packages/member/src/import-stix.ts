import { writeFile } from 'node:fs/promises';
import type { PhoneRegion } from '@credence/core/identifiers/phone';
import type { Category, ReportType } from '@credence/core/wire/vocabulary';
import { outputFileError } from './file-errors.js';
import type { MemberSession } from './member-session.js';
import { readStixObjects } from './stix-bundle.js';
import { stixRef, stixRefKey } from './stix-refs.js';
import { type StixOutcome, type StixSummary, stixToReports } from './stix-reports.js';
import { type SubmitFileOptions, submitFile } from './submit.js';

/**
 * `credence member import-stix` (issue 18): STIX 2.1 indicators and observables from
 * another source become reports in the member's raw format, written to a file of the
 * member's, then tokenized, signed and submitted by the very code `member submit` runs
 * (submitFile): nothing raw leaves the member, and a second import of the same file
 * repeats the same refs, which the platform answers as already there.
 */

export interface ConvertStixOptions {
  /** The STIX file: a bundle, a JSON array of objects, or JSON lines of objects. */
  readonly input: string;
  /** Its encoding, a WHATWG label (default UTF-8, strictly). */
  readonly encoding?: string;
  /** The report type of every report (default suspected: the data is another source's). */
  readonly type?: ReportType;
  readonly category: Category;
  /** occurredAt for observables with no time of their own (default: they are left out). */
  readonly observedAt?: string;
  /** member.json's folder: the STIX ref key is kept there (stix-refs.ts). */
  readonly home: string;
  readonly phoneRegion: PhoneRegion;
  /** Where the raw reports are written (JSON Lines, docs/formats.md; readable by the member only). */
  readonly raw: string;
  /** Where what became of each indicator and observable is written (JSON Lines). */
  readonly outcomes: string;
  readonly now?: () => number;
}

export interface ConvertedStix {
  readonly summary: StixSummary;
  readonly outcomes: readonly StixOutcome[];
}

/** Writes lines of JSON to a file, readable by its owner only (they hold raw identifiers). */
async function writeJsonLines(path: string, values: readonly unknown[]): Promise<void> {
  const text = values.map((v) => `${JSON.stringify(v)}\n`).join('');
  await writeFile(path, text, { mode: 0o600 }).catch((error: unknown) => {
    throw outputFileError(path, error);
  });
}

/**
 * The STIX file as raw reports in `raw` and an account of each object in `outcomes`.
 * Nothing is sent anywhere: this is `--dry-run`, and the first half of an import.
 */
export async function convertStix(options: ConvertStixOptions): Promise<ConvertedStix> {
  const { objects } = await readStixObjects(options.input, {
    ...(options.encoding === undefined ? {} : { encoding: options.encoding }),
  });
  const key = stixRefKey(options.home);
  const mapping = stixToReports(objects, {
    type: options.type ?? 'suspected',
    category: options.category,
    phoneRegion: options.phoneRegion,
    now: (options.now ?? Date.now)(),
    refOf: (id) => stixRef(key, id),
    ...(options.observedAt === undefined ? {} : { observedAt: options.observedAt }),
  });
  await writeJsonLines(options.raw, mapping.reports);
  await writeJsonLines(options.outcomes, mapping.outcomes);
  return { summary: mapping.summary, outcomes: mapping.outcomes };
}

export type ImportStixOptions = Omit<ConvertStixOptions, 'home' | 'phoneRegion'> &
  Pick<
    SubmitFileOptions,
    'tokens' | 'errors' | 'results' | 'batchSize' | 'onTokenizing' | 'onSubmitting'
  >;

/**
 * `credence member import-stix`: the STIX file converted (convertStix), then the raw
 * reports submitted as `member submit` submits a file. With no report, nothing is sent.
 */
export async function importStix(
  session: MemberSession,
  options: ImportStixOptions,
): Promise<ConvertedStix & { submitted?: Awaited<ReturnType<typeof submitFile>> }> {
  const converted = await convertStix({
    ...options,
    home: session.home,
    phoneRegion: session.config.phoneRegion,
  });
  if (converted.summary.reports === 0) return converted;
  const submitted = await submitFile(session, {
    input: options.raw,
    format: 'jsonl',
    tokens: options.tokens,
    errors: options.errors,
    results: options.results,
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    ...(options.onTokenizing === undefined ? {} : { onTokenizing: options.onTokenizing }),
    ...(options.onSubmitting === undefined ? {} : { onSubmitting: options.onSubmitting }),
  });
  return { ...converted, submitted };
}
