/** The member's questions to the platform: checks of identifiers, and its own ranked by risk. */
import { closeSync, openSync, writeSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import {
  cacheFileOption,
  configOption,
  EXIT_DONE_WITH_REJECTIONS,
  encodingOption,
  n,
  sessionCache,
  withSession,
} from './member-common.js';
import { encoding, integer } from './parse.js';

/**
 * `credence member check --in FILE [--out FILE]`: one CSV row per line of the file, in
 * order (BATCH_CHECK_COLUMNS), written as the answers come; a summary on stderr.
 */
async function runBatchCheck(
  flags: { in: string; out?: string; encoding?: string; config: string; cache?: string },
  after: { after?: number },
): Promise<void> {
  const { batchCheckCsv, batchCheckHeader, checkLines } = await import('@credence/member/checks');
  const { readTextLines } = await import('@credence/member/text-lines');
  const out = flags.out === undefined ? undefined : openSync(flags.out, 'w', 0o600);
  const write = (text: string) =>
    out === undefined ? process.stdout.write(text) : writeSync(out, text);
  try {
    write(batchCheckHeader());
    const counts = await withSession(
      flags.config,
      { ...sessionCache(flags.cache), threads: 0 },
      (session) =>
        checkLines(
          session,
          readTextLines(flags.in, flags.encoding),
          (rows) => {
            if (rows.length > 0) write(batchCheckCsv(rows));
          },
          after,
        ),
    );
    process.stderr.write(
      `${n(counts.lines)} lines: ${n(counts.checked)} identifiers checked, ${n(counts.rejected)} lines not checkable (their rows say why)${flags.out === undefined ? '' : `; results in ${flags.out}`}.\n`,
    );
    if (counts.rejected > 0) process.exitCode = EXIT_DONE_WITH_REJECTIONS;
  } finally {
    if (out !== undefined) closeSync(out);
  }
}

/** `credence member check`'s options. */
interface CheckFlags {
  readonly kind?: string;
  readonly in?: string;
  readonly out?: string;
  readonly encoding?: string;
  readonly config: string;
  readonly cache?: string;
  readonly json?: boolean;
  readonly after?: number;
}

/** `credence member check`: the values given, or a file of them (--in), checked and printed. */
async function checkAndSay(values: string[], flags: CheckFlags): Promise<void> {
  const after = flags.after === undefined ? {} : { after: flags.after };
  if (flags.in !== undefined) {
    if (values.length > 0 || flags.kind !== undefined)
      throw new InvalidArgumentError('give identifiers either with --in or as values, not both');
    await runBatchCheck({ ...flags, in: flags.in }, after);
    return;
  }
  if (values.length === 0 || flags.kind === undefined)
    throw new InvalidArgumentError(
      'give --kind and one or more values, or a file of identifiers with --in',
    );
  const kind = flags.kind;
  const { checkIdentifiers, describeCheck } = await import('@credence/member/checks');
  const checks = await withSession(
    flags.config,
    { ...sessionCache(flags.cache), threads: 0 },
    (session) =>
      checkIdentifiers(
        session,
        values.map((value) => ({ kind, value })),
        after,
      ),
  );
  if (flags.json === true)
    console.log(
      JSON.stringify(
        checks.map((c) => ({ ...c.identifier, ...c.answer })),
        null,
        2,
      ),
    );
  else console.log(checks.map(describeCheck).join('\n\n'));
}

/** `credence member check`: what the platform knows of identifiers, tokenized here first. */
export function registerCheck(member: Command): void {
  member
    .command('check')
    .description(
      'Ask the platform about identifiers (tokenized here first): given on the command line, or a file of them (--in), one CSV row each.',
    )
    .argument('[value...]', 'the identifier(s), as written (with --kind)')
    .option('--kind <kind>', 'phone, bank_card, bank_account, url, … (SPEC §4)')
    .option(
      '--in <file>',
      'a file of identifiers, one per line: kind,value or {"kind","value"} (# comments), as for watch',
    )
    .option('--out <file>', 'with --in: the CSV results (default: standard output)')
    .addOption(encodingOption())
    .addOption(configOption())
    .addOption(cacheFileOption())
    .option('--json', 'print the answers as JSON')
    .option('--after <sequence>', 'read-your-writes: wait for this change sequence', integer)
    .action(checkAndSay);
}

/** `credence member rank`: the member's own unreported identifiers, by the consortium's risk. */
export function registerRank(member: Command): void {
  member
    .command('rank')
    .description(
      'Your own identifiers that no member reported, ranked by the consortium’s risk: a list to work down, highest first.',
    )
    .argument('<file...>', 'your raw reports and links (JSON Lines or CSV, as for submit)')
    .addOption(configOption())
    .addOption(cacheFileOption())
    .option('--top <n>', 'how many to list', integer, 20)
    .option('--encoding <label>', "the files' encoding (default: UTF-8, read strictly)", encoding)
    .option('--json', 'print the list as JSON')
    .action(
      async (
        files: string[],
        flags: { config: string; cache?: string; top: number; encoding?: string; json?: boolean },
      ) => {
        const { describeRanking, rankOwnIdentifiers } = await import('@credence/member/rank');
        const result = await withSession(
          flags.config,
          { ...sessionCache(flags.cache), threads: 0 },
          (session) =>
            rankOwnIdentifiers(session, files, {
              top: flags.top,
              ...(flags.encoding === undefined ? {} : { encoding: flags.encoding }),
            }),
        );
        console.log(
          flags.json === true ? JSON.stringify(result, null, 2) : describeRanking(result),
        );
      },
    );
}
