/** `credence member exposure`: the police upload a seized list, tokenized here (issue 17). */
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

interface ExposureFlags {
  readonly in: string;
  readonly list: string;
  readonly seizedAt?: string;
  readonly config: string;
  readonly cache?: string;
  readonly encoding?: string;
  readonly json?: boolean;
}

const listRef = (text: string): string => {
  if (!/^[A-Za-z0-9._:-]{1,128}$/.test(text))
    throw new InvalidArgumentError('1 to 128 letters, digits or . _ : -');
  return text;
};

async function upload(flags: ExposureFlags): Promise<void> {
  const { uploadExposure } = await import('@credence/member/exposure');
  const seizedAt = flags.seizedAt ?? new Date().toISOString();
  const summary = await withSession(
    flags.config,
    { ...sessionCache(flags.cache), threads: 0 },
    (session) =>
      uploadExposure(session, flags.in, {
        list: flags.list,
        seizedAt,
        ...(flags.encoding === undefined ? {} : { encoding: flags.encoding }),
      }),
  );
  if (summary.rejected.length > 0 && process.exitCode === undefined)
    process.exitCode = EXIT_DONE_WITH_REJECTIONS;
  if (flags.json) {
    console.log(JSON.stringify(summary, null, 2));
    return;
  }
  console.log(
    [
      `list ${flags.list}: ${n(summary.rows)} rows; columns read: ${summary.columns.kinds.join(', ')} (${summary.columns.skipped} other columns not read)`,
      `${n(summary.identifiers)} identifiers, ${n(summary.rejected.length)} left out; ${n(summary.tokens)} distinct tokens sent in ${summary.parts.length} part${summary.parts.length === 1 ? '' : 's'}${summary.repeats > 0 ? ` (${summary.repeats} sent before, unchanged)` : ''}`,
      'each member watching one of them is alerted about its own customer; how many matched is for the operator and auditors (credence exposures), not for the uploader',
      `logged as ${summary.parts.map((p) => `exposure/${p.id}`).join(', ')} (counts only)`,
      ...summary.rejected
        .slice(0, 20)
        .map((r) => `  line ${r.line}, column ${r.column}: ${r.message} (${r.code})`),
      ...(summary.rejected.length > 20 ? [`  … and ${summary.rejected.length - 20} more`] : []),
    ].join('\n'),
  );
}

export function registerExposure(member: Command): void {
  member
    .command('exposure')
    .description(
      'Police: upload a list of personal data seized from fraudsters, tokenized here (never sent raw); each member watching one of its identifiers is alerted about its own customer (exposed), so it can warn them before the call.',
    )
    .requiredOption(
      '--in <file>',
      'the seized list: CSV whose header names identifier kinds (phone, id_number, bank_card…); other columns are not read',
    )
    .addOption(
      new Option(
        '--list <ref>',
        'your reference for the list (a retry under it sends nothing twice)',
      )
        .argParser(listRef)
        .makeOptionMandatory(),
    )
    .option('--seized-at <time>', 'when it was seized, RFC 3339 (default: now)')
    .addOption(configOption())
    .addOption(cacheFileOption())
    .addOption(encodingOption())
    .option('--json', 'print the summary as JSON')
    .action(upload);
}
