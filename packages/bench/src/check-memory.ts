import type { TokenChange, TokenStats } from '@credence/platform/domain/types';
import { CheckView } from '@credence/platform/services/check-view';
import type { Store } from '@credence/platform/storage/store';
import { median } from './machine.js';

/**
 * An API node's memory for checks at scale (issue 19: 50 million flagged tokens in ≤ 2 GB
 * per node): `node --expose-gc check-memory.js N [CACHE] [map]` has a CheckView catch up
 * with N flagged tokens and reports the process's memory after a full collection; then
 * times checks of tokens nobody reported (the common case: the set answers), of flagged
 * ones (a few held in the cache, most read back), and of the cached ones.
 *
 * The change feed is generated, not stored: token i's change is seq i, one report from
 * one of 20 members, its token 32 random-looking bytes derived from i in base64url, as a
 * real token is.
 * What is measured is the view's own memory and its work per check; a real store adds its
 * own reads (a point read per flagged token not cached), which the platform suite's check
 * benchmark measures against PostgreSQL and SQLite. With `map`, the baseline: the view as
 * it was before issue 19, every flagged token's summary in a Map (its memory per token).
 */
const n = Number(process.argv[2] ?? 1_000_000);
const cacheSize = Number(process.argv[3] ?? 100_000);
const baseline = process.argv[4] === 'map';

/** A bijection of 32-bit words (murmur3's finalizer). */
function mix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
const bytes = Buffer.alloc(32);
/** Token i: 32 random-looking bytes, distinct for distinct i (the first word is a bijection of 8i). */
function tokenOf(i: number): string {
  for (let j = 0; j < 8; j++) bytes.writeUInt32LE(mix32(i * 8 + j), 4 * j);
  return bytes.toString('base64url');
}
const indexOf = new Map<string, number>();

function changeOf(i: number): TokenChange {
  const stats: TokenStats = {
    memberId: `member-${i % 20}`,
    type: i % 7 === 0 ? 'confirmed_fraud' : 'victim_report',
    reports: 1 + (i % 3),
    firstSeen: 1_790_000_000_000 + i,
    lastSeen: 1_790_000_000_000 + i,
    categories: 1 << (i % 5),
  };
  return {
    token: tokenOf(i),
    kind: 'phone',
    keyId: 'k1',
    seq: i,
    logSize: i,
    flagged: true,
    stats: [stats],
  };
}

/** The change feed of N flagged tokens, generated as it is read. */
const feed = {
  async changesSince(seq: number, limit: number): Promise<TokenChange[]> {
    const out: TokenChange[] = [];
    for (let i = seq + 1; i <= Math.min(n, seq + limit); i++) out.push(changeOf(i));
    return out;
  },
  async tokenStates(tokens: readonly string[]): Promise<TokenChange[]> {
    return tokens.flatMap((t) => {
      const i = indexOf.get(t);
      return i === undefined ? [] : [changeOf(i)];
    });
  },
} as unknown as Store;

function memory() {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers, external: m.external };
}

async function main() {
  const before = memory();
  let started = performance.now();
  let catchUpSeconds: number;
  let lookup: (tokens: readonly string[]) => Promise<unknown[]>;
  let cached = 0;
  let setBytes = 0;
  if (baseline) {
    // The view before issue 19: a Map of every flagged token to its summary.
    const map = new Map<string, { kind: string; stats: readonly TokenStats[] }>();
    for (let seq = 0; seq < n; seq += 10_000)
      for (const c of await feed.changesSince(seq, 10_000))
        map.set(c.token, { kind: c.kind, stats: c.stats });
    catchUpSeconds = (performance.now() - started) / 1000;
    lookup = async (tokens) => tokens.map((t) => map.get(t));
    cached = map.size;
  } else {
    const view = new CheckView(feed, { cacheSize });
    await view.catchUp();
    catchUpSeconds = (performance.now() - started) / 1000;
    if (view.size !== n) throw new Error(`the view holds ${view.size} tokens, not ${n}`);
    lookup = (tokens) => view.lookupMany(tokens);
    cached = view.memory.cached;
    setBytes = view.memory.setBytes;
  }
  const after = memory();

  // Checks, one token each as the hot path sends them: nobody's, flagged (random, so most
  // are read back), and the most recently changed (held in the cache).
  const rounds = 5;
  const probes = 200_000;
  const rate = async (pick: (j: number) => string) => {
    const rates: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const tokens = Array.from({ length: probes }, (_, j) => pick(r * probes + j));
      started = performance.now();
      for (const t of tokens) await lookup([t]);
      rates.push(probes / ((performance.now() - started) / 1000));
    }
    return median(rates);
  };
  const clearPerSecond = await rate((j) => tokenOf(n + 1 + j));
  let state = 12345;
  const random = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return 1 + (state % n);
  };
  const flaggedPerSecond = await rate(() => {
    const i = random();
    const t = tokenOf(i);
    indexOf.set(t, i);
    return t;
  });
  const recent = Math.min(cacheSize, n);
  const cachedPerSecond = baseline
    ? flaggedPerSecond
    : await rate((j) => {
        const i = n - (j % Math.max(1, Math.floor(recent / 2)));
        const t = tokenOf(i);
        indexOf.set(t, i);
        return t;
      });
  console.log(
    JSON.stringify({
      tokens: n,
      cacheSize: baseline ? n : cacheSize,
      baseline,
      catchUpSeconds,
      rss: after.rss,
      heapUsed: after.heapUsed,
      arrayBuffers: after.arrayBuffers,
      grownBy: after.rss - before.rss,
      setBytes,
      cached,
      clearPerSecond,
      flaggedPerSecond,
      cachedPerSecond,
    }),
  );
}

await main();
