import type { Csr } from './csr.js';
import { UnionFind } from './union-find.js';

export interface Components {
  /** Component of each node, numbered 0.. in order of each component's smallest node. */
  readonly component: Int32Array;
  readonly count: number;
  /** Nodes in each component. */
  readonly sizes: Int32Array;
}

/**
 * Connected components by union-find over the arcs of a
 * CSR; arcs count in either direction, so a directed graph gives its weakly connected
 * components. Near-linear in arcs, no recursion, no allocation per node.
 */
export function connectedComponents(g: Csr, include?: (v: number) => boolean): Components {
  const sets = new UnionFind(g.nodes);
  for (let v = 0; v < g.nodes; v++) {
    if (include !== undefined && !include(v)) continue;
    for (let i = g.offsets[v] as number, end = g.offsets[v + 1] as number; i < end; i++) {
      const u = g.targets[i] as number;
      if (include === undefined || include(u)) sets.union(v, u);
    }
  }
  return label(g.nodes, sets);
}

/**
 * Connected components straight from an edge list (union-find over the edges that
 * `include` keeps), without building a graph first. Nodes no kept edge touches are
 * components of their own.
 */
export function componentsOfEdges(
  nodes: number,
  from: Int32Array,
  to: Int32Array,
  length: number,
  include: (edge: number) => boolean,
): Components {
  const sets = new UnionFind(nodes);
  for (let e = 0; e < length; e++) if (include(e)) sets.union(from[e] as number, to[e] as number);
  return label(nodes, sets);
}

/** Numbers the components by their smallest node and counts them. */
function label(nodes: number, sets: UnionFind): Components {
  const component = new Int32Array(nodes).fill(-1);
  const sizes: number[] = [];
  for (let v = 0; v < nodes; v++) {
    const root = sets.find(v);
    let c = component[root] as number;
    if (c < 0) {
      c = sizes.length;
      component[root] = c;
      sizes.push(0);
    }
    component[v] = c;
    sizes[c] = (sizes[c] as number) + 1;
  }
  return { component, count: sizes.length, sizes: Int32Array.from(sizes) };
}
