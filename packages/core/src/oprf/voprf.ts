import { concat, constantTimeEqual, i2osp, lengthPrefixed, utf8 } from '../encoding/bytes.js';
import { sha512 } from './expand-message-xmd.js';
import { OprfError } from './oprf-error.js';
import type { Ristretto255 } from './ristretto255.js';

/**
 * RFC 9497 (Oblivious Pseudorandom Functions), suite ristretto255-SHA512, in modes OPRF
 * (0) and VOPRF (1). Functions carry the RFC's names. Who calls what:
 *
 *   client (member side)  blind → [server] → finalize, or finalizeBatch with the proof
 *   server (key server)   blindEvaluate (OPRF), blindEvaluateBatch (VOPRF, with proof)
 *   either                deriveKeyPair, evaluate (unblinded, for tests and audits)
 *
 * Inputs received from a peer (blinded or evaluated elements, proofs) must go through
 * deserializeElement / deserializeProof first; those reject non-canonical encodings and
 * the identity.
 */

export const SUITE_ID = 'ristretto255-SHA512';
export type Mode = 0 | 1;
export const MODE_OPRF: Mode = 0;
export const MODE_VOPRF: Mode = 1;

/** 32-byte elements and scalars; a proof is c || s. */
export const ELEMENT_LENGTH = 32;
export const SCALAR_LENGTH = 32;
export const PROOF_LENGTH = 64;

export interface Suite {
  readonly group: Ristretto255;
  readonly mode: Mode;
  /** "OPRFV1-" || I2OSP(mode, 1) || "-" || identifier (RFC 9497 §3.1). */
  readonly contextString: Uint8Array;
  readonly hashToGroupDst: Uint8Array;
  readonly hashToScalarDst: Uint8Array;
  readonly deriveKeyPairDst: Uint8Array;
  readonly seedDst: Uint8Array;
  /** The group generator G. */
  readonly generator: Uint8Array;
}

export function createSuite(group: Ristretto255, mode: Mode): Suite {
  const contextString = concat(utf8('OPRFV1-'), i2osp(mode, 1), utf8(`-${SUITE_ID}`));
  return {
    group,
    mode,
    contextString,
    hashToGroupDst: concat(utf8('HashToGroup-'), contextString),
    hashToScalarDst: concat(utf8('HashToScalar-'), contextString),
    deriveKeyPairDst: concat(utf8('DeriveKeyPair'), contextString),
    seedDst: concat(utf8('Seed-'), contextString),
    generator: group.scalarMultBase(group.scalarFromInt(1)),
  };
}

export interface KeyPair {
  readonly skS: Uint8Array;
  readonly pkS: Uint8Array;
}

/** DeriveKeyPair (RFC 9497 §3.2.1): a key pair from a 32-byte seed and public info. */
export function deriveKeyPair(suite: Suite, seed: Uint8Array, info: Uint8Array): KeyPair {
  const { group } = suite;
  const deriveInput = concat(seed, lengthPrefixed(info));
  for (let counter = 0; counter <= 255; counter++) {
    const skS = group.hashToScalar(concat(deriveInput, i2osp(counter, 1)), suite.deriveKeyPairDst);
    if (!group.isZeroScalar(skS)) return { skS, pkS: group.scalarMultBase(skS) };
  }
  throw new OprfError('oprf.derive_key_pair');
}

export interface Blinded {
  readonly blind: Uint8Array;
  readonly blindedElement: Uint8Array;
}

/** Blind (client, §3.3.1): hides the input behind a random scalar. */
export function blind(
  suite: Suite,
  input: Uint8Array,
  blindScalar: Uint8Array = suite.group.randomScalar(),
): Blinded {
  const inputElement = suite.group.hashToGroup(input, suite.hashToGroupDst);
  if (suite.group.isIdentity(inputElement)) throw new OprfError('oprf.invalid_input');
  return { blind: blindScalar, blindedElement: suite.group.scalarMult(blindScalar, inputElement) };
}

/** BlindEvaluate (server, OPRF mode §3.3.1): k · B. */
export function blindEvaluate(
  suite: Suite,
  skS: Uint8Array,
  blindedElement: Uint8Array,
): Uint8Array {
  return suite.group.scalarMult(skS, blindedElement);
}

export interface BatchEvaluation {
  readonly evaluatedElements: Uint8Array[];
  readonly proof: Uint8Array;
}

/**
 * BlindEvaluate (server, VOPRF mode §3.3.2) over a batch, with one DLEQ proof that every
 * evaluation used the key behind pkS.
 */
export function blindEvaluateBatch(
  suite: Suite,
  skS: Uint8Array,
  pkS: Uint8Array,
  blindedElements: readonly Uint8Array[],
  proofRandomScalar: Uint8Array = suite.group.randomScalar(),
): BatchEvaluation {
  const evaluatedElements = blindedElements.map((b) => suite.group.scalarMult(skS, b));
  const proof = generateProof(
    suite,
    skS,
    suite.generator,
    pkS,
    blindedElements,
    evaluatedElements,
    proofRandomScalar,
  );
  return { evaluatedElements, proof };
}

/** The per-batch seed of the composites (§2.2.1). */
function compositeSeed(suite: Suite, B: Uint8Array): Uint8Array {
  return sha512(concat(lengthPrefixed(B), lengthPrefixed(suite.seedDst)));
}

function compositeWeight(
  suite: Suite,
  seed: Uint8Array,
  i: number,
  Ci: Uint8Array,
  Di: Uint8Array,
): Uint8Array {
  const transcript = concat(
    lengthPrefixed(seed),
    i2osp(i, 2),
    lengthPrefixed(Ci),
    lengthPrefixed(Di),
    utf8('Composite'),
  );
  return suite.group.hashToScalar(transcript, suite.hashToScalarDst);
}

/**
 * The composites' sums (§2.2.1): M = Σ dᵢ·Cᵢ, and Z = Σ dᵢ·Dᵢ when asked for (a prover
 * who knows k gets Z = k·M for one multiplication instead).
 */
function compositeSums(
  suite: Suite,
  B: Uint8Array,
  C: readonly Uint8Array[],
  D: readonly Uint8Array[],
  withZ: boolean,
): { M: Uint8Array; Z: Uint8Array } {
  if (C.length !== D.length) throw new OprfError('oprf.batch_mismatch');
  const { group } = suite;
  const seed = compositeSeed(suite, B);
  let M = group.identity;
  let Z = group.identity;
  for (let i = 0; i < C.length; i++) {
    const Ci = C[i] as Uint8Array;
    const Di = D[i] as Uint8Array;
    const d = compositeWeight(suite, seed, i, Ci, Di);
    M = group.add(group.scalarMult(d, Ci), M);
    if (withZ) Z = group.add(group.scalarMult(d, Di), Z);
  }
  return { M, Z };
}

/** ComputeComposites (verifier, §2.2.1): M = Σ dᵢ·Cᵢ, Z = Σ dᵢ·Dᵢ. */
export function computeComposites(
  suite: Suite,
  B: Uint8Array,
  C: readonly Uint8Array[],
  D: readonly Uint8Array[],
): { M: Uint8Array; Z: Uint8Array } {
  return compositeSums(suite, B, C, D, true);
}

/** ComputeCompositesFast (prover who knows k, §2.2.1): M as above, Z = k·M. */
export function computeCompositesFast(
  suite: Suite,
  k: Uint8Array,
  B: Uint8Array,
  C: readonly Uint8Array[],
  D: readonly Uint8Array[],
): { M: Uint8Array; Z: Uint8Array } {
  const { M } = compositeSums(suite, B, C, D, false);
  return { M, Z: suite.group.scalarMult(k, M) };
}

function challenge(
  suite: Suite,
  B: Uint8Array,
  M: Uint8Array,
  Z: Uint8Array,
  t2: Uint8Array,
  t3: Uint8Array,
): Uint8Array {
  const transcript = concat(
    lengthPrefixed(B),
    lengthPrefixed(M),
    lengthPrefixed(Z),
    lengthPrefixed(t2),
    lengthPrefixed(t3),
    utf8('Challenge'),
  );
  return suite.group.hashToScalar(transcript, suite.hashToScalarDst);
}

/**
 * GenerateProof (§2.2.1): a batched DLEQ proof that B = k·A and Dᵢ = k·Cᵢ for every i,
 * serialized as c || s.
 */
export function generateProof(
  suite: Suite,
  k: Uint8Array,
  A: Uint8Array,
  B: Uint8Array,
  C: readonly Uint8Array[],
  D: readonly Uint8Array[],
  r: Uint8Array = suite.group.randomScalar(),
): Uint8Array {
  const { group } = suite;
  const { M, Z } = computeCompositesFast(suite, k, B, C, D);
  const t2 = group.scalarMult(r, A);
  const t3 = group.scalarMult(r, M);
  const c = challenge(suite, B, M, Z, t2, t3);
  const s = group.scalarSub(r, group.scalarMul(c, k));
  return concat(c, s);
}

/** VerifyProof (§2.2.2). Preconditions: every element was deserialized (validated). */
export function verifyProof(
  suite: Suite,
  A: Uint8Array,
  B: Uint8Array,
  C: readonly Uint8Array[],
  D: readonly Uint8Array[],
  proof: Uint8Array,
): boolean {
  const { group } = suite;
  if (proof.length !== PROOF_LENGTH) return false;
  const c = group.deserializeScalar(proof.subarray(0, 32));
  const s = group.deserializeScalar(proof.subarray(32, 64));
  const { M, Z } = computeComposites(suite, B, C, D);
  const t2 = group.add(group.scalarMult(s, A), group.scalarMult(c, B));
  const t3 = group.add(group.scalarMult(s, M), group.scalarMult(c, Z));
  return constantTimeEqual(challenge(suite, B, M, Z, t2, t3), c);
}

/**
 * Finalize (client, OPRF mode §3.3.1): unblinds and hashes. In VOPRF mode use
 * finalizeBatch, which verifies the proof first; the threshold client verifies each
 * share's proof itself and then calls this on the combined element.
 */
export function finalize(
  suite: Suite,
  input: Uint8Array,
  blindScalar: Uint8Array,
  evaluatedElement: Uint8Array,
): Uint8Array {
  const { group } = suite;
  return finalizeUnblinded(
    input,
    group.scalarMult(group.scalarInvert(blindScalar), evaluatedElement),
  );
}

/** The last step of Finalize: Hash(input, unblinded element, "Finalize") (§3.3.1). */
export function finalizeUnblinded(input: Uint8Array, unblindedElement: Uint8Array): Uint8Array {
  return sha512(concat(lengthPrefixed(input), lengthPrefixed(unblindedElement), utf8('Finalize')));
}

/** Finalize (client, VOPRF mode §3.3.2) over a batch: verifies the proof, then finalizes. */
export function finalizeBatch(
  suite: Suite,
  inputs: readonly Uint8Array[],
  blinds: readonly Uint8Array[],
  evaluatedElements: readonly Uint8Array[],
  blindedElements: readonly Uint8Array[],
  pkS: Uint8Array,
  proof: Uint8Array,
): Uint8Array[] {
  if (
    inputs.length !== blinds.length ||
    inputs.length !== evaluatedElements.length ||
    inputs.length !== blindedElements.length
  ) {
    throw new OprfError('oprf.batch_mismatch');
  }
  if (!verifyProof(suite, suite.generator, pkS, blindedElements, evaluatedElements, proof))
    throw new OprfError('oprf.verify_error');
  return inputs.map((input, i) =>
    finalize(suite, input, blinds[i] as Uint8Array, evaluatedElements[i] as Uint8Array),
  );
}

/** Evaluate (server-side, unblinded, §3.3.1): the PRF output for an input, given the key. */
export function evaluate(suite: Suite, skS: Uint8Array, input: Uint8Array): Uint8Array {
  const { group } = suite;
  const inputElement = group.hashToGroup(input, suite.hashToGroupDst);
  if (group.isIdentity(inputElement)) throw new OprfError('oprf.invalid_input');
  return finalizeUnblinded(input, group.scalarMult(skS, inputElement));
}

/** DeserializeProof: 64 bytes, two canonical scalars; else oprf.invalid_scalar. */
export function deserializeProof(suite: Suite, bytes: Uint8Array): Uint8Array {
  if (bytes.length !== PROOF_LENGTH) throw new OprfError('oprf.invalid_scalar');
  suite.group.deserializeScalar(bytes.subarray(0, 32));
  suite.group.deserializeScalar(bytes.subarray(32, 64));
  return bytes;
}
