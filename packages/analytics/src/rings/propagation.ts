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

/** Each node's incident edges: edges of node v are edgeIds[offsets[v] .. offsets[v + 1]). */
export interface Incidence {
  readonly offsets: Int32Array;
  readonly edgeIds: Int32Array;
}

export function incidence(g: EvidenceGraph): Incidence {
  const n = g.tokens.length;
  const { from, to, length } = g.edges;
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
  for (let e = 0; e < length; e++) {
    const a = from[e] as number;
    const b = to[e] as number;
    edgeIds[fill[a] as number] = e;
    fill[a] = (fill[a] as number) + 1;
    edgeIds[fill[b] as number] = e;
    fill[b] = (fill[b] as number) + 1;
  }
  return { offsets, edgeIds };
}

export interface Propagation {
  /** Each node's risk: its own evidence, or the best carried to it over edges. */
  readonly risk: Float64Array;
  /** The edge the risk came over (-1: the node's own evidence, or none). */
  readonly via: Int32Array;
}

/**
 * Attenuated propagation of risk from reported tokens (label propagation with decay,
 * max-product): a node's risk is the largest, over paths from a reported token, of that
 * token's evidence times the conductance of each edge on the path. Each node keeps the
 * edge its risk came over, so every propagated verdict can say why. Blocked nodes
 * (victims) receive no risk and pass none on. Dijkstra's order on
 * a binary max-heap: each node is settled once, O(E log V).
 */
export function propagateRisk(
  g: EvidenceGraph,
  seed: Float64Array,
  /** Nodes that take and pass no risk (victims). */
  blocked: Uint8Array,
  inc: Incidence,
  options: PropagationOptions = {},
): Propagation {
  const n = g.tokens.length;
  const conductance = options.conductance ?? DEFAULT_CONDUCTANCE;
  const hubDegree = options.hubDegree ?? 25;
  const floor = options.floor ?? 0.05;
  const types = EDGE_TYPES.length;
  const forward = Float64Array.from(EDGE_TYPES, (t) => conductance[t].forward);
  const backward = Float64Array.from(EDGE_TYPES, (t) => conductance[t].backward);
  const { from, to, type } = g.edges;

  // Neighbours per node and edge type, for the hub damping.
  const degree = new Int32Array(n * types);
  for (let e = 0; e < g.edges.length; e++) {
    const t = type[e] as number;
    const a = (from[e] as number) * types + t;
    const b = (to[e] as number) * types + t;
    degree[a] = (degree[a] as number) + 1;
    degree[b] = (degree[b] as number) + 1;
  }

  // Money sent back to an account that paid the sender is a refund (rings refund a
  // little to win trust), not the next hop of a chain: it carries as money in does.
  const refund = new Uint8Array(g.edges.length);
  const transfer = EDGE_TYPES.indexOf('transfer');
  const paid = new Set<number>();
  for (let e = 0; e < g.edges.length; e++)
    if (type[e] === transfer) paid.add((from[e] as number) * n + (to[e] as number));
  for (let e = 0; e < g.edges.length; e++)
    if (type[e] === transfer && paid.has((to[e] as number) * n + (from[e] as number)))
      refund[e] = 1;

  const risk = new Float64Array(n);
  const via = new Int32Array(n).fill(-1);
  const settled = new Uint8Array(n);
  // A binary max-heap of (risk, node), with stale entries skipped when popped.
  let heapNode = new Int32Array(1024);
  let heapKey = new Float64Array(1024);
  let size = 0;
  const push = (v: number, key: number) => {
    if (size === heapNode.length) {
      const nodes = new Int32Array(size * 2);
      nodes.set(heapNode);
      heapNode = nodes;
      const keys = new Float64Array(size * 2);
      keys.set(heapKey);
      heapKey = keys;
    }
    let i = size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if ((heapKey[p] as number) >= key) break;
      heapNode[i] = heapNode[p] as number;
      heapKey[i] = heapKey[p] as number;
      i = p;
    }
    heapNode[i] = v;
    heapKey[i] = key;
  };
  const pop = (): number => {
    const top = heapNode[0] as number;
    size--;
    const lastNode = heapNode[size] as number;
    const lastKey = heapKey[size] as number;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= size) break;
      if (c + 1 < size && (heapKey[c + 1] as number) > (heapKey[c] as number)) c++;
      if ((heapKey[c] as number) <= lastKey) break;
      heapNode[i] = heapNode[c] as number;
      heapKey[i] = heapKey[c] as number;
      i = c;
    }
    heapNode[i] = lastNode;
    heapKey[i] = lastKey;
    return top;
  };

  for (let v = 0; v < n; v++) {
    const s = seed[v] as number;
    if (s > 0 && blocked[v] === 0) {
      risk[v] = s;
      push(v, s);
    }
  }
  while (size > 0) {
    const u = pop();
    if (settled[u] === 1) continue;
    settled[u] = 1;
    const ru = risk[u] as number;
    if (ru < floor) continue;
    for (let i = inc.offsets[u] as number, end = inc.offsets[u + 1] as number; i < end; i++) {
      const e = inc.edgeIds[i] as number;
      const t = type[e] as number;
      const outward = from[e] === u;
      const v = (outward ? to[e] : from[e]) as number;
      if (settled[v] === 1 || blocked[v] !== 0) continue;
      let c = (outward && refund[e] === 0 ? forward[t] : backward[t]) as number;
      // A hub at either end: being tied to a popular node says little about either.
      const du = degree[u * types + t] as number;
      const dv = degree[v * types + t] as number;
      if (du > hubDegree) c *= Math.sqrt(hubDegree / du);
      if (dv > hubDegree) c *= Math.sqrt(hubDegree / dv);
      const r = ru * c;
      if (r > (risk[v] as number)) {
        risk[v] = r;
        via[v] = e;
        push(v, r);
      }
    }
  }
  return { risk, via };
}
