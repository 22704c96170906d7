import type { StatsCut, StatsRelease } from '@credence/core/wire/statistics';
import { PlatformError } from '../domain/errors.js';
import type { Store } from '../storage/store.js';
import type { PolicyService } from './policy-service.js';

/** Days after a week ends before it may be released: reports arrive late. */
export const RELEASE_LAG_DAYS = 7;
const DAY = 86_400_000;

/** The Monday (UTC) of an ISO week as YYYY-MM-DD, or undefined if `text` is not one. */
export function weekStart(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const t = Date.parse(`${text}T00:00:00Z`);
  if (!Number.isFinite(t) || new Date(t).toISOString().slice(0, 10) !== text) return undefined;
  return new Date(t).getUTCDay() === 1 ? t : undefined;
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
    const at = this.now();
    if (start + (7 + RELEASE_LAG_DAYS) * DAY > at)
      throw new PlatformError(
        'stats.week_open',
        `A week is released ${RELEASE_LAG_DAYS} days after it ends, when its reports are in.`,
        { errors: [{ field: 'week', message: `ended less than ${RELEASE_LAG_DAYS} days ago` }] },
      );
    const rule = this.policies.get().policy.statistics;
    const e = epsilon ?? rule.epsilonPerWeek;
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
        `ε ${e} would bring the week to ${done.spent.week + e} (budget ${rule.epsilonPerWeek}) and the total to ${done.spent.total + e} (budget ${rule.epsilonTotal}).`,
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
