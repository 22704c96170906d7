import { createReadStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { serializeGroupKey } from '@credence/core/oprf/key-set';
import { resolveOptions } from '@credence/sim/options';
import type { Command } from 'commander';
import { existsSync, readJson, writeJson } from './files.js';
import { initKeys } from './keys.js';
import { addMemberCredential } from './keyserver.js';
import { type KeyserverProcess, spawnKeyserver } from './keyserver-process.js';
import { runTokenize } from './member.js';
import { decimal, integer } from './parse.js';
import { generateWorld } from './sim.js';

export interface StartOptions {
  readonly data: string;
  readonly host: string;
  readonly portBase: number;
  /** Stop the key servers once the demo is tokenized, instead of serving until interrupted. */
  readonly exit: boolean;
  /** Size of the demo world (1: the demo). */
  readonly scale: number;
}

const n = (x: number) => x.toLocaleString('en-US');

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  '),
    )
    .join('\n');
}

/** Distinct (kind, token) pairs of a tokenized file. */
async function tokensOf(path: string, into: Set<string>): Promise<void> {
  if (!existsSync(path)) return;
  for await (const line of createInterface({
    input: createReadStream(path),
    crlfDelay: Number.POSITIVE_INFINITY,
  })) {
    if (line.length === 0) continue;
    const record = JSON.parse(line) as {
      entities?: { kind: string; token: string }[];
      from?: { kind: string; token: string };
      to?: { kind: string; token: string };
    };
    for (const e of record.entities ?? [record.from, record.to])
      if (e) into.add(`${e.kind}:${e.token}`);
  }
}

/**
 * `npm start`: the platform on its embedded default with the demo consortium. Today: the
 * demo world, a 2-of-3 threshold key with three key servers, and every member's files
 * tokenized at the member side through them.
 */
export async function startDemo(options: StartOptions): Promise<KeyserverProcess[]> {
  const world = join(options.data, 'demo');
  generateWorld(resolveOptions({ scale: options.scale }), world);
  const manifest = readJson(join(world, 'world.json')) as { members: { id: string }[] };

  const keysDir = join(options.data, 'keys');
  if (!existsSync(join(keysDir, 'group.json'))) await initKeys(keysDir, 2, 3);
  const groupKey = readJson(join(keysDir, 'group.json')) as ReturnType<typeof serializeGroupKey>;

  // Credentials first: each key server reads its members file when it starts. Each
  // member gets its own credential at each key server.
  const url = (index: number) => `http://${options.host}:${options.portBase + index - 1}`;
  const configs = new Map<string, string>();
  for (const { id } of manifest.members) {
    const configFile = join(options.data, 'members', id, 'member.json');
    configs.set(id, configFile);
    if (!existsSync(configFile)) {
      const keyServers = [1, 2, 3].map((index) => ({
        index,
        url: url(index),
        token: addMemberCredential(join(keysDir, `members-${index}.json`), id),
      }));
      writeJson(configFile, { memberId: id, phoneRegion: 'CN', key: groupKey, keyServers }, true);
    } else {
      // The key servers may listen elsewhere than last time: keep credentials, update URLs.
      const config = readJson(configFile) as { keyServers: { index: number; url: string }[] };
      for (const s of config.keyServers) s.url = url(s.index);
      writeJson(configFile, config, true);
    }
  }

  mkdirSync(join(options.data, 'logs'), { recursive: true });
  const servers: KeyserverProcess[] = [];
  const stopAll = () => Promise.all(servers.map((s) => s.stop()));
  process.once('exit', () => {
    for (const s of servers) s.child.kill('SIGTERM');
  });
  try {
    for (let index = 1; index <= 3; index++) {
      servers.push(
        await spawnKeyserver({
          share: join(keysDir, `share-${index}.json`),
          members: join(keysDir, `members-${index}.json`),
          state: join(keysDir, `usage-${index}.json`),
          host: options.host,
          port: options.portBase + index - 1,
          log: join(options.data, 'logs', `keyserver-${index}.log`),
        }),
      );
    }
  } catch (error) {
    await stopAll();
    const message = (error as Error).message;
    throw new Error(
      /EADDRINUSE/.test(message)
        ? `a port from ${options.portBase} is in use: is another Credence running? (--port-base changes the ports)`
        : message,
    );
  }
  const keyId = groupKey.keyId as string;
  console.log(`\nKey servers (${keyId}, 2-of-3): ${servers.map((s) => s.url).join(', ')}`);
  console.log("Tokenizing each member's files at the member side (raw values never leave it)…\n");

  const rows: string[][] = [
    ['member', 'lines', 'reports', 'links', 'distinct ids', 'evaluated', 'cached', 'rejected'],
  ];
  const tokenSets = new Map<string, Set<string>>();
  const started = performance.now();
  let evaluatedTotal = 0;
  for (const { id } of manifest.members) {
    const dir = join(options.data, 'members', id);
    const configFile = configs.get(id) as string;
    const totals = {
      lines: 0,
      reports: 0,
      links: 0,
      requested: 0,
      evaluated: 0,
      cached: 0,
      rejected: 0,
    };
    const tokens = new Set<string>();
    for (const file of ['reports', 'links']) {
      const out = join(dir, 'tokens', `${file}.jsonl`);
      mkdirSync(join(dir, 'tokens'), { recursive: true });
      const { progress, stats } = await runTokenize({
        in: join(world, 'members', id, `${file}.jsonl`),
        out,
        config: configFile,
        cache: join(dir, 'token-cache.sqlite'),
        progress: true,
      });
      totals.lines += progress.lines;
      totals.reports += progress.reports;
      totals.links += progress.links;
      totals.requested += stats.requested;
      totals.evaluated += stats.evaluated;
      totals.cached += stats.cached;
      totals.rejected += progress.rejectedLines + progress.rejectedIdentifiers;
      await tokensOf(out, tokens);
    }
    evaluatedTotal += totals.evaluated;
    tokenSets.set(id, tokens);
    rows.push([
      id,
      n(totals.lines),
      n(totals.reports),
      n(totals.links),
      n(tokens.size),
      n(totals.evaluated),
      n(totals.cached),
      n(totals.rejected),
    ]);
  }
  console.log(table(rows));
  const seconds = (performance.now() - started) / 1000;
  const count = new Map<string, number>();
  for (const set of tokenSets.values()) for (const t of set) count.set(t, (count.get(t) ?? 0) + 1);
  const shared = [...count.values()].filter((c) => c >= 2).length;
  console.log(
    `\n${n(count.size)} distinct tokens; ${n(shared)} of them appear in the data of two or more members: that overlap is what joint analysis works on.`,
  );
  console.log(
    `Tokenized in ${seconds.toFixed(1)} s (${n(evaluatedTotal)} evaluations${evaluatedTotal > 0 ? `, ${n(Math.round(evaluatedTotal / seconds))}/s` : ''}; a second run answers from each member's cache).`,
  );
  const look: [string, string][] = [
    [`${world}/members/bank-a/reports.jsonl`, 'raw, as bank-a holds it (never leaves it)'],
    [
      `${options.data}/members/bank-a/tokens/reports.jsonl`,
      'what bank-a would send: tokens, bands, no narrative',
    ],
    [`${world}/truth.json`, 'the rings and campaigns joint analysis should find'],
    [
      `${options.data}/logs/keyserver-1.log`,
      "a key server's log: members and counts, never elements",
    ],
    [`curl ${servers[0]?.url}/v1/oprf/keys`, "a key server's public keys"],
  ];
  const width = Math.max(...look.map(([what]) => what.length));
  console.log(
    ['', 'Where to look:', ...look.map(([what, why]) => `  ${what.padEnd(width)}  ${why}`)].join(
      '\n',
    ),
  );
  if (options.exit) {
    await stopAll();
    return [];
  }
  console.log('\nThe key servers keep running; Ctrl-C stops them.');
  const stop = () => {
    void stopAll().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return servers;
}

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('Start Credence on its embedded default with the demo consortium.')
    .option('--data <dir>', 'data directory', 'data')
    .option('--host <h>', 'address the key servers listen on', '127.0.0.1')
    .option('--port-base <p>', 'first port of the three key servers', integer, 7101)
    .option('--exit', 'stop once the demo is ready instead of serving')
    .option('--scale <s>', 'size of the demo world', decimal, 1)
    .action(
      async (flags: {
        data: string;
        host: string;
        portBase: number;
        exit?: boolean;
        scale: number;
      }) => {
        await startDemo({
          data: flags.data.replace(/\/$/, ''),
          host: flags.host,
          portBase: flags.portBase,
          exit: flags.exit === true,
          scale: flags.scale,
        });
      },
    );
}
