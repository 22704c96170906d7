import { child, fmt, quick, sectionHead } from './kit.js';

/** Compact filters of flagged tokens (issue 18, docs/filters.md): size, build, lookups, false positives. */
export function filtersSuite(): string {
  const n = quick ? 1_000_000 : 10_000_000;
  type Width = {
    buildSeconds: number;
    bitsPerToken: number;
    bytes: number;
    perSecond: number;
    batchedPerSecond: number;
    falsePositiveRate: number;
  };
  const r = child<{
    tokens: number;
    probes: number;
    eight: Width;
    sixteen: Width;
    baselinePerSecond: number;
    baselineBytes: number;
    additions: { tokens: number; eightBytes: number; sixteenBytes: number; listBytes: number };
    lineRate: {
      subscribers: number;
      calls: number;
      warmSeconds: number;
      swapSeconds: number;
      perSecond: number;
      cacheOnlyPerSecond: number;
      maybeShare: number;
    };
  }>('filters.js', [String(n)], ['--max-old-space-size=3072']);
  console.log(
    `filters: ${fmt(r.eight.perSecond / 1e6, 1)} M lookups/s (8-bit), built in ${fmt(r.eight.buildSeconds, 2)} s; line rate ${fmt(r.lineRate.perSecond / 1e6, 1)} M numbers/s`,
  );
  const a = r.additions;
  const l = r.lineRate;
  const mib = (bytes: number) => `${fmt(bytes / 2 ** 20, 2)} MiB`;
  const row = (name: string, w: Width, theory: number, goal: string) =>
    `| ${name} | ${fmt(w.bitsPerToken, 2)} | ${fmt(w.bytes / 2 ** 20, 1)} MiB | ${fmt(w.buildSeconds, 2)} s | ${fmt(w.perSecond / 1e6, 1)} M/s | ${fmt(w.batchedPerSecond / 1e6, 1)} M/s | ${fmt(w.perSecond / r.baselinePerSecond, 1)} / ${fmt(w.batchedPerSecond / r.baselinePerSecond, 1)} | ${fmt(w.falsePositiveRate * 100, 4)} % | ${fmt(theory * 100, 4)} % | ${goal} |`;
  return [
    ...sectionHead('Compact filters (binary fuse, `core/filters/binary-fuse.ts`)'),
    `${fmt(r.tokens)} random keys (a token's 32 bytes folded to 8; tokens are uniformly random), one thread. Build: median of 3. Lookups: ${fmt(r.probes)} random keys (nearly all outside the set, as most numbers a telecom sees are), median of 5 rounds, the filter warm; asked one by one (\`hasKey\`) and all at once (\`hasKeys\`: blocks of 64 keys have their places worked out, then their table entries read, so that the reads that miss the cache are in flight together). False positives: the share of those probes found. Baseline in the same run: the exact set with no filter, the keys sorted in a Float64Array (${fmt(r.baselineBytes / 2 ** 20, 1)} MiB) and searched by bisection. Issue 18's goals: ≥ 20 M lookups/s, about 9 bits per token and 0.4 % false positives at 8 bits (18 bits and 0.0015 % at 16), building 10 M in ≤ 5 s.`,
    '',
    '| fingerprint | bits per token | size | build | lookups (hasKey) | lookups (hasKeys, 64 at once) | ratio to the baseline | false positives | theory (2^-bits) | goal |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    row('8-bit', r.eight, 2 ** -8, '≥ 20 M/s; build ≤ 5 s'),
    row('16-bit', r.sixteen, 2 ** -16, ''),
    `| exact set (baseline) | ${fmt((r.baselineBytes * 8) / r.tokens, 0)} | ${fmt(r.baselineBytes / 2 ** 20, 1)} MiB | | ${fmt(r.baselinePerSecond / 1e6, 1)} M/s | | 1.0 | 0 % | | |`,
    '',
    `**Deltas at 1 % churn** (docs/filters.md, "Deltas"): ${fmt(a.tokens)} tokens flagged since a base of ${fmt(r.tokens)}, fetched as an additions filter instead of a new base. Baselines: the base itself, and the plain list of the added tokens (32 bytes each).`,
    '',
    '| what a member fetches | 8-bit | 16-bit | share of the base |',
    '|---|---:|---:|---:|',
    `| the base | ${mib(r.eight.bytes)} | ${mib(r.sixteen.bytes)} | 100 % |`,
    `| additions filter | ${mib(a.eightBytes)} | ${mib(a.sixteenBytes)} | ${fmt((a.eightBytes / r.eight.bytes) * 100, 2)} % / ${fmt((a.sixteenBytes / r.sixteen.bytes) * 100, 2)} % |`,
    `| list of the added tokens | ${mib(a.listBytes)} | | ${fmt((a.listBytes / r.eight.bytes) * 100, 1)} % / ${fmt((a.listBytes / r.sixteen.bytes) * 100, 1)} % |`,
    '',
    `**The line-rate path** (\`member/line-rate.ts\`): a LineRate warmed with ${fmt(l.subscribers)} subscriber numbers (normalized, their tokens from the token cache: ${fmt(l.warmSeconds, 1)} s), 1 % of them flagged, checking ${fmt(l.calls)} calls drawn from them (each number a string of its own, as signalling hands it over) against the 16-bit base of ${fmt(r.tokens)} tokens and an additions filter; one thread, median of 5 rounds. LineRate holds E.164 numbers by value in an open-addressing table of typed words, each with the filters' answer for its token, worked out when the filters are swapped in (${fmt(l.swapSeconds, 2)} s for the ${fmt(l.subscribers)} numbers) or a number is learned: a call reads one slot, not the filters. Baseline in the same run: the same calls looked up in a \`Map\` of number string to token key alone (a plain cache, without the filter). Goal: ≥ 2 M numbers/s.`,
    '',
    '| path | numbers/s | ratio to the baseline | calls answered "maybe" | goal |',
    '|---|---:|---:|---:|---|',
    `| cache + base + additions (LineRate.check) | ${fmt(l.perSecond / 1e6, 2)} M/s | ${fmt(l.perSecond / l.cacheOnlyPerSecond, 2)} | ${fmt(l.maybeShare * 100, 2)} % | ≥ 2 M/s |`,
    `| a Map alone, no filter (baseline) | ${fmt(l.cacheOnlyPerSecond / 1e6, 2)} M/s | 1.00 | | |`,
  ].join('\n');
}
