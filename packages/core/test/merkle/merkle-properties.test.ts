import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/encoding/bytes.js';
import { EMPTY_ROOT, HASH_SIZE, hashChildren } from '../../src/merkle/hash.js';
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
import { leavesOf } from './leaves.js';

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

describe('properties: roots and proofs equal the RFC 9162 definitions', () => {
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
});

describe('properties: a tampered proof fails', () => {
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
});

describe('properties: TreeBuilder frontiers and completed nodes', () => {
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
