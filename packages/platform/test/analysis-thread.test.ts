import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AnalysisResult, AnalysisService } from '../src/services/analysis.js';
import { PolicyService } from '../src/services/policy-service.js';
import type { Store } from '../src/storage/store.js';
import { harness } from './harness.js';
import { muleRing } from './mule-ring.js';
import { BACKENDS } from './postgres.js';

/**
 * A run's evidence is read by the analysis thread through a connection of its own (the
 * store's --db), not on the API's event loop and copied over. What it keeps must be what a
 * run that reads the evidence on the event loop keeps, on either store.
 */
const NOW = Date.UTC(2026, 11, 8);

const service = (store: Store, options: ConstructorParameters<typeof AnalysisService>[2]) =>
  new AnalysisService(store, new PolicyService(store, { run: async () => true }), {
    now: () => NOW,
    ...options,
  });

/** The kept document of a run, without the one figure that is the run's own (its time). */
async function document(store: Store, id: number): Promise<AnalysisResult> {
  const result = JSON.parse((await store.getAnalysis(id))?.body ?? '{}') as AnalysisResult;
  return { ...result, stats: { ...result.stats, milliseconds: 0 } };
}

for (const [name, backend] of BACKENDS)
  describe(`the analysis thread's own reading (${name})`, () => {
    it('keeps the document a run reading on the event loop keeps', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'credence-analysis-thread-'));
      const { db: given, drop } = await backend();
      const db = given ?? join(dir, 'platform.sqlite');
      const h = await harness({ db });
      try {
        await muleRing(h);
        const store = h.platform.store;
        const inThread = await service(store, { db }).run('platform');
        const onLoop = await service(store, { inWorker: false }).run('platform');
        expect(inThread.rings).toBeGreaterThan(0);
        expect(inThread.id).not.toBe(onLoop.id);
        const kept = await document(store, inThread.id);
        expect(kept.ranking?.tokens.length).toBeGreaterThan(0);
        expect(kept).toEqual(await document(store, onLoop.id));
      } finally {
        await h.close();
        await drop();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

describe("the analysis thread's own reading", () => {
  it('fails the run, keeping nothing, when its connection reaches no store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'credence-analysis-thread-'));
    const h = await harness({ db: join(dir, 'platform.sqlite') });
    try {
      await muleRing(h);
      const store = h.platform.store;
      const before = (await store.latestAnalysisHead())?.id;
      await expect(
        service(store, { db: join(dir, 'elsewhere.sqlite') }).run('platform'),
      ).rejects.toThrow(/unable to open|no such file|SQLITE_CANTOPEN/i);
      expect((await store.latestAnalysisHead())?.id).toBe(before);
    } finally {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
