import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMetrics } from '../src/http/metrics.js';
import { createPlatform, type Platform } from '../src/server.js';
import { Background } from '../src/services/background.js';
import { backgroundFailures } from './harness.js';

const failures = async (registry: Registry, job: string) => {
  const metric = await registry.getSingleMetricAsString('credence_background_failures_total');
  const line = metric
    .split('\n')
    .find((l) => l.startsWith(`credence_background_failures_total{job="${job}"}`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
};

describe('background work', () => {
  const stops: (() => unknown)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });

  it('tells of each failure, counted and logged with its job, and retries on the next round', async () => {
    const { registry, metrics } = createMetrics();
    const background = new Background(metrics);
    const logged: { fields: Record<string, unknown>; message: string }[] = [];
    background.logTo({ error: (fields, message) => logged.push({ fields, message }) });
    stops.push(() => background.stop());
    let calls = 0;
    background.every('flaky', 5, async () => {
      calls++;
      if (calls <= 2)
        throw Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
    });
    await vi.waitFor(() => expect(calls).toBeGreaterThanOrEqual(3), { timeout: 2000, interval: 5 });
    expect(await failures(registry, 'flaky')).toBe(2);
    expect(logged.slice(0, 2)).toEqual([
      {
        fields: { job: 'flaky', code: 'ECONNREFUSED' },
        message: 'background job flaky failed: connection refused',
      },
      {
        fields: { job: 'flaky', code: 'ECONNREFUSED' },
        message: 'background job flaky failed: connection refused',
      },
    ]);
    const success = await registry.getSingleMetricAsString(
      'credence_background_last_success_seconds',
    );
    expect(success).toMatch(/credence_background_last_success_seconds\{job="flaky"\} \d/);
  });

  it('never rejects, and skips a round while the last one of the job still runs', async () => {
    const { registry, metrics } = createMetrics();
    const background = new Background(metrics);
    let release: () => void = () => undefined;
    const slow = background.run('slow', () => new Promise<void>((r) => (release = r)));
    expect(await background.run('slow', async () => undefined)).toBe(false);
    release();
    expect(await slow).toBe(true);
    expect(await background.run('broken', () => Promise.reject(new Error('no')))).toBe(false);
    expect(await failures(registry, 'broken')).toBe(1);
    expect(await failures(registry, 'slow')).toBe(0);
  });

  it('keeps the platform up when the store fails under its webhook deliveries, and counts it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'credence-background-'));
    const platform: Platform = await createPlatform({
      db: join(dir, 'platform.sqlite'),
      keyFile: join(dir, 'key.json'),
      checkpointIntervalMs: 0,
    });
    stops.push(async () => {
      await platform.close();
      rmSync(dir, { recursive: true, force: true });
    });
    // The store answering the dispatcher with an error, as a database that went away does
    // (the dispatcher's own reference to it, since the store's methods run on its thread).
    const real = platform.store;
    const failing = new Proxy(real, {
      get: (target, property) =>
        property === 'claimDeliveries'
          ? () => Promise.reject(new Error('database is locked'))
          : Reflect.get(target, property),
    });
    Object.defineProperty(platform.webhooks, 'store', { value: failing });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    stops.push(() => process.off('unhandledRejection', onUnhandled));
    await platform.start();
    await vi.waitFor(
      async () => expect(await backgroundFailures(platform.app, 'webhooks')).toBeGreaterThan(0),
      { timeout: 5000, interval: 50 },
    );
    expect(unhandled).toEqual([]);
    expect((await platform.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
