import { loadRistretto255 } from '@credence/core/oprf/ristretto255';
import { parseMemberConfig } from '@credence/member/member-config';
import type { MemberError } from '@credence/member/member-error';
import { ThresholdOprfClient } from '@credence/member/threshold-client';
import { MemoryTokenCache, SqliteTokenCache, type TokenCache } from '@credence/member/token-cache';
import { type TokenizeProgress, tokenizeFile } from '@credence/member/tokenize-file';
import { Tokenizer } from '@credence/member/tokenizer';
import { WorkerClientCrypto } from '@credence/member/worker-client-crypto';
import { type Command, Option } from 'commander';
import { readJson } from './files.js';

export interface TokenizeCommand {
  readonly in: string;
  readonly out: string;
  readonly config: string;
  readonly cache?: string | false;
  readonly errors?: string;
  readonly format?: 'jsonl' | 'csv';
  readonly progress?: boolean;
  /** Worker threads for the arithmetic (default: one per core). */
  readonly threads?: number;
}

const n = (x: number) => x.toLocaleString('en-US');

/** `credence member tokenize`: returns the counts and the key servers that misbehaved. */
export async function runTokenize(
  options: TokenizeCommand,
): Promise<{ progress: TokenizeProgress; stats: Tokenizer['stats']; warnings: MemberError[] }> {
  const group = await loadRistretto255();
  const config = parseMemberConfig(group, readJson(options.config));
  const warnings: MemberError[] = [];
  // The blinding, proof checks and finalizing run on worker threads, one per core.
  const crypto = new WorkerClientCrypto(options.threads);
  const client = new ThresholdOprfClient({
    group,
    key: config.key,
    servers: config.keyServers,
    retry: config.retry,
    onWarning: (w) => warnings.push(w),
    crypto,
  });
  const cache: TokenCache =
    options.cache === false || options.cache === undefined
      ? new MemoryTokenCache()
      : new SqliteTokenCache(options.cache);
  const tokenizer = new Tokenizer({
    client,
    cache,
    batchSize: config.batchSize,
    concurrency: config.concurrency,
  });
  const started = performance.now();
  const show = options.progress === true && process.stderr.isTTY;
  try {
    const progress = await tokenizeFile({
      input: options.in,
      output: options.out,
      errors: options.errors ?? `${options.out}.errors.jsonl`,
      tokenizer,
      phoneRegion: config.phoneRegion,
      ...(options.format === undefined ? {} : { format: options.format }),
      onProgress: (p) => {
        if (!show) return;
        const seconds = (performance.now() - started) / 1000;
        process.stderr.write(
          `\r${n(p.lines)} lines, ${n(p.identifiers)} identifiers (${n(tokenizer.stats.evaluated)} evaluated, ${n(tokenizer.stats.cached)} cached), ${n(Math.round(p.lines / seconds))} lines/s\x1b[K`,
        );
      },
    });
    if (show) process.stderr.write('\r\x1b[K');
    return { progress, stats: { ...tokenizer.stats }, warnings };
  } finally {
    cache.close();
    await client.close();
  }
}

export function registerMember(program: Command): void {
  const member = program
    .command('member')
    .description("The member side: runs inside a member's own network.");
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
    .requiredOption('--config <file>', 'member configuration: key, key servers, credentials')
    .option('--cache <file>', 'token cache (SQLite), so repeated identifiers cost nothing')
    .option(
      '--errors <file>',
      'rejected lines and identifiers, with reasons (default: <out>.errors.jsonl)',
    )
    .addOption(
      new Option('--format <f>', 'input format (default: from the file name)').choices([
        'jsonl',
        'csv',
      ]),
    )
    .action(
      async (flags: {
        in: string;
        out: string;
        config: string;
        cache?: string;
        errors?: string;
        format?: 'jsonl' | 'csv';
      }) => {
        const started = performance.now();
        const { progress, stats, warnings } = await runTokenize({ ...flags, progress: true });
        const seconds = (performance.now() - started) / 1000;
        console.log(
          `${n(progress.lines)} lines: ${n(progress.reports)} reports and ${n(progress.links)} links tokenized, ${n(progress.rejectedLines)} lines and ${n(progress.rejectedIdentifiers)} identifiers rejected (see ${flags.errors ?? `${flags.out}.errors.jsonl`}).`,
        );
        console.log(
          `${n(stats.requested)} distinct identifiers: ${n(stats.evaluated)} evaluated by the key servers, ${n(stats.cached)} from the cache, in ${seconds.toFixed(1)} s.`,
        );
        for (const w of warnings) console.error(`warning: ${w.message}`);
        if (warnings.length > 0) process.exitCode = 3;
      },
    );
}
