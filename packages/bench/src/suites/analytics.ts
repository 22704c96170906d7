import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { child, fmt, quick, scripts, sectionHead } from './kit.js';

/** Debian's python3-igraph, installed when missing (the baseline of the analytics suite). */
function igraphPython(): string | undefined {
  const python = '/usr/bin/python3';
  const has = () => {
    try {
      execFileSync(python, ['-c', 'import igraph'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (has()) return python;
  console.log('installing python3-igraph (Debian) for the baseline…');
  try {
    const options = {
      stdio: 'inherit' as const,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    };
    const run = ([command, ...args]: string[]) =>
      process.getuid?.() === 0
        ? execFileSync(command as string, args, options)
        : execFileSync('sudo', ['-n', command as string, ...args], options);
    try {
      run(['apt-get', 'install', '-y', 'python3-igraph']);
    } catch {
      run(['apt-get', 'update']);
      run(['apt-get', 'install', '-y', 'python3-igraph']);
    }
  } catch (error) {
    console.log(`could not install python3-igraph: ${(error as Error).message}`);
  }
  return has() ? python : undefined;
}

interface ScaleFigures {
  nodes: number;
  edges: number;
  ms: Record<string, number>;
  totalMs: number;
  components: number;
  largestComponent: number;
  communities: number;
  modularity: number;
  plantedModularity: number;
  plantedCommunities: number;
  ringSteps: Record<string, number>;
  rings: number;
  ringTokens: number;
  analysisRssMb: number;
  maxRssMb: number;
  incremental: {
    links: number;
    fromScratchMs: number;
    fromEarlierMs: number;
    fromScratch: { modularity: number; visits: number };
    fromEarlier: { modularity: number; visits: number };
  };
}
interface IgraphFigures {
  igraph: string;
  loadMs: number;
  leidenMs: number;
  leidenModularity: number;
  leidenCommunities: number;
  louvainMs: number;
  louvainModularity: number;
  maxRssMb: number;
}

/** Communities after 1 % more links: from scratch, and from the run's own partition. */
function incrementalRows(ours: ScaleFigures): string[] {
  const i = ours.incremental;
  const q = (x: number) => fmt(x, 4);
  return [
    `Incremental communities (issue 19, part 4): ${fmt(i.links)} more links (1 %) drawn as the graph's own, then the grown graph's communities found again (levels of Louvain; the first level's node visits):`,
    '',
    '| communities of the grown graph | seconds | modularity | first level visits |',
    '|---|---:|---:|---:|',
    `| from scratch | ${fmt(i.fromScratchMs / 1000, 1)} | ${q(i.fromScratch.modularity)} | ${fmt(i.fromScratch.visits)} |`,
    `| from the run's partition, the new links' ends looked at first | ${fmt(i.fromEarlierMs / 1000, 1)} (${fmt(i.fromEarlierMs / i.fromScratchMs, 2)}×) | ${q(i.fromEarlier.modularity)} | ${fmt(i.fromEarlier.visits)} |`,
  ];
}

export function analyticsSuite(): string {
  const nodes = quick ? 200_000 : 1_000_000;
  const edges = quick ? 1_000_000 : 5_000_000;
  const work = mkdtempSync(join(tmpdir(), 'credence-analytics-bench-'));
  const edgeFile = join(work, 'edges.txt');
  const ours = child<ScaleFigures>('analytics-scale.js', [
    String(nodes),
    String(edges),
    '1',
    edgeFile,
  ]);
  console.log(
    `analysis of ${fmt(ours.nodes)} tokens, ${fmt(ours.edges)} edges: ${fmt(ours.totalMs / 1000, 1)} s`,
  );
  const python = igraphPython();
  let igraph: IgraphFigures | undefined;
  if (python !== undefined) {
    const out = execFileSync(
      python,
      [join(scripts, '../python/igraph_communities.py'), edgeFile, String(nodes)],
      {
        encoding: 'utf8',
      },
    );
    igraph = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as IgraphFigures;
    console.log(`igraph Leiden: ${fmt(igraph.leidenMs / 1000, 1)} s`);
  }
  rmSync(work, { recursive: true, force: true });
  const s = (ms: number | undefined) => (ms === undefined ? '' : fmt(ms / 1000, 1));
  const q = (x: number) => fmt(x, 4);
  const rows = [
    `| graph build: tokens numbered, ${fmt(ours.edges)} edges with types and members | ${s(ours.ms.build)} |`,
    `| incidence (each token's edges; read undirected, the graph's rows) | ${s(ours.ms.graph)} |`,
    `| connected components (${fmt(ours.components)}; the largest holds ${fmt(ours.largestComponent)} tokens) | ${s(ours.ms.components)} |`,
    `| communities: Louvain, ${fmt(ours.communities)} found, modularity ${q(ours.modularity)} | ${s(ours.ms.communities)} |`,
    `| rings: propagation ${s(ours.ringSteps.propagation)} s, ranked risk of every token ${s(ours.ringSteps.ranking ?? 0)} s, suspect components ${s(ours.ringSteps.components)} s, grouping ${s(ours.ringSteps.groups)} s, detectors and explanations ${s(ours.ringSteps.describe)} s → ${fmt(ours.rings)} rings, ${fmt(ours.ringTokens)} tokens | ${s(ours.ms.rings)} |`,
    `| **full analysis** | **${s(ours.totalMs)}** |`,
  ];
  const baseline =
    igraph === undefined
      ? ['python3-igraph could not be installed: no baseline in this run.']
      : [
          '| baseline in the same run (igraph ' +
            igraph.igraph +
            ', Debian python3-igraph, one thread) | seconds | modularity | peak RSS (MB) |',
          '|---|---:|---:|---:|',
          `| reading the edge list (not counted) | ${s(igraph.loadMs)} | | |`,
          `| **Leiden** (objective modularity, 2 iterations), ${fmt(igraph.leidenCommunities)} communities | **${s(igraph.leidenMs)}** | ${q(igraph.leidenModularity)} | ${fmt(igraph.maxRssMb)} |`,
          `| Louvain (community_multilevel) | ${s(igraph.louvainMs)} | ${q(igraph.louvainModularity)} | |`,
          '',
          '| goal | measured | |',
          '|---|---:|---|',
          `| full analysis faster than igraph's Leiden alone | ${fmt(ours.totalMs / 1000, 1)} s vs ${fmt(igraph.leidenMs / 1000, 1)} s (${fmt(ours.totalMs / igraph.leidenMs, 2)}×) | ${ours.totalMs < igraph.leidenMs ? 'met' : '**not met**'} |`,
          `| modularity at least igraph's Leiden − 0.01 | ${q(ours.modularity)} vs ${q(igraph.leidenModularity)} (${ours.modularity - igraph.leidenModularity >= 0 ? '+' : '−'}${q(Math.abs(ours.modularity - igraph.leidenModularity))}) | ${ours.modularity >= igraph.leidenModularity - 0.01 ? 'met' : '**not met**'} |`,
          `| peak RSS < 2 GB | ${fmt(ours.analysisRssMb)} MB | ${ours.analysisRssMb < 2048 ? 'met' : '**not met**'} |`,
        ];
  return [
    ...sectionHead('Joint analysis at scale (`@credence/analytics`)'),
    `A planted evidence graph of ${fmt(ours.nodes)} tokens and ${fmt(ours.edges)} links (communities of 20–180 tokens, ${fmt(ours.plantedCommunities)} of them, whose own modularity is ${q(ours.plantedModularity)}; a link stays inside its community with probability 0.85; one community in twenty is a ring with 2 % of its tokens reported). Both sides start from the same edge list in memory; reading it is not counted on either side.`,
    '',
    '| stage (one process, one thread) | seconds |',
    '|---|---:|',
    ...rows,
    '',
    `Peak RSS up to the end of the analysis (edge list, graph, analysis): ${fmt(ours.analysisRssMb)} MB. Reading the same graph from 43-character token strings, one link object at a time as the platform reads its store, took ${s(ours.ms.loadFromTokens)} s more (string interning in a Map: not part of the comparison, as igraph's own reading is not).`,
    '',
    ...incrementalRows(ours),
    '',
    ...baseline,
  ].join('\n');
}
