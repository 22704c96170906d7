import { closeSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { PhoneRegion } from '@credence/core/identifiers/phone';
import type { Alert } from '@credence/member/alerts';
import type { LogMonitor } from '@credence/member/log-monitor';
import { MemberError } from '@credence/member/member-error';
import type { MemberSession, SessionOptions } from '@credence/member/member-session';
import { platformRequest } from '@credence/member/platform-client';
import type { SubmitProgress, submitFile } from '@credence/member/submit';
import type { TokenizeProgress } from '@credence/member/tokenize-file';
import type { TokenizerStats } from '@credence/member/tokenizer';
import type { WatchIndex } from '@credence/member/watch-index';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { existsSync, writeJson } from './files.js';
import { collect, collectIntegers, encoding, integer, regionOption } from './parse.js';
import { endpoint } from './platform-endpoint.js';
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

const n = (x: number) => x.toLocaleString('en-US');

/** A one-line progress display on stderr (a line now and then where it is no terminal). */
const progressLine = (enabled: boolean) => statusLine({ enabled });

const bar = (done: number, total: number, width = 24) => {
  const filled = total === 0 ? width : Math.round((width * Math.min(done, total)) / total);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${total === 0 ? 100 : Math.floor((100 * done) / total)}%`;
};

const tokenizeText = (p: TokenizeProgress, stats: TokenizerStats, started: number) =>
  `tokenizing: ${n(p.lines)} lines, ${n(p.identifiers)} identifiers (${n(stats.evaluated)} evaluated, ${n(stats.cached)} cached), ${n(Math.round(p.lines / ((performance.now() - started) / 1000)))} lines/s`;

/** Opens the member side, runs the work, and always closes it (worker threads, cache). */
async function withSession<T>(
  config: string,
  options: SessionOptions,
  work: (session: MemberSession) => Promise<T>,
): Promise<T> {
  // The member package's modules load when a command needs them, not for every command
  // (start-up time, issue 13 §6): the session brings libsodium, SQLite and the identifiers.
  const { MemberSession } = await import('@credence/member/member-session');
  const session = await MemberSession.open(config, options);
  try {
    return await work(session);
  } finally {
    await session.close();
    for (const w of session.warnings) console.error(`warning: ${w.message}`);
    if (session.warnings.length > 0) process.exitCode = 3;
  }
}

/** Work that needs the member's log monitor (its receipts and checkpoints), not the key servers. */
function withLogMonitor<T>(
  config: string,
  work: (session: MemberSession, monitor: LogMonitor) => Promise<T>,
): Promise<T> {
  return withSession(config, { cache: false, threads: 0 }, async (session) => {
    const monitor = await session.logMonitor();
    try {
      return await work(session, monitor);
    } finally {
      monitor.close();
    }
  });
}

const cacheOption = (cache: string | false | undefined): SessionOptions =>
  cache === undefined ? {} : { cache };

/** `credence member tokenize`: returns the counts (key server warnings go to stderr). */
export async function runTokenize(
  options: TokenizeCommand,
): Promise<{ progress: TokenizeProgress; stats: TokenizerStats }> {
  const sessionOptions: SessionOptions = {
    ...cacheOption(options.cache),
    ...(options.threads === undefined ? {} : { threads: options.threads }),
  };
  const { tokenizeFile } = await import('@credence/member/tokenize-file');
  return withSession(options.config, sessionOptions, async (session) => {
    const started = performance.now();
    const line = progressLine(options.progress === true);
    const progress = await tokenizeFile({
      input: options.in,
      output: options.out,
      errors: options.errors ?? `${options.out}.errors.jsonl`,
      tokenizer: session.tokenizer,
      phoneRegion: session.config.phoneRegion,
      ...(options.format === undefined ? {} : { format: options.format }),
      ...(options.encoding === undefined ? {} : { encoding: options.encoding }),
      ...(options.shareScripts === true ? { shareScripts: true } : {}),
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

/** Exit code of a submit that finished with lines or identifiers left out, or refs in conflict. */
export const EXIT_DONE_WITH_REJECTIONS = 4;

/** `credence member submit`: tokenize, sign, submit; prints what needs attention. */
export async function runSubmit(options: SubmitCommand) {
  return withSession(options.config, cacheOption(options.cache), async (session) => {
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

function printSubmitted(
  { tokenized, submitted }: Awaited<ReturnType<typeof submitFile>>,
  results: string,
  errors: string,
) {
  console.log(
    `${n(submitted.reports)} reports and ${n(submitted.links)} links submitted: ${n(submitted.accepted)} accepted, ${n(submitted.duplicates)} already there, ${n(submitted.conflicts)} conflicts; ${n(submitted.alerts)} alerts raised for watchers.`,
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

/** The platform a member's config names, for commands that need no key server. */
const memberPlatform = (config: string) => endpoint({ config });

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
      { ...cacheOption(flags.cache), threads: 0 },
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

/** An alert as a person reads it, the member's own customer named from its watch index. */
export function describeAlert(alert: Alert, index: Pick<WatchIndex, 'get'> | undefined): string {
  if (alert.source === 'key')
    return `${alert.createdAt}  the operator announced signing key ${alert.token} for you: it starts at ${alert.occurredAt} and your other keys stop then. If you did not ask for it: credence member keys object ${alert.token}  [${alert.cursor}]`;
  const watched = index?.get(alert.token);
  const who =
    watched === undefined ? `${alert.kind} ${alert.token}` : `${watched.kind} ${watched.value}`;
  const what =
    alert.source === 'report'
      ? `reported (${alert.reportType ?? 'report'}${alert.category ? `, ${alert.category}` : ''})`
      : alert.source === 'ring'
        ? `put in ${alert.ringId ?? 'a ring'} by joint analysis`
        : alert.linkType === undefined || alert.linkType === null
          ? 'in a link'
          : `in a ${alert.linkType} link`;
  const by = alert.source === 'ring' ? '' : ' by another member';
  return `${alert.createdAt}  ${who} ${what}${by}, ${alert.occurredAt}  [${alert.cursor}]`;
}

export function registerMember(program: Command): void {
  const member = program
    .command('member')
    .description("The member side: runs inside a member's own network.")
    .addHelpText(
      'after',
      `
Exit codes (docs/errors.md):
  0  done
  1  failed, with one line "credence: <message> (<code>)": a file missing, unreadable,
     not in its encoding or with a wrong CSV header; an output or the token cache not
     writable; the key servers or the platform unreachable or refusing; a receipt that
     does not verify
  2  usage error (an unknown option, a bad option value)
  3  finished, but a key server misbehaved (the others did its share)
  4  submit finished, but lines or identifiers were left out, or refs were in conflict:
     everything else was sent (see the errors and results files; 3 wins over 4)
Input formats, encodings (--encoding) and the rule for times: docs/formats.md`,
    );
  const configOption = () =>
    new Option('--config <file>', 'member configuration (member.json)').makeOptionMandatory();
  const cacheOpt = () =>
    new Option('--cache <file>', 'token cache (default: token-cache.sqlite by the config)');
  const formatOpt = () =>
    new Option('--format <f>', 'input format (default: from the file name)').choices([
      'jsonl',
      'csv',
    ]);
  const encodingOpt = () =>
    new Option(
      '--encoding <label>',
      "the input's text encoding, such as gb18030, gbk, big5 or utf-16le (default: UTF-8; other bytes are refused, naming the line)",
    ).argParser(encoding);

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
    .addOption(cacheOpt())
    .option('--no-cache', 'no token cache')
    .option(
      '--errors <file>',
      'rejected lines and identifiers, with reasons (default: <out>.errors.jsonl)',
    )
    .addOption(formatOpt())
    .addOption(encodingOpt())
    .option(
      '--share-scripts',
      'include the masked narrative of each report that does not say shareScript: false',
    )
    .action(
      async (flags: {
        in: string;
        out: string;
        config: string;
        cache: string | boolean;
        errors?: string;
        format?: 'jsonl' | 'csv';
        encoding?: string;
        shareScripts?: boolean;
      }) => {
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
      },
    );

  member
    .command('init')
    .description(
      "Make the member's folder from the enrolment files the operators gave it and the group key: member.json, a signing key, registered with the platform.",
    )
    .requiredOption('--out <dir>', 'the member folder (member.json, signing-key.json, local state)')
    .requiredOption(
      '--enrol <file>',
      "an enrolment file: the platform operator's and each key server operator's (repeatable)",
      collect,
    )
    .requiredOption('--group <file>', "the key's group.json (from credence keys init)")
    .addOption(regionOption())
    .option('--no-register', 'do not register the signing key: print it for the operator')
    .option(
      '--ca <file>',
      "the CA certificates (PEM) that signed the servers' HTTPS certificates, when not public ones: copied to the folder, named in member.json",
    )
    .action(
      async (flags: {
        out: string;
        enrol: string[];
        group: string;
        region: PhoneRegion;
        register: boolean;
        ca?: string;
      }) => {
        const { initMember } = await import('@credence/member/init');
        const done = await initMember({
          out: flags.out,
          enrol: flags.enrol,
          group: flags.group,
          phoneRegion: flags.region,
          register: flags.register,
          ...(flags.ca === undefined ? {} : { ca: flags.ca }),
        });
        console.log(done.config);
        process.stderr.write(
          [
            `member.json written for key servers ${done.keyServers.join(', ')}${done.platform === undefined ? ' (no platform: tokenizing only)' : ` and the platform at ${done.platform}`}.`,
            done.registered
              ? `Signing key ${done.publicKey} made (${done.signingKey}) and registered with the platform; the log holds it and its receipt verified.`
              : done.platform === undefined
                ? `Signing key ${done.publicKey} made (${done.signingKey}).`
                : `Signing key ${done.publicKey} made (${done.signingKey}); give it to the operator: credence members rotate <id> --public-key ${done.publicKey}`,
            `Next: credence member doctor --config ${done.config}`,
          ].join('\n') + '\n',
        );
      },
    );

  member
    .command('doctor')
    .description(
      'Check every connection the member needs, in plain words: key servers, the platform, the log key, the clock, the signing key, the local folder.',
    )
    .addOption(configOption())
    .action(async (flags: { config: string }) => {
      const { diagnose } = await import('@credence/member/doctor');
      const checks = await diagnose(flags.config);
      for (const c of checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'}  ${c.subject}: ${c.message}`);
      const failed = checks.filter((c) => !c.ok).length;
      console.log(
        failed === 0 ? 'Everything works.' : `${failed} of ${checks.length} checks failed.`,
      );
      if (failed > 0) process.exitCode = 1;
    });

  member
    .command('validate')
    .description(
      'Check a raw file (docs/formats.md) at the member without contacting anyone: counts, every rejected line with the reason, and identifiers whose normal form is worth a look.',
    )
    .argument('<file>', 'raw reports and links (.jsonl, or .csv with a header of JSON paths)')
    .addOption(formatOpt())
    .addOption(encodingOpt())
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

  member
    .command('keygen')
    .description("Make the member's Ed25519 signing key; prints the public key to register.")
    .requiredOption('--out <file>', 'private key file (JWK, readable by its owner only)')
    .option('--force', 'replace an existing key file')
    .action(async (flags: { out: string; force?: boolean }) => {
      if (existsSync(flags.out) && flags.force !== true)
        throw new Error(`${flags.out} exists (--force replaces it)`);
      const { generateEd25519 } = await import('@credence/core/signing/ed25519');
      const key = generateEd25519();
      writeJson(flags.out, key.privateJwk, true);
      console.log(key.publicKey);
      process.stderr.write(
        `Register it with the operator: credence members add <id> --type <type> --public-key ${key.publicKey}\nthen set "signingKeyFile" in member.json.\n`,
      );
    });

  member
    .command('submit')
    .description(
      'Tokenize a raw file at the member side, sign it and submit it to the platform in batches.',
    )
    .argument('<file>', 'raw reports and links (SPEC §5 JSON Lines, or CSV)')
    .addOption(configOption())
    .addOption(cacheOpt())
    .option(
      '--work-dir <dir>',
      'where <file>.tokens.jsonl, .errors.jsonl and .results.jsonl are written (default: the folder of member.json)',
    )
    .option('--results <file>', "every item's result (default: <file>.results.jsonl in --work-dir)")
    .addOption(formatOpt())
    .addOption(encodingOpt())
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

  member
    .command('share-scripts')
    .description(
      'Share the masked scripts of reports you submitted before (the narratives are masked here; they never leave).',
    )
    .argument('<file>', 'the raw file the reports were submitted from (JSON Lines, or CSV)')
    .addOption(configOption())
    .addOption(formatOpt())
    .option('--encoding <label>', "the file's encoding (default: UTF-8, read strictly)", encoding)
    .action(
      async (
        file: string,
        flags: { config: string; format?: 'jsonl' | 'csv'; encoding?: string },
      ) => {
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
      },
    );

  member
    .command('verify')
    .description(
      "Re-check everything this member holds against the platform's log: receipts, entries, checkpoints.",
    )
    .addOption(configOption())
    .option('--json', 'print the report as JSON')
    .option(
      '--accept <index>',
      'accept an entry in your name that verify named (a credential you asked the operator for)',
      collectIntegers,
    )
    .action(async (flags: { config: string; json?: boolean; accept?: number[] }) => {
      const report = await withLogMonitor(flags.config, async (session, monitor) => {
        for (const index of flags.accept ?? [])
          if (!monitor.acceptForeign(index))
            throw new MemberError(
              'member.config',
              `entry ${index} is not one that verify named in your name`,
            );
        return await monitor.verifyAll({
          id: session.config.memberId,
          publicKey:
            session.config.signingKeyFile === undefined
              ? undefined
              : session.signingKey().publicKey,
        });
      });
      if (flags.json === true) console.log(JSON.stringify(report, null, 2));
      else {
        const head = report.checkpoint;
        console.log(
          head === undefined
            ? 'The log has no checkpoint that verifies.'
            : `The log's newest checkpoint: ${n(head.size)} entries, root ${head.root}.`,
        );
        console.log(
          `Held: ${n(report.receipts)} receipts, ${n(report.entries)} entries, ${n(report.checkpoints)} checkpoints.`,
        );
        for (const notice of report.notices) console.log(`note: ${notice}`);
        for (const f of report.findings) console.log(`FAIL ${f.kind}: ${f.message}`);
        if (report.findings.length === 0)
          console.log(
            'Everything verifies: every entry is in the log as written, every checkpoint consistent, nothing done in your name that you did not do.',
          );
      }
      if (report.findings.length > 0) process.exitCode = 1;
    });

  const keys = member
    .command('keys')
    .description(
      'Your signing keys: list them, rotate to a new one, object to one the operator announced for you.',
    );
  keys
    .command('list')
    .description('Your keys as the platform holds them: current, announced for you, retired.')
    .addOption(configOption())
    .action(async (flags: { config: string }) => {
      const { listKeys } = await import('@credence/member/own-keys');
      const list = await withSession(flags.config, { cache: false, threads: 0 }, (session) =>
        listKeys(session.platform),
      );
      for (const k of list)
        console.log(
          `${k.publicKey}  ${k.state}${k.activatesAt === null ? '' : `  from ${k.activatesAt}`}${k.revokedAt === null ? '' : `  until ${k.revokedAt}`}`,
        );
    });
  keys
    .command('rotate')
    .description(
      'Make a new signing key, register it with a statement your current key signs (your other keys stop), and put it in place of the current one.',
    )
    .addOption(configOption())
    .action(async (flags: { config: string }) => {
      const { rotateSigningKey } = await import('@credence/member/own-keys');
      const done = await withLogMonitor(flags.config, async (session, monitor) => {
        return await rotateSigningKey({
          platform: session.platform,
          monitor,
          memberId: session.config.memberId,
          current: session.signingKey(),
          keyFile: resolve(session.home, session.config.signingKeyFile as string),
        });
      });
      console.log(done.publicKey);
      process.stderr.write(
        `Your new signing key is in place (the old one is kept as ${done.previous}); ${done.answer.replaces.length} other keys stopped. The change is in the log, and its receipt verified.\n`,
      );
    });
  keys
    .command('object')
    .description('Object to a key the operator announced for you: it never starts.')
    .argument('<public-key>')
    // A base64url key may begin with "-" (one in 64): it is the key, not an option.
    .allowUnknownOption()
    .addOption(configOption())
    .action(async (publicKey: string, flags: { config: string }) => {
      const { objectToKey } = await import('@credence/member/own-keys');
      await withLogMonitor(flags.config, async (session, monitor) => {
        await objectToKey({
          platform: session.platform,
          monitor,
          memberId: session.config.memberId,
          current: session.signingKey(),
          publicKey,
        });
      });
      console.log(`Objected: ${publicKey} will not start. The objection is in the log.`);
    });

  member
    .command('credential')
    .description(
      'Renew your platform credential yourself: the old ones stop, and member.json gets the new one.',
    )
    .argument('<action>', 'renew')
    .addOption(configOption())
    .action(async (action: string, flags: { config: string }) => {
      if (action !== 'renew') throw new MemberError('member.config', 'the action is renew');
      const { renewCredential } = await import('@credence/member/own-keys');
      await withSession(flags.config, { cache: false, threads: 0 }, async (session) => {
        const json = JSON.parse(readFileSync(flags.config, 'utf8')) as {
          platform: Record<string, unknown>;
        };
        await renewCredential(
          session.platform,
          (platform) => session.logMonitor(platform),
          session.config.memberId,
          (credential) => {
            json.platform.credential = credential;
            const next = `${flags.config}.next`;
            writeFileSync(next, `${JSON.stringify(json, null, 2)}\n`, { mode: 0o600 });
            renameSync(next, flags.config);
          },
        );
      });
      console.log(`A new credential is in ${flags.config}; the old ones stopped.`);
    });

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
    .addOption(encodingOpt())
    .addOption(configOption())
    .addOption(cacheOpt())
    .option('--json', 'print the answers as JSON')
    .option('--after <sequence>', 'read-your-writes: wait for this change sequence', integer)
    .action(
      async (
        values: string[],
        flags: {
          kind?: string;
          in?: string;
          out?: string;
          encoding?: string;
          config: string;
          cache?: string;
          json?: boolean;
          after?: number;
        },
      ) => {
        const after = flags.after === undefined ? {} : { after: flags.after };
        if (flags.in !== undefined) {
          if (values.length > 0 || flags.kind !== undefined)
            throw new InvalidArgumentError(
              'give identifiers either with --in or as values, not both',
            );
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
          { ...cacheOption(flags.cache), threads: 0 },
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
      },
    );

  member
    .command('retract')
    .description(
      'Withdraw one of your reports, by the ref you gave it: its tokens are recounted at once, and the log holds the retraction (its receipt verified here).',
    )
    .argument('<ref>', "the report's ref")
    .addOption(
      new Option('--reason <reason>', 'why')
        .choices(['false_positive', 'duplicate', 'appeal_upheld', 'other'])
        .makeOptionMandatory(),
    )
    .addOption(configOption())
    .action(async (ref: string, flags: { reason: string; config: string }) => {
      const { retractReport } = await import('@credence/member/own-reports');
      const done = await withLogMonitor(flags.config, async (session, monitor) => {
        return await retractReport({
          platform: session.platform,
          monitor,
          memberId: session.config.memberId,
          ref,
          reason: flags.reason,
        });
      });
      console.log(
        `report ${done.ref} (${done.id}) retracted at ${done.retractedAt}; the log holds it (entry ${done.receipt.index}), its receipt verified.`,
      );
    });

  const webhook = member
    .command('webhook')
    .description(
      "Where the platform POSTs your alerts (signed; verify with GET /v1/platform's key).",
    );
  webhook
    .command('set')
    .argument('<url>', 'https://… (http: only to a receiver the operator allowed)')
    .addOption(configOption())
    .action(async (url: string, flags: { config: string }) => {
      const platform = memberPlatform(flags.config);
      await platformRequest(platform, 'PUT', '/v1/webhook', { url });
      console.log(`alerts go to ${url} (credence member webhook test sends one now)`);
    });
  webhook
    .command('show')
    .addOption(configOption())
    .action(async (flags: { config: string }) => {
      const { url } = await platformRequest<{ url: string | null }>(
        memberPlatform(flags.config),
        'GET',
        '/v1/webhook',
      );
      console.log(url ?? 'no webhook: alerts are pulled (credence member alerts)');
    });
  webhook
    .command('remove')
    .addOption(configOption())
    .action(async (flags: { config: string }) => {
      const { removed } = await platformRequest<{ removed: boolean }>(
        memberPlatform(flags.config),
        'DELETE',
        '/v1/webhook',
      );
      console.log(removed ? 'webhook removed' : 'there was no webhook');
    });
  webhook
    .command('test')
    .description('Have the platform send a signed test delivery to your webhook now.')
    .addOption(configOption())
    .action(async (flags: { config: string }) => {
      const r = await platformRequest<{
        url: string;
        delivered: boolean;
        status?: number;
        error?: string;
      }>(memberPlatform(flags.config), 'POST', '/v1/webhook/test');
      if (r.delivered) console.log(`delivered to ${r.url}: HTTP ${r.status}`);
      else {
        console.log(`not delivered to ${r.url}: ${r.error ?? 'no answer'}`);
        process.exitCode = 1;
      }
    });

  member
    .command('rank')
    .description(
      'Your own identifiers that no member reported, ranked by the consortium’s risk: a list to work down, highest first.',
    )
    .argument('<file...>', 'your raw reports and links (JSON Lines or CSV, as for submit)')
    .addOption(configOption())
    .addOption(cacheOpt())
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
          { ...cacheOption(flags.cache), threads: 0 },
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

  member
    .command('watch')
    .description(
      "Watch your own customers' identifiers: alerts come when another member reports them.",
    )
    .argument('<file>', 'one identifier per line: kind,value (or {"kind","value"})')
    .addOption(configOption())
    .addOption(cacheOpt())
    .option('--remove', 'stop watching the identifiers in the file')
    .addOption(encodingOpt())
    .option(
      '--index <file>',
      'local token → identifier index (default: watchlist.sqlite by the config)',
    )
    .action(
      async (
        file: string,
        flags: {
          config: string;
          cache?: string;
          remove?: boolean;
          index?: string;
          encoding?: string;
        },
      ) => {
        const { watchFile } = await import('@credence/member/watch');
        const summary = await withSession(flags.config, cacheOption(flags.cache), (session) =>
          watchFile(session, file, {
            ...(flags.remove === true ? { remove: true } : {}),
            ...(flags.index === undefined ? {} : { index: flags.index }),
            ...(flags.encoding === undefined ? {} : { encoding: flags.encoding }),
          }),
        );
        console.log(
          flags.remove === true
            ? `${n(summary.identifiers)} identifiers sent, ${n(summary.changed)} no longer watched.`
            : `${n(summary.identifiers)} identifiers watched (${n(summary.changed)} new).`,
        );
        for (const r of summary.rejected.slice(0, 20))
          console.log(`  line ${r.line}: ${r.message} (${r.code})`);
        if (summary.rejected.length > 20)
          console.log(`  … and ${n(summary.rejected.length - 20)} more`);
        if (summary.rejected.length > 0) process.exitCode = 1;
      },
    );

  member
    .command('alerts')
    .description("Your alerts: another member's report or link touched a token you watch.")
    .addOption(configOption())
    .option('--after <cursor>', 'only alerts after this cursor (as printed in [ ])')
    .option('--follow', 'keep the connection open and print alerts as they come')
    .option('--json', 'one JSON object per alert')
    .option('--index <file>', 'local watch index (default: watchlist.sqlite by the config)')
    .action(
      async (flags: {
        config: string;
        after?: string;
        follow?: boolean;
        json?: boolean;
        index?: string;
      }) => {
        const { fetchAlerts, followAlerts } = await import('@credence/member/alerts');
        const { WatchIndex } = await import('@credence/member/watch-index');
        await withSession(flags.config, { cache: false, threads: 0 }, async (session) => {
          const indexFile = flags.index ?? `${session.home}/watchlist.sqlite`;
          const index = existsSync(indexFile) ? new WatchIndex(indexFile) : undefined;
          const print = (a: Alert) =>
            console.log(flags.json === true ? JSON.stringify(a) : describeAlert(a, index));
          try {
            if (flags.follow !== true) {
              let count = 0;
              const next = await fetchAlerts(session.platform, flags.after, (a) => {
                count++;
                print(a);
              });
              process.stderr.write(
                `${n(count)} alerts${next === undefined ? '' : `; continue with --after ${next}`}\n`,
              );
              return;
            }
            const stop = new AbortController();
            process.once('SIGINT', () => stop.abort());
            process.once('SIGTERM', () => stop.abort());
            await followAlerts(session.platform, flags.after, print, {
              signal: stop.signal,
              onConnected: () => process.stderr.write('following alerts (Ctrl-C stops)\n'),
            });
          } finally {
            index?.close();
          }
        });
      },
    );
}
