import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/encoding/bytes.js';
import { CredenceError } from '../../src/errors.js';
import { EMPTY_ROOT, HASH_SIZE, hashChildren, hashLeaf } from '../../src/merkle/hash.js';
import { MERKLE_ERRORS, MerkleError } from '../../src/merkle/merkle-error.js';
import {
  type CompletedNode,
  consistencyProof,
  consistencyProofNodes,
  inclusionProof,
  inclusionProofNodes,
  MemoryTree,
  type NodeId,
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

// ---------------------------------------------------------------------------------------
// Shared vectors (C2SP / transparency-dev layout): one test per file.

const VECTORS = resolve(import.meta.dirname, '../../test-data/merkle');

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return jsonFiles(path);
      return entry.name.endsWith('.json') ? [path] : [];
    })
    .sort();
}

interface InclusionVector {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

interface ConsistencyVector {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const readJson = <T>(path: string) => JSON.parse(readFileSync(path, 'utf8')) as T;
const INCLUSION_FILES = jsonFiles(join(VECTORS, 'inclusion'));
const CONSISTENCY_FILES = jsonFiles(join(VECTORS, 'consistency'));

/**
 * The leaves of the RFC 6962 reference test tree that the vectors are built on; the
 * test below checks them against the vectors' roots before relying on them.
 */
const REFERENCE_LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((hex) => new Uint8Array(Buffer.from(hex, 'hex')));
const REFERENCE = new MemoryTree(REFERENCE_LEAVES.map(hashLeaf));

describe('shared vectors', () => {
  it('reads every vector file', () => {
    expect(INCLUSION_FILES.length).toBeGreaterThan(50);
    expect(CONSISTENCY_FILES.length).toBeGreaterThan(50);
    expect(INCLUSION_FILES.length + CONSISTENCY_FILES.length).toBeGreaterThan(150);
  });

  describe('inclusion', () => {
    for (const file of INCLUSION_FILES) {
      const v = readJson<InclusionVector>(file);
      it(`${relative(VECTORS, file)}: ${v.desc}`, () => {
        const proof = (v.proof ?? []).map(b64);
        const ok = verifyInclusion(v.leafIdx, v.treeSize, b64(v.leafHash), proof, b64(v.root));
        expect(ok).toBe(!v.wantErr);
        if (!v.wantErr) {
          const root = rootFromInclusionProof(v.leafIdx, v.treeSize, b64(v.leafHash), proof);
          expect(toHex(root)).toBe(toHex(b64(v.root)));
        }
      });
    }
  });

  describe('consistency', () => {
    for (const file of CONSISTENCY_FILES) {
      const v = readJson<ConsistencyVector>(file);
      it(`${relative(VECTORS, file)}: ${v.desc}`, () => {
        const proof = (v.proof ?? []).map(b64);
        const ok = verifyConsistency(v.size1, v.size2, b64(v.root1), b64(v.root2), proof);
        expect(ok).toBe(!v.wantErr);
      });
    }
  });

  it('the generator reproduces the proofs of the happy paths on the reference tree', () => {
    let compared = 0;
    for (const file of INCLUSION_FILES) {
      const v = readJson<InclusionVector>(file);
      if (v.wantErr || v.treeSize > REFERENCE.size) continue;
      if (toHex(REFERENCE.root(v.treeSize)) !== toHex(b64(v.root))) continue;
      expect(toHex(REFERENCE.node(0, v.leafIdx) ?? new Uint8Array())).toBe(toHex(b64(v.leafHash)));
      expect(REFERENCE.inclusionProof(v.leafIdx, v.treeSize).map(toHex)).toEqual(
        (v.proof ?? []).map((p) => toHex(b64(p))),
      );
      compared++;
    }
    for (const file of CONSISTENCY_FILES) {
      const v = readJson<ConsistencyVector>(file);
      if (v.wantErr || v.size2 > REFERENCE.size) continue;
      if (toHex(REFERENCE.root(v.size2)) !== toHex(b64(v.root2))) continue;
      expect(toHex(REFERENCE.root(v.size1))).toBe(toHex(b64(v.root1)));
      expect(REFERENCE.consistencyProof(v.size1, v.size2).map(toHex)).toEqual(
        (v.proof ?? []).map((p) => toHex(b64(p))),
      );
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(8);
  });
});

// ---------------------------------------------------------------------------------------
// A reference straight from the definitions of RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1,
// recursing on slices of leaf hashes; MTH is memoised per range so that checking every
// size up to a few hundred stays fast.

function largestPowerOfTwoBelowNaive(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

class Reference {
  readonly #memo = new Map<string, Uint8Array>();
  constructor(readonly leaves: readonly Uint8Array[]) {}

  mth(start: number, end: number): Uint8Array {
    const key = `${start}:${end}`;
    const known = this.#memo.get(key);
    if (known !== undefined) return known;
    const n = end - start;
    let hash: Uint8Array;
    if (n === 0) hash = EMPTY_ROOT;
    else if (n === 1) hash = this.leaves[start] as Uint8Array;
    else {
      const k = largestPowerOfTwoBelowNaive(n);
      hash = hashChildren(this.mth(start, start + k), this.mth(start + k, end));
    }
    this.#memo.set(key, hash);
    return hash;
  }

  /** PATH(m, D[start:end]). */
  path(m: number, start: number, end: number): Uint8Array[] {
    const n = end - start;
    if (n === 1) return [];
    const k = largestPowerOfTwoBelowNaive(n);
    if (m < k) return [...this.path(m, start, start + k), this.mth(start + k, end)];
    return [...this.path(m - k, start + k, end), this.mth(start, start + k)];
  }

  /** SUBPROOF(m, D[start:end], b). */
  subproof(m: number, start: number, end: number, b: boolean): Uint8Array[] {
    const n = end - start;
    if (m === n) return b ? [] : [this.mth(start, end)];
    const k = largestPowerOfTwoBelowNaive(n);
    if (m <= k) return [...this.subproof(m, start, start + k, b), this.mth(start + k, end)];
    return [...this.subproof(m - k, start + k, end, false), this.mth(start, start + k)];
  }
}

// ---------------------------------------------------------------------------------------
// A store, as the log keeps one: every completed node by (level, index).

const key = (level: number, index: number) => `${level}/${index}`;

interface Store {
  readonly builderRoots: Uint8Array[];
  readonly nodes: Map<string, Uint8Array>;
  readonly events: CompletedNode[][];
}

function leavesOf(seed: number, n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) =>
    hashLeaf(new Uint8Array(new Uint32Array([seed, i]).buffer)),
  );
}

function buildStore(leaves: readonly Uint8Array[]): Store {
  const builder = new TreeBuilder();
  const builderRoots = [builder.root()];
  const nodes = new Map<string, Uint8Array>();
  const events: CompletedNode[][] = [];
  for (const leaf of leaves) {
    const completed = builder.append(leaf);
    events.push(completed);
    for (const node of completed) {
      if (nodes.has(key(node.level, node.index))) throw new Error('a node completed twice');
      nodes.set(key(node.level, node.index), node.hash);
    }
    builderRoots.push(builder.root());
  }
  return { builderRoots, nodes, events };
}

/**
 * Plan, fetch only the planned nodes (the "one query"), then assemble from them alone.
 * Throws if the planner asks for a node that is not complete at this size or that the
 * builder never reported. (Hot loops collect results and assert once: an `expect` per
 * node would make these tests slow.)
 */
function fetchPlanned(store: Store, planned: readonly NodeId[], size: number): NodeLookup {
  const fetched = new Map<string, Uint8Array>();
  for (const { level, index } of planned) {
    const hash = store.nodes.get(key(level, index));
    if ((index + 1) * 2 ** level > size || hash === undefined) {
      throw new Error(`planned node ${key(level, index)} is not complete at size ${size}`);
    }
    fetched.set(key(level, index), hash);
  }
  return (level, index) => fetched.get(key(level, index));
}

const hexes = (hashes: readonly Uint8Array[]) => hashes.map(toHex).join(',');

function flipBit(proof: readonly Uint8Array[], element: number, bit: number): Uint8Array[] {
  return proof.map((p, i) => {
    if (i !== element) return p;
    const copy = p.slice();
    copy[bit >> 3] = (copy[bit >> 3] ?? 0) ^ (1 << (bit & 7));
    return copy;
  });
}

const tree = fc.record({ seed: fc.nat(), n: fc.integer({ min: 0, max: 300 }) });
const nonEmptyTree = fc.record({ seed: fc.nat(), n: fc.integer({ min: 1, max: 300 }) });

describe('properties', () => {
  it('TreeBuilder roots equal the naive MTH and the store roots at every size', () => {
    fc.assert(
      fc.property(tree, ({ seed, n }) => {
        const leaves = leavesOf(seed, n);
        const ref = new Reference(leaves);
        const store = buildStore(leaves);
        const lookup: NodeLookup = (l, i) => store.nodes.get(key(l, i));
        const [got, want]: [string[], string[]] = [[], []];
        for (let m = 0; m <= n; m++) {
          const expected = toHex(ref.mth(0, m));
          want.push(`${m}: ${expected} ${expected} ${expected}`);
          got.push(
            `${m}: ${toHex(store.builderRoots[m] ?? new Uint8Array())} ` +
              `${toHex(rootFromNodes(m, fetchPlanned(store, rootNodes(m), m)))} ` +
              toHex(rootFromNodes(m, lookup)),
          );
        }
        expect(got).toEqual(want);
      }),
      { numRuns: 20 },
    );
  });

  it('every inclusion proof made by plan and assemble is PATH and verifies', () => {
    fc.assert(
      fc.property(nonEmptyTree, ({ seed, n }) => {
        const leaves = leavesOf(seed, n);
        const ref = new Reference(leaves);
        const store = buildStore(leaves);
        const root = store.builderRoots[n] as Uint8Array;
        const [got, want]: [string[], string[]] = [[], []];
        for (let i = 0; i < n; i++) {
          const leaf = leaves[i] as Uint8Array;
          const lookup = fetchPlanned(store, inclusionProofNodes(i, n), n);
          const proof = inclusionProof(i, n, lookup);
          const computed = toHex(rootFromInclusionProof(i, n, leaf, proof));
          got.push(`${i}: ${hexes(proof)} ${verifyInclusion(i, n, leaf, proof, root)} ${computed}`);
          want.push(`${i}: ${hexes(ref.path(i, 0, n))} true ${toHex(ref.mth(0, n))}`);
        }
        expect(got).toEqual(want);
      }),
      { numRuns: 20 },
    );
  });

  it('every consistency proof made by plan and assemble is PROOF and verifies', () => {
    fc.assert(
      fc.property(nonEmptyTree, ({ seed, n }) => {
        const leaves = leavesOf(seed, n);
        const ref = new Reference(leaves);
        const store = buildStore(leaves);
        const root = store.builderRoots[n] as Uint8Array;
        const [got, want]: [string[], string[]] = [[], []];
        for (let m = 1; m <= n; m++) {
          const oldRoot = store.builderRoots[m] as Uint8Array;
          const lookup = fetchPlanned(store, consistencyProofNodes(m, n), n);
          const proof = consistencyProof(m, n, lookup);
          const roots = rootsFromConsistencyProof(m, n, oldRoot, proof);
          const ok = verifyConsistency(m, n, oldRoot, root, proof);
          got.push(`${m}: ${hexes(proof)} ${ok} ${hexes([roots.fromRoot, roots.toRoot])}`);
          want.push(
            `${m}: ${hexes(ref.subproof(m, 0, n, true))} true ${hexes([ref.mth(0, m), ref.mth(0, n)])}`,
          );
        }
        expect(got).toEqual(want);
      }),
      { numRuns: 20 },
    );
  });

  it('a flipped bit in any inclusion proof element, or a wrong index, fails', () => {
    fc.assert(
      fc.property(
        nonEmptyTree.chain(({ seed, n }) =>
          fc.record({
            seed: fc.constant(seed),
            n: fc.constant(n),
            i: fc.nat(n - 1),
            j: fc.nat(n - 1),
            bit: fc.nat(HASH_SIZE * 8 - 1),
          }),
        ),
        ({ seed, n, i, j, bit }) => {
          const leaves = leavesOf(seed, n + 1);
          const memory = new MemoryTree(leaves);
          const root = memory.root(n);
          const leaf = leaves[i] as Uint8Array;
          const proof = memory.inclusionProof(i, n);
          const flipped = proof.map((_, e) => flipBit(proof, e, bit));
          expect(flipped.map((p) => verifyInclusion(i, n, leaf, p, root))).not.toContain(true);
          if (j !== i) expect(verifyInclusion(j, n, leaf, proof, root)).toBe(false);
          // Another size only fails against that size's root: a proof binds the root, and
          // a path of the same shape in a larger tree leads to the same (claimed) root.
          expect(verifyInclusion(i, n + 1, leaf, proof, memory.root(n + 1))).toBe(false);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('a flipped bit in any consistency proof element, or wrong sizes, fails', () => {
    fc.assert(
      fc.property(
        fc.record({ seed: fc.nat(), n: fc.integer({ min: 2, max: 300 }) }).chain(({ seed, n }) =>
          fc.record({
            seed: fc.constant(seed),
            n: fc.constant(n),
            m: fc.integer({ min: 1, max: n - 1 }),
            bit: fc.nat(HASH_SIZE * 8 - 1),
          }),
        ),
        ({ seed, n, m, bit }) => {
          const memory = new MemoryTree(leavesOf(seed, n + 1));
          const root = (size: number) => memory.root(size);
          const proof = memory.consistencyProof(m, n);
          const flipped = proof.map((_, e) => flipBit(proof, e, bit));
          expect(flipped.map((p) => verifyConsistency(m, n, root(m), root(n), p))).not.toContain(
            true,
          );
          // Other sizes, each with its own true root.
          if (m > 1) expect(verifyConsistency(m - 1, n, root(m - 1), root(n), proof)).toBe(false);
          expect(verifyConsistency(m + 1, n, root(m + 1), root(n), proof)).toBe(false);
          expect(verifyConsistency(m, n + 1, root(m), root(n + 1), proof)).toBe(false);
          expect(verifyConsistency(m, n, root(n), root(m), proof)).toBe(false);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('TreeBuilder.fromFrontier resumes to the same roots', () => {
    fc.assert(
      fc.property(
        tree.chain(({ seed, n }) =>
          fc.record({ seed: fc.constant(seed), n: fc.constant(n), s: fc.nat(n) }),
        ),
        ({ seed, n, s }) => {
          const leaves = leavesOf(seed, n);
          const store = buildStore(leaves);
          const first = new TreeBuilder();
          for (const leaf of leaves.slice(0, s)) first.append(leaf);
          // The frontier is the store's nodes at rootNodes(s), so either can resume.
          const frontier = first.frontier();
          const stored = rootNodes(s).map(({ level, index }) => store.nodes.get(key(level, index)));
          expect(frontier.map(toHex)).toEqual(stored.map((h) => toHex(h ?? new Uint8Array())));
          const resumed = TreeBuilder.fromFrontier(s, frontier);
          expect(resumed.size).toBe(s);
          const [got, want]: [string[], string[]] = [[], []];
          for (let m = s; m <= n; m++) {
            got.push(`${m}: ${toHex(resumed.root())}`);
            want.push(`${m}: ${toHex(store.builderRoots[m] as Uint8Array)}`);
            if (m === n) break;
            const events = (nodes: readonly CompletedNode[] = []) =>
              nodes.map(({ level, index, hash }) => `${key(level, index)}=${toHex(hash)}`).join();
            got.push(events(resumed.append(leaves[m] as Uint8Array)));
            want.push(events(store.events[m]));
          }
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('appending leaf i completes exactly the perfect subtrees that end at i', () => {
    fc.assert(
      fc.property(tree, ({ seed, n }) => {
        const leaves = leavesOf(seed, n);
        const ref = new Reference(leaves);
        const store = buildStore(leaves);
        const [got, want]: [string[], string[]] = [[], []];
        store.events.forEach((completed, i) => {
          // Level 0 first, then one more level per trailing one bit of i, each ending at i.
          completed.forEach(({ level, index, hash }, k) => {
            const [start, end] = [index * 2 ** level, (index + 1) * 2 ** level];
            got.push(`${i}: level ${level} ends at ${end - 1} ${toHex(hash)}`);
            want.push(`${i}: level ${k} ends at ${i} ${toHex(ref.mth(start, end))}`);
          });
          let trailingOnes = 0;
          for (let x = i; x % 2 === 1; x = (x - 1) / 2) trailingOnes++;
          got.push(`${i}: ${completed.length} nodes`);
          want.push(`${i}: ${trailingOnes + 1} nodes`);
        });
        expect(got).toEqual(want);
        // Over the whole tree: every complete perfect subtree, each once.
        let expected = 0;
        for (let w = 1; w <= n; w *= 2) expected += Math.floor(n / w);
        expect(store.nodes.size).toBe(expected);
      }),
      { numRuns: 30 },
    );
  });
});

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
// Hashes, edge cases and hostile input.

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

describe('hashes', () => {
  it('match RFC 9162 §2.1.1 (SHA-256 with 0x00 / 0x01 prefixes)', () => {
    expect(HASH_SIZE).toBe(32);
    expect(toHex(EMPTY_ROOT)).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(toHex(hashLeaf(new Uint8Array()))).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
    const [a, b] = [hashLeaf(new Uint8Array([1])), hashLeaf(new Uint8Array([2]))];
    expect(toHex(hashChildren(a, b))).not.toBe(toHex(hashChildren(b, a)));
    expect(new MemoryTree([a, b]).root()).toEqual(hashChildren(a, b));
  });

  it('the empty tree has the empty root, and handing it out does not expose the constant', () => {
    const root = new TreeBuilder().root();
    expect(root).toEqual(EMPTY_ROOT);
    root.fill(0);
    expect(toHex(EMPTY_ROOT)).toMatch(/^e3b0c442/);
    expect(rootNodes(0)).toEqual([]);
    expect(new MemoryTree().root()).toEqual(EMPTY_ROOT);
  });
});

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
