import type { RingGraph } from '../../../src/api-types.js';

/**
 * How a node's risk reached it: the node, then the node its risk came from, and so on to
 * a reported node (its own evidence), as the analysis recorded it (`from`, `via`). A
 * cycle or a dangling index ends the path where it breaks, never loops.
 */
export function propagationPath(ring: Pick<RingGraph, 'nodes'>, index: number): number[] {
  const path: number[] = [];
  const seen = new Set<number>();
  for (let at: number | undefined = index; at !== undefined; ) {
    const node: RingGraph['nodes'][number] | undefined = ring.nodes[at];
    if (node === undefined || seen.has(at)) break;
    path.push(at);
    seen.add(at);
    if (node.reported) break;
    at = node.from;
  }
  return path;
}

/** A node's label: the member's own identifier where it knows the token, else kind and token prefix. */
export const nodeLabel = (node: RingGraph['nodes'][number]): string =>
  node.yours === undefined ? `${node.kind} ${node.token.slice(0, 6)}…` : node.yours.value;
