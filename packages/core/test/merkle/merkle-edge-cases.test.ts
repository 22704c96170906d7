import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/encoding/bytes.js';
import { CredenceError } from '../../src/errors.js';
import { EMPTY_ROOT, hashChildren, hashLeaf } from '../../src/merkle/hash.js';
import { MERKLE_ERRORS, MerkleError } from '../../src/merkle/merkle-error.js';
import {
  consistencyProof,
  consistencyProofNodes,
  inclusionProof,
  inclusionProofNodes,
  MemoryTree,
  type NodeLookup,
  rootFromNodes,
  rootNodes,
} from '../../src/merkle/proofs.js';
import { TreeBuilder } from '../../src/merkle/tree-builder.js';
import {
  rootFromInclusionProof,
  rootsFromConsistencyProof,
  verifyConsistency,
  verifyInclusion,
} from '../../src/merkle/verify.js';
import { leavesOf } from './leaves.js';

// ---------------------------------------------------------------------------------------
// Trees too large to build: all leaves equal, so the node at level L is the same hash
// for every index and a lookup can serve any size up to 2^53 - 1.

const UNIFORM_LEVELS = (() => {
  const levels = [hashLeaf(new Uint8Array([7]))];
  for (let l = 1; l <= 53; l++) {
    const below = levels[l - 1] as Uint8Array;
    levels.push(hashChildren(below, below));
  }
  return levels;
})();
const uniform: NodeLookup = (level) => UNIFORM_LEVELS[level];
const MAX = Number.MAX_SAFE_INTEGER;

describe('sizes up to 2^53 - 1', () => {
  it('inclusion proofs near the bound verify', () => {
    for (const [index, size] of [
      [0, MAX],
      [MAX - 1, MAX],
      [2 ** 52, MAX],
      [2 ** 52 - 1, 2 ** 52],
      [123_456_789_012, MAX - 2],
    ] as const) {
      const nodes = inclusionProofNodes(index, size);
      for (const { level, index: j } of nodes)
        expect((j + 1) * 2 ** level).toBeLessThanOrEqual(size);
      const proof = inclusionProof(index, size, uniform);
      expect(proof.length).toBeLessThanOrEqual(53);
      const root = rootFromNodes(size, uniform);
      expect(verifyInclusion(index, size, UNIFORM_LEVELS[0] as Uint8Array, proof, root)).toBe(true);
    }
  });

  it('consistency proofs near the bound verify', () => {
    for (const [from, to] of [
      [1, MAX],
      [2 ** 52, MAX],
      [2 ** 52 + 12_345, MAX],
      [MAX - 1, MAX],
      [3, 2 ** 53 - 2],
    ] as const) {
      const proof = consistencyProof(from, to, uniform);
      const [fromRoot, toRoot] = [rootFromNodes(from, uniform), rootFromNodes(to, uniform)];
      expect(verifyConsistency(from, to, fromRoot, toRoot, proof)).toBe(true);
    }
  });

  it('TreeBuilder keeps at most 53 hashes and stops at 2^53 - 1 leaves', () => {
    const frontier = rootNodes(MAX - 1).map(({ level }) => UNIFORM_LEVELS[level] as Uint8Array);
    const builder = TreeBuilder.fromFrontier(MAX - 1, frontier);
    expect(toHex(builder.root())).toBe(toHex(rootFromNodes(MAX - 1, uniform)));
    const completed = builder.append(UNIFORM_LEVELS[0] as Uint8Array);
    expect(completed).toEqual([{ level: 0, index: MAX - 1, hash: UNIFORM_LEVELS[0] }]);
    expect(builder.size).toBe(MAX);
    expect(builder.frontier()).toHaveLength(53);
    expect(toHex(builder.root())).toBe(toHex(rootFromNodes(MAX, uniform)));
    expectMerkleError(() => builder.append(UNIFORM_LEVELS[0] as Uint8Array), 'merkle.bad_size');
  });
});

// ---------------------------------------------------------------------------------------
// Edge cases and hostile input.

function expectMerkleError(run: () => unknown, code: keyof typeof MERKLE_ERRORS): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(MerkleError);
    expect(error).toBeInstanceOf(CredenceError);
    expect((error as MerkleError).code).toBe(code);
    expect((error as MerkleError).message).toBe(MERKLE_ERRORS[code]);
    return;
  }
  expect.fail(`expected ${code}`);
}

const BAD_NUMBERS: unknown[] = [
  Number.NaN,
  -1,
  1.5,
  2 ** 53,
  2 ** 64, // what JSON.parse makes of 18446744073709551615, a vector's leafIdx
  Number.POSITIVE_INFINITY,
  '3',
  3n,
  null,
  undefined,
];

describe('hostile input', () => {
  const memory = new MemoryTree(leavesOf(1, 11));
  const leaf = memory.node(0, 5) as Uint8Array;
  const proof = memory.inclusionProof(5);
  const root = memory.root();

  it('sizes and indexes that are not safe non-negative integers are rejected cleanly', () => {
    for (const bad of BAD_NUMBERS) {
      const n = bad as number;
      expect(verifyInclusion(n, 11, leaf, proof, root)).toBe(false);
      expect(verifyInclusion(5, n, leaf, proof, root)).toBe(false);
      expect(verifyConsistency(n, 11, root, root, [])).toBe(false);
      expect(verifyConsistency(11, n, root, root, [])).toBe(false);
      expectMerkleError(() => rootFromInclusionProof(n, 11, leaf, proof), 'merkle.bad_size');
      expectMerkleError(() => rootsFromConsistencyProof(1, n, root, []), 'merkle.bad_size');
      expectMerkleError(() => inclusionProofNodes(n, 11), 'merkle.bad_size');
      expectMerkleError(() => consistencyProofNodes(1, n), 'merkle.bad_size');
      expectMerkleError(() => rootNodes(n), 'merkle.bad_size');
      expectMerkleError(() => TreeBuilder.fromFrontier(n, []), 'merkle.bad_size');
    }
  });

  it('structural problems throw stable codes from the computing functions', () => {
    expectMerkleError(
      () => rootFromInclusionProof(11, 11, leaf, proof),
      'merkle.index_out_of_range',
    );
    expectMerkleError(() => inclusionProofNodes(0, 0), 'merkle.index_out_of_range');
    expectMerkleError(
      () => rootFromInclusionProof(5, 11, leaf, proof.slice(1)),
      'merkle.proof_length',
    );
    expectMerkleError(
      () => rootFromInclusionProof(5, 11, leaf, [...proof, leaf]),
      'merkle.proof_length',
    );
    expectMerkleError(
      () => rootFromInclusionProof(5, 11, leaf, null as unknown as Uint8Array[]),
      'merkle.proof_length',
    );
    expectMerkleError(
      () => rootFromInclusionProof(5, 11, leaf, [leaf.slice(1), ...proof.slice(1)]),
      'merkle.bad_hash',
    );
    expectMerkleError(() => rootFromInclusionProof(5, 11, leaf.slice(1), proof), 'merkle.bad_hash');
    expectMerkleError(() => rootsFromConsistencyProof(0, 11, root, []), 'merkle.size_order');
    expectMerkleError(() => rootsFromConsistencyProof(12, 11, root, []), 'merkle.size_order');
    expectMerkleError(() => consistencyProofNodes(0, 0), 'merkle.size_order');
    expectMerkleError(() => rootsFromConsistencyProof(11, 11, root, [root]), 'merkle.proof_length');
    expectMerkleError(
      () => rootsFromConsistencyProof(4, 11, root.slice(1), memory.consistencyProof(4)),
      'merkle.bad_hash',
    );
  });

  it('verification answers false, never throws, on malformed values', () => {
    const notBytes = [null, undefined, 'abc', [1, 2, 3], {}, 42] as unknown as Uint8Array[];
    for (const bad of notBytes) {
      expect(verifyInclusion(5, 11, bad, proof, root)).toBe(false);
      expect(verifyInclusion(5, 11, leaf, proof, bad)).toBe(false);
      expect(verifyInclusion(5, 11, leaf, [bad, ...proof.slice(1)], root)).toBe(false);
      expect(verifyInclusion(5, 11, leaf, bad as unknown as Uint8Array[], root)).toBe(false);
      expect(verifyConsistency(4, 11, bad, root, memory.consistencyProof(4))).toBe(false);
      expect(verifyConsistency(11, 11, bad, root, [])).toBe(false);
      expect(verifyConsistency(11, 11, root, bad, [])).toBe(false);
      expect(verifyConsistency(5, 11, root, root, bad as unknown as Uint8Array[])).toBe(false);
    }
  });

  it('equal sizes need an empty proof and equal roots', () => {
    expect(verifyConsistency(11, 11, root, root.slice(), [])).toBe(true);
    expect(verifyConsistency(11, 11, root, memory.root(10), [])).toBe(false);
    expect(consistencyProofNodes(11, 11)).toEqual([]);
    expect(memory.consistencyProof(11)).toEqual([]);
  });

  it('a store missing a node or holding a malformed one is reported', () => {
    expectMerkleError(() => inclusionProof(5, 11, () => undefined), 'merkle.missing_node');
    expectMerkleError(() => consistencyProof(3, 11, () => new Uint8Array(31)), 'merkle.bad_hash');
    expectMerkleError(() => rootFromNodes(11, () => undefined), 'merkle.missing_node');
  });

  it('TreeBuilder rejects malformed leaves and frontiers', () => {
    const builder = new TreeBuilder();
    expectMerkleError(() => builder.append(new Uint8Array(31)), 'merkle.bad_hash');
    expect(builder.size).toBe(0);
    expectMerkleError(() => TreeBuilder.fromFrontier(3, [leaf]), 'merkle.bad_frontier');
    expectMerkleError(() => TreeBuilder.fromFrontier(3, [leaf, leaf, leaf]), 'merkle.bad_frontier');
    expectMerkleError(() => TreeBuilder.fromFrontier(3, [leaf, leaf.slice(2)]), 'merkle.bad_hash');
    expect(TreeBuilder.fromFrontier(0, []).root()).toEqual(EMPTY_ROOT);
  });

  it('state handed out cannot alter the builder', () => {
    const builder = new TreeBuilder();
    const input = leaf.slice();
    const [completed] = builder.append(input);
    const before = toHex(builder.root());
    input.fill(1);
    completed?.hash.fill(2);
    builder.root().fill(3);
    builder.frontier()[0]?.fill(4);
    expect(toHex(builder.root())).toBe(before);
  });
});
