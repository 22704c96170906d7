import { constantTimeEqual } from '../encoding/bytes.js';
import { hashChildren, requireHash } from './hash.js';
import { MerkleError } from './merkle-error.js';
import { half, isOdd, isPowerOfTwo, requireSize } from './tree-math.js';

/**
 * Verification of inclusion (RFC 9162 §2.1.3.2) and consistency (§2.1.4.2) proofs.
 *
 * Computing a root from a proof is kept apart from comparing it: `rootFromInclusionProof`
 * and `rootsFromConsistencyProof` compute, and throw a MerkleError on a structurally bad
 * proof; `verifyInclusion` and `verifyConsistency` compare in constant time and answer
 * false to anything an attacker can send. Indexes and sizes come from the prover too: any
 * value that is not an integer from 0 to 2^53 - 1 (NaN, fractions, negatives, numbers
 * beyond Number.MAX_SAFE_INTEGER, non-numbers) is rejected as `merkle.bad_size`.
 *
 * The expected proof length is derived from the sizes before any hashing, so a proof with
 * extra or missing hashes is rejected as such rather than by a root mismatch.
 */

/**
 * The control flow shared by the loops of §2.1.3.2 step 4 and §2.1.4.2 step 6, which
 * depends only on fn and sn: for each proof element, whether it is a left sibling (it is
 * hashed in front: HASH(0x01 || p || r)) or a right one. The loop runs until sn reaches 0,
 * so the number of sides is the number of proof elements it consumes.
 */
function pathSides(firstFn: number, firstSn: number): boolean[] {
  const sides: boolean[] = [];
  let fn = firstFn;
  let sn = firstSn;
  while (sn > 0) {
    const left = isOdd(fn) || fn === sn;
    sides.push(left);
    // fn === sn with fn even: the node is the last at its level and has no sibling, so it
    // rises unchanged until it is a right child.
    if (left && !isOdd(fn)) {
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sides;
}

/** §2.1.3.2 steps 2 and 4: fn = index, sn = size - 1. */
function inclusionSides(index: number, size: number): boolean[] {
  return pathSides(index, size - 1);
}

/**
 * §2.1.4.2 steps 3, 4 and 6: fn = from - 1 and sn = to - 1, shifted right while fn is odd
 * (the levels at which the old tree's last node is a right child hash into the seed).
 */
function consistencySides(from: number, to: number): boolean[] {
  let fn = from - 1;
  let sn = to - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  return pathSides(fn, sn);
}

function requireProof(proof: unknown, expected: number): readonly Uint8Array[] {
  if (!Array.isArray(proof) || proof.length !== expected) {
    throw new MerkleError('merkle.proof_length', { expected });
  }
  for (const p of proof) requireHash(p, 'proof');
  return proof;
}

/** A constant-time comparison that answers false, rather than throwing, on non-bytes. */
function sameBytes(a: unknown, b: unknown): boolean {
  return a instanceof Uint8Array && b instanceof Uint8Array && constantTimeEqual(a, b);
}

function falseOnMerkleError(check: () => boolean): boolean {
  try {
    return check();
  } catch (error) {
    if (error instanceof MerkleError) return false;
    throw error;
  }
}

/**
 * The root that an inclusion proof leads to from `leafHash` at `index` in a tree of `size`
 * leaves (§2.1.3.2 steps 1 to 4). Throws `merkle.bad_size`, `merkle.index_out_of_range`,
 * `merkle.bad_hash` (leaf hash or a proof element not 32 bytes) or `merkle.proof_length`.
 */
export function rootFromInclusionProof(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array {
  requireSize(index, 'index');
  requireSize(size, 'size');
  if (index >= size) throw new MerkleError('merkle.index_out_of_range');
  requireHash(leafHash, 'leafHash');
  const sides = inclusionSides(index, size);
  const path = requireProof(proof, sides.length);
  let r: Uint8Array = leafHash.slice();
  path.forEach((p, i) => {
    r = sides[i] ? hashChildren(p, r) : hashChildren(r, p);
  });
  return r;
}

/** Whether the proof shows the leaf at `index` in the tree of `size` leaves with this root. */
export function verifyInclusion(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  return falseOnMerkleError(() =>
    sameBytes(rootFromInclusionProof(index, size, leafHash, proof), root),
  );
}

export interface ConsistencyRoots {
  /** The root of the first `from` leaves, as the proof has it. */
  readonly fromRoot: Uint8Array;
  /** The root of the first `to` leaves, as the proof has it. */
  readonly toRoot: Uint8Array;
}

/**
 * The two roots that a consistency proof between tree sizes `from` and `to` leads to
 * (§2.1.4.2 steps 1 to 6, with 0 < from < to). When `from` is a power of two the old tree
 * is a perfect subtree of the new one and the proof starts from `fromRoot` (step 2), which
 * must then be a 32-byte hash; otherwise `fromRoot` is not read. For from = to the proof
 * is empty and both roots are `fromRoot`: the claim is only that the two roots are equal,
 * so any bytes are accepted (as the shared test vectors require). The RFC's algorithm
 * needs 0 < from: a tree of size 0 has no consistency proof.
 *
 * Throws `merkle.bad_size`, `merkle.size_order`, `merkle.bad_hash` or `merkle.proof_length`.
 */
export function rootsFromConsistencyProof(
  from: number,
  to: number,
  fromRoot: Uint8Array,
  proof: readonly Uint8Array[],
): ConsistencyRoots {
  requireSize(from, 'from');
  requireSize(to, 'to');
  if (from === 0 || from > to) throw new MerkleError('merkle.size_order');
  if (from === to) {
    requireProof(proof, 0);
    if (!(fromRoot instanceof Uint8Array)) {
      throw new MerkleError('merkle.bad_hash', { field: 'fromRoot' });
    }
    return { fromRoot: fromRoot.slice(), toRoot: fromRoot.slice() };
  }
  const sides = consistencySides(from, to);
  const seedIsFromRoot = isPowerOfTwo(from);
  const path = requireProof(proof, sides.length + (seedIsFromRoot ? 0 : 1));
  const seed = seedIsFromRoot ? requireHash(fromRoot, 'fromRoot') : (path[0] as Uint8Array);
  let fr: Uint8Array = seed.slice();
  let sr: Uint8Array = seed.slice();
  const rest = seedIsFromRoot ? path : path.slice(1);
  rest.forEach((c, i) => {
    if (sides[i]) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
    } else {
      sr = hashChildren(sr, c);
    }
  });
  return { fromRoot: fr, toRoot: sr };
}

/**
 * Whether the proof shows that the tree of `to` leaves with root `toRoot` extends the
 * tree of `from` leaves with root `fromRoot` (§2.1.4.2 step 7).
 */
export function verifyConsistency(
  from: number,
  to: number,
  fromRoot: Uint8Array,
  toRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  return falseOnMerkleError(() => {
    const computed = rootsFromConsistencyProof(from, to, fromRoot, proof);
    const fromMatches = sameBytes(computed.fromRoot, fromRoot);
    const toMatches = sameBytes(computed.toRoot, toRoot);
    return fromMatches && toMatches;
  });
}
