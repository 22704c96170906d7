/** `credence member import-stix`: STIX 2.1 indicators from other sources, as the member's reports (issue 18). */
import { basename, dirname, join, resolve } from 'node:path';
import { parseDateTime } from '@credence/core/wire/date-time';
import {
  CATEGORIES,
  type Category,
  REPORT_TYPES,
  type ReportType,
} from '@credence/core/wire/vocabulary';
import type { ConvertedStix } from '@credence/member/import-stix';
import type { StixSummary } from '@credence/member/stix-reports';
import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  cacheFileOption,
  configOption,
  EXIT_DONE_WITH_REJECTIONS,
  encodingOption,
  n,
  sessionCache,
  withSession,
} from './member-common.js';
import { printSubmitted } from './member-files.js';
import { statusLine } from './progress.js';

interface ImportStixFlags {
  readonly config: string;
  readonly category: Category;
  readonly type: ReportType;
  readonly observedAt?: string;
  readonly encoding?: string;
  readonly cache?: string;
  readonly workDir?: string;
  readonly out?: string;
  readonly dryRun?: boolean;
}

/** The files an import writes, beside the member's other work (as `member submit`'s). */
function workFiles(file: string, flags: ImportStixFlags) {
  const work = join(flags.workDir ?? dirname(resolve(flags.config)), basename(file));
  return {
    raw: flags.out ?? `${work}.raw.jsonl`,
    outcomes: `${work}.stix.jsonl`,
    tokens: `${work}.tokens.jsonl`,
    errors: `${work}.errors.jsonl`,
    results: `${work}.results.jsonl`,
  };
}

/** `url 3, phone 2`: counts by name, the largest first. */
const counts = (record: Readonly<Record<string, number | undefined>>) =>
  Object.entries(record)
    .sort(([a, x = 0], [b, y = 0]) => y - x || a.localeCompare(b))
    .map(([name, count = 0]) => `${name} ${n(count)}`)
    .join(', ');

/**
 * What the import made of the file: objects read, identifiers taken by kind, what was
 * left out by reason and, for the first 20 objects with something left out, which and
 * why. STIX ids and reasons only, never a value.
 */
async function printConverted(
  file: string,
  { summary, outcomes }: ConvertedStix,
  raw: string,
  outcomesFile: string,
): Promise<void> {
  const { STIX_SKIPS } = await import('@credence/member/stix-reports');
  const { IDENTIFIER_ERRORS } = await import('@credence/core/identifiers/identifier-error');
  const reasons: Readonly<Record<string, string>> = { ...IDENTIFIER_ERRORS, ...STIX_SKIPS };
  console.log(
    `${basename(file)}: ${n(summary.objects)} objects, ${n(summary.indicators)} indicators and ${n(summary.observables)} observables of the types taken.`,
  );
  console.log(`Identifiers taken: ${counts(summary.taken) || 'none'}.`);
  const skipped = Object.entries(summary.skipped);
  if (skipped.length > 0) console.log('Left out:');
  for (const [code, count = 0] of skipped.sort(([, x = 0], [, y = 0]) => y - x))
    console.log(`  ${n(count)} ${code}: ${reasons[code]}`);
  const noted = outcomes.filter((o) => o.skipped.length > 0);
  for (const o of noted.slice(0, 20))
    for (const s of o.skipped)
      console.log(
        `  ${o.id || '(an entry that is no STIX object)'}${s.comparison === undefined ? '' : `, comparison ${s.comparison}`}: ${s.code}`,
      );
  if (noted.length > 20) console.log(`  … and ${n(noted.length - 20)} more objects`);
  console.log(
    `${n(summary.reports)} reports written to ${raw}; what became of each object: ${outcomesFile}.`,
  );
}

/** Something the file meant as an identifier was left out (stix-reports.ts, LEFT_OUT). */
async function leftOut(summary: StixSummary): Promise<boolean> {
  const { LEFT_OUT } = await import('@credence/member/stix-reports');
  const codes: ReadonlySet<string> = LEFT_OUT;
  return Object.keys(summary.skipped).some((code) => codes.has(code));
}

async function importAndSay(file: string, flags: ImportStixFlags): Promise<void> {
  const files = workFiles(file, flags);
  const { convertStix, importStix } = await import('@credence/member/import-stix');
  const common = {
    input: file,
    category: flags.category,
    type: flags.type,
    raw: files.raw,
    outcomes: files.outcomes,
    ...(flags.encoding === undefined ? {} : { encoding: flags.encoding }),
    ...(flags.observedAt === undefined ? {} : { observedAt: flags.observedAt }),
  };
  if (flags.dryRun === true) {
    // Nothing is tokenized: no key server, no cache, no worker thread.
    const converted = await withSession(flags.config, { cache: false, threads: 0 }, (session) =>
      convertStix({ ...common, home: session.home, phoneRegion: session.config.phoneRegion }),
    );
    await printConverted(file, converted, files.raw, files.outcomes);
    console.log('Dry run: nothing was tokenized or submitted.');
    if (await leftOut(converted.summary)) process.exitCode = EXIT_DONE_WITH_REJECTIONS;
    return;
  }
  const imported = await withSession(flags.config, sessionCache(flags.cache), async (session) => {
    const line = statusLine({ enabled: true });
    const done = await importStix(session, {
      ...common,
      tokens: files.tokens,
      errors: files.errors,
      results: files.results,
      onTokenizing: (p) => line.update(`tokenizing: ${n(p.lines)} reports`),
      onSubmitting: (p, total) =>
        line.update(
          `submitting: ${n(p.reports)} of ${n(total)} reports, ${n(p.accepted)} accepted`,
        ),
    });
    line.done();
    return done;
  });
  await printConverted(file, imported, files.raw, files.outcomes);
  if (imported.submitted === undefined) console.log('No report to submit: nothing was sent.');
  else printSubmitted(imported.submitted, files.results, files.errors);
  const { tokenized, submitted } = imported.submitted ?? {};
  const rejected =
    (tokenized?.rejectedLines ?? 0) +
    (tokenized?.rejectedIdentifiers ?? 0) +
    (submitted?.conflicts ?? 0);
  // Exit code 3 (a key server misbehaved) set by the session wins, as in `member submit`.
  if ((rejected > 0 || (await leftOut(imported.summary))) && process.exitCode === undefined)
    process.exitCode = EXIT_DONE_WITH_REJECTIONS;
}

/** --observed-at: an RFC 3339 time with an offset, as occurredAt takes. */
const rfc3339 = (value: string): string => {
  if (parseDateTime(value) === undefined)
    throw new InvalidArgumentError('expected an RFC 3339 time such as 2026-11-20T10:12:00Z');
  return value;
};

/** `credence member import-stix`: registered with the member's other commands (member.ts). */
export function registerImportStix(member: Command): void {
  member
    .command('import-stix')
    .description(
      'Turn STIX 2.1 indicators and observables from other sources (MISP, OpenCTI…) into reports, tokenized here and submitted as member submit does.',
    )
    .argument('<file>', 'a STIX 2.1 bundle, a JSON array of STIX objects, or JSON lines of them')
    .addOption(configOption())
    .addOption(
      new Option('--category <category>', 'the category of every report')
        .choices(CATEGORIES)
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--type <type>', "the report type of every report (the data is another source's)")
        .choices(REPORT_TYPES)
        .default('suspected'),
    )
    .option(
      '--observed-at <time>',
      'occurredAt of observables with no time of their own (default: they are left out)',
      rfc3339,
    )
    .addOption(encodingOption())
    .addOption(cacheFileOption())
    .option(
      '--work-dir <dir>',
      'where <file>.raw.jsonl, .stix.jsonl, .tokens.jsonl, .errors.jsonl and .results.jsonl are written (default: the folder of member.json)',
    )
    .option('--out <file>', 'the raw reports (default: <file>.raw.jsonl in --work-dir)')
    .option('--dry-run', 'write the raw reports and what became of each object; submit nothing')
    .action(importAndSay);
}
