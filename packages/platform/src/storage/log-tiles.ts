import { HASH_SIZE } from '@credence/core/merkle/hash';
import type { CompletedNode, NodeId } from '@credence/core/merkle/tree-builder';

/**
 * How the log's tree is stored: in tiles. A tile holds every node of four consecutive
 * levels under one subtree of 16 nodes at its lowest level — 16 + 8 + 4 + 2 = 30
 * hashes, 960 bytes, one row. Band b holds levels 4b to 4b + 3; tile t of band b covers
 * the nodes at level 4b with indexes 16t to 16t + 15 and everything above them up to
 * level 4b + 3. An inclusion or consistency proof needs about one node per level, and
 * the nodes it needs on four consecutive levels lie in at most two tiles, so a proof in
 * a tree of 10 million entries reads some 7 rows instead of 24; an append of 1,000
 * entries writes some 70 rows instead of 2,000.
 *
 * A slot of a tile is filled once its node is complete and never changes after; slots of
 * nodes not complete yet hold zeros, and nobody asks for them (proofs only need nodes
 * complete at the tree size they are for).
 */

export const TILE_HEIGHT = 4;
const WIDTH = 1 << TILE_HEIGHT;
/** Slot offsets of each level of a tile: 16 nodes, then 8, 4, 2. */
const OFFSETS = [0, 16, 24, 28] as const;
export const TILE_BYTES = 30 * HASH_SIZE;

export interface TileId {
  readonly band: number;
  readonly index: number;
}

export const tileKey = (t: TileId) => `${t.band}/${t.index}`;

/** The tile a node lies in, and its slot there. */
export function tileOf(node: NodeId): TileId & { readonly slot: number } {
  const band = Math.floor(node.level / TILE_HEIGHT);
  const level = node.level - band * TILE_HEIGHT;
  const perTile = WIDTH >> level;
  const index = Math.floor(node.index / perTile);
  return { band, index, slot: (OFFSETS[level] as number) + (node.index - index * perTile) };
}

/** The distinct tiles that hold these nodes. */
export function tilesOf(nodes: readonly NodeId[]): TileId[] {
  const tiles = new Map<string, TileId>();
  for (const n of nodes) {
    const { band, index } = tileOf(n);
    tiles.set(`${band}/${index}`, { band, index });
  }
  return [...tiles.values()];
}

/** The hashes of these nodes, from their tiles (keyed "level/index"); absent where unset. */
export function nodesFromTiles(
  nodes: readonly NodeId[],
  tiles: ReadonlyMap<string, Uint8Array>,
): Map<string, Uint8Array> {
  const found = new Map<string, Uint8Array>();
  for (const n of nodes) {
    const at = tileOf(n);
    const tile = tiles.get(`${at.band}/${at.index}`);
    if (tile === undefined || tile.length !== TILE_BYTES) continue;
    const hash = tile.slice(at.slot * HASH_SIZE, (at.slot + 1) * HASH_SIZE);
    if (hash.some((b) => b !== 0)) found.set(`${n.level}/${n.index}`, hash);
  }
  return found;
}

/**
 * The tiles an append writes: each tile its completed nodes fall in, as it was (from
 * `existing`, or empty) with their slots filled.
 */
export function patchTiles(
  completed: readonly CompletedNode[],
  existing: ReadonlyMap<string, Uint8Array>,
): (TileId & { readonly hashes: Uint8Array })[] {
  const patched = new Map<string, TileId & { hashes: Uint8Array }>();
  for (const node of completed) {
    const at = tileOf(node);
    const key = `${at.band}/${at.index}`;
    let tile = patched.get(key);
    if (tile === undefined) {
      const before = existing.get(key);
      const hashes = new Uint8Array(TILE_BYTES);
      if (before !== undefined && before.length === TILE_BYTES) hashes.set(before);
      tile = { band: at.band, index: at.index, hashes };
      patched.set(key, tile);
    }
    tile.hashes.set(node.hash, at.slot * HASH_SIZE);
  }
  return [...patched.values()];
}
