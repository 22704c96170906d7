import { constantTimeEqual } from '../encoding/bytes.js';
import { OprfError } from './oprf-error.js';
import type { Ristretto255 } from './ristretto255.js';
import { finalizeUnblinded } from './voprf.js';

/**
 * A t-of-n threshold OPRF key (SPEC §3.2): Shamir's secret sharing of the key k over the
 * scalar field of ristretto255. Share i is f(i) for a random polynomial f of degree
 * t − 1 with f(0) = k. Key server i evaluates with its share and proves it against its
 * share public key kᵢ·G; the member combines any t evaluations by Lagrange interpolation
 * in the exponent, Σ λᵢ·(kᵢ·B) = k·B, which is exactly the single-key evaluation.
 *
 * Indexes are 1..n. With t = n = 1 the share is k itself and λ = 1: a plain VOPRF server.
 */

export interface KeyShare {
  readonly index: number;
  readonly secret: Uint8Array;
}

export interface SharePublicKey {
  readonly index: number;
  readonly publicKey: Uint8Array;
}

function checkThreshold(threshold: number, shares: number): void {
  if (
    !Number.isInteger(threshold) ||
    !Number.isInteger(shares) ||
    threshold < 1 ||
    shares < threshold ||
    shares > 255
  ) {
    throw new RangeError(`a ${threshold}-of-${shares} sharing is not possible (1 ≤ t ≤ n ≤ 255)`);
  }
}

/** Splits a secret scalar into n shares, any t of which recover it. */
export function splitSecret(
  group: Ristretto255,
  secret: Uint8Array,
  threshold: number,
  shares: number,
): KeyShare[] {
  checkThreshold(threshold, shares);
  const coefficients = [secret];
  for (let i = 1; i < threshold; i++) coefficients.push(group.randomScalar());
  const out: KeyShare[] = [];
  for (let index = 1; index <= shares; index++) {
    // Horner: f(x) = c0 + x(c1 + x(c2 + …)).
    const x = group.scalarFromInt(index);
    let y = coefficients[coefficients.length - 1] as Uint8Array;
    for (let j = coefficients.length - 2; j >= 0; j--)
      y = group.scalarAdd(group.scalarMul(y, x), coefficients[j] as Uint8Array);
    out.push({ index, secret: y });
  }
  return out;
}

/** Lagrange coefficients at x = target for the given distinct indexes. */
export function lagrangeCoefficients(
  group: Ristretto255,
  indexes: readonly number[],
  target = 0,
): Map<number, Uint8Array> {
  if (
    new Set(indexes).size !== indexes.length ||
    indexes.some((i) => !Number.isInteger(i) || i < 1 || i > 255)
  ) {
    throw new RangeError('share indexes must be distinct integers from 1 to 255');
  }
  const t = group.scalarFromInt(target);
  const out = new Map<number, Uint8Array>();
  for (const i of indexes) {
    const xi = group.scalarFromInt(i);
    let numerator = group.scalarFromInt(1);
    let denominator = group.scalarFromInt(1);
    for (const j of indexes) {
      if (j === i) continue;
      const xj = group.scalarFromInt(j);
      numerator = group.scalarMul(numerator, group.scalarSub(t, xj));
      denominator = group.scalarMul(denominator, group.scalarSub(xi, xj));
    }
    out.set(i, group.scalarMul(numerator, group.scalarInvert(denominator)));
  }
  return out;
}

/** Recovers the secret from t or more shares (used by tests and key ceremonies only). */
export function recoverSecret(group: Ristretto255, shares: readonly KeyShare[]): Uint8Array {
  const lambdas = lagrangeCoefficients(
    group,
    shares.map((s) => s.index),
  );
  let secret: Uint8Array = new Uint8Array(32);
  for (const s of shares)
    secret = group.scalarAdd(secret, group.scalarMul(lambdas.get(s.index) as Uint8Array, s.secret));
  return secret;
}

export interface ShareEvaluation {
  readonly index: number;
  readonly evaluatedElements: readonly Uint8Array[];
}

/**
 * Combines t share evaluations of one batch into the evaluations under k:
 * Zⱼ = Σᵢ λᵢ · Zᵢⱼ. Preconditions: every share's proof has been verified, and every
 * evaluation lists the batch's elements in the same order.
 */
export function combineEvaluations(
  group: Ristretto255,
  threshold: number,
  evaluations: readonly ShareEvaluation[],
): Uint8Array[] {
  if (evaluations.length < threshold)
    throw new OprfError('oprf.not_enough_shares', { have: evaluations.length, threshold });
  const used = evaluations.slice(0, threshold);
  const size = used[0]?.evaluatedElements.length ?? 0;
  if (used.some((e) => e.evaluatedElements.length !== size))
    throw new OprfError('oprf.batch_mismatch');
  const lambdas = lagrangeCoefficients(
    group,
    used.map((e) => e.index),
  );
  const out: Uint8Array[] = [];
  for (let j = 0; j < size; j++) {
    let z = group.identity;
    for (const e of used)
      z = group.add(
        z,
        group.scalarMult(lambdas.get(e.index) as Uint8Array, e.evaluatedElements[j] as Uint8Array),
      );
    out.push(z);
  }
  return out;
}

/**
 * Combines t share evaluations and finalizes in one step (client): for each input,
 * N = Σᵢ (λᵢ · r⁻¹) · Zᵢ, the unblinded element under k, then Finalize's hash. Folding
 * the unblinding into the Lagrange coefficients saves one scalar multiplication per
 * input over combineEvaluations followed by finalize; the outputs are the same.
 * Preconditions as for combineEvaluations.
 */
export function combineAndFinalize(
  group: Ristretto255,
  threshold: number,
  inputs: readonly Uint8Array[],
  blinds: readonly Uint8Array[],
  evaluations: readonly ShareEvaluation[],
): Uint8Array[] {
  if (evaluations.length < threshold)
    throw new OprfError('oprf.not_enough_shares', { have: evaluations.length, threshold });
  const used = evaluations.slice(0, threshold);
  if (
    inputs.length !== blinds.length ||
    used.some((e) => e.evaluatedElements.length !== inputs.length)
  )
    throw new OprfError('oprf.batch_mismatch');
  const coefficients = lagrangeCoefficients(
    group,
    used.map((u) => u.index),
  );
  return inputs.map((input, j) => {
    const inverse = group.scalarInvert(blinds[j] as Uint8Array);
    let unblinded = group.identity;
    for (const e of used) {
      const weight = group.scalarMul(coefficients.get(e.index) as Uint8Array, inverse);
      unblinded = group.add(
        unblinded,
        group.scalarMult(weight, e.evaluatedElements[j] as Uint8Array),
      );
    }
    return finalizeUnblinded(input, unblinded);
  });
}

/**
 * Checks that the share public keys are consistent with the group public key: all of
 * them, and the group key at x = 0, lie on one polynomial of degree t − 1 in the
 * exponent. A key server holding a tampered share, or a list of share keys that does not
 * match the published group key, fails here.
 */
export function checkSharePublicKeys(
  group: Ristretto255,
  threshold: number,
  groupPublicKey: Uint8Array,
  sharePublicKeys: readonly SharePublicKey[],
): void {
  checkThreshold(threshold, Math.max(threshold, sharePublicKeys.length));
  if (sharePublicKeys.length < threshold)
    throw new OprfError('oprf.not_enough_shares', { have: sharePublicKeys.length, threshold });
  const base = sharePublicKeys.slice(0, threshold);
  const interpolate = (x: number) => {
    const lambdas = lagrangeCoefficients(
      group,
      base.map((s) => s.index),
      x,
    );
    let y = group.identity;
    for (const s of base)
      y = group.add(y, group.scalarMult(lambdas.get(s.index) as Uint8Array, s.publicKey));
    return y;
  };
  if (!constantTimeEqual(interpolate(0), groupPublicKey))
    throw new OprfError('oprf.inconsistent_shares', { index: 0 });
  for (const s of sharePublicKeys.slice(threshold)) {
    if (!constantTimeEqual(interpolate(s.index), s.publicKey))
      throw new OprfError('oprf.inconsistent_shares', { index: s.index });
  }
}
