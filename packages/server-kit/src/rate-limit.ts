/**
 * Per-caller limits on work, with an injected clock. A token bucket bounds bursts (its
 * size) and the sustained rate (its refill); a daily quota bounds the total per UTC day.
 * Both count units of work (OPRF evaluations), not requests, so a caller cannot escape
 * them with big batches.
 */

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export class TokenBucket {
  private tokens: number;
  private updated: number;

  constructor(
    private readonly capacity: number,
    private readonly refillPerSecond: number,
    private readonly clock: Clock,
  ) {
    this.tokens = capacity;
    this.updated = clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(
      this.capacity,
      this.tokens + ((now - this.updated) / 1000) * this.refillPerSecond,
    );
    this.updated = now;
  }

  /** Takes n tokens if there are enough; otherwise returns the seconds to wait. */
  take(n: number): { ok: true } | { ok: false; retryAfter: number } {
    this.refill();
    if (n > this.capacity) return { ok: false, retryAfter: Number.POSITIVE_INFINITY };
    if (this.tokens >= n) {
      this.tokens -= n;
      return { ok: true };
    }
    return { ok: false, retryAfter: (n - this.tokens) / this.refillPerSecond };
  }
}

export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Seconds from ms to the next UTC midnight, when daily quotas reset. */
export function secondsToNextUtcDay(ms: number): number {
  const next = Date.parse(`${utcDay(ms)}T00:00:00Z`) + 86_400_000;
  return Math.ceil((next - ms) / 1000);
}
