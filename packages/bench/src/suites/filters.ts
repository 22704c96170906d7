import { child, fmt, quick, sectionHead } from './kit.js';

/** Compact filters of flagged tokens (issue 18, docs/filters.md): size, build, lookups, false positives. */
export function filtersSuite(): string {
  const n = quick ? 1_000_000 : 10_000_000;
  type Width = {
    buildSeconds: number;
    bitsPerToken: number;
    bytes: number;
    perSecond: number;
    falsePositiveRate: number;
  };
  const r = child<{
    tokens: number;
    probes: number;
    eight: Width;
    sixteen: Width;
    baselinePerSecond: number;
    baselineBytes: number;
  }>('filters.js', [String(n)], ['--max-old-space-size=3072']);
  console.log(
    `filters: ${fmt(r.eight.perSecond / 1e6, 1)} M lookups/s (8-bit), built in ${fmt(r.eight.buildSeconds, 2)} s`,
  );
  const row = (name: string, w: Width, theory: number, goal: string) =>
    `| ${name} | ${fmt(w.bitsPerToken, 2)} | ${fmt(w.bytes / 2 ** 20, 1)} MiB | ${fmt(w.buildSeconds, 2)} s | ${fmt(w.perSecond / 1e6, 1)} M/s | ${fmt(w.perSecond / r.baselinePerSecond, 1)} | ${fmt(w.falsePositiveRate * 100, 4)} % | ${fmt(theory * 100, 4)} % | ${goal} |`;
  return [
    ...sectionHead('Compact filters (binary fuse, `core/filters/binary-fuse.ts`)'),
    `${fmt(r.tokens)} random keys (a token's 32 bytes folded to 8; tokens are uniformly random), one thread. Build: median of 3. Lookups: ${fmt(r.probes)} random keys (nearly all outside the set, as most numbers a telecom sees are), median of 5 rounds, the filter warm. False positives: the share of those probes found. Baseline in the same run: the exact set with no filter, the keys sorted in a Float64Array (${fmt(r.baselineBytes / 2 ** 20, 1)} MiB) and searched by bisection. Issue 18's goals: ≥ 20 M lookups/s, about 9 bits per token and 0.4 % false positives at 8 bits (18 bits and 0.0015 % at 16), building 10 M in ≤ 5 s. Not measured yet: deltas between versions and the line-rate path with a token cache (not built yet).`,
    '',
    '| fingerprint | bits per token | size | build | lookups | ratio to the baseline | false positives | theory (2^-bits) | goal |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
    row('8-bit', r.eight, 2 ** -8, '≥ 20 M/s; build ≤ 5 s'),
    row('16-bit', r.sixteen, 2 ** -16, ''),
    `| exact set (baseline) | ${fmt((r.baselineBytes * 8) / r.tokens, 0)} | ${fmt(r.baselineBytes / 2 ** 20, 1)} MiB | | ${fmt(r.baselinePerSecond / 1e6, 1)} M/s | 1.0 | 0 % | | |`,
  ].join('\n');
}
