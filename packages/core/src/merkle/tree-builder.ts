import { foldSubtreeRoots, hashChildren, requireHash } from './hash.js';
import { MerkleError } from './merkle-error.js';
import { half, isOdd, MAX_TREE_SIZE, popCount, requireSize } from './tree-math.js';

/**
 * A perfect subtree of the log: the 2^level leaves from index * 2^level on. Level 0 is
 * a leaf; `index` counts nodes from the left at that level.
 */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/** A perfect subtree with its hash, as a store persists it. */
export interface CompletedNode extends NodeId {
  readonly hash: Uint8Array;
}

/**
 * Builds a Merkle tree leaf by leaf in O(log n) memory (a "compact range"): it keeps only
 * the frontier, the roots of the perfect subtrees that a tree of `size` leaves decomposes
 * into, one per set bit of `size`, largest first. The root of RFC 9162 §2.1.1 at any size
 * is these roots folded from the right, so there is no need to keep the leaves.
 *
 * Appending leaf i completes exactly the perfect subtrees that end at i (one per trailing
 * one bit of i, plus the leaf); `append` returns them so a store can persist every
 * interior node as soon as it exists, and proofs can later be assembled from the store.
 */
export class TreeBuilder {
  #size = 0;
  /** Perfect subtree roots, largest (leftmost) first; frontier[k] covers rootNodes(size)[k]. */
  #frontier: Uint8Array[] = [];

  /**
   * Resumes from a stored state: `frontier` are the roots of the perfect subtrees of a tree
   * of `size` leaves, largest first (what `frontier()` returned, or the store's nodes at
   * `rootNodes(size)`).
   */
  static fromFrontier(size: number, frontier: readonly Uint8Array[]): TreeBuilder {
    requireSize(size, 'size');
    if (!Array.isArray(frontier) || frontier.length !== popCount(size)) {
      throw new MerkleError('merkle.bad_frontier', { expected: popCount(size) });
    }
    const builder = new TreeBuilder();
    builder.#size = size;
    builder.#frontier = frontier.map((h) => requireHash(h, 'frontier').slice());
    return builder;
  }

  get size(): number {
    return this.#size;
  }

  /** Copies of the perfect subtree roots, largest first: enough to resume with fromFrontier. */
  frontier(): Uint8Array[] {
    return this.#frontier.map((h) => h.slice());
  }

  /**
   * Adds the leaf with this leaf hash (see hashLeaf) at index `size` and returns the perfect
   * subtrees it completed, lowest level first: the leaf itself, then each parent whose
   * right edge is this leaf.
   */
  append(leafHash: Uint8Array): CompletedNode[] {
    requireHash(leafHash, 'leafHash');
    if (this.#size >= MAX_TREE_SIZE) throw new MerkleError('merkle.bad_size', { field: 'size' });
    let hash: Uint8Array = leafHash.slice();
    let level = 0;
    let index = this.#size;
    const completed: CompletedNode[] = [{ level, index, hash }];
    // Each trailing one bit of the leaf's index is a left sibling on the frontier that
    // this leaf completes: merge them, smallest first.
    while (isOdd(index)) {
      const left = this.#frontier.pop() as Uint8Array;
      hash = hashChildren(left, hash);
      level++;
      index = half(index);
      completed.push({ level, index, hash });
    }
    // A copy, so that a store keeping the returned hashes cannot alter the builder's state.
    this.#frontier.push(hash.slice());
    this.#size++;
    return completed;
  }

  /** MTH of the leaves so far (RFC 9162 §2.1.1); the empty tree's root at size 0. */
  root(): Uint8Array {
    return foldSubtreeRoots(this.#frontier);
  }
}
