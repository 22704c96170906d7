/** The member's raw files: validated, tokenized, submitted, their masked scripts shared. */
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { PhoneRegion } from '@credence/core/identifiers/phone';
import type { SessionOptions } from '@credence/member/member-session';
import type { SubmitProgress, submitFile } from '@credence/member/submit';
import type { TokenizeProgress } from '@credence/member/tokenize-file';
import type { TokenizerStats } from '@credence/member/tokenizer';
import type { Command } from 'commander';
import {
  cacheFileOption,
  configOption,
  EXIT_DONE_WITH_REJECTIONS,
  encodingOption,
  formatOption,
  n,
  sessionCache,
  withLogMonitor,
  withSession,
} from './member-common.js';
import { encoding, regionOption } from './parse.js';
import { statusLine } from './progress.js';

export interface TokenizeCommand {
  readonly in: string;
  readonly out: string;
  readonly config: string;
  /** The token cache: a file, false for none; default token-cache.sqlite by the config. */
  readonly cache?: string | false;
  readonly errors?: string;
  readonly format?: 'jsonl' | 'csv';
  /** The input's encoding (a WHATWG label); default UTF-8. */
  readonly encoding?: string;
  readonly shareScripts?: boolean;
  readonly progress?: boolean;
  /** Worker threads for the arithmetic (default: one per core). */
  readonly threads?: number;
}

/** A one-line progress display on stderr (a line now and then where it is no terminal). */
const progressLine = (enabled: boolean) => statusLine({ enabled });

/** A progress bar of `width` characters, with the percentage. */
const bar = (done: number, total: number, width = 24) => {
  const filled = total === 0 ? width : Math.round((width * Math.min(done, total)) / total);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${total === 0 ? 100 : Math.floor((100 * done) / total)}%`;
};

/** The progress line while a file is tokenized: lines, identifiers, the cache, the rate. */
const tokenizeText = (p: TokenizeProgress, stats: TokenizerStats, started: number) =>
  `tokenizing: ${n(p.lines)} lines, ${n(p.identifiers)} identifiers (${n(stats.evaluated)} evaluated, ${n(stats.cached)} cached), ${n(Math.round(p.lines / ((performance.now() - started) / 1000)))} lines/s`;

/** `credence member tokenize`: returns the counts (key server warnings go to stderr). */
export async function runTokenize(
  options: TokenizeCommand,
): Promise<{ progress: TokenizeProgress; stats: TokenizerStats }> {
  const sessionOptions: SessionOptions = {
    ...sessionCache(options.cache),
    ...(options.threads === undefined ? {} : { threads: options.threads }),
  };
  const { tokenizeFile } = await import('@credence/member/tokenize-file');
  return withSession(options.config, sessionOptions, async (session) => {
    const started = performance.now();
    const line = progressLine(options.progress === true);
    const sealer = await session.sealer();
    const progress = await tokenizeFile({
      input: options.in,
      output: options.out,
      errors: options.errors ?? `${options.out}.errors.jsonl`,
      tokenizer: session.tokenizer,
      phoneRegion: session.config.phoneRegion,
      regionFromPhone: session.config.regionFromPhone,
      ...(options.format === undefined ? {} : { format: options.format }),
      ...(options.encoding === undefined ? {} : { encoding: options.encoding }),
      ...(options.shareScripts === true ? { shareScripts: true } : {}),
      ...(sealer === undefined ? {} : { sealer }),
      onProgress: (p) => line.update(tokenizeText(p, session.tokenizer.stats, started)),
      onTokens: (pairs) => session.rememberOwn(pairs),
    });
    line.done();
    return { progress, stats: { ...session.tokenizer.stats } };
  });
}

export interface SubmitCommand {
  readonly file: string;
  readonly config: string;
  readonly cache?: string | false;
  readonly format?: 'jsonl' | 'csv';
  readonly encoding?: string;
  readonly results?: string;
  /** Where the tokens, errors and results files go (default: the folder of member.json). */
  readonly workDir?: string;
  readonly shareScripts?: boolean;
  readonly progress?: boolean;
  readonly quiet?: boolean;
}

/** `credence member submit`: tokenize, sign, submit; prints what needs attention. */
export async function runSubmit(options: SubmitCommand) {
  return withSession(options.config, sessionCache(options.cache), async (session) => {
    const started = performance.now();
    const line = progressLine(options.progress === true);
    // What submit writes goes to a folder of the member's (the input may be read-only).
    const work = join(options.workDir ?? dirname(resolve(options.config)), basename(options.file));
    const results = options.results ?? `${work}.results.jsonl`;
    const errors = `${work}.errors.jsonl`;
    const { submitFile } = await import('@credence/member/submit');
    const outcome = await submitFile(session, {
      input: options.file,
      tokens: `${work}.tokens.jsonl`,
      errors,
      results,
      ...(options.format === undefined ? {} : { format: options.format }),
      ...(options.encoding === undefined ? {} : { encoding: options.encoding }),
      ...(options.shareScripts === true ? { shareScripts: true } : {}),
      onTokenizing: (p) => line.update(tokenizeText(p, session.tokenizer.stats, started)),
      onSubmitting: (p: SubmitProgress, total) =>
        line.update(
          `submitting: ${bar(p.reports + p.links, total)} ${n(p.reports + p.links)} of ${n(total)} items, ${n(p.accepted)} accepted`,
        ),
    });
    line.done();
    if (options.quiet !== true) printSubmitted(outcome, results, errors);
    // Something needs the member's attention: a rejected line or a conflicting ref.
    const { tokenized, submitted } = outcome;
    if (tokenized.rejectedLines + tokenized.rejectedIdentifiers + submitted.conflicts > 0)
      process.exitCode = EXIT_DONE_WITH_REJECTIONS;
    return outcome;
  });
}

/** What `member submit` prints of a submission (`member import-stix` prints the same). */
export function printSubmitted(
  { tokenized, submitted }: Awaited<ReturnType<typeof submitFile>>,
  results: string,
  errors: string,
) {
  console.log(
    `${n(submitted.reports)} reports and ${n(submitted.links)} links submitted: ${n(submitted.accepted)} accepted, ${n(submitted.duplicates)} already there, ${n(submitted.conflicts)} conflicts; ${n(submitted.alerts)} alerts raised for watchers.${submitted.files > 0 ? ` ${n(submitted.files)} sealed evidence files uploaded.` : ''}`,
  );
  if (submitted.receipts > 0)
    console.log(
      `${n(submitted.receipts)} log receipts verified and kept (credence member verify re-checks them).`,
    );
  const rejected = tokenized.rejectedLines + tokenized.rejectedIdentifiers;
  if (rejected > 0)
    console.log(
      `${n(tokenized.rejectedLines)} lines and ${n(tokenized.rejectedIdentifiers)} identifiers rejected before sending (reasons in ${errors}).`,
    );
  // The items that need the member's attention: a ref sent before with other content.
  if (submitted.conflicts > 0) {
    const conflicts = readFileSync(results, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"conflict"'))
      .map((l) => JSON.parse(l) as { kind: string; ref?: string; index: number });
    for (const c of conflicts.slice(0, 20))
      console.log(
        `  conflict: ${c.ref === undefined ? `${c.kind} #${c.index}` : `ref ${c.ref}`} was submitted before with other content (item.conflict)`,
      );
    if (conflicts.length > 20) console.log(`  … and ${n(conflicts.length - 20)} more`);
  }
  console.log(`Every item's result: ${results}`);
  console.log(`Read-your-writes sequence: ${submitted.sequence}`);
}

/** `credence member tokenize`'s options: cache is true unless --cache or --no-cache is given. */
interface TokenizeFlags {
  readonly in: string;
  readonly out: string;
  readonly config: string;
  readonly cache: string | boolean;
  readonly errors?: string;
  readonly format?: 'jsonl' | 'csv';
  readonly encoding?: string;
  readonly shareScripts?: boolean;
}

/** `credence member tokenize` on the command line: the file tokenized, and its counts printed. */
async function tokenizeAndSay(flags: TokenizeFlags): Promise<void> {
  const started = performance.now();
  const { cache, ...rest } = flags;
  const { progress, stats } = await runTokenize({
    ...rest,
    ...(cache === true ? {} : { cache }),
    progress: true,
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${n(progress.lines)} lines: ${n(progress.reports)} reports and ${n(progress.links)} links tokenized, ${n(progress.rejectedLines)} lines and ${n(progress.rejectedIdentifiers)} identifiers rejected (see ${flags.errors ?? `${flags.out}.errors.jsonl`}).`,
  );
  console.log(
    `${n(stats.requested)} distinct identifiers: ${n(stats.evaluated)} evaluated by the key servers, ${n(stats.cached)} from the cache, in ${seconds.toFixed(1)} s.`,
  );
}

/** `credence member tokenize`: a raw file to a tokenized one, nothing sent to the platform. */
export function registerTokenize(member: Command): void {
  member
    .command('tokenize')
    .description(
      'Normalize and tokenize a raw file (SPEC §5, JSON Lines or CSV) through the threshold key servers.',
    )
    .requiredOption(
      '--in <file>',
      'raw reports and links (.jsonl, or .csv with a header of JSON paths)',
    )
    .requiredOption('--out <file>', 'tokenized output (JSON Lines)')
    .addOption(configOption())
    .addOption(cacheFileOption())
    .option('--no-cache', 'no token cache')
    .option(
      '--errors <file>',
      'rejected lines and identifiers, with reasons (default: <out>.errors.jsonl)',
    )
    .addOption(formatOption())
    .addOption(encodingOption())
    .option(
      '--share-scripts',
      'include the masked narrative of each report that does not say shareScript: false',
    )
    .action(tokenizeAndSay);
}

/** `credence member validate`: a raw file checked without contacting anyone. */
export function registerValidate(member: Command): void {
  member
    .command('validate')
    .description(
      'Check a raw file (docs/formats.md) at the member without contacting anyone: counts, every rejected line with the reason, and identifiers whose normal form is worth a look.',
    )
    .argument('<file>', 'raw reports and links (.jsonl, or .csv with a header of JSON paths)')
    .addOption(formatOption())
    .addOption(encodingOption())
    .addOption(regionOption())
    .option(
      '--all',
      'list every rejection and every identifier to look at (default: the first 20 of each)',
    )
    .option('--json', 'print the whole validation as JSON')
    .action(
      async (
        file: string,
        flags: {
          format?: 'jsonl' | 'csv';
          encoding?: string;
          region: PhoneRegion;
          all?: boolean;
          json?: boolean;
        },
      ) => {
        const { validateFile, describeValidation } = await import('@credence/member/validate-file');
        const validation = await validateFile({
          input: file,
          ...(flags.format === undefined ? {} : { format: flags.format }),
          ...(flags.encoding === undefined ? {} : { encoding: flags.encoding }),
          phoneRegion: flags.region,
        });
        if (flags.json === true) console.log(JSON.stringify(validation, null, 2));
        else console.log(describeValidation(basename(file), validation, flags.all ? Infinity : 20));
        if (validation.rejectedLines + validation.rejectedIdentifiers > 0)
          process.exitCode = EXIT_DONE_WITH_REJECTIONS;
      },
    );
}

/** `credence member submit`: a raw file tokenized, signed and submitted. */
export function registerSubmit(member: Command): void {
  member
    .command('submit')
    .description(
      'Tokenize a raw file at the member side, sign it and submit it to the platform in batches.',
    )
    .argument('<file>', 'raw reports and links (SPEC §5 JSON Lines, or CSV)')
    .addOption(configOption())
    .addOption(cacheFileOption())
    .option(
      '--work-dir <dir>',
      'where <file>.tokens.jsonl, .errors.jsonl and .results.jsonl are written (default: the folder of member.json)',
    )
    .option('--results <file>', "every item's result (default: <file>.results.jsonl in --work-dir)")
    .addOption(formatOption())
    .addOption(encodingOption())
    .option(
      '--share-scripts',
      'send the masked narrative with each report that does not say shareScript: false (default: the fingerprint only)',
    )
    .action(
      async (
        file: string,
        flags: {
          config: string;
          cache?: string;
          results?: string;
          workDir?: string;
          format?: 'jsonl' | 'csv';
          encoding?: string;
          shareScripts?: boolean;
        },
      ) => {
        await runSubmit({ file, ...flags, progress: true });
      },
    );
}

/** `credence member share-scripts`: the scripts shared, their receipts kept, the counts printed. */
async function shareScriptsAndSay(
  file: string,
  flags: { readonly config: string; readonly format?: 'jsonl' | 'csv'; readonly encoding?: string },
): Promise<void> {
  const { shareScripts } = await import('@credence/member/share-scripts');
  const shared = await withLogMonitor(flags.config, async (session, monitor) => {
    const key = session.signingKey();
    return await shareScripts({
      input: file,
      format: flags.format ?? (file.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl'),
      ...(flags.encoding === undefined ? {} : { encoding: flags.encoding }),
      platform: session.platform,
      memberId: session.config.memberId,
      phoneRegion: session.config.phoneRegion,
      signingKey: key.key,
      publicKey: key.publicKey,
      monitor,
    });
  });
  console.log(
    `${n(shared.reports)} scripts: ${n(shared.accepted)} shared, ${n(shared.duplicates)} shared before, ${n(shared.conflicts)} conflicts; ${n(shared.receipts)} receipts verified and kept.`,
  );
  if (shared.conflicts > 0) process.exitCode = 1;
}

/** `credence member share-scripts`: the masked scripts of reports submitted before. */
export function registerShareScripts(member: Command): void {
  member
    .command('share-scripts')
    .description(
      'Share the masked scripts of reports you submitted before (the narratives are masked here; they never leave).',
    )
    .argument('<file>', 'the raw file the reports were submitted from (JSON Lines, or CSV)')
    .addOption(configOption())
    .addOption(formatOption())
    .option('--encoding <label>', "the file's encoding (default: UTF-8, read strictly)", encoding)
    .action(shareScriptsAndSay);
}
