import type { EvidenceGraph } from './evidence/evidence-graph.js';
import { type Components, connectedComponents } from './graph/components.js';
import type { Csr } from './graph/csr.js';
import { type Communities, louvain } from './graph/louvain.js';
import { incidence } from './rings/propagation.js';
import { findRings, type RingAnalysis, type RingOptions } from './rings/rings.js';

export interface GraphAnalysis extends RingAnalysis {
  /** Connected components of the whole evidence graph. */
  readonly components: Components;
  /** Communities of the whole evidence graph (Louvain), with their modularity. */
  readonly communities: Communities;
  /** Milliseconds per stage. */
  readonly timings: Readonly<Record<'graph' | 'components' | 'communities' | 'rings', number>>;
}

export type AnalysisOptions = RingOptions;

/**
 * The whole analysis of an evidence graph: each node's incident edges, which are also the
 * graph undirected as compressed sparse rows (every edge weight 1), its connected
 * components and its communities, then rings (propagation, suspect components split
 * along those communities, detectors), and every token's ranked risk.
 */
export function analyzeGraph(graph: EvidenceGraph, options: AnalysisOptions = {}): GraphAnalysis {
  const timings = { graph: 0, components: 0, communities: 0, rings: 0 };
  const time = <T>(stage: keyof typeof timings, work: () => T): T => {
    const started = performance.now();
    const result = work();
    timings[stage] = performance.now() - started;
    return result;
  };
  // Each node's incident edges (propagation and detectors read them); read as an
  // undirected graph with weight 1 per edge, they are the graph's compressed sparse rows
  // (a repeated edge is two arcs: modularity counts it as one of weight 2, the same).
  const { inc, csr } = time('graph', () => {
    const inc = incidence(graph);
    const arcs = inc.neighbors.length;
    const csr: Csr = {
      nodes: graph.tokens.length,
      offsets: inc.offsets,
      targets: inc.neighbors,
      weights: new Float64Array(arcs).fill(1),
      loops: new Float64Array(graph.tokens.length),
    };
    return { inc, csr };
  });
  const components = time('components', () => connectedComponents(csr));
  const communities = time('communities', () =>
    louvain(csr, { seed: options.seed ?? 1, order: 'numbered' }),
  );
  const rings = time('rings', () =>
    findRings(graph, { ...options, communities: communities.community, incidence: inc }),
  );
  return { ...rings, components, communities, timings };
}
