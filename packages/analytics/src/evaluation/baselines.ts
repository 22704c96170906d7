import { type EvidenceGraph, evidenceScore } from '../evidence/evidence-graph.js';
import { buildCsr, type Csr, EdgeList } from '../graph/csr.js';
import { personalizedPageRank } from '../graph/pagerank.js';

/**
 * What an outside tester would rank unreported identifiers by, given only the evidence
 * graph (issue 12): the risk model must beat these in the same run on the same graph.
 * They read the graph as a plain undirected graph, each pair of linked tokens one edge of
 * weight 1 whatever its type, direction, member or count: no knowledge of what a link
 * means, which is what makes them baselines.
 */

/** The evidence graph as a simple undirected graph: each linked pair once, weight 1. */
export function plainGraph(graph: EvidenceGraph): Csr {
  const edges = new EdgeList(graph.edges.length);
  for (let e = 0; e < graph.edges.length; e++)
    edges.add(graph.edges.from[e] as number, graph.edges.to[e] as number, 1);
  const csr = buildCsr(graph.tokens.length, edges, true);
  // buildCsr sums repeated edges; a plain graph counts each pair once.
  return { ...csr, weights: new Float64Array(csr.targets.length).fill(1) };
}

/**
 * Each token's reported evidence as the check scores it (1 − Π (1 − strongest of each
 * member)), 0 for a token no member reported in a fraudster's role.
 */
export function reportedEvidence(graph: EvidenceGraph): Float64Array {
  const evidence = new Float64Array(graph.tokens.length);
  for (const [v, ev] of graph.evidence) evidence[v] = evidenceScore(ev);
  return evidence;
}

/**
 * Personalized PageRank from the reported tokens: the walk restarts on tokens with
 * evidence, in proportion to it. `damping` d is the probability of following an edge at
 * each step (restart 1 − d): 0.85 is the textbook value, 0.5 keeps the walk near the
 * reports.
 */
export function pageRankBaseline(
  graph: EvidenceGraph,
  damping: number,
  plain: Csr = plainGraph(graph),
): Float64Array {
  if (!(damping > 0 && damping < 1)) throw new RangeError('damping must be in (0, 1)');
  return personalizedPageRank(plain, reportedEvidence(graph), {
    restart: 1 - damping,
    maxIterations: 200,
  }).rank;
}

/** The number of distinct neighbours of each token that some member reported in a fraudster's role. */
export function reportedNeighbours(
  graph: EvidenceGraph,
  plain: Csr = plainGraph(graph),
): Float64Array {
  const count = new Float64Array(graph.tokens.length);
  for (let v = 0; v < plain.nodes; v++) {
    let c = 0;
    for (let i = plain.offsets[v] as number, end = plain.offsets[v + 1] as number; i < end; i++)
      if (graph.evidence.has(plain.targets[i] as number)) c++;
    count[v] = c;
  }
  return count;
}

/** Names of the baselines, as reports print them. */
export const BASELINES = ['pageRank050', 'pageRank085', 'reportedNeighbours'] as const;
export type Baseline = (typeof BASELINES)[number];

/** Every baseline's score of every token, on one plain graph. */
export function baselineScores(graph: EvidenceGraph): Record<Baseline, Float64Array> {
  const plain = plainGraph(graph);
  return {
    pageRank050: pageRankBaseline(graph, 0.5, plain),
    pageRank085: pageRankBaseline(graph, 0.85, plain),
    reportedNeighbours: reportedNeighbours(graph, plain),
  };
}
