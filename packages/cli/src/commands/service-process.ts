import { type ChildProcess, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The `credence` launcher, found through the package's exports from src/, dist/ or bundle/. */
const CREDENCE = createRequire(import.meta.url).resolve('@credence/cli/bin/credence.js');

export interface ServiceProcess {
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts a `credence` server command (keyserver, serve) as a process of its own, as
 * separate parties would run them; resolves with its URL once it says it listens.
 */
export function spawnService(
  label: string,
  args: readonly string[],
  options: {
    readonly log?: string;
    /** Another Node.js script that says "listening on <url>" on stderr (benchmarks). */
    readonly script?: string;
    /** Environment added to this process's (secrets that must not show in process lists). */
    readonly env?: Readonly<Record<string, string>>;
    /** How long it may take to say it listens (default 15 s). */
    readonly startTimeoutMs?: number;
  } = {},
): Promise<ServiceProcess> {
  const out = options.log === undefined ? 'ignore' : openSync(options.log, 'a');
  const child = spawn(process.execPath, [options.script ?? CREDENCE, ...args], {
    stdio: ['ignore', out, 'pipe'],
    ...(options.env === undefined ? {} : { env: { ...process.env, ...options.env } }),
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    let said = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${label} did not start in time: ${said.trim()}`));
    }, options.startTimeoutMs ?? 15_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      said += chunk.toString();
      const match = /listening on (\S+)/.exec(said);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ url: match[1], child, stop });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${label} stopped (exit ${code}): ${said.trim()}`));
    });
  });
}
