import type { IdentifierKind } from '../identifiers/kinds.js';
import { combined, type Policy, strongestEvidence } from './policy.js';
import type { TokenStats } from './token-summary.js';

const DAY_MS = 86_400_000;

/**
 * When a token's reports, as they stand, stop making it suspicious: the first moment its
 * score (policy.ts `assess`: 1 − Π over members of 1 − their strongest evidence, aged by
 * the kind's half-life down to each type's floor) falls below the suspicious threshold,
 * to the minute; `now` if it already has; undefined if it never will (floors keep
 * police-confirmed and confirmed-fraud evidence from ageing away). A new report moves it.
 * What STIX calls an indicator's `valid_until` (docs/interop.md).
 */
export function clearsAt(
  policy: Policy,
  kind: IdentifierKind,
  stats: readonly TokenStats[],
  now: number,
  weightOf: (member: string) => number = () => 1,
): number | undefined {
  const halfLife = policy.halfLifeDays[kind] * DAY_MS;
  const threshold = policy.thresholds.suspicious;
  // assess's score alone (it is asked dozens of times a token).
  const scoreAt = (t: number): number =>
    combined(strongestEvidence(policy, stats, t, halfLife, weightOf).values());
  if (scoreAt(now) < threshold) return now;
  // Decayed all the way, only the floors are left.
  if (scoreAt(Number.MAX_SAFE_INTEGER / 2) >= threshold) return undefined;
  let lo = now;
  let hi = now + DAY_MS;
  while (scoreAt(hi) >= threshold) {
    lo = hi;
    hi = now + 2 * (hi - now);
  }
  // Invariant: suspicious at lo, clear at hi.
  while (hi - lo > 60_000) {
    const mid = Math.floor((lo + hi) / 2);
    if (scoreAt(mid) >= threshold) lo = mid;
    else hi = mid;
  }
  return hi;
}
