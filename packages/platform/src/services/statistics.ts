import { thousandthsOf } from '@credence/core/privacy/discrete-laplace';
import { EARLIEST_EVENT_TIME } from '@credence/core/wire/date-time';
import { mondayOf, type StatsCut, type StatsRelease } from '@credence/core/wire/statistics';
import { PlatformError } from '../domain/errors.js';
import type { Store } from '../storage/store.js';
import type { PolicyService } from './policy-service.js';

/** Days after a week ends before it may be released: reports arrive late. */
export const RELEASE_LAG_DAYS = 7;
const DAY = 86_400_000;
/** ε added in thousandths, as the store adds them (no 0.8999999999999999). */
const plus = (a: number, b: number) => (Math.round(a * 1000) + Math.round(b * 1000)) / 1000;
const FIRST_EVENT = Date.parse(EARLIEST_EVENT_TIME);

/** The Monday (UTC) of an ISO week as YYYY-MM-DD, or undefined if `text` is not one. */
export function weekStart(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const t = Date.parse(`${text}T00:00:00Z`);
  if (!Number.isFinite(t) || new Date(t).toISOString().slice(0, 10) !== text) return undefined;
  return mondayOf(t) === t ? t : undefined;
}

/**
 * Public statistics (issue 17, docs/statistics.md): the operator releases a week's cut
 * at an ε within the policy's budget; anyone reads the releases. A release is made once
 * and never noised again; one that would overspend is refused and spends nothing.
 */
export class StatisticsService {
  constructor(
    private readonly store: Store,
    private readonly policies: PolicyService,
    private readonly now: () => number = Date.now,
  ) {}

  async release(
    week: string,
    cut: StatsCut,
    epsilon: number | undefined,
    by: string,
  ): Promise<{ release: StatsRelease; spent: { week: number; total: number } }> {
    const start = weekStart(week);
    if (start === undefined)
      throw new PlatformError('request.invalid', 'week is the Monday of an ISO week', {
        errors: [{ field: 'week', message: 'must be a Monday, YYYY-MM-DD' }],
      });
    // No report's event is before 1990 (core/wire/date-time.ts): an earlier week would
    // spend budget on nothing.
    if (start + 7 * DAY <= FIRST_EVENT)
      throw new PlatformError('request.invalid', 'no report is of a week before 1990', {
        errors: [{ field: 'week', message: 'must not be before 1990' }],
      });
    const at = this.now();
    if (start + (7 + RELEASE_LAG_DAYS) * DAY > at)
      throw new PlatformError(
        'stats.week_open',
        `A week is released ${RELEASE_LAG_DAYS} days after it ends, when its reports are in.`,
        { errors: [{ field: 'week', message: `ended less than ${RELEASE_LAG_DAYS} days ago` }] },
      );
    const rule = this.policies.get().policy.statistics;
    const e = epsilon ?? rule.epsilonPerWeek;
    // The sampler takes ε as a fraction of thousandths; more decimals are not a release.
    if (thousandthsOf(e) === undefined)
      throw new PlatformError('request.invalid', 'ε has at most 3 decimals', {
        errors: [{ field: 'epsilon', message: 'must have at most 3 decimals' }],
      });
    const done = await this.store.releaseStats(week, cut, e, rule, by, at);
    if (done.status === 'released_before')
      throw new PlatformError(
        'stats.released',
        `${week} by ${cut} was released before (at ε ${done.release.epsilon}); it is not noised again.`,
        { errors: [{ field: 'week', message: 'is released by this cut' }] },
      );
    if (done.status === 'over_budget')
      throw new PlatformError(
        'stats.budget_exhausted',
        `ε ${e} would bring the week to ${plus(done.spent.week, e)} (budget ${rule.epsilonPerWeek}) and the total to ${plus(done.spent.total, e)} (budget ${rule.epsilonTotal}).`,
        { errors: [{ field: 'epsilon', message: 'is more than the budget has left' }] },
      );
    return { release: done.release, spent: done.spent };
  }

  async releases(filter: {
    readonly from?: string;
    readonly to?: string;
    readonly cut?: StatsCut;
  }): Promise<{
    releases: StatsRelease[];
    budget: { epsilonPerWeek: number; epsilonTotal: number; spentTotal: number; threshold: number };
  }> {
    const rule = this.policies.get().policy.statistics;
    const [releases, spent] = await Promise.all([
      this.store.statsReleases(filter, 1000),
      this.store.statsSpent(),
    ]);
    return {
      releases,
      budget: {
        epsilonPerWeek: rule.epsilonPerWeek,
        epsilonTotal: rule.epsilonTotal,
        spentTotal: spent,
        threshold: rule.threshold,
      },
    };
  }
}
