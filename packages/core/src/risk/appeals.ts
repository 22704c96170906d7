/**
 * What an upheld appeal does to what checks answer (issue 17, docs/appeals.md), shared by
 * the platform's checks and the auditor who recomputes them, so that they agree.
 *
 * The evidence an appeal was ruled on is what members had said of the token by then: a
 * member's summary row of the token (per report type) whose latest event is no later than
 * the ruling holds only that evidence and is left out, now and whenever it is recounted;
 * a report of an event after the ruling is new evidence and counts (the token may be
 * flagged again by it). A row that spans the ruling counts whole, as for a reassigned
 * number (holders/current-holder.ts): the summary keeps no per-report times to split it.
 * A ring found by an analysis run made before the ruling no longer raises the token; the
 * next run leaves the earlier evidence out of its graph.
 */
export function sinceAppeal<S extends { readonly lastSeen: number; readonly reports: number }>(
  stats: readonly S[],
  upheldAt: number | undefined,
): { stats: readonly S[]; earlier: number } {
  if (upheldAt === undefined) return { stats, earlier: 0 };
  let earlier = 0;
  const kept: S[] = [];
  for (const s of stats) {
    if (s.lastSeen <= upheldAt) earlier += s.reports;
    else kept.push(s);
  }
  return { stats: kept, earlier };
}

/** Whether evidence of an event at `at` was ruled on by an appeal upheld at `upheldAt`. */
export const ruledOn = (at: number, upheldAt: number | undefined): boolean =>
  upheldAt !== undefined && at <= upheldAt;

/** Whether a ring from a run made at `runAt` still raises a token whose appeal was upheld. */
export const ringStands = (runAt: number, upheldAt: number | undefined): boolean =>
  upheldAt === undefined || runAt > upheldAt;

/** What a check says of an upheld appeal. */
export function appealWords(upheldAt: number, earlier: number): string {
  const day = new Date(upheldAt).toISOString().slice(0, 10);
  return earlier === 0
    ? `Appeal upheld on ${day}.`
    : `Appeal upheld on ${day}; ${earlier} earlier ${earlier === 1 ? 'report no longer counts' : 'reports no longer count'}.`;
}
