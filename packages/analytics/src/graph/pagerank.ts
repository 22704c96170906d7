import type { Csr } from './csr.js';

export interface PageRankOptions {
  /** Probability of jumping back to the restart distribution at each step. Default 0.15. */
  readonly restart?: number;
  readonly maxIterations?: number;
  /** Stop when the L1 change of an iteration is below this. */
  readonly tolerance?: number;
}

/**
 * Personalized PageRank by power iteration on a CSR whose rows are the arcs a walker
 * may take, in proportion to their weights: r = α·s + (1 − α)·Pᵀr, where s is the
 * restart distribution (the evidence, normalized) and mass at a node with no arcs
 * returns to s. On an undirected graph this is the usual personalized PageRank; on a
 * directed one (arcs that carry suspicion one way only) the walk follows them.
 * Returns the stationary distribution (sums to 1), or zeros when s is empty.
 */
export function personalizedPageRank(
  g: Csr,
  restartWeights: Float64Array,
  options: PageRankOptions = {},
): { rank: Float64Array; iterations: number } {
  const alpha = options.restart ?? 0.15;
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-10;
  const n = g.nodes;
  const s = new Float64Array(n);
  let sum = 0;
  for (let v = 0; v < n; v++) sum += Math.max(0, restartWeights[v] as number);
  if (sum === 0) return { rank: s, iterations: 0 };
  for (let v = 0; v < n; v++) s[v] = Math.max(0, restartWeights[v] as number) / sum;
  const out = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    let w = 0;
    for (let i = g.offsets[v] as number, end = g.offsets[v + 1] as number; i < end; i++)
      w += g.weights[i] as number;
    out[v] = w;
  }
  let rank = Float64Array.from(s);
  let next = new Float64Array(n);
  let iterations = 0;
  while (iterations < maxIterations) {
    iterations++;
    next.fill(0);
    let dangling = 0;
    for (let v = 0; v < n; v++) {
      const r = rank[v] as number;
      if (r === 0) continue;
      const w = out[v] as number;
      if (w === 0) {
        dangling += r;
        continue;
      }
      const share = ((1 - alpha) * r) / w;
      for (let i = g.offsets[v] as number, end = g.offsets[v + 1] as number; i < end; i++) {
        const u = g.targets[i] as number;
        next[u] = (next[u] as number) + share * (g.weights[i] as number);
      }
    }
    const back = alpha + (1 - alpha) * dangling;
    let change = 0;
    for (let v = 0; v < n; v++) {
      const x = (next[v] as number) + back * (s[v] as number);
      next[v] = x;
      change += Math.abs(x - (rank[v] as number));
    }
    [rank, next] = [next, rank];
    if (change < tolerance) break;
  }
  return { rank, iterations };
}
