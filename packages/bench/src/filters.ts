import { randomBytes } from 'node:crypto';
import {
  BinaryFuseFilter,
  type FingerprintBits,
  tokenKey,
  tokenKeys,
} from '@credence/core/filters/binary-fuse';
import { FilterLayers } from '@credence/core/filters/filter-layers';
import { LineRate } from '@credence/member/line-rate';
import { median } from './machine.js';

/**
 * Compact filters of flagged tokens (issue 18: ≥ 20 million lookups/s on one core from a
 * warm filter of 10 million tokens; building 10 million ≤ 5 s): `node filters.js N`
 * builds binary fuse filters of N random keys (a token's key is its bytes folded to 8, and
 * tokens are uniformly random), 8- and 16-bit, three builds each; times lookups of random
 * keys (nearly all outside the set, as most numbers a telecom sees are) over five rounds;
 * counts the false positives among 10 million probes against 2^-8 and 2^-16. The
 * baseline, in the same run, is the exact set without a filter: the keys sorted (as
 * 53-bit numbers in a Float64Array) and searched by bisection.
 *
 * Deltas: the additions filter of 1 % churn (N / 100 tokens flagged since the base), its
 * bytes beside the base's and beside the plain list of those tokens (32 bytes each).
 *
 * The line-rate path (member/line-rate.ts; goal ≥ 2 million numbers/s on one core): a
 * telecom's LineRate warmed with a million subscriber numbers (normalized, and their tokens
 * from a token cache, 1 % of them flagged), checking 10 million calls from those numbers
 * against the 16-bit filter of N tokens plus its additions; the baseline in the same run
 * is the same calls' lookup in a Map of number to token key alone (a plain cache without
 * the filter). Prints medians as JSON.
 */

const n = Number(process.argv[2] ?? 10_000_000);
const probes = 10_000_000;

const random = () => (Math.random() * 2 ** 32) >>> 0;
const keys = new Uint32Array(2 * n);
for (let i = 0; i < keys.length; i++) keys[i] = random();
const probe = new Uint32Array(2 * probes);
for (let i = 0; i < probe.length; i++) probe[i] = random();

function builds(bits: FingerprintBits) {
  const seconds: number[] = [];
  let filter: BinaryFuseFilter | undefined;
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    filter = BinaryFuseFilter.build(keys, bits);
    seconds.push((performance.now() - started) / 1000);
  }
  return { filter: filter as BinaryFuseFilter, seconds: median(seconds) };
}

function lookups(filter: BinaryFuseFilter) {
  const rates: number[] = [];
  const batchedRates: number[] = [];
  const out = new Uint8Array(probes);
  let hits = 0;
  for (let round = 0; round < 5; round++) {
    hits = 0;
    let started = performance.now();
    for (let i = 0; i < probes; i++)
      if (filter.hasKey(probe[2 * i] as number, probe[2 * i + 1] as number)) hits++;
    rates.push(probes / ((performance.now() - started) / 1000));
    // The same keys asked at once (hasKeys): the table's reads in flight together.
    started = performance.now();
    filter.hasKeys(probe, out);
    batchedRates.push(probes / ((performance.now() - started) / 1000));
    let batchedHits = 0;
    for (let i = 0; i < probes; i++) batchedHits += out[i] as number;
    if (batchedHits !== hits) throw new Error('hasKeys answered otherwise than hasKey');
  }
  return {
    perSecond: median(rates),
    batchedPerSecond: median(batchedRates),
    falsePositiveRate: hits / probes,
  };
}

// The baseline: exact membership by bisection over the sorted keys.
const exact = new Float64Array(n);
for (let i = 0; i < n; i++)
  exact[i] = (keys[2 * i + 1] as number) * 2 ** 21 + ((keys[2 * i] as number) >>> 11);
exact.sort();
function bisect(x: number): boolean {
  let lo = 0;
  let hi = exact.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((exact[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo < exact.length && exact[lo] === x;
}
const baselineRates: number[] = [];
for (let round = 0; round < 5; round++) {
  let found = 0;
  const started = performance.now();
  for (let i = 0; i < probes; i++)
    if (bisect((probe[2 * i + 1] as number) * 2 ** 21 + ((probe[2 * i] as number) >>> 11))) found++;
  baselineRates.push(probes / ((performance.now() - started) / 1000));
  if (found > probes) throw new Error('unreachable');
}

// Deltas: 1 % of the base flagged since it, as an additions filter of each width.
const churn = Math.max(1, Math.floor(n / 100));
const added = new Uint32Array(2 * churn);
for (let i = 0; i < added.length; i++) added[i] = random();
const additions = {
  tokens: churn,
  eightBytes: BinaryFuseFilter.build(added, 8).toBytes().length,
  sixteenBytes: BinaryFuseFilter.build(added, 16).toBytes().length,
  listBytes: churn * 32,
};

// The line-rate path: a million subscribers, 1 % of them flagged; 10 million calls.
const subscribers = Math.min(1_000_000, n);
const numbers = Array.from(
  { length: subscribers },
  (_, i) => `+86138${String(i).padStart(8, '0')}`,
);
const tokens = new Map(numbers.map((m) => [m, randomBytes(32).toString('base64url')]));
const flaggedSubscribers = numbers.filter((_, i) => i % 100 === 0);
const lineKeys = keys.slice();
lineKeys.set(tokenKeys(flaggedSubscribers.map((m) => tokens.get(m) as string)));
const line = new LineRate(
  {
    cached: (identifier) => tokens.get(identifier.value),
    tokenize: () => Promise.reject(new Error('every number is in the token cache')),
  },
  { phoneRegion: 'CN', perSecond: 1 },
);
const warmStarted = performance.now();
const warmed = line.warm(numbers);
const warmSeconds = (performance.now() - warmStarted) / 1000;
if (warmed.known !== subscribers) throw new Error(`warmed ${warmed.known} of ${subscribers}`);
const layers = new FilterLayers(
  BinaryFuseFilter.build(lineKeys, 16),
  BinaryFuseFilter.build(added, 16),
);
// Swapping a pulled filter in works out every known number's answer.
const swapStarted = performance.now();
line.useFilter(layers);
const swapSeconds = (performance.now() - swapStarted) / 1000;
// The calls: numbers drawn from the subscribers, each a string of its own as a switch's
// signalling hands it over (not the subscriber list's string, whose hash a Map has cached).
const calls = 4_000_000;
const callNumbers: string[] = new Array(calls);
for (let i = 0; i < calls; i++)
  callNumbers[i] = `+86138${String(Math.floor(Math.random() * subscribers)).padStart(8, '0')}`;
const cacheOnly = new Map<string, number>();
const cacheKeys = new Uint32Array(2 * subscribers);
numbers.forEach((m, i) => {
  const [lo, hi] = tokenKey(tokens.get(m) as string);
  cacheKeys[2 * i] = lo;
  cacheKeys[2 * i + 1] = hi;
  cacheOnly.set(m, i);
});
const lineRates: number[] = [];
const cacheRates: number[] = [];
let maybe = 0;
for (let round = 0; round < 5; round++) {
  maybe = 0;
  let started = performance.now();
  for (let i = 0; i < calls; i++) if (line.check(callNumbers[i] as string) === 'maybe') maybe++;
  lineRates.push(calls / ((performance.now() - started) / 1000));
  let sum = 0;
  started = performance.now();
  for (let i = 0; i < calls; i++) {
    const slot = cacheOnly.get(callNumbers[i] as string) as number;
    sum += (cacheKeys[2 * slot] as number) & 1;
  }
  cacheRates.push(calls / ((performance.now() - started) / 1000));
  if (sum > calls) throw new Error('unreachable');
}
if (line.stats.queued !== 0) throw new Error('a call went unanswered from memory');

const eight = builds(8);
const eightLookups = lookups(eight.filter);
const sixteen = builds(16);
const sixteenLookups = lookups(sixteen.filter);
console.log(
  JSON.stringify({
    tokens: n,
    probes,
    eight: {
      buildSeconds: eight.seconds,
      bitsPerToken: eight.filter.bitsPerKey,
      bytes: eight.filter.toBytes().length,
      ...eightLookups,
    },
    sixteen: {
      buildSeconds: sixteen.seconds,
      bitsPerToken: sixteen.filter.bitsPerKey,
      bytes: sixteen.filter.toBytes().length,
      ...sixteenLookups,
    },
    baselinePerSecond: median(baselineRates),
    baselineBytes: exact.byteLength,
    additions,
    lineRate: {
      subscribers,
      calls,
      warmSeconds,
      swapSeconds,
      perSecond: median(lineRates),
      cacheOnlyPerSecond: median(cacheRates),
      maybeShare: maybe / calls,
    },
  }),
);
