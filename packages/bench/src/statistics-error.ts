import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cryptoInts, discreteLaplace, rationalOf } from '@credence/core/privacy/discrete-laplace';
import { weekOf } from '@credence/core/wire/statistics';
import { CATEGORIES } from '@credence/core/wire/vocabulary';
import { median } from './machine.js';
import { BIN } from './processes.js';

/**
 * Public statistics (issue 17, docs/statistics.md): how far a release at ε = 1 a week is
 * from the truth. `node statistics-error.js SEED…`: each seed's world (`credence sim
 * --seed N`, test seeds: nothing here was tuned on them; ε and the threshold were fixed
 * in the policy before any world was looked at) gives the true weekly counts of its
 * members' reports by category, as the platform counts them (occurredAt's ISO week); the
 * platform's own sampler adds its noise, 20 draws a cell. Reported: the median relative
 * error |released − true| / true over the cells with reports, for the national weekly
 * count of each category, and for the weekly total a reader adds up from that release
 * (every category's released count, a withheld one as 0: no more ε is spent on it), and
 * the share withheld by the threshold (5). Baseline in the same run: a count's own
 * week-to-week chance variation, √n / n for a Poisson count of n, over the same cells.
 */

const epsilon = 1;
const threshold = 5;
const draws = 20;
const noise = rationalOf(epsilon);

/** A cell as released: the noised count, or null below the threshold. */
const released = (n: number) => {
  const noised = n + discreteLaplace(cryptoInts, noise);
  return noised < threshold ? null : noised;
};

interface Measured {
  cells: number;
  medianTrue: number;
  error: number;
  poisson: number;
  withheld: number;
}

function summary(truths: number[], errors: number[], withheld: number, drawn: number): Measured {
  return {
    cells: truths.length,
    medianTrue: median([...truths]),
    error: median(errors),
    poisson: median(truths.map((n) => Math.sqrt(n) / n)),
    withheld: withheld / drawn,
  };
}

const cellTruths: number[] = [];
const cellErrors: number[] = [];
let cellWithheld = 0;
const totalTruths: number[] = [];
const totalErrors: number[] = [];
let totalWithheld = 0;
for (const seed of process.argv.slice(2).map(Number)) {
  const dir = mkdtempSync(join(tmpdir(), 'credence-bench-stats-'));
  execFileSync(process.execPath, [BIN, 'sim', '--seed', String(seed), '--out', dir, '--quiet']);
  const weeks = new Map<string, Map<string, number>>();
  for (const member of readdirSync(join(dir, 'members'))) {
    const text = readFileSync(join(dir, 'members', member, 'reports.jsonl'), 'utf8');
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const r = JSON.parse(line) as { category?: string; occurredAt?: string };
      if (r.category === undefined || r.occurredAt === undefined) continue;
      const week = weeks.get(weekOf(r.occurredAt)) ?? new Map<string, number>();
      weeks.set(weekOf(r.occurredAt), week);
      week.set(r.category, (week.get(r.category) ?? 0) + 1);
    }
  }
  for (const week of weeks.values()) {
    const total = [...week.values()].reduce((a, b) => a + b, 0);
    totalTruths.push(total);
    for (const category of CATEGORIES) {
      const n = week.get(category) ?? 0;
      if (n > 0) cellTruths.push(n);
    }
    for (let i = 0; i < draws; i++) {
      let sum = 0;
      let hidden = 0;
      for (const category of CATEGORIES) {
        const n = week.get(category) ?? 0;
        const r = released(n);
        sum += r ?? 0;
        if (r === null) hidden += 1;
        if (n > 0) {
          cellErrors.push(Math.abs((r ?? 0) - n) / n);
          if (r === null) cellWithheld += 1;
        }
      }
      totalErrors.push(Math.abs(sum - total) / total);
      if (hidden > 0) totalWithheld += 1;
    }
  }
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  JSON.stringify({
    epsilon,
    threshold,
    draws,
    byCategory: summary(cellTruths, cellErrors, cellWithheld, cellTruths.length * draws),
    totals: summary(totalTruths, totalErrors, totalWithheld, totalTruths.length * draws),
  }),
);
