import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnalysisResult } from '../src/services/analysis.js';
import { AnalysisService } from '../src/services/analysis.js';
import { PolicyService } from '../src/services/policy-service.js';
import type { Store } from '../src/storage/store.js';
import { type Harness, harness, tok } from './harness.js';
import { muleRing } from './mule-ring.js';

/**
 * A run's per-token ranks are rows in the store, read when a check asks (issue 19): an
 * API node loads the run's summary, not every token the run scored. What a check answers
 * must be what the kept document (the one the log binds) lists, token for token.
 */
let dir: string;
let h: Harness;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'credence-ranks-'));
  h = await harness({ db: join(dir, 'platform.sqlite') });
  await muleRing(h);
  const res = await h.request(h.actors.operator, 'POST', '/v1/analysis');
  expect(res.statusCode, res.body).toBe(200);
});
afterEach(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

type Listed = NonNullable<AnalysisResult['ranking']>['tokens'];
type CheckRank = { score: number; percentile: number; model: string; reason: string } | null;

/** The kept document's ranking, and tokens it does not list. */
async function kept(store: Store) {
  const body = (await store.latestAnalysis())?.body ?? '';
  const result = JSON.parse(body) as AnalysisResult;
  const listed: Listed = result.ranking?.tokens ?? [];
  return { body, model: result.ranking?.model ?? '', listed };
}

/** A store that counts the tokens whose ranks it was asked for. */
function counting(store: Store): { store: Store; asked: string[] } {
  const asked: string[] = [];
  const counted = new Proxy(store, {
    get(target, name, receiver) {
      if (name === 'analysisRanks')
        return (run: number, tokens: readonly string[]) => {
          asked.push(...tokens);
          return target.analysisRanks(run, tokens);
        };
      const value = Reflect.get(target, name, receiver) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: counted, asked };
}

const service = (store: Store, rankCache: number) =>
  new AnalysisService(store, new PolicyService(store, { run: async () => true }), {
    inWorker: false,
    rankCache,
  });

describe("an analysis run's ranks, as checks answer them", () => {
  it('answers every ranked token as the kept document lists it, and a token it does not list with none', async () => {
    const { model, listed } = await kept(h.platform.store);
    expect(listed.length).toBeGreaterThanOrEqual(4);
    const unlisted = [tok('zz1'), tok('zz2')];
    const res = await h.request(h.actors.telecom, 'POST', '/v1/check', {
      tokens: [...listed.map(([t]) => t), ...unlisted],
    });
    expect(res.statusCode, res.body).toBe(200);
    const { results } = res.json() as { results: { token: string; rank: CheckRank }[] };
    for (const [i, [token, score, percentile]] of listed.entries())
      expect(results[i], token).toMatchObject({ token, rank: { score, percentile, model } });
    expect(results.slice(listed.length).map((r) => r.rank)).toEqual([null, null]);
  });

  it('reads from the store only the ranks it does not hold, and holds at most as many as it may', async () => {
    const { model, listed } = await kept(h.platform.store);
    const { store, asked } = counting(h.platform.store);
    const node = service(store, 3);
    await node.refresh();
    const tokens = listed.slice(0, 3).map(([t]) => t);
    const first = await node.lookup([...tokens, tokens[0] as string]);
    expect(first.run?.id).toBe(1);
    expect(first.ranks.map((r) => r?.score)).toEqual(
      [...listed.slice(0, 3), listed[0]].map((l) => l?.[1]),
    );
    expect(first.ranks[0]).toMatchObject({ model, reason: expect.stringMatching(/^In the top /) });
    // Each token once, in one read.
    expect(asked).toEqual(tokens);
    // Held: no read.
    await node.lookup(tokens);
    expect(asked).toHaveLength(3);
    // A fourth token pushes the least recently used out (the cache holds three): it is read again.
    const fourth = listed[3]?.[0] as string;
    await node.lookup([fourth]);
    await node.lookup(tokens);
    expect(asked).toEqual([...tokens, fourth, tokens[0]]);
    // Tokens no run ranked (most checked tokens) are not read: the run's filter of its
    // ranked tokens says so (16-bit fingerprints: one in 65,536 would be read anyway).
    const fresh = Array.from({ length: 200 }, (_, i) => tok(`zz${i}`));
    expect((await node.lookup(fresh)).ranks.every((r) => r === undefined)).toBe(true);
    expect(asked.filter((t) => fresh.includes(t)).length).toBeLessThanOrEqual(1);
  });

  it('puts back the ranks of a run that the store lost, from its document, and answers alike', async () => {
    const { listed } = await kept(h.platform.store);
    const tokens = listed.map(([t]) => t);
    const before = await h.platform.analysis.lookup(tokens);
    // What a crash or a failover does to PostgreSQL's unlogged tables.
    const db = new Database(join(dir, 'platform.sqlite'));
    db.exec('DELETE FROM analysis_ranks; DELETE FROM analysis_ranks_kept');
    const rows = () =>
      (db.prepare('SELECT count(*) AS n FROM analysis_ranks').get() as { n: number }).n;
    expect(rows()).toBe(0);
    expect((await h.platform.store.latestAnalysisHead())?.ranksKept).toBe(false);
    const node = service(h.platform.store, 100);
    await node.refresh();
    expect(rows()).toBe(listed.length);
    db.close();
    expect(await node.lookup(tokens)).toEqual(before);
  });

  it('loads a run kept before ranks had rows from its whole document, and answers alike', async () => {
    const { body, listed } = await kept(h.platform.store);
    const fresh = service(h.platform.store, 100);
    await fresh.refresh();
    const before = await fresh.lookup(listed.map(([t]) => t));
    // As an older platform left it: no summary, no digest, no ranks.
    const db = new Database(join(dir, 'platform.sqlite'));
    db.exec('UPDATE analysis_runs SET summary = NULL, result_sha256 = NULL');
    db.exec('DELETE FROM analysis_ranks; DELETE FROM analysis_ranks_kept');
    db.close();
    const { store, asked } = counting(h.platform.store);
    const old = service(store, 100);
    await old.refresh();
    expect(old.current()?.resultSha256).toBe(createHash('sha256').update(body).digest('hex'));
    expect(old.current()?.resultSha256).toBe(fresh.current()?.resultSha256);
    const after = await old.lookup(listed.map(([t]) => t));
    expect(after.ranks).toEqual(before.ranks);
    expect(after.rings).toEqual(before.rings);
    expect(asked).toEqual([]);
  });
});
