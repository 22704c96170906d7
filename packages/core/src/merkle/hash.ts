import { sha256, sha256Parts } from '../crypto/hashes.js';
import { MerkleError } from './merkle-error.js';

/**
 * The Merkle Tree Hash of RFC 9162 §2.1.1 with SHA-256. Leaves and interior nodes hash
 * under different one-byte prefixes (0x00, 0x01) so that a leaf can never be passed off
 * as an interior node or the other way round (second-preimage resistance, §2.1.1).
 */

export const HASH_SIZE = 32;

const LEAF_PREFIX = new Uint8Array([0x00]);
const NODE_PREFIX = new Uint8Array([0x01]);

/** MTH({d(0)}) = SHA-256(0x00 || d(0)): the hash of one log entry. */
export function hashLeaf(data: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + data.length);
  input[0] = LEAF_PREFIX[0] as number;
  input.set(data, 1);
  return sha256(input);
}

const children = new Uint8Array(1 + 2 * HASH_SIZE);
children[0] = NODE_PREFIX[0] as number;

/** SHA-256(0x01 || left || right): the parent of two subtree hashes. */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE)
    return sha256Parts([NODE_PREFIX, left, right]);
  children.set(left, 1);
  children.set(right, 1 + HASH_SIZE);
  return sha256(children);
}

/**
 * MTH({}) = SHA-256(""): the root of the empty tree. Shared; callers that hand it out
 * copy it (`EMPTY_ROOT.slice()`) so nobody can alter the constant.
 */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array());

/** Whether a value received from elsewhere is a hash: 32 bytes. */
export function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_SIZE;
}

/** Throws `merkle.bad_hash` unless the value is a 32-byte hash. */
export function requireHash(value: unknown, field: string): Uint8Array {
  if (!isHash(value)) throw new MerkleError('merkle.bad_hash', { field });
  return value;
}

/**
 * The MTH of a range from the roots of the perfect subtrees that decompose it, largest
 * (leftmost) first. RFC 9162's MTH splits a range of n leaves at the largest power of two
 * k < n and recurses only to the right, so the range's hash is
 * H(p0, H(p1, … H(p(m-2), p(m-1)))), folded from the right.
 */
export function foldSubtreeRoots(roots: readonly Uint8Array[]): Uint8Array {
  let acc = roots[roots.length - 1];
  if (acc === undefined) return EMPTY_ROOT.slice();
  if (roots.length === 1) return acc.slice();
  for (let i = roots.length - 2; i >= 0; i--) acc = hashChildren(roots[i] as Uint8Array, acc);
  return acc;
}
