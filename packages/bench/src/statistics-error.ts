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
 * the share withheld by the threshold (5). The same for one province (CN-GD, the most
 * populous): its weekly count of each category (the category × region release) and its
 * weekly total, both added up from that release and as the region release's one cell.
 * Baseline in the same run: a count's own week-to-week chance variation, √n / n for a
 * Poisson count of n, over the same cells.
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

export interface Measured {
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

/** Errors gathered over the weeks for one set of cells and the total added up from them. */
class Gathered {
  readonly cellTruths: number[] = [];
  readonly cellErrors: number[] = [];
  cellWithheld = 0;
  readonly totalTruths: number[] = [];
  readonly totalErrors: number[] = [];
  totalWithheld = 0;

  /** One week's true counts of the cells (every cell of the set, zero or not). */
  week(truths: readonly number[]): void {
    const total = truths.reduce((a, b) => a + b, 0);
    for (const n of truths) if (n > 0) this.cellTruths.push(n);
    if (total > 0) this.totalTruths.push(total);
    for (let i = 0; i < draws; i++) {
      let sum = 0;
      let hidden = 0;
      for (const n of truths) {
        const r = released(n);
        sum += r ?? 0;
        if (r === null) hidden += 1;
        if (n > 0) {
          this.cellErrors.push(Math.abs((r ?? 0) - n) / n);
          if (r === null) this.cellWithheld += 1;
        }
      }
      if (total > 0) {
        this.totalErrors.push(Math.abs(sum - total) / total);
        if (hidden > 0) this.totalWithheld += 1;
      }
    }
  }

  cells(): Measured {
    return summary(
      this.cellTruths,
      this.cellErrors,
      this.cellWithheld,
      this.cellTruths.length * draws,
    );
  }

  totals(): Measured {
    return summary(
      this.totalTruths,
      this.totalErrors,
      this.totalWithheld,
      this.totalTruths.length * draws,
    );
  }
}

/** The province measured: the most populous, so the one with the most reports. */
const PROVINCE = 'CN-GD';

/** A report's region cell, as the platform counts it (core/wire/statistics.ts). */
const regionCell = (region: string | undefined) =>
  region === undefined ? 'unknown' : region.startsWith('CN-') ? region : 'other';

const national = new Gathered();
const province = new Gathered();
const provinceTotal = new Gathered();
let reports = 0;
let withRegion = 0;
let inProvince = 0;
for (const seed of process.argv.slice(2).map(Number)) {
  const dir = mkdtempSync(join(tmpdir(), 'credence-bench-stats-'));
  execFileSync(process.execPath, [BIN, 'sim', '--seed', String(seed), '--out', dir, '--quiet']);
  /** By week: each category's count, nationally and in the province; the province's all. */
  const weeks = new Map<
    string,
    { all: Map<string, number>; here: Map<string, number>; region: number }
  >();
  for (const member of readdirSync(join(dir, 'members'))) {
    const text = readFileSync(join(dir, 'members', member, 'reports.jsonl'), 'utf8');
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const r = JSON.parse(line) as { category?: string; occurredAt?: string; region?: string };
      if (r.category === undefined || r.occurredAt === undefined) continue;
      const key = weekOf(r.occurredAt);
      const week = weeks.get(key) ?? { all: new Map(), here: new Map(), region: 0 };
      weeks.set(key, week);
      week.all.set(r.category, (week.all.get(r.category) ?? 0) + 1);
      reports += 1;
      if (r.region !== undefined) withRegion += 1;
      if (regionCell(r.region) === PROVINCE) {
        inProvince += 1;
        week.region += 1;
        week.here.set(r.category, (week.here.get(r.category) ?? 0) + 1);
      }
    }
  }
  for (const week of weeks.values()) {
    national.week(CATEGORIES.map((c) => week.all.get(c) ?? 0));
    province.week(CATEGORIES.map((c) => week.here.get(c) ?? 0));
    provinceTotal.week([week.region]);
  }
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  JSON.stringify({
    epsilon,
    threshold,
    draws,
    province: PROVINCE,
    reports,
    withRegion,
    inProvince,
    byCategory: national.cells(),
    totals: national.totals(),
    provinceByCategory: province.cells(),
    provinceTotalsAdded: province.totals(),
    provinceTotals: provinceTotal.cells(),
  }),
);
