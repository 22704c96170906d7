import { type ChildProcess, execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { spawnKeyserver } from '@credence/cli/commands/keyserver-process';

/** The `credence` launcher, as a person runs it. */
export const BIN = resolve(import.meta.dirname, '../../cli/bin/credence.js');

/** Runs `credence` to its end; its standard output (an error says what it wrote to stderr). */
export const credence = (...args: string[]): string =>
  execFileSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

/**
 * Key server `index` of the keys made in `dir`/keys (`credence keys init`), as a process
 * of its own, keeping its usage in `dir`; its URL once it listens. Its members file must
 * exist. The process is added to `children`, for the caller to stop.
 */
export async function keyserverIn(
  dir: string,
  index: number,
  children: ChildProcess[],
): Promise<string> {
  const server = await spawnKeyserver({
    share: join(dir, 'keys', `share-${index}.json`),
    members: join(dir, 'keys', `members-${index}.json`),
    state: join(dir, `usage-${index}.json`),
    port: 0,
    logLevel: 'warn',
  });
  children.push(server.child);
  return server.url;
}
