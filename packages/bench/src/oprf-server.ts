import { EvaluationRequest, Oprf, VOPRFServer } from '@cloudflare/voprf-ts';
import { CryptoNoble } from '@cloudflare/voprf-ts/crypto-noble';
import { utf8 } from '@credence/core/encoding/bytes';
import { loadRistretto255 } from '@credence/core/oprf/ristretto255';
import { blind, blindEvaluateBatch, createSuite, MODE_VOPRF } from '@credence/core/oprf/voprf';
import { median } from './machine.js';

/**
 * Server-side BlindEvaluate with its batched DLEQ proof, on one batch of 1,000 blinded
 * elements, single-threaded: Credence (libsodium) against @cloudflare/voprf-ts (noble)
 * on the very same batch and key; and what the group operations an element needs cost
 * alone (two scalar multiplications, k·B and the composite's dᵢ·Cᵢ, and one addition to
 * the composite), which bounds the rate whatever the code around them does (docs/keys.md,
 * "Performance"). Prints one JSON line.
 */
const BATCH = 1000;
const group = await loadRistretto255();
const suite = createSuite(group, MODE_VOPRF);
const skS = group.randomScalar();
const pkS = group.scalarMultBase(skS);
const blinded = Array.from(
  { length: BATCH },
  (_, i) => blind(suite, utf8(`phone\u0000+86138${String(i).padStart(8, '0')}`)).blindedElement,
);

// Each run times the batch, then the group operations alone (1,000 of each), so that the
// ratio of the two is of the same moment of a noisy machine.
const microseconds = (operation: (i: number) => unknown): number => {
  const t = performance.now();
  for (let i = 0; i < BATCH; i++) operation(i);
  return ((performance.now() - t) * 1000) / BATCH;
};
const ours: number[] = [];
const scalarMults: number[] = [];
const adds: number[] = [];
const reached: number[] = [];
for (let run = 0; run < 5; run++) {
  const t = performance.now();
  blindEvaluateBatch(suite, skS, pkS, blinded);
  const rate = BATCH / ((performance.now() - t) / 1000);
  const scalarMult = microseconds((i) => group.scalarMult(skS, blinded[i] as Uint8Array));
  const add = microseconds((i) =>
    group.add(blinded[i] as Uint8Array, blinded[(i + 1) % BATCH] as Uint8Array),
  );
  ours.push(rate);
  scalarMults.push(scalarMult);
  adds.push(add);
  reached.push(rate / (1e6 / (2 * scalarMult + add)));
}

const server = new VOPRFServer(Oprf.Suite.RISTRETTO255_SHA512, skS, CryptoNoble);
const request = new EvaluationRequest(blinded.map((b) => server.group.desElt(b)));
const theirs: number[] = [];
for (let run = 0; run < 3; run++) {
  const t = performance.now();
  await server.blindEvaluate(request);
  theirs.push(BATCH / ((performance.now() - t) / 1000));
}
console.log(
  JSON.stringify({
    batch: BATCH,
    credence: median(ours),
    voprfTs: median(theirs),
    scalarMultMicroseconds: median(scalarMults),
    addMicroseconds: median(adds),
    /** Elements/s if an element cost its group operations and nothing else. */
    groupCeiling: 1e6 / (2 * median(scalarMults) + median(adds)),
    /** The batch's rate as a share of that ceiling, within each run (median). */
    reached: median(reached),
    runs: { credence: ours.length, voprfTs: theirs.length },
  }),
);
