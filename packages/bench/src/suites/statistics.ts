import type { Measured } from '../statistics-error.js';
import { child, fmt, quick, sectionHead } from './kit.js';

/** Test seeds (never used for tuning) whose worlds the statistics are measured on. */
const SEEDS = quick ? [101, 102, 103] : [101, 102, 103, 104, 105, 106, 107, 108, 109, 110];

/** Public statistics: a release's error at ε = 1 a week against the true counts (issue 17). */
export function statisticsSection(): string[] {
  const r = child<{
    epsilon: number;
    threshold: number;
    draws: number;
    province: string;
    reports: number;
    withRegion: number;
    inProvince: number;
    byCategory: Measured;
    totals: Measured;
    provinceByCategory: Measured;
    provinceTotalsAdded: Measured;
    provinceTotals: Measured;
  }>('statistics-error.js', SEEDS.map(String));
  const pct = (x: number) => `${fmt(100 * x, 1)} %`;
  const row = (what: string, m: Measured) =>
    `| ${what} | ${pct(m.error)} | ${pct(m.poisson)} | ${fmt(m.error / m.poisson, 2)} | ${fmt(m.cells)} (median ${fmt(m.medianTrue)} reports) | ${pct(m.withheld)} |`;
  console.log(
    `statistics at ε ${r.epsilon}: median relative error ${pct(r.byCategory.error)} by category, ${pct(r.totals.error)} weekly totals; ${r.province} ${pct(r.provinceByCategory.error)} by category, ${pct(r.provinceTotals.error)} weekly total`,
  );
  return [
    '### Public statistics: error of a release at ε = 1 a week (issue 17, docs/statistics.md)',
    '',
    `The worlds of the test seeds ${SEEDS[0]}–${SEEDS.at(-1)} (\`credence sim --seed N\`, scale 1; ε = ${r.epsilon} and the threshold ${r.threshold} were the policy's defaults before any world was looked at): the true weekly counts of the members' reports by category, as the platform counts them (the ISO week of \`occurredAt\`), and the noise of the platform's own sampler (discrete Laplace), ${r.draws} draws a week. Relative error: |released − true| / true over the cells with reports, a withheld cell (below the threshold) counting as 0 released. The weekly total is what a reader adds up from the category release (withheld cells as 0; no more ε is spent on it); its "withheld" is the share of weeks with at least one category withheld. Baseline in the same run: the chance variation of the count itself, √n / n for a Poisson count of n, over the same cells. A province: ${r.province} (the most populous); of the ${fmt(r.reports)} reports ${pct(r.withRegion / r.reports)} name the victim's region (the simulator's members write it down as often as a bank, a telecom or the police would know it, an internet platform seldom), ${fmt(r.inProvince)} of them ${r.province}. Its weekly category counts are the category × region release's cells at ε = 1 (a release of its own, the week's whole budget); its weekly total is the region release's one cell at ε = 1, or what a reader adds up from the category × region cells.`,
    '',
    '| cells | median relative error at ε = 1 | baseline: √n / n | ratio | cells (their median count) | withheld (below the threshold) |',
    '|---|---:|---:|---:|---:|---:|',
    row('national weekly count of one category', r.byCategory),
    row('national weekly total, added up from the category release', r.totals),
    row(
      `${r.province} weekly count of one category (category × region release)`,
      r.provinceByCategory,
    ),
    row(`${r.province} weekly total (region release)`, r.provinceTotals),
    row(
      `${r.province} weekly total, added up from the category × region release`,
      r.provinceTotalsAdded,
    ),
  ];
}

/** `--suite=statistics`: the section alone. */
export function statisticsSuite(): string {
  return [...sectionHead('Public statistics (`GET /v1/stats`)'), ...statisticsSection()].join('\n');
}
