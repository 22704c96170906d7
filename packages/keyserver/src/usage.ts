import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import {
  type Clock,
  secondsToNextUtcDay,
  TokenBucket,
  utcDay,
} from '@credence/server-kit/rate-limit';
import type { MemberEntry } from './members.js';

/**
 * The most evaluations one request of the member can ever get: the token bucket holds a
 * minute's worth of the rate, and a day holds the quota.
 */
export function mostAtOnce(member: MemberEntry): {
  most: number;
  limit: 'ratePerMinute' | 'quotaPerDay';
} {
  return member.ratePerMinute <= member.quotaPerDay
    ? { most: member.ratePerMinute, limit: 'ratePerMinute' }
    : { most: member.quotaPerDay, limit: 'quotaPerDay' };
}

/**
 * Evaluations per member: the daily quota, the rate limit, and the counts the key
 * server publishes (SPEC §3.2: dictionary attacks must be slow and visible). Counts
 * survive a restart when a state file is given; they are written at most once a second
 * and on close, so a crash loses at most a second of counting, never a quota.
 */
export class UsageLedger {
  private readonly counts = new Map<string, number>();
  private readonly buckets = new Map<string, TokenBucket>();
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly stateFile?: string,
  ) {
    if (stateFile !== undefined && existsSync(stateFile)) {
      const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as {
        counts?: Record<string, number>;
      };
      for (const [key, n] of Object.entries(saved.counts ?? {}))
        if (Number.isInteger(n) && n >= 0) this.counts.set(key, n);
    }
  }

  private key(member: string, day: string): string {
    return `${day}/${member}`;
  }

  used(member: string, day = utcDay(this.clock.now())): number {
    return this.counts.get(this.key(member, day)) ?? 0;
  }

  /**
   * Reserves n evaluations for a member, or says why not: more than its limits allow at
   * once (the burst of the rate, or the whole daily quota), which no wait would change;
   * or what is left of the daily quota, or the rate limit, with the seconds after which
   * to retry.
   */
  reserve(
    member: MemberEntry,
    n: number,
  ):
    | { ok: true; remaining: number }
    | { ok: false; reason: 'quota' | 'rate'; retryAfter: number }
    | { ok: false; reason: 'too_many'; most: number; limit: 'ratePerMinute' | 'quotaPerDay' } {
    const most = mostAtOnce(member);
    if (n > most.most) return { ok: false, reason: 'too_many', ...most };
    const now = this.clock.now();
    const day = utcDay(now);
    const used = this.used(member.id, day);
    if (used + n > member.quotaPerDay)
      return { ok: false, reason: 'quota', retryAfter: secondsToNextUtcDay(now) };
    let bucket = this.buckets.get(member.id);
    if (bucket === undefined) {
      bucket = new TokenBucket(member.ratePerMinute, member.ratePerMinute / 60, this.clock);
      this.buckets.set(member.id, bucket);
    }
    // n is at most the bucket's capacity (mostAtOnce), so the wait is finite.
    const taken = bucket.take(n);
    if (!taken.ok) return { ok: false, reason: 'rate', retryAfter: taken.retryAfter };
    this.counts.set(this.key(member.id, day), used + n);
    this.markDirty();
    return { ok: true, remaining: member.quotaPerDay - used - n };
  }

  /** Counts for a day, by member. */
  day(day: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [key, n] of this.counts)
      if (key.startsWith(`${day}/`)) out[key.slice(day.length + 1)] = n;
    return out;
  }

  private markDirty(): void {
    this.dirty = true;
    if (this.stateFile === undefined || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, 1000);
    this.timer.unref();
  }

  flush(): void {
    if (this.stateFile === undefined || !this.dirty) return;
    const tmp = `${this.stateFile}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ counts: Object.fromEntries(this.counts) })}\n`);
    renameSync(tmp, this.stateFile);
    this.dirty = false;
  }

  close(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.flush();
  }
}
