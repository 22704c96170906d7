/** What the `credence member` commands share: the member's session, and their options. */
import type { LogMonitor } from '@credence/member/log-monitor';
import type { MemberSession, SessionOptions } from '@credence/member/member-session';
import { Option } from 'commander';
import { encoding } from './parse.js';

/** A count as the member commands print it: 1,234,567. */
export const n = (x: number) => x.toLocaleString('en-US');

/** Exit code of a submit that finished with lines or identifiers left out, or refs in conflict. */
export const EXIT_DONE_WITH_REJECTIONS = 4;

/** Opens the member side, runs the work, and always closes it (worker threads, cache). */
export async function withSession<T>(
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
export function withLogMonitor<T>(
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

/** The session's token cache as --cache gives it: a file, false for none, else the default. */
export const sessionCache = (cache: string | false | undefined): SessionOptions =>
  cache === undefined ? {} : { cache };

/** --config: the member's configuration, member.json. */
export const configOption = () =>
  new Option('--config <file>', 'member configuration (member.json)').makeOptionMandatory();

/** --cache, for the commands that tokenize. */
export const cacheFileOption = () =>
  new Option('--cache <file>', 'token cache (default: token-cache.sqlite by the config)');

/** --format, for the commands that read a raw file. */
export const formatOption = () =>
  new Option('--format <f>', 'input format (default: from the file name)').choices([
    'jsonl',
    'csv',
  ]);

/** --encoding, for the commands that read a file of the member's. */
export const encodingOption = () =>
  new Option(
    '--encoding <label>',
    "the input's text encoding, such as gb18030, gbk, big5 or utf-16le (default: UTF-8; other bytes are refused, naming the line)",
  ).argParser(encoding);
