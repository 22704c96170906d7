import type { Counter, Gauge } from 'prom-client';

/** Where a background failure is told: a logger's error (pino's signature). */
export interface FailureLog {
  error(fields: Record<string, unknown>, message: string): void;
}

/** What background work is measured by (GET /metrics). */
export interface BackgroundMetrics {
  readonly backgroundFailures: Counter<'job'>;
  readonly backgroundSuccess: Gauge<'job'>;
}

/**
 * Work an API process does on its own, not for a request: following other processes'
 * writes, flushing check digests and signing checkpoints, scheduled analysis, webhook
 * deliveries, the policy's refresh. None of it may fail unseen or take the process down
 * with an unhandled rejection: a failure is logged (the job, the error's message and
 * code; errors of the store name no identifier) and counted in
 * `credence_background_failures_total{job}`, and the job's next round retries it. A
 * round that comes while the last one of the same job still runs is skipped.
 */
export class Background {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<string>();
  private log: FailureLog | undefined;

  constructor(private readonly metrics: BackgroundMetrics) {}

  /** Failures are logged here from now on (the HTTP app's logger, once it exists). */
  logTo(log: FailureLog): void {
    this.log = log;
  }

  /** Runs a job now: true if it succeeded, false if it failed (told) or was running. */
  async run(job: string, work: () => Promise<unknown>): Promise<boolean> {
    if (this.running.has(job)) return false;
    this.running.add(job);
    try {
      await work();
      this.metrics.backgroundSuccess.set({ job }, Date.now() / 1000);
      return true;
    } catch (error) {
      this.fail(job, error);
      return false;
    } finally {
      this.running.delete(job);
    }
  }

  /** Runs a job every `ms` until stop(); the timer does not keep the process alive. */
  every(job: string, ms: number, work: () => Promise<unknown>): void {
    const timer = setInterval(() => void this.run(job, work), ms);
    timer.unref();
    this.timers.add(timer);
  }

  /** Tells of a failure of work that is not run here (a connection's error event). */
  fail(job: string, error: unknown): void {
    this.metrics.backgroundFailures.inc({ job });
    const e = error as { message?: unknown; code?: unknown };
    this.log?.error(
      {
        job,
        ...(typeof e?.code === 'string' ? { code: e.code } : {}),
      },
      `background job ${job} failed: ${typeof e?.message === 'string' ? e.message : String(error)}`,
    );
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.clear();
  }
}
