/**
 * A token given to a new holder (issue 12: a recycled number, an account handed on) is
 * checked on what was said of it since. A token's summary rows (per member and report
 * type) whose last report predates its latest reassignment all concern an earlier holder
 * and are left out; a row that spans the reassignment stays, since it holds a report of
 * the current holder's time. The platform's checks and the auditor who recomputes them
 * both use this, so that they agree.
 */
export function currentHolder<S extends { readonly lastSeen: number; readonly reports: number }>(
  stats: readonly S[],
  reassignedAt: number | undefined,
): { stats: readonly S[]; earlier: number } {
  if (reassignedAt === undefined) return { stats, earlier: 0 };
  let earlier = 0;
  const kept: S[] = [];
  for (const s of stats) {
    if (s.lastSeen < reassignedAt) earlier += s.reports;
    else kept.push(s);
  }
  return { stats: kept, earlier };
}

/** What a check says of the reports left out for an earlier holder. */
export function reassignedWords(reassignedAt: number, earlier: number): string {
  const day = new Date(reassignedAt).toISOString().slice(0, 10);
  return `Given to a new holder on ${day}; ${earlier} earlier ${earlier === 1 ? 'report concerns' : 'reports concern'} the earlier holder.`;
}
