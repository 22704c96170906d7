import type { Csr } from './csr.js';

export interface Components {
  /** Component of each node, numbered 0.. in order of each component's smallest node. */
  readonly component: Int32Array;
  readonly count: number;
  /** Nodes in each component. */
  readonly sizes: Int32Array;
}

/**
 * Connected components by union-find (union by size, path halving) over the arcs of a
 * CSR; arcs count in either direction, so a directed graph gives its weakly connected
 * components. Near-linear in arcs, no recursion, no allocation per node.
 */
export function connectedComponents(g: Csr, include?: (v: number) => boolean): Components {
  const n = g.nodes;
  const parent = new Int32Array(n);
  const size = new Int32Array(n).fill(1);
  for (let v = 0; v < n; v++) parent[v] = v;
  const find = (v: number): number => {
    let x = v;
    while (parent[x] !== x) {
      const p = parent[x] as number;
      const gp = parent[p] as number;
      parent[x] = gp;
      x = gp;
    }
    return x;
  };
  for (let v = 0; v < n; v++) {
    if (include !== undefined && !include(v)) continue;
    for (let i = g.offsets[v] as number, end = g.offsets[v + 1] as number; i < end; i++) {
      const u = g.targets[i] as number;
      if (include !== undefined && !include(u)) continue;
      let a = find(v);
      let b = find(u);
      if (a === b) continue;
      if ((size[a] as number) < (size[b] as number)) [a, b] = [b, a];
      parent[b] = a;
      size[a] = (size[a] as number) + (size[b] as number);
    }
  }
  return label(n, find);
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
  const parent = new Int32Array(nodes);
  const size = new Int32Array(nodes).fill(1);
  for (let v = 0; v < nodes; v++) parent[v] = v;
  const find = (v: number): number => {
    let x = v;
    while (parent[x] !== x) {
      const gp = parent[parent[x] as number] as number;
      parent[x] = gp;
      x = gp;
    }
    return x;
  };
  for (let e = 0; e < length; e++) {
    if (!include(e)) continue;
    let a = find(from[e] as number);
    let b = find(to[e] as number);
    if (a === b) continue;
    if ((size[a] as number) < (size[b] as number)) [a, b] = [b, a];
    parent[b] = a;
    size[a] = (size[a] as number) + (size[b] as number);
  }
  return label(nodes, find);
}

/** Numbers the components by their smallest node and counts them. */
function label(nodes: number, find: (v: number) => number): Components {
  const component = new Int32Array(nodes).fill(-1);
  const sizes: number[] = [];
  for (let v = 0; v < nodes; v++) {
    const root = find(v);
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
