import { type Clock, systemClock, TokenBucket } from '@credence/server-kit/rate-limit';

/**
 * Per-member request rates of the platform API (issue 11 §3), in three classes: checks
 * (the hot path: a member checks before every transfer, call or sign-up), other reads,
 * and writes (batches, watchlists, webhooks, administration). Each member has a token
 * bucket per class in each API process; it refills at the class's rate per second and
 * holds BURST_SECONDS of it.
 */
export const REQUEST_CLASSES = ['check', 'read', 'write'] as const;
export type RequestClass = (typeof REQUEST_CLASSES)[number];
/** Requests per second per member and API process; 0: no limit. */
export type RequestRates = Readonly<Record<RequestClass, number>>;

/**
 * Defaults far above what `npm start`, `credence member …` and the benchmarks send (one
 * API process answers about 8,000–30,000 single checks a second on the reference machine,
 * and takes a few batches a second): they stop a runaway client, and an operator sets
 * its members' real rates with `credence serve --check-rate …`.
 */
export const DEFAULT_REQUEST_RATES: RequestRates = { check: 100_000, read: 2_000, write: 100 };
export const BURST_SECONDS = 2;

/** The class of a request: checks by path, then reads by method, the rest writes. */
export function requestClass(method: string, route: string | undefined): RequestClass {
  if (route?.startsWith('/v1/check') === true) return 'check';
  return method === 'GET' || method === 'HEAD' ? 'read' : 'write';
}

export class RequestLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly rates: RequestRates = DEFAULT_REQUEST_RATES,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Takes one request of the class for the member, or says how many seconds to wait. */
  take(memberId: string, cls: RequestClass): { ok: true } | { ok: false; retryAfter: number } {
    const rate = this.rates[cls];
    if (rate <= 0) return { ok: true };
    const key = `${cls} ${memberId}`;
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = new TokenBucket(Math.max(1, rate * BURST_SECONDS), rate, this.clock);
      this.buckets.set(key, bucket);
    }
    return bucket.take(1);
  }
}
