import { type Csr, strengths } from './csr.js';

export interface LouvainOptions {
  /** γ of modularity: above 1 favours smaller communities. Default 1. */
  readonly resolution?: number;
  /** Seed of the order in which nodes are visited (the result is a function of it). */
  readonly seed?: number;
  /** Most node visits per level, as a multiple of the nodes. Default 32. */
  readonly maxPasses?: number;
  /**
   * The first level visits the nodes in a seeded random order (default), or in their
   * numbering, which reads the graph's rows in sequence: faster on large graphs, and as
   * good as random when the numbering says nothing about the structure (tokens numbered
   * as first read). Later levels always go in a seeded random order.
   */
  readonly order?: 'random' | 'numbered';
  /**
   * Incremental (issue 19): the partition to start from, each node's community in an
   * earlier run (ids from 0 up, below the node count; -1 for a node that run did not
   * have, which starts alone). The first level then visits only the `frontier` (the nodes
   * whose edges changed, and the new ones) and a node beyond it only when a neighbour
   * moves, so its work follows what changed; the levels above run on the communities'
   * graph as usual. Without `frontier`, every node is visited once more.
   */
  readonly initial?: Int32Array;
  /** With `initial`: the nodes to look at first. */
  readonly frontier?: Int32Array;
}

export interface Communities {
  /** Community of each node, numbered 0..count-1. */
  readonly community: Int32Array;
  readonly count: number;
  /** Modularity of the partition (with the resolution used). */
  readonly modularity: number;
  /** Levels of aggregation made. */
  readonly levels: number;
  /** Nodes the first level looked at (a node looked at twice counts twice). */
  readonly visits: number;
}

/**
 * Modularity of a partition of an undirected CSR (Newman–Girvan, with resolution γ):
 * Q = Σ_c [ in_c / 2m − γ (tot_c / 2m)² ], where in_c sums the arcs inside c (each edge
 * twice) and twice its loops, and tot_c the strengths of c's nodes.
 */
export function modularity(g: Csr, community: Int32Array, resolution = 1): number {
  const k = strengths(g);
  let count = 0;
  for (let v = 0; v < g.nodes; v++) count = Math.max(count, (community[v] as number) + 1);
  const inside = new Float64Array(count);
  const total = new Float64Array(count);
  let m2 = 0;
  for (let v = 0; v < g.nodes; v++) {
    const c = community[v] as number;
    m2 += k[v] as number;
    total[c] = (total[c] as number) + (k[v] as number);
    let w = 2 * (g.loops[v] as number);
    for (let i = g.offsets[v] as number, end = g.offsets[v + 1] as number; i < end; i++)
      if (community[g.targets[i] as number] === c) w += g.weights[i] as number;
    inside[c] = (inside[c] as number) + w;
  }
  if (m2 === 0) return 0;
  let q = 0;
  for (let c = 0; c < count; c++) {
    const t = (total[c] as number) / m2;
    q += (inside[c] as number) / m2 - resolution * t * t;
  }
  return q;
}

/** Rows this short gather their neighbours' communities by a scan of a few slots. */
const SMALL_ROW = 32;

/** A small deterministic generator (xorshift32) for the visiting order. */
function shuffled(n: number, seed: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let s = seed >>> 0 || 0x9e3779b9;
  for (let i = n - 1; i > 0; i--) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const j = (s >>> 0) % (i + 1);
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
  return order;
}

/**
 * Moves nodes between communities while modularity grows (the local moving phase of
 * Blondel et al. 2008, visited as Leiden's fast local move does, Traag et al. 2019): every
 * node starts in a queue in a seeded random order; a node taken from the queue leaves its
 * community and joins the neighbouring one with the largest gain
 * k_v,in(c) − γ k_v tot_c / 2m (its own included); when it moves, its neighbours outside
 * its new community go back in the queue. It ends when the queue is empty, so a node is
 * looked at again only when something around it changed.
 */
function moveNodes(
  g: Csr,
  k: Float64Array,
  m2: number,
  resolution: number,
  seed: number,
  maxVisits: number,
  numbered = false,
  start?: Start,
): { community: Int32Array; moved: boolean; visits: number } {
  const n = g.nodes;
  const community = start === undefined ? new Int32Array(n) : start.community.slice();
  const total = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    if (start === undefined) community[v] = v;
    const c = community[v] as number;
    total[c] = (total[c] as number) + (k[v] as number);
  }
  // Weight from the node being moved to each neighbouring community: zero between
  // visits (weights are positive, so zero also means "not touched in this visit").
  const toCommunity = new Float64Array(n);
  const touched = new Int32Array(n);
  const smallCommunity = new Int32Array(SMALL_ROW);
  const smallWeight = new Float64Array(SMALL_ROW);
  const first = firstQueue(n, seed, numbered, start);
  const { queue, queued } = first;
  let size = first.size;
  let head = 0;
  let moved = false;
  let visits = 0;
  for (; size > 0 && visits < maxVisits; visits++) {
    const v = queue[head] as number;
    head = head + 1 === n ? 0 : head + 1;
    size--;
    queued[v] = 0;
    const own = community[v] as number;
    const kv = k[v] as number;
    const rowStart = g.offsets[v] as number;
    const rowEnd = g.offsets[v + 1] as number;
    total[own] = (total[own] as number) - kv;
    const scale = (resolution * kv) / m2;
    let best = own;
    let bestGain: number;
    if (rowEnd - rowStart <= SMALL_ROW) {
      // A short row: its communities gathered in a few slots scanned in place, which
      // spares a random access into a node-sized array per arc.
      let count = 0;
      for (let i = rowStart; i < rowEnd; i++) {
        const c = community[g.targets[i] as number] as number;
        let j = 0;
        while (j < count && smallCommunity[j] !== c) j++;
        if (j === count) {
          smallCommunity[count] = c;
          smallWeight[count++] = g.weights[i] as number;
        } else smallWeight[j] = (smallWeight[j] as number) + (g.weights[i] as number);
      }
      let ownWeight = 0;
      for (let j = 0; j < count; j++)
        if (smallCommunity[j] === own) ownWeight = smallWeight[j] as number;
      bestGain = ownWeight - scale * (total[own] as number);
      for (let j = 0; j < count; j++) {
        const c = smallCommunity[j] as number;
        const gain = (smallWeight[j] as number) - scale * (total[c] as number);
        if (gain > bestGain + 1e-12) {
          best = c;
          bestGain = gain;
        }
      }
    } else {
      let count = 0;
      for (let i = rowStart; i < rowEnd; i++) {
        const c = community[g.targets[i] as number] as number;
        const w = toCommunity[c] as number;
        if (w === 0) touched[count++] = c;
        toCommunity[c] = w + (g.weights[i] as number);
      }
      bestGain = (toCommunity[own] as number) - scale * (total[own] as number);
      for (let t = 0; t < count; t++) {
        const c = touched[t] as number;
        const gain = (toCommunity[c] as number) - scale * (total[c] as number);
        toCommunity[c] = 0;
        if (gain > bestGain + 1e-12) {
          best = c;
          bestGain = gain;
        }
      }
    }
    total[best] = (total[best] as number) + kv;
    if (best === own) continue;
    community[v] = best;
    moved = true;
    for (let i = rowStart; i < rowEnd; i++) {
      const u = g.targets[i] as number;
      if (queued[u] === 1 || community[u] === best) continue;
      queued[u] = 1;
      let tail = head + size;
      if (tail >= n) tail -= n;
      queue[tail] = u;
      size++;
    }
  }
  return { community, moved, visits };
}

/**
 * The nodes a level visits first, as a circular queue with a flag per node: every node
 * (in a seeded random order, or numbered), or an incremental start's frontier.
 */
function firstQueue(
  n: number,
  seed: number,
  numbered: boolean,
  start: Start | undefined,
): { queue: Int32Array; queued: Uint8Array; size: number } {
  if (start === undefined)
    return {
      queue: numbered ? Int32Array.from({ length: n }, (_, i) => i) : shuffled(n, seed),
      queued: new Uint8Array(n).fill(1),
      size: n,
    };
  const queue = new Int32Array(n);
  const queued = new Uint8Array(n);
  let size = 0;
  for (const v of start.frontier)
    if (queued[v] === 0) {
      queued[v] = 1;
      queue[size++] = v;
    }
  return { queue, queued, size };
}

/** Where an incremental first level starts: a partition with ids below n, and its frontier. */
interface Start {
  readonly community: Int32Array;
  readonly frontier: Int32Array;
}

/**
 * The starting partition of an incremental run: the earlier communities as given (ids
 * below n) and each new node (-1) alone under an id no community uses.
 */
function startOf(g: Csr, initial: Int32Array, frontier: Int32Array | undefined): Start {
  const n = g.nodes;
  if (initial.length !== n)
    throw new RangeError(`initial partition of ${initial.length} nodes for a graph of ${n}`);
  const used = new Uint8Array(n);
  for (let v = 0; v < n; v++) {
    const c = initial[v] as number;
    if (!Number.isInteger(c) || c < -1 || c >= n)
      throw new RangeError(`initial community ${c} of node ${v}: ids run from 0 to ${n - 1}`);
    if (c >= 0) used[c] = 1;
  }
  const community = new Int32Array(n);
  let free = 0;
  for (let v = 0; v < n; v++) {
    const c = initial[v] as number;
    if (c >= 0) community[v] = c;
    else {
      while (used[free] === 1) free++;
      used[free] = 1;
      community[v] = free;
    }
  }
  if (frontier !== undefined)
    for (const v of frontier)
      if (!Number.isInteger(v) || v < 0 || v >= n)
        throw new RangeError(`frontier node ${v}: nodes run from 0 to ${n - 1}`);
  return { community, frontier: frontier ?? Int32Array.from({ length: n }, (_, i) => i) };
}

/** Renumbers community ids to 0..count-1 in order of first appearance. */
function renumber(community: Int32Array): number {
  const id = new Int32Array(community.length).fill(-1);
  let count = 0;
  for (let v = 0; v < community.length; v++) {
    const c = community[v] as number;
    if (id[c] === -1) id[c] = count++;
    community[v] = id[c] as number;
  }
  return count;
}

/**
 * The graph of communities: one node per community, its loops the weight inside it,
 * arcs the summed weights between communities; strengths are preserved.
 */
function aggregate(g: Csr, community: Int32Array, count: number): Csr {
  const start = new Int32Array(count + 1);
  for (let v = 0; v < g.nodes; v++) {
    const c = community[v] as number;
    start[c + 1] = (start[c + 1] as number) + 1;
  }
  for (let c = 0; c < count; c++) start[c + 1] = (start[c + 1] as number) + (start[c] as number);
  const members = new Int32Array(g.nodes);
  const fill = start.slice(0, count);
  for (let v = 0; v < g.nodes; v++) {
    const c = community[v] as number;
    members[fill[c] as number] = v;
    fill[c] = (fill[c] as number) + 1;
  }
  const offsets = new Int32Array(count + 1);
  const targets = new Int32Array(g.targets.length);
  const weights = new Float64Array(g.targets.length);
  const loops = new Float64Array(count);
  const slot = new Int32Array(count).fill(-1);
  let write = 0;
  for (let c = 0; c < count; c++) {
    const rowStart = write;
    let loop = 0;
    for (let m = start[c] as number, mEnd = start[c + 1] as number; m < mEnd; m++) {
      const v = members[m] as number;
      loop += g.loops[v] as number;
      for (let i = g.offsets[v] as number, end = g.offsets[v + 1] as number; i < end; i++) {
        const d = community[g.targets[i] as number] as number;
        const w = g.weights[i] as number;
        if (d === c) {
          loop += w / 2;
          continue;
        }
        const s = slot[d] as number;
        if (s >= rowStart) weights[s] = (weights[s] as number) + w;
        else {
          slot[d] = write;
          targets[write] = d;
          weights[write] = w;
          write++;
        }
      }
    }
    loops[c] = loop;
    offsets[c + 1] = write;
  }
  return {
    nodes: count,
    offsets,
    targets: targets.slice(0, write),
    weights: weights.slice(0, write),
    loops,
  };
}

/**
 * Communities by Louvain (Blondel, Guillaume, Lambiotte, Lefebvre 2008) on an undirected
 * CSR: local moving, then aggregation of each community into one node, repeated while
 * a level moves anything. Deterministic for a given seed.
 */
export function louvain(g: Csr, options: LouvainOptions = {}): Communities {
  const resolution = options.resolution ?? 1;
  const maxPasses = options.maxPasses ?? 32;
  let seed = options.seed ?? 1;
  const membership = new Int32Array(g.nodes);
  for (let v = 0; v < g.nodes; v++) membership[v] = v;
  let graph = g;
  let levels = 0;
  let count = g.nodes;
  let firstVisits = 0;
  // An incremental run's first level starts from the earlier partition: it is a level
  // even if nothing moves (the communities are then aggregated as found).
  const start =
    options.initial === undefined ? undefined : startOf(g, options.initial, options.frontier);
  for (;;) {
    const k = strengths(graph);
    let m2 = 0;
    for (let v = 0; v < graph.nodes; v++) m2 += k[v] as number;
    if (m2 === 0) break;
    const first = levels === 0;
    const { community, moved, visits } = moveNodes(
      graph,
      k,
      m2,
      resolution,
      seed,
      maxPasses * graph.nodes,
      first && options.order === 'numbered',
      first ? start : undefined,
    );
    if (first) firstVisits = visits;
    if (!moved && !(first && start !== undefined)) break;
    const next = renumber(community);
    for (let v = 0; v < g.nodes; v++) membership[v] = community[membership[v] as number] as number;
    levels++;
    count = next;
    if (next === graph.nodes) break;
    graph = aggregate(graph, community, next);
    seed = (Math.imul(seed, 0x9e3779b1) + 1) >>> 0;
  }
  if (levels === 0) count = renumber(membership);
  return {
    community: membership,
    count,
    modularity: modularity(g, membership, resolution),
    levels,
    visits: firstVisits,
  };
}
