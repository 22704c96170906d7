import { type ChildProcess, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The `credence` launcher, from dist/commands/ or src/commands/. */
const CREDENCE = fileURLToPath(new URL('../../bin/credence.js', import.meta.url));

export interface KeyserverProcess {
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

export interface KeyserverProcessOptions {
  readonly share: string;
  readonly members: string;
  /** Usage counts file (the key server's default when absent). */
  readonly state?: string;
  readonly host?: string;
  /** 0 for any free port. */
  readonly port: number;
  /** Where its JSON log goes; discarded when absent. */
  readonly log?: string;
  readonly logLevel?: string;
}

/**
 * Starts `credence keyserver` as a process of its own, as separate bodies would run
 * them; resolves with its URL once it listens.
 */
export function spawnKeyserver(options: KeyserverProcessOptions): Promise<KeyserverProcess> {
  const args = [
    CREDENCE,
    'keyserver',
    '--share',
    options.share,
    '--members',
    options.members,
    '--host',
    options.host ?? '127.0.0.1',
    '--port',
    String(options.port),
  ];
  if (options.state !== undefined) args.push('--state', options.state);
  args.push('--log-level', options.logLevel ?? 'info');
  const out = options.log === undefined ? 'ignore' : openSync(options.log, 'a');
  const child = spawn(process.execPath, args, { stdio: ['ignore', out, 'pipe'] });
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
      reject(new Error(`key server on port ${options.port} did not start in time: ${said.trim()}`));
    }, 15_000);
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
      reject(
        new Error(`key server on port ${options.port} stopped (exit ${code}): ${said.trim()}`),
      );
    });
  });
}
