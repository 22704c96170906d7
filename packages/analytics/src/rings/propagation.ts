import { EDGE_TYPES, type EdgeType, type EvidenceGraph } from '../evidence/evidence-graph.js';

/**
 * How much suspicion crosses an edge of each type, from the end that has it to the
 * other: `forward` from a link's `from` to its `to`, `backward` the other way. The
 * defaults read the links as SPEC §5 defines them:
 * - a registration or a login ties identifiers to one holder or one machine: strong both ways;
 * - two tokens named together in one report were seen together by the reporter;
 * - money moving on from a suspect account goes to the next account of the chain, while
 *   money coming into it comes mostly from victims;
 * - a device that installs an app points at the app; an app's installs are mostly its
 *   victims' devices;
 * - calls and messages from a suspect number go to its victims.
 */
export type Conductance = Readonly<Record<EdgeType, { forward: number; backward: number }>>;

export const DEFAULT_CONDUCTANCE: Conductance = {
  transfer: { forward: 0.8, backward: 0.2 },
  call: { forward: 0.1, backward: 0.1 },
  sms: { forward: 0.1, backward: 0.1 },
  login: { forward: 0.85, backward: 0.85 },
  install: { forward: 0.5, backward: 0.1 },
  registered_with: { forward: 0.9, backward: 0.9 },
  reassigned: { forward: 0.9, backward: 0.9 },
  co_report: { forward: 0.9, backward: 0.9 },
};

export interface PropagationOptions {
  readonly conductance?: Conductance;
  /**
   * An edge whose end has more neighbours than this over the edge's type carries less,
   * by √(hubDegree / neighbours) for each such end: a shared carrier address, a popular
   * app or a busy merchant is not evidence about each of its users. Default 25.
   */
  readonly hubDegree?: number;
  /** Risk below this is not propagated further. Default 0.05. */
  readonly floor?: number;
}

/**
 * Each node's incident edges: the edges of node v are edgeIds[offsets[v] .. offsets[v + 1]),
 * the node at each one's other end is in `neighbors` at the same place, and each edge's
 * place in its `from` node's row and in its `to` node's row are fromArc[e] and toArc[e].
 */
export interface Incidence {
  readonly offsets: Int32Array;
  readonly edgeIds: Int32Array;
  readonly neighbors: Int32Array;
  readonly fromArc: Int32Array;
  readonly toArc: Int32Array;
  /** Each arc's edge type (index into EDGE_TYPES). */
  readonly arcTypes: Uint8Array;
}

export function incidence(g: EvidenceGraph): Incidence {
  const n = g.tokens.length;
  const { from, to, type, length } = g.edges;
  const offsets = new Int32Array(n + 1);
  for (let e = 0; e < length; e++) {
    const a = from[e] as number;
    const b = to[e] as number;
    offsets[a + 1] = (offsets[a + 1] as number) + 1;
    offsets[b + 1] = (offsets[b + 1] as number) + 1;
  }
  for (let v = 0; v < n; v++) offsets[v + 1] = (offsets[v + 1] as number) + (offsets[v] as number);
  const fill = offsets.slice(0, n);
  const edgeIds = new Int32Array(offsets[n] as number);
  const neighbors = new Int32Array(offsets[n] as number);
  const fromArc = new Int32Array(length);
  const toArc = new Int32Array(length);
  const arcTypes = new Uint8Array(offsets[n] as number);
  for (let e = 0; e < length; e++) {
    const t = type[e] as number;
    const a = from[e] as number;
    const b = to[e] as number;
    const i = fill[a] as number;
    fill[a] = i + 1;
    edgeIds[i] = e;
    neighbors[i] = b;
    arcTypes[i] = t;
    fromArc[e] = i;
    const j = fill[b] as number;
    fill[b] = j + 1;
    edgeIds[j] = e;
    neighbors[j] = a;
    arcTypes[j] = t;
    toArc[e] = j;
  }
  return { offsets, edgeIds, neighbors, fromArc, toArc, arcTypes };
}

export interface Propagation {
  /** Each node's risk: its own evidence, or the best carried to it over edges. */
  readonly risk: Float64Array;
  /** The edge the risk came over (-1: the node's own evidence, or none). */
  readonly via: Int32Array;
  /** What each arc of the incidence carries (conductance × hub damping), in the rows' order. */
  readonly arcCarry: Float64Array;
  /** The same before hub damping (the ranking reads a path over it too). */
  readonly baseCarry: Float64Array;
}

/**
 * Attenuated propagation of risk from reported tokens (label propagation with decay,
 * max-product): a node's risk is the largest, over paths from a reported token, of that
 * token's evidence times the conductance of each edge on the path. Each node keeps the
 * edge its risk came over, so every propagated verdict can say why. Blocked nodes
 * (victims) receive no risk and pass none on.
 */
export function propagateRisk(
  g: EvidenceGraph,
  seed: Float64Array,
  /** Nodes that take and pass no risk (victims). */
  blocked: Uint8Array,
  inc: Incidence,
  options: PropagationOptions = {},
): Propagation {
  const baseCarry = baseConductances(g, inc, options.conductance ?? DEFAULT_CONDUCTANCE);
  const arcCarry = dampHubs(g, inc, baseCarry, options.hubDegree ?? 25);
  const { risk, via } = propagateOver(g.tokens.length, seed, blocked, inc, arcCarry, options.floor);
  return { risk, via, arcCarry, baseCarry };
}

/**
 * The max-product propagation itself, over arcs that carry `arcCarry` (as
 * baseConductances and dampHubs make it): each node's best risk and the edge it came over.
 */
export function propagateOver(
  n: number,
  seed: Float64Array,
  blocked: Uint8Array,
  inc: Incidence,
  arcCarry: Float64Array,
  floor = 0.05,
): { risk: Float64Array; via: Int32Array } {
  const arcTarget = inc.neighbors;

  const risk = new Float64Array(n);
  const via = new Int32Array(n).fill(-1);
  // The risk each node last passed on (-1: not yet): it passes it on again only if it grew.
  const passed = new Float64Array(n).fill(-1);
  // A bucket queue over bands of risk 1 % wide on a log scale, highest first: Dijkstra's
  // order up to the band, without a heap. A node whose risk grows after it passed it on
  // (from a node of its own band) passes it on again, so the result is the exact fixpoint.
  const width = Math.log1p(0.01);
  const bands = Math.ceil(-Math.log(floor) / width) + 2;
  const buckets: number[][] = Array.from({ length: bands }, () => []);
  const push = (v: number, r: number) =>
    (buckets[Math.min(bands - 1, Math.floor(-Math.log(r) / width))] as number[]).push(v);
  for (let v = 0; v < n; v++) {
    const s = seed[v] as number;
    if (s > 0 && blocked[v] === 0) {
      risk[v] = s;
      push(v, s);
    }
  }
  for (let b = 0; b < bands; b++) {
    const bucket = buckets[b] as number[];
    for (let u = bucket.pop(); u !== undefined; u = bucket.pop()) {
      const ru = risk[u] as number;
      if (ru <= (passed[u] as number) || ru < floor) continue;
      passed[u] = ru;
      for (let i = inc.offsets[u] as number, end = inc.offsets[u + 1] as number; i < end; i++) {
        const v = arcTarget[i] as number;
        if (blocked[v] !== 0) continue;
        const r = ru * (arcCarry[i] as number);
        if (r > (risk[v] as number)) {
          risk[v] = r;
          via[v] = inc.edgeIds[i] as number;
          push(v, r);
        }
      }
    }
  }
  return { risk, via };
}

/**
 * What each arc carries before hub damping: its type's conductance in its direction, a
 * refund carrying as money in. Computed once, in edge order, into the rows' places, so
 * that settling a node reads its row in sequence.
 */
export function baseConductances(
  g: EvidenceGraph,
  inc: Incidence,
  conductance: Conductance,
): Float64Array {
  const { type } = g.edges;
  const refund = markReverseTransfers(g);
  const forward = Float64Array.from(EDGE_TYPES, (t) => conductance[t].forward);
  const backward = Float64Array.from(EDGE_TYPES, (t) => conductance[t].backward);
  const base = new Float64Array(inc.edgeIds.length);
  for (let e = 0; e < g.edges.length; e++) {
    const t = type[e] as number;
    // Money sent back to an account that paid the sender is a refund (rings refund a
    // little to win trust), not the next hop of a chain: it carries as money in does.
    base[inc.fromArc[e] as number] =
      refund[e] === 1 ? (backward[t] as number) : (forward[t] as number);
    base[inc.toArc[e] as number] = backward[t] as number;
  }
  return base;
}

/**
 * `base` with the hub damping at both ends of each arc: an edge whose end has more than
 * `hubDegree` distinct neighbours over the edge's type carries √(hubDegree / neighbours)
 * as much for that end.
 */
export function dampHubs(
  g: EvidenceGraph,
  inc: Incidence,
  base: Float64Array,
  hubDegree: number,
): Float64Array {
  const n = g.tokens.length;
  const types = EDGE_TYPES.length;
  const { from, to, type } = g.edges;
  // Distinct neighbours per node and edge type, counted row by row (a pair named in
  // thirty reports, or thirty logins of one SIM in one handset, is one neighbour:
  // repeated evidence is not a hub).
  const degree = new Int32Array(n * types);
  const seenBy = new Int32Array(n).fill(-1);
  const seenTypes = new Uint16Array(n);
  for (let v = 0; v < n; v++)
    for (let i = inc.offsets[v] as number, end = inc.offsets[v + 1] as number; i < end; i++) {
      const u = inc.neighbors[i] as number;
      const t = inc.arcTypes[i] as number;
      if (seenBy[u] !== v) {
        seenBy[u] = v;
        seenTypes[u] = 0;
      }
      if (((seenTypes[u] as number) & (1 << t)) !== 0) continue;
      seenTypes[u] = (seenTypes[u] as number) | (1 << t);
      const d = v * types + t;
      degree[d] = (degree[d] as number) + 1;
    }
  const damping = (d: number) => (d > hubDegree ? Math.sqrt(hubDegree / d) : 1);
  const arcCarry = new Float64Array(base.length);
  for (let e = 0; e < g.edges.length; e++) {
    const t = type[e] as number;
    const hub =
      damping(degree[(from[e] as number) * types + t] as number) *
      damping(degree[(to[e] as number) * types + t] as number);
    const a = inc.fromArc[e] as number;
    const b = inc.toArc[e] as number;
    arcCarry[a] = (base[a] as number) * hub;
    arcCarry[b] = (base[b] as number) * hub;
  }
  return arcCarry;
}

/**
 * Marks each transfer whose reverse (to → from) is also a transfer, with an
 * open-addressing hash table of (from, to) pairs in typed arrays: a Set of numeric keys
 * costs a boxed number per transfer at millions of transfers.
 */
function markReverseTransfers(g: EvidenceGraph): Uint8Array {
  const { from, to, type, length } = g.edges;
  const transfer = EDGE_TYPES.indexOf('transfer');
  const refund = new Uint8Array(length);
  let count = 0;
  for (let e = 0; e < length; e++) if (type[e] === transfer) count++;
  let capacity = 1024;
  while (capacity < 2 * count) capacity *= 2;
  const mask = capacity - 1;
  const keyA = new Int32Array(capacity).fill(-1);
  const keyB = new Int32Array(capacity);
  const slot = (a: number, b: number) =>
    (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77)) & mask;
  for (let e = 0; e < length; e++) {
    if (type[e] !== transfer) continue;
    const a = from[e] as number;
    const b = to[e] as number;
    let i = slot(a, b);
    while (keyA[i] !== -1 && !(keyA[i] === a && keyB[i] === b)) i = (i + 1) & mask;
    keyA[i] = a;
    keyB[i] = b;
  }
  for (let e = 0; e < length; e++) {
    if (type[e] !== transfer) continue;
    const a = to[e] as number;
    const b = from[e] as number;
    let i = slot(a, b);
    while (keyA[i] !== -1) {
      if (keyA[i] === a && keyB[i] === b) {
        refund[e] = 1;
        break;
      }
      i = (i + 1) & mask;
    }
  }
  return refund;
}
