import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describeMachine } from '../machine.js';
import type { Split } from '../quality.js';

/**
 * What every suite of `npm run bench` shares: the options it was run with, the command
 * as run (for the record), the measuring scripts it starts as child processes, and the
 * head of a recorded section.
 */

export const quick = process.argv.includes('--quick');
/** `--suite=NAME`: run only this suite. */
export const only = process.argv.find((a) => a.startsWith('--suite='))?.slice('--suite='.length);
/** The quality suite's seeds: development only, test only, or both (default). */
const splitAt = process.argv.indexOf('--split');
export const split = (process.argv
  .find((a) => a.startsWith('--split='))
  ?.slice('--split='.length) ?? (splitAt >= 0 ? process.argv[splitAt + 1] : undefined)) as
  | Split
  | undefined;
if (split !== undefined && split !== 'dev' && split !== 'test')
  throw new Error('--split= takes dev or test');
/** The command as it was run, for the record. */
export const command = [
  'npm run bench',
  ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : []),
].join(' ');
/** The bench package's compiled sources (the measuring scripts) and the repository. */
export const scripts = resolve(import.meta.dirname, '..');
export const root = resolve(scripts, '../../..');

/** Runs a measuring script in its own process; its last line of output is its figures. */
export function child<T>(
  script: string,
  args: readonly string[],
  nodeArgs: readonly string[] = [],
): T {
  const out = execFileSync(process.execPath, [...nodeArgs, join(scripts, script), ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as T;
}

export const fmt = (x: number, digits = 0) =>
  x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** A section's title, the command that made it and the machine it ran on. */
export function sectionHead(title: string, machineNote = ''): string[] {
  return [
    `## ${title}`,
    '',
    `Command: \`${command}\` on ${new Date().toISOString().slice(0, 10)}.`,
    `Machine: ${describeMachine()}${machineNote}.`,
    '',
  ];
}
