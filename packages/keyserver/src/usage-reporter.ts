import { type Clock, utcDay } from '@credence/server-kit/rate-limit';
import type { FastifyBaseLogger } from 'fastify';
import type { UsageLedger } from './usage.js';

/**
 * Reports this key server's evaluation counts to the platform's transparency log (SPEC
 * §3.2: every evaluation is counted in the log, so that dictionary attacks are slow and
 * visible): every interval, and on close, the counts per member of yesterday (until it is
 * complete) and today, to `POST /v1/log/oprf-usage` with the key server's own platform
 * credential (a member of type `keyserver`). The platform logs each count that grew, so
 * reporting again is harmless; a failed report is tried again at the next interval.
 */
export interface UsageReporterOptions {
  readonly ledger: UsageLedger;
  readonly keyId: string;
  readonly shareIndex: number;
  readonly platformUrl: string;
  readonly credential: string;
  readonly clock: Clock;
  readonly intervalMs?: number;
  readonly log?: FastifyBaseLogger;
}

export class UsageReporter {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly options: UsageReporterOptions) {}

  start(): void {
    const interval = this.options.intervalMs ?? 60_000;
    this.timer = setInterval(() => void this.report(), interval);
    this.timer.unref();
  }

  /** Sends the counts of yesterday and today; resolves when done (never rejects). */
  report(): Promise<void> {
    this.running = this.running.then(() => this.send());
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.report();
  }

  private async send(): Promise<void> {
    const now = this.options.clock.now();
    for (const day of [utcDay(now - 86_400_000), utcDay(now)]) {
      let counts = Object.entries(this.options.ledger.day(day)).map(([member, evaluations]) => ({
        member,
        evaluations,
      }));
      try {
        // The platform refuses a whole report that counts a member it does not know (a
        // members file ahead of, or behind, the platform's): those are named in the log
        // and left out, so that the others' counts still reach the transparency log.
        while (counts.length > 0) {
          const refused = await this.post(day, counts);
          if (refused.size === 0) break;
          this.options.log?.warn(
            { day, members: counts.filter((_, i) => refused.has(i)).map((c) => c.member) },
            'the platform knows no such member: its counts are left out of the report',
          );
          counts = counts.filter((_, i) => !refused.has(i));
        }
      } catch (error) {
        this.options.log?.warn({ day, error: (error as Error).message }, 'usage report failed');
      }
    }
  }

  /** One report; the indexes of counts refused as naming no member of the platform. */
  private async post(
    day: string,
    counts: readonly { member: string; evaluations: number }[],
  ): Promise<Set<number>> {
    const response = await fetch(
      `${this.options.platformUrl.replace(/\/$/, '')}/v1/log/oprf-usage`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.options.credential}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          keyId: this.options.keyId,
          shareIndex: this.options.shareIndex,
          day,
          counts,
        }),
        signal: AbortSignal.timeout(30_000),
      },
    );
    if (response.ok) {
      this.options.log?.info(
        {
          day,
          members: counts.length,
          logged: ((await response.json()) as { logged?: number }).logged,
        },
        'usage reported to the log',
      );
      return new Set();
    }
    const problem = (await response.json().catch(() => ({}))) as {
      code?: unknown;
      detail?: unknown;
      errors?: { field?: unknown }[];
    };
    const refused = new Set<number>();
    if (problem.code === 'usage.member_unknown')
      for (const e of problem.errors ?? []) {
        const index = /^counts\[(\d+)\]\.member$/.exec(String(e.field))?.[1];
        if (index !== undefined && Number(index) < counts.length) refused.add(Number(index));
      }
    if (refused.size === 0)
      this.options.log?.warn(
        { status: response.status, day, code: problem.code, detail: problem.detail },
        'the platform refused the usage report',
      );
    return refused;
  }
}
