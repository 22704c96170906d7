import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const HEADER = `# Benchmarks

Recorded by \`npm run bench\`, which rewrites the section of each suite it runs. Figures are
medians of repeated runs where a run is short enough to repeat; ratios compare against a
baseline measured in the same run on the same machine, because machines are noisy. Tests
never assert times: this file is where speed and memory goals are checked.
`;

/**
 * Replaces (or appends) one suite's section of BENCHMARKS.md, delimited by HTML comment
 * markers so that suites of later issues keep their own sections.
 */
export function recordSection(file: string, suite: string, body: string): void {
  const begin = `<!-- bench:${suite}:begin -->`;
  const end = `<!-- bench:${suite}:end -->`;
  const section = `${begin}\n${body.trim()}\n${end}`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : HEADER;
  const start = current.indexOf(begin);
  const stop = current.indexOf(end);
  const next =
    start >= 0 && stop > start
      ? current.slice(0, start) + section + current.slice(stop + end.length)
      : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next.endsWith('\n') ? next : `${next}\n`);
}
