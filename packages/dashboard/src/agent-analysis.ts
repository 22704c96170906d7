import { weekOf } from '@credence/core/wire/statistics';
import type { MemberSession } from '@credence/member/member-session';
import type { OwnNames } from '@credence/member/own-index';
import { platformRequest } from '@credence/member/platform-client';
import { type RingDetail, ringGraphml, ringJson } from '@credence/member/ring-export';
import type { FastifyInstance } from 'fastify';
import type { AnswerOf, OverviewAnswer } from './api-types.js';
import { serve } from './serve-route.js';
import type { UiState } from './ui-state.js';
import { viaPlatform } from './via-platform.js';

/** Query strings are passed on only as the schema let them through. */
const query = (q: object) => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) params.set(k, String(v));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
};

/** Most reports the overview reads of the member's own (a page of 1,000 at a time). */
export const OVERVIEW_REPORT_CAP = 50_000;
/** Most alerts the overview reads. */
export const OVERVIEW_ALERT_CAP = 50_000;

const bump = (counts: Record<string, number>, key: string, by = 1) => {
  counts[key] = (counts[key] ?? 0) + by;
};

type Touching = OverviewAnswer['rings']['touching'][number];

/**
 * Rings, campaigns and the overview as the member's agent serves them: the platform's
 * answers, with the member's own tokens named in its own words from its local indexes
 * (own-identifiers.sqlite, the watch index), which never leave its network.
 */
export function analysisRoutes(
  app: FastifyInstance,
  session: MemberSession,
  state: UiState,
  names: OwnNames | undefined,
): void {
  const platform = session.platform;
  const get = <T>(path: string) =>
    viaPlatform(() => platformRequest<T>(platform, 'GET', path, undefined, { retries: 2 }));
  const nameOf = (token: string) => names?.get(token);
  let touched: { analysis: number | null; touching: Touching[] } | undefined;

  serve(app, 'GET /api/rings', async (request) =>
    get<AnswerOf<'GET /api/rings'>>(`/v1/rings${query(request.query)}`),
  );

  const ringOf = (id: string) => get<RingDetail>(`/v1/rings/${encodeURIComponent(id)}`);
  serve(app, 'GET /api/rings/{id}', async (request) => {
    const ring = await ringOf(request.params.id);
    const graph = ringJson(ring, nameOf);
    return {
      ...graph,
      size: ring.size,
      // Why each token is in the ring: its own reports, or the token its risk came from.
      nodes: graph.nodes.map((node, i) => {
        const why = ring.tokens[i]?.why;
        return {
          ...node,
          ...(why?.via === undefined ? {} : { via: why.via }),
          ...(why?.from === undefined ? {} : { from: why.from }),
        };
      }),
    };
  });
  serve(app, 'GET /api/rings/{id}/graphml', async (request, reply) => {
    const ring = await ringOf(request.params.id);
    return reply
      .type('application/graphml+xml; charset=utf-8')
      .header('content-disposition', `attachment; filename="${ring.id}.graphml"`)
      .send(ringGraphml(ring, nameOf));
  });

  serve(app, 'GET /api/campaigns', async (request) =>
    get<AnswerOf<'GET /api/campaigns'>>(`/v1/campaigns${query(request.query)}`),
  );

  serve(app, 'GET /api/overview', async (): Promise<OverviewAnswer> => {
    // The member's own reports, by the week the platform took them and by category.
    const reports = { total: 0, retracted: 0, weekly: {} as Record<string, number>, capped: false };
    const categories: Record<string, number> = {};
    for (let after: string | null = null; ; ) {
      const page: {
        reports: { createdAt: string; category: string; retractedAt?: string }[];
        next: string | null;
      } = await get(
        `/v1/reports?limit=1000${after === null ? '' : `&after=${encodeURIComponent(after)}`}`,
      );
      for (const r of page.reports) {
        reports.total += 1;
        if (r.retractedAt !== undefined) reports.retracted += 1;
        bump(reports.weekly, weekOf(r.createdAt));
        bump(categories, r.category);
      }
      after = page.next;
      if (after === null) break;
      if (reports.total >= OVERVIEW_REPORT_CAP) {
        reports.capped = true;
        break;
      }
    }
    // Alerts about the member's watched customers, by week and by what raised them.
    const alerts = {
      total: 0,
      watchedCustomers: 0,
      weekly: {} as Record<string, number>,
      bySource: {} as Record<string, number>,
      capped: false,
    };
    const alerted = new Set<string>();
    for (let after = '0.0'; ; ) {
      const page: { alerts: { token: string; source: string; createdAt: string }[]; next: string } =
        await get(`/v1/alerts?limit=1000&after=${encodeURIComponent(after)}`);
      for (const a of page.alerts) {
        alerts.total += 1;
        bump(alerts.weekly, weekOf(a.createdAt));
        bump(alerts.bySource, a.source);
        if (a.source !== 'key') alerted.add(a.token);
      }
      if (page.alerts.length < 1000) break;
      if (alerts.total >= OVERVIEW_ALERT_CAP) {
        alerts.capped = true;
        break;
      }
      after = page.next;
    }
    alerts.watchedCustomers = alerted.size;
    // Rings of the latest analysis that hold a token the member knows (its own data).
    const list: {
      analysis: number | null;
      total: number;
      rings: { id: string; score: number; size: number }[];
    } = await get('/v1/rings?limit=100');
    // One analysis run's rings do not change: read their tokens once per run.
    if (touched?.analysis !== list.analysis || list.analysis === null) {
      const touching: Touching[] = [];
      for (const summary of list.rings) {
        const ring = await ringOf(summary.id);
        const yours = ring.tokens.filter((t) => nameOf(t.token) !== undefined).length;
        if (yours > 0) touching.push({ id: ring.id, score: ring.score, size: ring.size, yours });
      }
      touched = { analysis: list.analysis, touching };
    }
    const { touching } = touched;
    return {
      reports: { ...reports, categories },
      checks: state.checkCounts((day) => weekOf(`${day}T00:00:00Z`)),
      alerts,
      rings: { analysis: list.analysis, total: list.total, looked: list.rings.length, touching },
    };
  });
}
