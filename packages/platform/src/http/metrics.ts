import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { BackgroundMetrics } from '../services/background.js';

/** Prometheus metrics of one API process (GET /metrics). Labels never hold tokens. */
export interface PlatformMetrics extends BackgroundMetrics {
  readonly requests: Counter<'route' | 'method' | 'status'>;
  readonly latency: Histogram<'route'>;
  readonly ingested: Counter<'kind'>;
  readonly checks: Counter<'verdict'>;
  readonly flagged: Gauge;
  readonly watermark: Gauge;
  readonly standbyReads: Gauge<'answered_by'>;
}

export function createMetrics(): { registry: Registry; metrics: PlatformMetrics } {
  const registry = new Registry();
  // The process's own: memory, CPU, event loop lag, garbage collection.
  collectDefaultMetrics({ register: registry });
  const metrics: PlatformMetrics = {
    requests: new Counter({
      name: 'credence_http_requests_total',
      help: 'HTTP requests by route, method and status',
      labelNames: ['route', 'method', 'status'],
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'credence_http_request_seconds',
      help: 'HTTP request latency',
      labelNames: ['route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers: [registry],
    }),
    ingested: new Counter({
      name: 'credence_ingested_items_total',
      help: 'Reports and links accepted',
      labelNames: ['kind'],
      registers: [registry],
    }),
    checks: new Counter({
      name: 'credence_checks_total',
      help: 'Tokens checked, by verdict',
      labelNames: ['verdict'],
      registers: [registry],
    }),
    flagged: new Gauge({
      name: 'credence_flagged_tokens',
      help: 'Flagged tokens in this process',
      registers: [registry],
    }),
    watermark: new Gauge({
      name: 'credence_change_sequence',
      help: 'Change sequence applied by this process',
      registers: [registry],
    }),
    standbyReads: new Gauge({
      name: 'credence_standby_reads',
      help: 'Reads meant for the PostgreSQL hot standbys (--db-read) since start, by who answered: the standby, or the primary (the standby lagged, lacked the rows or was out of reach)',
      labelNames: ['answered_by'],
      registers: [registry],
    }),
    backgroundFailures: new Counter({
      name: 'credence_background_failures_total',
      help: 'Failed rounds of background work (following, checkpoints, analysis, webhooks, policy), by job',
      labelNames: ['job'],
      registers: [registry],
    }),
    backgroundSuccess: new Gauge({
      name: 'credence_background_last_success_seconds',
      help: 'When each background job last succeeded (Unix time)',
      labelNames: ['job'],
      registers: [registry],
    }),
  };
  return { registry, metrics };
}
