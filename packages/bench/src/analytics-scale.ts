import { createWriteStream } from 'node:fs';
import { analyzeGraph } from '@credence/analytics/analysis';
import { EvidenceGraphBuilder } from '@credence/analytics/evidence/evidence-graph';
import { buildCsr, EdgeList } from '@credence/analytics/graph/csr';
import { louvain, modularity } from '@credence/analytics/graph/louvain';
import { incidence } from '@credence/analytics/rings/propagation';
import { IDENTIFIER_KINDS } from '@credence/core/identifiers/kinds';
import { LINK_TYPES } from '@credence/core/wire/vocabulary';

/**
 * Child of `npm run bench` (suite analytics): the whole analysis of a planted evidence
 * graph of `nodes` tokens and `edges` links, stage by stage, in this process; and the
 * same graph's edge list written for the igraph baseline.
 *
 * The graph: communities of 20 to 180 tokens (the planted partition); each link joins
 * two tokens of one community with probability 0.85, else two anywhere; link types
 * drawn from SPEC §5's (transfers, logins and registrations most often). One community
 * in twenty is a ring: two of its tokens in a hundred are reported (confirmed fraud).
 * Prints JSON: stage times (ms), modularity, communities, rings, peak RSS (up to the end
 * of the analysis, and of the whole run); then the communities of the graph grown by 1 %
 * more links, from scratch and from the run's partition (`incremental`).
 * Args: nodes, edges, seed, edge-list file, and `no-token-load` to leave out the timing of
 * loading the graph from token strings.
 */

const [
  nodesArg = '1000000',
  edgesArg = '5000000',
  seedArg = '1',
  out = '/tmp/edges.txt',
  tokenLoad = 'token-load',
] = process.argv.slice(2);
const nodes = Number(nodesArg);
const edges = Number(edgesArg);
let state = Number(seedArg) >>> 0 || 1;
const random = () => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 2 ** 32;
};

// The planted partition: community c holds [start[c], start[c + 1]).
const starts: number[] = [0];
while ((starts.at(-1) as number) < nodes)
  starts.push(Math.min(nodes, (starts.at(-1) as number) + 20 + Math.floor(random() * 161)));
const communities = starts.length - 1;
const communityOf = new Int32Array(nodes);
for (let c = 0; c < communities; c++)
  communityOf.fill(c, starts[c] as number, starts[c + 1] as number);
// Tokens as the store hands them over: flat strings made before the clock starts.
const tokens = Array.from({ length: nodes }, (_, v) =>
  Buffer.from(`t${v.toString(36).padStart(42, '0')}`).toString('latin1'),
);
const token = (v: number) => tokens[v] as string;
const kinds = ['phone', 'bank_card', 'bank_account', 'id_number', 'imei', 'device_id'] as const;
const kindOf = (v: number) => kinds[v % kinds.length] as (typeof IDENTIFIER_KINDS)[number];
const linkTypes = [
  'transfer',
  'transfer',
  'transfer',
  'login',
  'login',
  'registered_with',
  'registered_with',
  'install',
  'call',
  'sms',
] as const;

// The edge list first (the baseline reads it; writing it is not timed).
const from = new Int32Array(edges);
const to = new Int32Array(edges);
const type = new Uint8Array(edges);
/** A link's ends: within the first one's community with probability 0.85, else anywhere. */
const drawEnds = (): [number, number] => {
  const a = Math.floor(random() * nodes);
  let b: number;
  do {
    if (random() < 0.85) {
      const c = communityOf[a] as number;
      const lo = starts[c] as number;
      b = lo + Math.floor(random() * ((starts[c + 1] as number) - lo));
    } else b = Math.floor(random() * nodes);
  } while (b === a);
  return [a, b];
};
const drawType = () =>
  LINK_TYPES.indexOf(linkTypes[Math.floor(random() * linkTypes.length)] as never);
for (let e = 0; e < edges; e++) {
  [from[e], to[e]] = drawEnds();
  type[e] = drawType();
}
await new Promise<void>((resolve, reject) => {
  const stream = createWriteStream(out);
  stream.on('error', reject);
  let e = 0;
  const write = () => {
    while (e < edges) {
      let chunk = '';
      const end = Math.min(edges, e + 50_000);
      for (; e < end; e++) chunk += `${from[e]} ${to[e]}\n`;
      if (!stream.write(chunk)) {
        stream.once('drain', write);
        return;
      }
    }
    stream.end(resolve);
  };
  write();
});

const ms: Record<string, number> = {};
const now = Date.UTC(2026, 10, 1);
const weights = {
  weights: { police_confirmed: 0.95, confirmed_fraud: 0.8, victim_report: 0.5, suspected: 0.25 },
  halfLifeDays: Object.fromEntries(IDENTIFIER_KINDS.map((k) => [k, 365])) as never,
  now,
};
const seeds = (builder: EvidenceGraphBuilder) => {
  for (let c = 0; c < communities; c += 20)
    for (let v = starts[c] as number; v < (starts[c + 1] as number); v += 50)
      builder.addReport({
        member: `bank-${c % 3}`,
        type: 'confirmed_fraud',
        category: 'fake_investment',
        occurredAt: now - 86_400_000,
        entities: [{ role: 'beneficiary_account', kind: kindOf(v), token: token(v) }],
      });
};

// Loading from token strings, one link object at a time, as the platform reads the
// store: timed on its own (the baseline's load of the edge list is not counted either).
// Left out with `no-token-load`, so that the peak resident memory is the analysis's own.
if (tokenLoad !== 'no-token-load') {
  const started = performance.now();
  const builder = new EvidenceGraphBuilder(weights);
  seeds(builder);
  for (let e = 0; e < edges; e++) {
    const a = from[e] as number;
    const b = to[e] as number;
    builder.addLink({
      member: `member-${e % 7}`,
      link: LINK_TYPES[type[e] as number] as (typeof LINK_TYPES)[number],
      from: { kind: kindOf(a), token: token(a) },
      to: { kind: kindOf(b), token: token(b) },
      at: now - 86_400_000,
      count: 1,
    });
  }
  builder.build();
  ms.loadFromTokens = performance.now() - started;
}

// The analysis proper, from the edge list in memory (what the baseline starts from):
// each token numbered once, the edges as number pairs.
/** The graph from the edge list, each token numbered once, and `more` links after it. */
function numberedGraph(more: readonly (readonly [number, number, number])[] = []) {
  const builder = new EvidenceGraphBuilder(weights);
  for (let v = 0; v < nodes; v++) builder.node(kindOf(v), token(v));
  seeds(builder);
  const members = Array.from({ length: 7 }, (_, m) => builder.memberNumber(`member-${m}`));
  for (let e = 0; e < edges; e++)
    builder.edge(
      from[e] as number,
      to[e] as number,
      type[e] as number,
      members[e % 7] as number,
      1,
    );
  for (const [e, [a, b, t]] of more.entries()) builder.edge(a, b, t, members[e % 7] as number, 1);
  return builder.build();
}
let started = performance.now();
const graph = numberedGraph();
ms.build = performance.now() - started;
started = performance.now();
const analysis = analyzeGraph(graph);
const analysed = performance.now() - started;
Object.assign(ms, analysis.timings);
const total = ms.build + analysed;
// The goal's memory is the analysis's own: what follows builds more for reference.
const analysisRssMb = process.resourceUsage().maxRSS / 1024;

// The planted partition's own modularity, for reference.
const csr = (() => {
  const list = new EdgeList(graph.edges.length);
  for (let e = 0; e < graph.edges.length; e++)
    list.add(graph.edges.from[e] as number, graph.edges.to[e] as number, 1);
  return buildCsr(graph.tokens.length, list, true);
})();

// Incremental communities (issue 19, part 4): 1 % more links drawn as the graph's own,
// then the grown graph's communities from scratch and from this run's partition, the
// ends of the new links as the frontier.
const more = Array.from({ length: Math.ceil(edges / 100) }, () => {
  const [a, b] = drawEnds();
  return [a, b, drawType()] as const;
});
const grownGraph = numberedGraph(more);
const grownCsr = (() => {
  const inc = incidence(grownGraph);
  return {
    nodes: grownGraph.tokens.length,
    offsets: inc.offsets,
    targets: inc.neighbors,
    weights: new Float64Array(inc.neighbors.length).fill(1),
    loops: new Float64Array(grownGraph.tokens.length),
  };
})();
started = performance.now();
const fromScratch = louvain(grownCsr, { seed: 1, order: 'numbered' });
const fromScratchMs = performance.now() - started;
started = performance.now();
const fromEarlier = louvain(grownCsr, {
  seed: 1,
  order: 'numbered',
  initial: analysis.communities.community,
  frontier: Int32Array.from(more.flatMap((link) => [link[0], link[1]])),
});
const fromEarlierMs = performance.now() - started;

console.log(
  JSON.stringify({
    nodes: graph.tokens.length,
    edges: graph.edges.length,
    ms,
    totalMs: total,
    components: analysis.components.count,
    largestComponent: Math.max(...analysis.components.sizes),
    communities: analysis.communities.count,
    levels: analysis.communities.levels,
    modularity: analysis.communities.modularity,
    plantedModularity: modularity(csr, communityOf),
    plantedCommunities: communities,
    ringSteps: analysis.stats.ms,
    rings: analysis.rings.length,
    ringTokens: analysis.rings.reduce((a, r) => a + r.nodes.length, 0),
    analysisRssMb,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    incremental: {
      links: more.length,
      fromScratchMs,
      fromEarlierMs,
      fromScratch: { modularity: fromScratch.modularity, visits: fromScratch.visits },
      fromEarlier: { modularity: fromEarlier.modularity, visits: fromEarlier.visits },
    },
  }),
);
