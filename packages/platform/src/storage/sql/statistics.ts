import {
  cryptoInts,
  discreteLaplace,
  type RandomInts,
  rationalOf,
} from '@credence/core/privacy/discrete-laplace';
import type { StatisticsRule } from '@credence/core/risk/policy';
import { canonicalJson } from '@credence/core/signing/canonical-json';
import { CN_PROVINCE_CODES } from '@credence/core/wire/region';
import {
  STATS_CELLS,
  type StatsCell,
  type StatsCut,
  type StatsRelease,
} from '@credence/core/wire/statistics';
import { eventEntry } from '../log-append.js';
import { logWrite } from './log.js';
import { all, dialect, get, run, type Step } from './steps.js';

/**
 * Public statistics (issue 17, docs/statistics.md), written once for both stores: a
 * release counts a week's standing reports by one cut, adds discrete Laplace noise at the
 * ε asked for, shows counts below the threshold as null, and is refused when it would
 * take a week's or the total budget past the policy's. The release, the ε it spent and
 * the budget left are logged in the releasing operator's name, in the same transaction.
 */

export type Released =
  | { readonly status: 'released'; readonly release: StatsRelease; readonly spent: Spent }
  /** This week's cut was released before: releases are never noised twice. */
  | { readonly status: 'released_before'; readonly release: StatsRelease }
  /** It would take the week's or the total spend past the policy's budget: nothing spent. */
  | { readonly status: 'over_budget'; readonly spent: Spent };

/** What has been spent, in ε. */
export interface Spent {
  readonly week: number;
  readonly total: number;
}

type Row = {
  week: string;
  cut: string;
  epsilon_milli: number | string;
  threshold: number | string;
  cells: string;
  released_at: number | string;
  released_by: string;
};

const releaseOf = (r: Row): StatsRelease => ({
  week: r.week,
  cut: r.cut as StatsCut,
  epsilon: Number(r.epsilon_milli) / 1000,
  threshold: Number(r.threshold),
  cells: JSON.parse(r.cells) as StatsCell[],
  releasedAt: new Date(Number(r.released_at)).toISOString(),
  releasedBy: r.released_by,
});

const milli = (epsilon: number) => Math.round(epsilon * 1000);

/** The ε spent on `week`, and in all. */
function* spentOn(week: string): Step<Spent> {
  const row = yield* get<{ w: number | string | null; t: number | string | null }>(
    'SELECT (SELECT sum(epsilon_milli) FROM stats_releases WHERE week = ?) AS w, (SELECT sum(epsilon_milli) FROM stats_releases) AS t',
    week,
  );
  return { week: Number(row?.w ?? 0) / 1000, total: Number(row?.t ?? 0) / 1000 };
}

/**
 * A report's region cell (core/wire/statistics.ts, REGION_CELLS), in SQL: a province by
 * its code, whatever else was stored `other`, so that no report falls outside the cells.
 */
const REGION_CELL = `CASE WHEN region IS NULL THEN 'unknown' WHEN region IN (${CN_PROVINCE_CODES.map((c) => `'${c}'`).join(', ')}) THEN region ELSE 'other' END`;

/** Each cut's cell of a report, in SQL (both dialects). */
const CUT_COLUMNS: Readonly<Record<StatsCut, string>> = {
  category: 'category',
  loss: "coalesce(loss, 'none')",
  region: REGION_CELL,
  category_region: `category || ':' || ${REGION_CELL}`,
};

/** The true counts of the reports that stand, whose event fell in [from, to), by the cut. */
function* trueCounts(cut: StatsCut, from: number, to: number): Step<Map<string, number>> {
  const column = CUT_COLUMNS[cut];
  const rows = yield* all<{ k: string; n: number | string }>(
    `SELECT ${column} AS k, count(*) AS n FROM reports
      WHERE retracted_at IS NULL AND occurred_at >= ? AND occurred_at < ? GROUP BY ${column}`,
    from,
    to,
  );
  return new Map(rows.map((r) => [r.k, Number(r.n)]));
}

/**
 * Releases the week's cut (`week` is its Monday, UTC, YYYY-MM-DD) at `epsilon`, unless it
 * was released before or would overspend the rule's budget.
 */
export function* releaseStats(
  week: string,
  cut: StatsCut,
  epsilon: number,
  rule: StatisticsRule,
  by: string,
  at: number,
  rng: RandomInts = cryptoInts,
): Step<Released> {
  // One release at a time across processes: the budget is read and spent in one go.
  if ((yield* dialect()) === 'postgres') yield* run('LOCK TABLE stats_releases IN EXCLUSIVE MODE');
  const before = yield* get<Row>(
    'SELECT * FROM stats_releases WHERE week = ? AND cut = ?',
    week,
    cut,
  );
  if (before !== undefined) return { status: 'released_before', release: releaseOf(before) };
  const spent = yield* spentOn(week);
  const e = milli(epsilon);
  if (
    milli(spent.week) + e > milli(rule.epsilonPerWeek) ||
    milli(spent.total) + e > milli(rule.epsilonTotal)
  )
    return { status: 'over_budget', spent };
  const from = Date.parse(`${week}T00:00:00Z`);
  const counts = yield* trueCounts(cut, from, from + 7 * 86_400_000);
  const noise = rationalOf(epsilon);
  const cells: StatsCell[] = STATS_CELLS[cut].map((key) => {
    const noised = (counts.get(key) ?? 0) + discreteLaplace(rng, noise);
    return { key, count: noised < rule.threshold ? null : noised };
  });
  const release: StatsRelease = {
    week,
    cut,
    epsilon: e / 1000,
    threshold: rule.threshold,
    cells,
    releasedAt: new Date(at).toISOString(),
    releasedBy: by,
  };
  yield* run(
    `INSERT INTO stats_releases (week, cut, epsilon_milli, threshold, cells, released_at, released_by)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
    week,
    cut,
    e,
    rule.threshold,
    canonicalJson(cells),
    at,
    by,
  );
  const after = { week: (milli(spent.week) + e) / 1000, total: (milli(spent.total) + e) / 1000 };
  yield* logWrite(
    by,
    at,
    [],
    [
      eventEntry('stats_release', by, `stats/${week}/${cut}`, at, {
        event: 'stats_release',
        week,
        cut,
        epsilon: release.epsilon,
        threshold: rule.threshold,
        cells,
        spentWeek: after.week,
        spentTotal: after.total,
        budget: { epsilonPerWeek: rule.epsilonPerWeek, epsilonTotal: rule.epsilonTotal },
      }),
    ],
  );
  return { status: 'released', release, spent: after };
}

/** Releases of weeks from `from` to `to` (inclusive, YYYY-MM-DD), of one cut or all: newest first. */
export function* statsReleases(
  filter: { readonly from?: string; readonly to?: string; readonly cut?: StatsCut },
  limit: number,
): Step<StatsRelease[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.from !== undefined) {
    where.push('week >= ?');
    params.push(filter.from);
  }
  if (filter.to !== undefined) {
    where.push('week <= ?');
    params.push(filter.to);
  }
  if (filter.cut !== undefined) {
    where.push('cut = ?');
    params.push(filter.cut);
  }
  const rows = yield* all<Row>(
    `SELECT * FROM stats_releases ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
      ORDER BY week DESC, cut LIMIT ?`,
    ...params,
    limit,
  );
  return rows.map(releaseOf);
}

/** The ε spent in all. */
export function* statsSpent(): Step<number> {
  const row = yield* get<{ t: number | string | null }>(
    'SELECT sum(epsilon_milli) AS t FROM stats_releases',
  );
  return Number(row?.t ?? 0) / 1000;
}
