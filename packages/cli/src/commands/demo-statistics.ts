/**
 * The demo's public statistics (issue 17, docs/statistics.md): the operator releases the
 * world's closed weeks, counted by category and by the victim's region, each cut at half
 * the policy's ε per week, so that `credence stats` and GET /v1/stats (no credential)
 * have releases to show.
 */
import { isCredenceError } from '@credence/core/errors';
import { mondayOf } from '@credence/core/wire/statistics';
import type { PlatformEndpoint } from '@credence/member/platform-client';
import { platformRequest } from '@credence/member/platform-client';

const DAY = 86_400_000;
/** A week is released 7 days after it ends (the platform's RELEASE_LAG_DAYS). */
const CLOSED_AFTER = 14 * DAY;

/** The Mondays (UTC) of the weeks the world's days touch that have closed by `now`. */
export function closedWeeks(start: string, days: number, now: number): string[] {
  const first = Date.parse(`${start}T00:00:00Z`);
  const monday = mondayOf(first);
  const weeks: string[] = [];
  for (let w = monday; w < first + days * DAY && w + CLOSED_AFTER <= now; w += 7 * DAY)
    weeks.push(new Date(w).toISOString().slice(0, 10));
  return weeks;
}

/** The cuts the demo releases each week, and the ε of each (the default policy's 1 in all). */
const DEMO_CUTS = [
  ['category', 0.5],
  ['region', 0.5],
] as const;

/**
 * Releases the closed weeks by category and by region, newest first, until the policy's
 * total budget would run out (a world of more than 52 weeks has more weeks than the
 * default budget's ε 52 pays for); the weeks released (now or by an earlier run), oldest
 * first.
 */
export async function releaseDemoStatistics(
  operator: PlatformEndpoint,
  world: { readonly start: string; readonly days: number },
  now = Date.now(),
): Promise<string[]> {
  const released: string[] = [];
  weeks: for (const week of closedWeeks(world.start, world.days, now).reverse()) {
    for (const [cut, epsilon] of DEMO_CUTS) {
      try {
        await platformRequest(
          operator,
          'POST',
          '/v1/stats/releases',
          { week, cut, epsilon },
          { retries: 2 },
        );
      } catch (error) {
        const code = isCredenceError(error) ? error.details.code : undefined;
        // The budget is spent: the older weeks stay unreleased.
        if (code === 'stats.budget_exhausted') break weeks;
        // Released by an earlier run on the same data: it stands as it was.
        if (code !== 'stats.released') throw error;
      }
    }
    released.push(week);
  }
  return released.reverse();
}
