import { MerkleError } from './merkle-error.js';

/**
 * Integer arithmetic on tree sizes and leaf indexes. They are JS numbers, so a tree holds
 * at most 2^53 - 1 leaves (Number.MAX_SAFE_INTEGER); JS bitwise operators work on 32 bits
 * only, so bits are taken with division, which is exact on safe integers.
 */

export const MAX_TREE_SIZE = Number.MAX_SAFE_INTEGER;

/** Throws `merkle.bad_size` unless the value is an integer from 0 to 2^53 - 1. */
export function requireSize(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new MerkleError('merkle.bad_size', { field, max: MAX_TREE_SIZE });
  }
  return value;
}

/** floor(x / 2). */
export function half(x: number): number {
  return Math.floor(x / 2);
}

export function isOdd(x: number): boolean {
  return x % 2 === 1;
}

/** The number of bits of x (0 for 0), for 0 <= x < 2^53. */
export function bitLength(x: number): number {
  if (x < 2 ** 32) return 32 - Math.clz32(x);
  return 64 - Math.clz32(Math.floor(x / 2 ** 32));
}

/** The largest power of two strictly below n, for n >= 2: the split point k of RFC 9162 §2.1.1. */
export function largestPowerOfTwoBelow(n: number): number {
  return 2 ** (bitLength(n - 1) - 1);
}

export function isPowerOfTwo(n: number): boolean {
  return n > 0 && 2 ** (bitLength(n) - 1) === n;
}

/** The number of set bits of n: how many perfect subtrees a tree of n leaves splits into. */
export function popCount(n: number): number {
  let count = 0;
  for (let x = n; x > 0; x = half(x)) if (isOdd(x)) count++;
  return count;
}
