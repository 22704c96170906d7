import { child, fmt, quick, sectionHead } from './kit.js';

/** Issue 13 §6: one-shot commands start within 0.3 s (`--help`, `member check`). */
export function startupSuite(): string {
  const runs = quick ? 5 : 15;
  const { medians } = child<{ runs: number; medians: Record<string, number> }>('startup.js', [
    String(runs),
  ]);
  const s = (name: string) => medians[name] ?? Number.NaN;
  const floor = s('node -e 0');
  const row = (what: string, bundle: string, dist: string) =>
    `| ${what} | **${fmt(s(bundle), 3)} s** | ${fmt(s(dist), 3)} s | ${fmt(s(dist) / s(bundle), 2)}× | ${fmt(s(bundle) - floor, 3)} s |`;
  const section = [
    ...sectionHead('Start-up of the command line (issue 13)'),
    `Whole processes, as a person runs them (median of ${runs} runs each, taken in turn after one warm-up): the \`credence\` launcher, which runs the bundle (\`packages/cli/bundle\`), against the same program from \`dist/\` unbundled, and Node.js itself (\`node -e 0\`: **${fmt(floor, 3)} s** in this run). The checks go to a consortium of real processes on this machine (three key servers, the platform) for a member enrolled from its enrolment files; "new" is a phone number the member's token cache does not hold (a fresh cache each run: the key servers are asked and both proofs verified), "cached" one it submitted. Goal: 0.3 s for \`--help\` and \`member check\`.`,
    '',
    '| command | bundle | dist/ (same run) | dist / bundle | bundle above Node.js itself |',
    '|---|---:|---:|---:|---:|',
    row('`credence --help`', 'help, bundle', 'help, dist'),
    row(
      '`credence member check --kind phone …` (cached)',
      'check cached, bundle',
      'check cached, dist',
    ),
    row('`credence member check --kind phone …` (new)', 'check new, bundle', 'check new, dist'),
  ].join('\n');
  return section;
}
