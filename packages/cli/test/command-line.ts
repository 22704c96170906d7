import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll } from 'vitest';

/** The real `credence` command, as a user runs it (built by `npm test`'s pretest). */
export const BIN = resolve(import.meta.dirname, '../bin/credence.js');

/** Temporary folders for the calling test file, removed after its tests. */
export function temporaryFolders(): () => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = mkdtempSync(join(tmpdir(), 'credence-cli-'));
    dirs.push(d);
    return d;
  };
}

/** Runs `credence` with more environment variables. */
export function credenceWith(env: Record<string, string>, ...args: string[]) {
  // A command that never ends is killed after a minute (status null): a failure here.
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

export const credence = (...args: string[]) => credenceWith({}, ...args);
