import { child, fmt, quick, sectionHead } from './kit.js';

/** Tokens: the key server's BlindEvaluate against voprf-ts, and a member's tokenization end to end. */
export function oprfSuite(): string {
  const server = child<{
    batch: number;
    credence: number;
    voprfTs: number;
    runs: { credence: number; voprfTs: number };
    scalarMultMicroseconds: number;
    addMicroseconds: number;
    groupCeiling: number;
    reached: number;
  }>('oprf-server.js', []);
  console.log(
    `BlindEvaluate: ${fmt(server.credence)} elements/s (Credence), ${fmt(server.voprfTs)} (voprf-ts)`,
  );
  const identifiers = quick ? 20_000 : 100_000;
  const e2e = child<{
    identifiers: number;
    seconds: number;
    perSecond: number;
    cachedSeconds: number;
    cachedPerSecond: number;
  }>('oprf-e2e.js', [String(identifiers)]);
  console.log(`tokenize ${fmt(e2e.identifiers)}: ${fmt(e2e.perSecond)} identifiers/s`);
  return [
    ...sectionHead('Tokens: threshold VOPRF (`credence keyserver`, `credence member tokenize`)'),
    '| measure | value | baseline in the same run | ratio | goal |',
    '|---|---:|---:|---:|---|',
    `| server BlindEvaluate with batched DLEQ proof, batch of ${server.batch}, one thread (median of ${server.runs.credence}) | ${fmt(server.credence)} elements/s | @cloudflare/voprf-ts 1.0 (noble), same batch and key (median of ${server.runs.voprfTs}): ${fmt(server.voprfTs)} elements/s | ${fmt(server.credence / server.voprfTs, 1)}× | ≥ 4,000 elements/s per core |`,
    `| the group operations of one element alone: two scalar multiplications (${fmt(server.scalarMultMicroseconds, 1)} µs each) and one addition (${fmt(server.addMicroseconds, 1)} µs), libsodium's WebAssembly | at most ${fmt(server.groupCeiling)} elements/s | | ${fmt(server.reached, 2)} of it reached (within each run) | |`,
    `| member tokenization end to end, ${fmt(e2e.identifiers)} distinct identifiers, 3 key server processes (2-of-3) on this machine | ${fmt(e2e.perSecond)} identifiers/s (${fmt(e2e.seconds, 1)} s) | the same file again, from the member's cache: ${fmt(e2e.cachedPerSecond)} identifiers/s | ${fmt(e2e.cachedPerSecond / e2e.perSecond, 1)}× | |`,
    '',
    ...(server.credence >= 4000
      ? []
      : [
          '**Below its goal here: BlindEvaluate.** The group operations alone allow the rate in the second row; why nothing in Credence\'s own code can pass it, and what would: docs/keys.md, "Performance".',
          '',
        ]),
    'The end-to-end figure is real processes over loopback: the member process (which blinds, verifies both proofs, combines and finalizes on worker threads) and three key servers share the same two cores, so it is a floor for a member whose key servers run elsewhere. One run each: a run takes minutes.',
  ].join('\n');
}
