import { EvaluationRequest, Oprf, VOPRFServer } from '@cloudflare/voprf-ts';
import { CryptoNoble } from '@cloudflare/voprf-ts/crypto-noble';
import { utf8 } from '@credence/core/encoding/bytes';
import { loadRistretto255 } from '@credence/core/oprf/ristretto255';
import { blind, blindEvaluateBatch, createSuite, MODE_VOPRF } from '@credence/core/oprf/voprf';
import { median } from './machine.js';

/**
 * Server-side BlindEvaluate with its batched DLEQ proof, on one batch of 1,000 blinded
 * elements, single-threaded: Credence (libsodium) against @cloudflare/voprf-ts (noble)
 * on the very same batch and key. Prints one JSON line.
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

const ours: number[] = [];
for (let run = 0; run < 5; run++) {
  const t = performance.now();
  blindEvaluateBatch(suite, skS, pkS, blinded);
  ours.push(BATCH / ((performance.now() - t) / 1000));
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
    runs: { credence: ours.length, voprfTs: theirs.length },
  }),
);
