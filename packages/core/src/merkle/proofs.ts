import { foldSubtreeRoots, requireHash } from './hash.js';
import { MerkleError } from './merkle-error.js';
import { type CompletedNode, type NodeId, TreeBuilder } from './tree-builder.js';
import { bitLength, largestPowerOfTwoBelow, requireSize } from './tree-math.js';

/**
 * Inclusion and consistency proofs (RFC 9162 §2.1.3.1, §2.1.4.1) for a tree whose nodes
 * live in a store. Generation is split so the store is asked once per proof:
 *
 *   plan      inclusionProofNodes / consistencyProofNodes / rootNodes → the {level, index}
 *             of every perfect subtree the proof is made from
 *   fetch     the caller reads those hashes from its store (one query)
 *   assemble  inclusionProof / consistencyProof / rootFromNodes with a lookup over them
 *
 * A store holds only complete perfect subtrees (what TreeBuilder.append reports): node
 * (level L, index j) exists once the tree has (j + 1) · 2^L leaves. That is enough: each
 * proof element is the MTH of a range [a, b) of the RFC's recursive split with b <= size,
 * and such a range is its own perfect subtree or, on the right edge of a tree whose size
 * is not a power of two, splits into aligned perfect subtrees, the largest first (§2.1.1).
 */

export type { CompletedNode, NodeId } from './tree-builder.js';

/** Reads a node hash the caller fetched; `undefined` if the store has none. */
export type NodeLookup = (level: number, index: number) => Uint8Array | undefined;

/** A half-open range of leaves [start, end). */
interface LeafRange {
  readonly start: number;
  readonly end: number;
}

/**
 * The perfect subtrees making up [start, end), largest first. Callers pass ranges of the
 * RFC's split, whose start is a multiple of the largest power of two not above their
 * length, so every piece is aligned.
 */
function rangeNodes({ start, end }: LeafRange): NodeId[] {
  const nodes: NodeId[] = [];
  for (let at = start; at < end; ) {
    const level = bitLength(end - at) - 1;
    const width = 2 ** level;
    nodes.push({ level, index: at / width });
    at += width;
  }
  return nodes;
}

/**
 * The ranges whose hashes make up PATH(index, D[0:size]), deepest first: at each split of
 * §2.1.3.1 the sibling of the half holding the leaf is appended after the path below it.
 */
function inclusionRanges(index: number, size: number): LeafRange[] {
  const ranges: LeafRange[] = [];
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const mid = lo + largestPowerOfTwoBelow(hi - lo);
    if (index < mid) {
      ranges.push({ start: mid, end: hi });
      hi = mid;
    } else {
      ranges.push({ start: lo, end: mid });
      lo = mid;
    }
  }
  return ranges.reverse();
}

/**
 * The ranges whose hashes make up PROOF(from, D[0:to]) = SUBPROOF(from, D[0:to], true) of
 * §2.1.4.1, deepest first. `whole` is the RFC's flag b: it turns false once the old tree
 * is no longer a prefix that starts the current subtree, and then the subtree that
 * exactly covers the old tree's last part is itself part of the proof.
 */
function consistencyRanges(from: number, to: number): LeafRange[] {
  const ranges: LeafRange[] = [];
  let lo = 0;
  let hi = to;
  let whole = true;
  while (from < hi) {
    const mid = lo + largestPowerOfTwoBelow(hi - lo);
    if (from <= mid) {
      ranges.push({ start: mid, end: hi });
      hi = mid;
    } else {
      ranges.push({ start: lo, end: mid });
      lo = mid;
      whole = false;
    }
  }
  if (!whole) ranges.push({ start: lo, end: hi });
  return ranges.reverse();
}

function requireInclusionArgs(index: number, size: number): void {
  requireSize(index, 'index');
  requireSize(size, 'size');
  if (index >= size) throw new MerkleError('merkle.index_out_of_range');
}

/** §2.1.4.1 defines PROOF(m, D[n]) for 0 < m <= n; m = n gives the empty proof. */
function requireConsistencyArgs(from: number, to: number): void {
  requireSize(from, 'from');
  requireSize(to, 'to');
  if (from === 0 || from > to) throw new MerkleError('merkle.size_order');
}

function fetchNode(lookup: NodeLookup, { level, index }: NodeId): Uint8Array {
  const hash = lookup(level, index);
  if (hash === undefined) throw new MerkleError('merkle.missing_node', { level, index });
  return requireHash(hash, 'node');
}

function rangeHash(range: LeafRange, lookup: NodeLookup): Uint8Array {
  return foldSubtreeRoots(rangeNodes(range).map((node) => fetchNode(lookup, node)));
}

/**
 * One element of a proof: the MTH of leaves [start, end), made of these perfect subtrees
 * (one when the range is itself a perfect subtree; several on the right edge of a tree
 * whose size is not a power of two). Elements of the right edge are the same for every
 * proof in a tree of one size, so a server may keep their hashes.
 */
export interface ProofElement {
  readonly start: number;
  readonly end: number;
  readonly nodes: readonly NodeId[];
}

const elementsOf = (ranges: readonly LeafRange[]): ProofElement[] =>
  ranges.map((r) => ({ start: r.start, end: r.end, nodes: rangeNodes(r) }));

/** Plan: the elements of the inclusion proof of leaf `index` in a tree of `size` leaves. */
export function inclusionProofPlan(index: number, size: number): ProofElement[] {
  requireInclusionArgs(index, size);
  return elementsOf(inclusionRanges(index, size));
}

/** Plan: the elements of the consistency proof from tree size `from` to `to`. */
export function consistencyProofPlan(from: number, to: number): ProofElement[] {
  requireConsistencyArgs(from, to);
  return elementsOf(consistencyRanges(from, to));
}

/** Assemble: the hash of each element of a plan. */
export function assembleProof(plan: readonly ProofElement[], lookup: NodeLookup): Uint8Array[] {
  return plan.map((e) => foldSubtreeRoots(e.nodes.map((node) => fetchNode(lookup, node))));
}

/** Plan: the nodes that the inclusion proof of leaf `index` in a tree of `size` needs. */
export function inclusionProofNodes(index: number, size: number): NodeId[] {
  requireInclusionArgs(index, size);
  return inclusionRanges(index, size).flatMap(rangeNodes);
}

/** Plan: the nodes that the consistency proof from tree size `from` to `to` needs. */
export function consistencyProofNodes(from: number, to: number): NodeId[] {
  requireConsistencyArgs(from, to);
  return consistencyRanges(from, to).flatMap(rangeNodes);
}

/**
 * Plan: the perfect subtrees whose hashes give the root of a tree of `size` leaves, largest
 * first; one per set bit of `size`, none for the empty tree. They are the builder's frontier.
 */
export function rootNodes(size: number): NodeId[] {
  requireSize(size, 'size');
  return rangeNodes({ start: 0, end: size });
}

/** Assemble: the inclusion proof (audit path) of leaf `index` in the tree of `size` leaves. */
export function inclusionProof(index: number, size: number, lookup: NodeLookup): Uint8Array[] {
  requireInclusionArgs(index, size);
  return inclusionRanges(index, size).map((range) => rangeHash(range, lookup));
}

/** Assemble: the consistency proof between the trees of `from` and `to` leaves. */
export function consistencyProof(from: number, to: number, lookup: NodeLookup): Uint8Array[] {
  requireConsistencyArgs(from, to);
  return consistencyRanges(from, to).map((range) => rangeHash(range, lookup));
}

/** Assemble: the root (MTH) of the tree of the first `size` leaves, at any past size. */
export function rootFromNodes(size: number, lookup: NodeLookup): Uint8Array {
  return foldSubtreeRoots(rootNodes(size).map((node) => fetchNode(lookup, node)));
}

/**
 * The whole tree in memory, kept the way a store keeps it (every completed node, nothing
 * else), and proofs made through the same plan and assemble path. For tests and tools:
 * it holds 2n - 1 hashes.
 */
export class MemoryTree {
  readonly #builder = new TreeBuilder();
  /** levels[L][j]: the hash of node (L, j). */
  readonly #levels: Uint8Array[][] = [];

  constructor(leafHashes: readonly Uint8Array[] = []) {
    for (const leafHash of leafHashes) this.append(leafHash);
  }

  get size(): number {
    return this.#builder.size;
  }

  append(leafHash: Uint8Array): CompletedNode[] {
    const completed = this.#builder.append(leafHash);
    for (const { level, index, hash } of completed) {
      let row = this.#levels[level];
      if (row === undefined) {
        row = [];
        this.#levels[level] = row;
      }
      row[index] = hash;
    }
    return completed;
  }

  /** The lookup over every completed node. */
  readonly node: NodeLookup = (level, index) => this.#levels[level]?.[index];

  root(size: number = this.size): Uint8Array {
    return rootFromNodes(size, this.node);
  }

  inclusionProof(index: number, size: number = this.size): Uint8Array[] {
    return inclusionProof(index, size, this.node);
  }

  consistencyProof(from: number, to: number = this.size): Uint8Array[] {
    return consistencyProof(from, to, this.node);
  }
}
