import Graph from 'graphology';
import forceAtlas2 from 'graphology-layout-forceatlas2';
import Sigma from 'sigma';
import type { RingGraph } from '../../../src/api-types.js';
import { panByImage } from './pan.js';
import { nodeLabel } from './ring-path.js';

/**
 * The ring explorer's drawing: the ring as a graphology graph, laid out by ForceAtlas2
 * and drawn by sigma (WebGL). Loaded only with the explorer, so the other views do not
 * carry it. Node kinds are colours, the member's own tokens are larger and labelled with
 * their identifiers, edges are coloured by type; a highlighted path dims the rest.
 */

export const KIND_COLORS: Readonly<Record<string, string>> = {
  phone: '#0b5cad',
  bank_card: '#a4161a',
  bank_account: '#c2410c',
  id_number: '#6b21a8',
  imei: '#0f766e',
  device_id: '#15803d',
  ip: '#4d7c0f',
  url: '#b45309',
  domain: '#92400e',
  email: '#be185d',
  app: '#1d4ed8',
  wallet: '#374151',
  im_account: '#0e7490',
};
export const EDGE_COLORS: Readonly<Record<string, string>> = {
  call: '#60a5fa',
  sms: '#93c5fd',
  transfer: '#f87171',
  login: '#86efac',
  install: '#fcd34d',
  registered_with: '#c4b5fd',
  co_report: '#d4d4d8',
  reassigned: '#fda4af',
};
const FALLBACK_EDGE = '#cbd5e1';
const DIMMED = '#e5e7eb';

/** The ring as a graph: node keys are the ring's token indexes. */
export function buildGraph(ring: RingGraph): Graph {
  const graph = new Graph({ multi: false, type: 'undirected' });
  const n = ring.nodes.length;
  // Deterministic start: a sunflower spiral, so the layout is the same on every load.
  const golden = Math.PI * (3 - Math.sqrt(5));
  for (const node of ring.nodes) {
    const r = Math.sqrt((node.index + 0.5) / n);
    graph.addNode(String(node.index), {
      x: r * Math.cos(node.index * golden),
      y: r * Math.sin(node.index * golden),
      size: node.yours === undefined ? 3 + 4 * node.risk : node.yours.watched ? 9 : 7,
      color: KIND_COLORS[node.kind] ?? '#111827',
      label: nodeLabel(node),
      forceLabel: node.yours?.watched === true,
    });
  }
  for (const edge of ring.edges) {
    const a = String(edge.from);
    const b = String(edge.to);
    if (a === b || !graph.hasNode(a) || !graph.hasNode(b) || graph.hasEdge(a, b)) continue;
    graph.addEdge(a, b, {
      type: 'line',
      kind: edge.type,
      color: EDGE_COLORS[edge.type] ?? FALLBACK_EDGE,
      size: Math.min(4, 0.5 + Math.log2(1 + edge.count)),
    });
  }
  return graph;
}

/**
 * Lays the graph out with ForceAtlas2; the time it took, ms. Above 500 nodes repulsion is
 * approximated by Barnes-Hut with θ = 1.2, the default of Gephi's ForceAtlas2 (the
 * algorithm's reference implementation; graphology's default, 0.5, is more exact and
 * about twice as slow on a 5,000-node ring).
 */
export function layOut(graph: Graph, iterations = graph.order > 2000 ? 60 : 150): number {
  const start = performance.now();
  const settings = forceAtlas2.inferSettings(graph);
  const large = graph.order > 500;
  forceAtlas2.assign(graph, {
    iterations,
    settings: { ...settings, barnesHutOptimize: large, ...(large ? { barnesHutTheta: 1.2 } : {}) },
  });
  return performance.now() - start;
}

/**
 * The drawing as a PNG: sigma's layers (WebGL edges and nodes, 2D labels) composed on one
 * canvas over white. WebGL keeps its buffer only until the frame is shown, so the layers
 * are drawn again and copied in the same task.
 */
async function downloadPng(renderer: Sigma, fileName: string): Promise<void> {
  const layers = renderer.getCanvases();
  const first = Object.values(layers)[0];
  if (first === undefined) return;
  const out = document.createElement('canvas');
  out.width = first.width;
  out.height = first.height;
  const ctx = out.getContext('2d');
  if (ctx === null) return;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, out.width, out.height);
  renderer.refresh();
  for (const name of ['edges', 'edgeLabels', 'nodes', 'labels']) {
    const layer = layers[name];
    if (layer !== undefined) ctx.drawImage(layer, 0, 0);
  }
  const blob = await new Promise<Blob | null>((done) => out.toBlob(done, 'image/png'));
  if (blob === null) return;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `${fileName}.png`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export interface Explorer {
  readonly renderer: Sigma;
  highlight(path: readonly number[]): void;
  png(fileName: string): Promise<void>;
  kill(): void;
}

/** Draws the graph in the container; a click on a node (or the background) is reported. */
export function mount(
  container: HTMLElement,
  graph: Graph,
  onClick: (index: number | null) => void,
): Explorer {
  let lit: ReadonlySet<string> | null = null;
  // A drag moves the drawn picture and sigma draws when it rests (pan.ts, below). A large
  // ring is drawn without its edges and labels while the camera moves otherwise
  // (zooming), as sigma offers for large graphs: they come back when it stops.
  const large = graph.order > 2000;
  const renderer = new Sigma(graph, container, {
    hideEdgesOnMove: large,
    hideLabelsOnMove: large,
    labelRenderedSizeThreshold: 8,
    labelFont: 'system-ui, sans-serif',
    labelColor: { color: '#1b1f24' },
    zIndex: true,
    nodeReducer: (key, data) =>
      lit === null || lit.has(key)
        ? { ...data, zIndex: lit === null ? 0 : 1, forceLabel: data.forceLabel || lit !== null }
        : { ...data, color: DIMMED, label: '', zIndex: 0 },
    edgeReducer: (key, data) => {
      if (lit === null) return data;
      const [a, b] = graph.extremities(key);
      return lit.has(a) && lit.has(b)
        ? { ...data, color: '#111827', size: 3 }
        : { ...data, color: DIMMED };
    },
  });
  const pan = panByImage(container);
  pan.attach(renderer);
  renderer.on('clickNode', ({ node }) => onClick(Number(node)));
  renderer.on('clickStage', () => onClick(null));
  // For the browser tests: where a node is drawn, to click it as a person would.
  (container as HTMLElement & { explorer?: Sigma }).explorer = renderer;
  return {
    renderer,
    highlight(path) {
      lit = path.length === 0 ? null : new Set(path.map(String));
      renderer.refresh({ skipIndexation: true });
    },
    png: (fileName) => downloadPng(renderer, fileName),
    kill: () => {
      pan.kill();
      renderer.kill();
    },
  };
}
