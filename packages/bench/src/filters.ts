import { BinaryFuseFilter, type FingerprintBits } from '@credence/core/filters/binary-fuse';
import { median } from './machine.js';

/**
 * Compact filters of flagged tokens (issue 18: ≥ 20 million lookups/s on one core from a
 * warm filter of 10 million tokens; building 10 million ≤ 5 s): `node filters.js N`
 * builds binary fuse filters of N random keys (a token's key is its bytes folded to 8, and
 * tokens are uniformly random), 8- and 16-bit, three builds each; times lookups of random
 * keys (nearly all outside the set, as most numbers a telecom sees are) over five rounds;
 * counts the false positives among 10 million probes against 2^-8 and 2^-16. The
 * baseline, in the same run, is the exact set without a filter: the keys sorted (as
 * 53-bit numbers in a Float64Array) and searched by bisection. Prints medians as JSON.
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
  let hits = 0;
  for (let round = 0; round < 5; round++) {
    hits = 0;
    const started = performance.now();
    for (let i = 0; i < probes; i++)
      if (filter.hasKey(probe[2 * i] as number, probe[2 * i + 1] as number)) hits++;
    rates.push(probes / ((performance.now() - started) / 1000));
  }
  return { perSecond: median(rates), falsePositiveRate: hits / probes };
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
  }),
);
