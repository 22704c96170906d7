import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { connectedComponents } from '../../src/graph/components.js';
import { buildCsr, EdgeList, inducedSubgraph, strengths } from '../../src/graph/csr.js';
import { louvain, modularity } from '../../src/graph/louvain.js';
import { personalizedPageRank } from '../../src/graph/pagerank.js';

// The references are CommonJS modules; their declarations describe ESM default exports.
const require = createRequire(import.meta.url);
interface Graph {
  addNode(node: string): void;
  hasEdge(a: string, b: string): boolean;
  addEdge(a: string, b: string, attributes: { weight: number }): void;
  updateEdgeAttribute(a: string, b: string, name: string, update: (x: unknown) => number): void;
}
const Graph = require('graphology') as new (options: object) => Graph;
const graphologyLouvain = require('graphology-communities-louvain') as {
  detailed(g: Graph, options: { getEdgeWeight: string }): { modularity: number };
};
const { connectedComponents: referenceComponents } = require('graphology-components') as {
  connectedComponents(g: Graph): string[][];
};
const referenceModularity = require('graphology-metrics/graph/modularity') as (
  g: Graph,
  options: { getNodeCommunity: (node: string) => number; getEdgeWeight: string },
) => number;

/** A planted-partition graph: `groups` groups of `size`, dense inside, sparse between. */
function planted(groups: number, size: number, pIn: number, pOut: number, seed: number) {
  let s = seed;
  const random = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  const n = groups * size;
  const edges = new EdgeList();
  for (let a = 0; a < n; a++)
    for (let b = a + 1; b < n; b++) {
      const same = Math.floor(a / size) === Math.floor(b / size);
      if (random() < (same ? pIn : pOut)) edges.add(a, b, 1 + Math.floor(random() * 3));
    }
  return { n, edges };
}

function toGraphology(n: number, edges: EdgeList): Graph {
  const g = new Graph({ type: 'undirected', multi: false });
  for (let v = 0; v < n; v++) g.addNode(String(v));
  for (let e = 0; e < edges.length; e++) {
    const a = String(edges.from[e]);
    const b = String(edges.to[e]);
    const w = edges.weight[e] as number;
    if (g.hasEdge(a, b)) g.updateEdgeAttribute(a, b, 'weight', (x) => (x as number) + w);
    else g.addEdge(a, b, { weight: w });
  }
  return g;
}

describe('CSR', () => {
  it('holds each undirected edge in both rows, merges repeats and keeps loops apart', () => {
    const edges = new EdgeList();
    edges.add(0, 1, 2);
    edges.add(1, 0, 3);
    edges.add(1, 2, 1);
    edges.add(2, 2, 4);
    const g = buildCsr(3, edges, true);
    const row = (v: number) =>
      Array.from(g.targets.subarray(g.offsets[v], g.offsets[v + 1])).map((t, i) => [
        t,
        g.weights[(g.offsets[v] as number) + i],
      ]);
    expect(row(0)).toEqual([[1, 5]]);
    expect(row(1)).toEqual([
      [0, 5],
      [2, 1],
    ]);
    expect(row(2)).toEqual([[1, 1]]);
    expect(Array.from(g.loops)).toEqual([0, 0, 4]);
    expect(Array.from(strengths(g))).toEqual([5, 6, 9]);
  });

  it('keeps one arc per edge when directed', () => {
    const edges = new EdgeList();
    edges.add(0, 1);
    edges.add(0, 1);
    edges.add(2, 0);
    const g = buildCsr(3, edges, false);
    expect(Array.from(g.offsets)).toEqual([0, 1, 1, 2]);
    expect(Array.from(g.weights)).toEqual([2, 1]);
  });

  it('refuses an edge naming a node that does not exist', () => {
    const edges = new EdgeList();
    edges.add(0, 3);
    expect(() => buildCsr(3, edges, true)).toThrow(/outside/);
  });

  it('induces subgraphs with ids mapped back', () => {
    const { n, edges } = planted(3, 10, 0.5, 0.05, 3);
    const g = buildCsr(n, edges, true);
    const { graph, original } = inducedSubgraph(g, (v) => v % 2 === 0);
    expect(graph.nodes).toBe(15);
    for (let i = 0; i < graph.nodes; i++)
      for (let a = graph.offsets[i] as number; a < (graph.offsets[i + 1] as number); a++) {
        const u = original[i] as number;
        const w = original[graph.targets[a] as number] as number;
        const row = Array.from(g.targets.subarray(g.offsets[u], g.offsets[u + 1]));
        expect(row).toContain(w);
      }
  });
});

describe('connected components', () => {
  it('agree with graphology on random sparse graphs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.array(fc.tuple(fc.nat(59), fc.nat(59)), { maxLength: 80 }),
        (n, pairs) => {
          const edges = new EdgeList();
          for (const [a, b] of pairs) if (a < n && b < n) edges.add(a, b);
          const ours = connectedComponents(buildCsr(n, edges, true));
          const theirs = referenceComponents(toGraphology(n, edges));
          expect(ours.count).toBe(theirs.length);
          for (const component of theirs) {
            const ids = new Set(component.map((v) => ours.component[Number(v)]));
            expect(ids.size).toBe(1);
            expect(ours.sizes[[...ids][0] as number]).toBe(component.length);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('honours a node filter', () => {
    const edges = new EdgeList();
    edges.add(0, 1);
    edges.add(1, 2);
    const c = connectedComponents(buildCsr(3, edges, true), (v) => v !== 1);
    expect(c.count).toBe(3);
  });
});

describe('modularity and Louvain', () => {
  it('computes modularity as graphology does, for any partition', () => {
    const { n, edges } = planted(4, 12, 0.4, 0.05, 11);
    const g = buildCsr(n, edges, true);
    const reference = toGraphology(n, edges);
    for (const parts of [1, 2, 4, 7]) {
      const community = Int32Array.from({ length: n }, (_, v) => v % parts);
      const theirs = referenceModularity(reference, {
        getNodeCommunity: (node: string) => community[Number(node)] as number,
        getEdgeWeight: 'weight',
      });
      expect(modularity(g, community)).toBeCloseTo(theirs, 10);
    }
  });

  it('finds planted communities with modularity at least graphology Louvain minus 0.01', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { n, edges } = planted(8, 25, 0.3, 0.01, seed);
      const g = buildCsr(n, edges, true);
      const ours = louvain(g, { seed });
      const reference = toGraphology(n, edges);
      const theirs = graphologyLouvain.detailed(reference, { getEdgeWeight: 'weight' });
      expect(ours.modularity).toBeCloseTo(modularity(g, ours.community), 12);
      expect(ours.modularity).toBeGreaterThanOrEqual(theirs.modularity - 0.01);
      expect(ours.count).toBe(8);
    }
  });

  it('recovers well-separated planted groups exactly', () => {
    for (const seed of [6, 7, 8]) {
      const { n, edges } = planted(8, 25, 0.5, 0.01, seed);
      const ours = louvain(buildCsr(n, edges, true), { seed });
      expect(ours.count).toBe(8);
      for (let group = 0; group < 8; group++) {
        const ids = new Set<number>();
        for (let v = group * 25; v < (group + 1) * 25; v++) ids.add(ours.community[v] as number);
        expect(ids.size).toBe(1);
      }
    }
  });

  it('leaves a graph without edges as singletons and is deterministic for a seed', () => {
    const empty = louvain(buildCsr(4, new EdgeList(), true));
    expect(empty.count).toBe(4);
    expect(empty.modularity).toBe(0);
    const { n, edges } = planted(5, 20, 0.2, 0.03, 9);
    const g = buildCsr(n, edges, true);
    expect(Array.from(louvain(g, { seed: 4 }).community)).toEqual(
      Array.from(louvain(g, { seed: 4 }).community),
    );
  });
});

describe('Louvain, incremental (issue 19)', () => {
  /** The same partition, whatever its ids: nodes together in one are together in the other. */
  const samePartition = (a: Int32Array, b: Int32Array) => {
    const map = new Map<number, number>();
    for (let v = 0; v < a.length; v++) {
      const seen = map.get(a[v] as number);
      if (seen === undefined) map.set(a[v] as number, b[v] as number);
      else if (seen !== b[v]) return false;
    }
    return new Set(map.values()).size === map.size;
  };

  /**
   * A planted graph, then 1 % more edges drawn the same way and a new group of 20 nodes
   * (dense among themselves, two edges to the old graph): the earlier run's partition
   * and the frontier (both ends of every new edge, and the new nodes).
   */
  function grown(seed: number) {
    const before = planted(40, 50, 0.2, 0.001, seed);
    const old = buildCsr(before.n, before.edges, true);
    const earlier = louvain(old, { seed });
    let s = seed * 7919;
    const random = () => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return s / 2 ** 32;
    };
    const n = before.n + 20;
    const edges = new EdgeList();
    for (let e = 0; e < before.edges.length; e++)
      edges.add(
        before.edges.from[e] as number,
        before.edges.to[e] as number,
        before.edges.weight[e] as number,
      );
    const frontier = new Set<number>();
    const add = (a: number, b: number) => {
      edges.add(a, b, 1);
      frontier.add(a).add(b);
    };
    for (let added = 0; added < Math.ceil(before.edges.length / 100); ) {
      const a = Math.floor(random() * before.n);
      const group = Math.floor(a / 50);
      const b =
        random() < 0.95 ? group * 50 + Math.floor(random() * 50) : Math.floor(random() * before.n);
      if (a === b) continue;
      add(a, b);
      added++;
    }
    for (let a = before.n; a < n; a++)
      for (let b = a + 1; b < n; b++) if (random() < 0.5) add(a, b);
    add(before.n, 0);
    add(before.n + 1, 1);
    const initial = new Int32Array(n).fill(-1);
    initial.set(earlier.community);
    return {
      g: buildCsr(n, edges, true),
      initial,
      frontier: Int32Array.from(frontier),
      oldNodes: before.n,
      earlier,
      old,
    };
  }

  it('starts from the earlier partition and looks at little more than what changed, losing no modularity', () => {
    for (const seed of [1, 2, 3]) {
      const { g, initial, frontier } = grown(seed);
      const full = louvain(g, { seed });
      const warm = louvain(g, { seed, initial, frontier });
      expect(warm.modularity).toBeCloseTo(modularity(g, warm.community), 12);
      expect(warm.modularity).toBeGreaterThanOrEqual(full.modularity - 0.01);
      expect(full.visits).toBeGreaterThanOrEqual(g.nodes);
      expect(warm.visits).toBeLessThan(g.nodes / 5);
      // The new group is found as one community of its own.
      const ids = new Set<number>();
      for (let v = g.nodes - 20; v < g.nodes; v++) ids.add(warm.community[v] as number);
      expect(ids.size).toBe(1);
      expect(warm.community.slice(0, g.nodes - 20)).not.toContain(
        warm.community[g.nodes - 1] as number,
      );
    }
  });

  it('leaves a settled partition as it is when nothing changed', () => {
    const { old, earlier } = grown(4);
    const again = louvain(old, { seed: 4, initial: earlier.community, frontier: new Int32Array() });
    expect(again.visits).toBe(0);
    expect(samePartition(again.community, earlier.community)).toBe(true);
    expect(again.modularity).toBeCloseTo(earlier.modularity, 12);
  });

  it('refuses a partition or frontier that does not fit the graph', () => {
    const { g, initial } = grown(5);
    expect(() => louvain(g, { initial: initial.slice(1) })).toThrow(RangeError);
    const wrong = initial.slice();
    wrong[3] = g.nodes;
    expect(() => louvain(g, { initial: wrong })).toThrow(/ids run from 0/);
    expect(() => louvain(g, { initial, frontier: Int32Array.of(g.nodes) })).toThrow(
      /frontier node/,
    );
  });
});

describe('personalized PageRank', () => {
  /** The stationary distribution solved directly: (I − (1 − α)Pᵀ) r = α s, dangling to s. */
  function solve(n: number, arcs: [number, number, number][], s: number[], alpha: number) {
    const out = new Array<number>(n).fill(0);
    for (const [a, , w] of arcs) out[a] = (out[a] as number) + w;
    // Column-stochastic M with dangling columns replaced by s.
    const m = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (const [a, b, w] of arcs)
      (m[b] as number[])[a] = ((m[b] as number[])[a] as number) + w / (out[a] as number);
    for (let a = 0; a < n; a++)
      if (out[a] === 0) for (let b = 0; b < n; b++) (m[b] as number[])[a] = s[b] as number;
    // (I − (1 − α) M) r = α s by Gaussian elimination.
    const A = m.map((row, i) => row.map((x, j) => (i === j ? 1 : 0) - (1 - alpha) * x));
    const y = s.map((x) => alpha * x);
    for (let c = 0; c < n; c++) {
      let p = c;
      for (let r = c + 1; r < n; r++)
        if (Math.abs((A[r] as number[])[c] as number) > Math.abs((A[p] as number[])[c] as number))
          p = r;
      [A[c], A[p]] = [A[p] as number[], A[c] as number[]];
      [y[c], y[p]] = [y[p] as number, y[c] as number];
      for (let r = 0; r < n; r++) {
        if (r === c) continue;
        const f = ((A[r] as number[])[c] as number) / ((A[c] as number[])[c] as number);
        for (let k = c; k < n; k++)
          (A[r] as number[])[k] =
            ((A[r] as number[])[k] as number) - f * ((A[c] as number[])[k] as number);
        y[r] = (y[r] as number) - f * (y[c] as number);
      }
    }
    return y.map((v, i) => v / ((A[i] as number[])[i] as number));
  }

  it('matches the directly solved stationary distribution on a directed graph', () => {
    const arcs: [number, number, number][] = [
      [0, 1, 1],
      [1, 2, 2],
      [1, 3, 1],
      [2, 0, 1],
      [3, 4, 1],
      [4, 3, 0.5],
    ];
    const edges = new EdgeList();
    for (const [a, b, w] of arcs) edges.add(a, b, w);
    edges.add(5, 5); // node 5 has no arcs: its mass returns to the restart
    const g = buildCsr(6, edges, false);
    const s = [1, 0, 0, 0, 0, 1];
    const { rank } = personalizedPageRank(g, Float64Array.from(s), {
      tolerance: 1e-14,
      maxIterations: 1000,
    });
    const expected = solve(
      6,
      arcs,
      s.map((x) => x / 2),
      0.15,
    );
    for (let v = 0; v < 6; v++) expect(rank[v]).toBeCloseTo(expected[v] as number, 9);
    expect(rank.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('gives nothing to nodes the restart cannot reach', () => {
    const edges = new EdgeList();
    edges.add(0, 1);
    edges.add(2, 3);
    const { rank } = personalizedPageRank(
      buildCsr(4, edges, true),
      Float64Array.from([1, 0, 0, 0]),
    );
    expect(rank[2]).toBe(0);
    expect(rank[3]).toBe(0);
    expect(personalizedPageRank(buildCsr(4, edges, true), new Float64Array(4)).iterations).toBe(0);
  });
});
