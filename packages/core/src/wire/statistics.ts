import { AMOUNT_BANDS } from './amount-band.js';
import { CN_PROVINCE_CODES } from './region.js';
import { CATEGORIES } from './vocabulary.js';

/**
 * Public statistics (docs/statistics.md): noised counts of the reports that stand, by
 * one cut of a week's reports, each release charged to the policy's privacy budget.
 */

const DAY = 86_400_000;

/** The Monday 00:00 UTC (ms) of the ISO week a time (ms) falls in. */
export function mondayOf(ms: number): number {
  const d = new Date(ms);
  return (
    Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - ((d.getUTCDay() + 6) % 7) * DAY
  );
}

/** The ISO week's Monday (UTC) of an RFC 3339 time, as YYYY-MM-DD ('unknown' if none). */
export function weekOf(iso: string): string {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? new Date(mondayOf(t)).toISOString().slice(0, 10) : 'unknown';
}

/**
 * How a week's reports are cut into cells: each report falls in exactly one. By category,
 * by loss band, by the victim's region, or by category and region together.
 */
export const STATS_CUTS = ['category', 'loss', 'region', 'category_region'] as const;
export type StatsCut = (typeof STATS_CUTS)[number];

/**
 * A report's region cell: its province for a Chinese code, `other` for another
 * country's, `unknown` for none.
 */
export const REGION_CELLS: readonly string[] = [...CN_PROVINCE_CODES, 'other', 'unknown'];

/** The cell of a category and a region cell in the `category_region` cut. */
export const categoryRegionCell = (category: string, region: string) => `${category}:${region}`;

/** The cells of a cut, every one released (a missing cell would say it was empty). */
export const STATS_CELLS: Readonly<Record<StatsCut, readonly string[]>> = {
  category: CATEGORIES,
  /** Loss bands, and `none` for reports that state no loss. */
  loss: [...AMOUNT_BANDS, 'none'],
  region: REGION_CELLS,
  category_region: CATEGORIES.flatMap((c) => REGION_CELLS.map((r) => categoryRegionCell(c, r))),
};

export interface StatsCell {
  readonly key: string;
  /** The noised count; null when it came out below the threshold. */
  readonly count: number | null;
}

/** A release as the platform answers it and logs it. */
export interface StatsRelease {
  /** The ISO week's Monday (YYYY-MM-DD, UTC) of the reports' occurredAt. */
  readonly week: string;
  readonly cut: StatsCut;
  readonly epsilon: number;
  readonly threshold: number;
  readonly cells: readonly StatsCell[];
  readonly releasedAt: string;
  readonly releasedBy: string;
}
