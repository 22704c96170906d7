import { useEffect, useRef, useState } from 'preact/hooks';
import type { RingGraph } from '../../../src/api-types.js';
import { api, apiPath } from '../api.js';
import type { Explorer } from '../graph/ring-graph.js';
import { nodeLabel, propagationPath } from '../graph/ring-path.js';
import { type TextKey, useI18n } from '../i18n.js';
import { ProblemNote } from './problem.js';

/**
 * The ring explorer: the ring drawn (sigma, loaded with this view only), its explanation,
 * a legend, and for a clicked node (or one picked from the list, for the keyboard) the
 * path its risk came along, highlighted on the graph; GraphML and PNG exports.
 */
export function RingExplorerView({ id }: { id: string }) {
  const { t } = useI18n();
  const [ring, setRing] = useState<RingGraph | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [picked, setPicked] = useState<number | null>(null);
  const [drawn, setDrawn] = useState<{ nodes: number; edges: number; layoutMs: number } | null>(
    null,
  );
  const [legend, setLegend] = useState<{
    kinds: Record<string, string>;
    edges: Record<string, string>;
  } | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const explorer = useRef<Explorer | null>(null);

  useEffect(() => {
    let live = true;
    setRing(null);
    setPicked(null);
    Promise.all([
      api('GET /api/rings/{id}', { params: { id } }),
      import('../graph/ring-graph.js'),
    ]).then(
      ([r, g]) => {
        if (!live || box.current === null) return;
        setRing(r);
        const graph = g.buildGraph(r);
        const layoutMs = g.layOut(graph);
        explorer.current = g.mount(box.current, graph, setPicked);
        setDrawn({ nodes: graph.order, edges: graph.size, layoutMs });
        setLegend({ kinds: { ...g.KIND_COLORS }, edges: { ...g.EDGE_COLORS } });
      },
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
      explorer.current?.kill();
      explorer.current = null;
    };
  }, [id]);

  const path = ring === null || picked === null ? [] : propagationPath(ring, picked);
  useEffect(() => {
    explorer.current?.highlight(path);
  }, [picked, ring]);

  const kindsPresent = new Set(ring?.nodes.map((n) => n.kind));
  const edgesPresent = new Set(ring?.edges.map((e) => e.type));
  return (
    <section aria-labelledby="explorer-title">
      <h2 id="explorer-title">
        {t('explorer.title')} <span class="mono">{id}</span>
      </h2>
      {error !== null && <ProblemNote error={error} />}
      {ring !== null && (
        <p class="lead">
          {t('rings.score')} {ring.score.toFixed(2)} · {ring.categories.join(', ')} —{' '}
          {ring.explanation}
        </p>
      )}
      {legend !== null && (
        <p class="legend">
          <strong>{t('explorer.legend')}:</strong>
          {Object.entries(legend.kinds)
            .filter(([k]) => kindsPresent.has(k))
            .map(([k, c]) => (
              <span key={k} style={{ '--dot': c }}>
                {t(`kind.${k}` as TextKey)}
              </span>
            ))}
          {Object.entries(legend.edges)
            .filter(([k]) => edgesPresent.has(k))
            .map(([k, c]) => (
              <span key={k} style={{ '--dot': c }}>
                {t('explorer.edge')} {k}
              </span>
            ))}
        </p>
      )}
      <div class="explorer">
        <div>
          <div class="graph" ref={box} aria-label={t('explorer.graph')} role="img" />
          {drawn !== null && (
            <p class="muted" data-testid="explorer-drawn">
              {t('explorer.drawn', {
                nodes: drawn.nodes,
                edges: drawn.edges,
                ms: Math.round(drawn.layoutMs),
              })}
            </p>
          )}
        </div>
        <aside class="panel" aria-live="polite">
          <label>
            {t('explorer.pick')}
            <select
              value={picked === null ? '' : String(picked)}
              onChange={(e) => {
                const v = (e.currentTarget as HTMLSelectElement).value;
                setPicked(v === '' ? null : Number(v));
              }}
            >
              <option value="">—</option>
              {ring?.nodes.map((n) => (
                <option key={n.index} value={String(n.index)}>
                  {n.index}: {nodeLabel(n)}
                </option>
              ))}
            </select>
          </label>
          {ring !== null && picked !== null && (
            <div data-testid="explorer-path">
              <h3>{t('explorer.path')}</h3>
              <ol class="path">
                {path.map((i) => {
                  const n = ring.nodes[i];
                  if (n === undefined) return null;
                  return (
                    <li key={i}>
                      <strong>{nodeLabel(n)}</strong> ({t(`kind.${n.kind}` as TextKey)},{' '}
                      {t('explorer.risk')} {n.risk.toFixed(2)}
                      {n.yours?.watched === true ? `, ${t('explorer.watched')}` : ''})
                      <br />
                      {n.reported
                        ? t('explorer.reported')
                        : t('explorer.via', { via: n.via ?? '?', from: n.from ?? '?' })}
                    </li>
                  );
                })}
              </ol>
            </div>
          )}
          <p>
            <a class="button" href={apiPath(`/api/rings/${id}/graphml`)} download={`${id}.graphml`}>
              GraphML
            </a>{' '}
            <button type="button" class="quiet" onClick={() => void explorer.current?.png(id)}>
              PNG
            </button>
          </p>
        </aside>
      </div>
    </section>
  );
}
