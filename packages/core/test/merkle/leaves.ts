import { hashLeaf } from '../../src/merkle/hash.js';

/** `n` distinct leaf hashes, the same ones for the same seed. */
export function leavesOf(seed: number, n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) =>
    hashLeaf(new Uint8Array(new Uint32Array([seed, i]).buffer)),
  );
}
