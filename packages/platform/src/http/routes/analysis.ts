import { HttpProblem } from '@credence/server-kit/problem';
import * as S from '../schemas.js';
import type { RouteApp, RoutePlugin } from '../type-provider.js';
import { ANYONE, me, OPERATORS, type PlatformDeps, problems } from './kit.js';

/** Joint analysis (SPEC §6): rings and campaigns of the latest run, as aggregates and tokens, never a member's name; runs on demand. */
export function analysisRoutes(deps: PlatformDeps): RoutePlugin {
  return async (app) => {
    ringsAndCampaigns(app, deps);
    analysisRuns(app, deps);
  };
}

/** Rings and campaigns of the latest analysis. */
function ringsAndCampaigns(app: RouteApp, deps: PlatformDeps): void {
  app.get(
    '/v1/rings',
    {
      config: { roles: ANYONE },
      schema: {
        tags: ['analysis'],
        summary: 'Rings of the latest analysis, strongest first',
        querystring: S.ringsQuery,
        response: { 200: S.ringsAnswer, ...problems },
      },
    },
    async (request) => {
      const q = request.query;
      const { rings, total } = deps.analysis.rings({
        limit: Number(q.limit ?? 100),
        offset: Number(q.offset ?? 0),
        ...(q.minScore === undefined ? {} : { minScore: Number(q.minScore) }),
        ...(q.category === undefined ? {} : { category: q.category }),
        ...(q.kind === undefined ? {} : { kind: q.kind }),
        ...(q.memberType === undefined ? {} : { memberType: q.memberType }),
      });
      return { analysis: deps.analysis.current()?.id ?? null, total, rings };
    },
  );
  app.get(
    '/v1/rings/:id',
    {
      config: { roles: ANYONE },
      schema: {
        tags: ['analysis'],
        summary: 'A ring: its tokens, why each is in it, its edges and its explanation',
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', pattern: '^ring-[0-9a-f]{16}$' } },
        },
        response: { 200: S.ringDetail, ...problems },
      },
    },
    async (request) => {
      const ring = deps.analysis.ring(request.params.id);
      if (ring === undefined)
        throw new HttpProblem('ring.not_found', 'no ring of the latest analysis has this id');
      return ring;
    },
  );
  app.get(
    '/v1/campaigns',
    {
      config: { roles: ANYONE },
      schema: {
        tags: ['analysis'],
        summary: 'Campaigns of the latest analysis (scripts alike across members), largest first',
        querystring: S.campaignsQuery,
        response: { 200: S.campaignsAnswer, ...problems },
      },
    },
    async (request) => {
      const q = request.query;
      const { campaigns, total } = deps.analysis.campaigns({
        limit: Number(q.limit ?? 100),
        offset: Number(q.offset ?? 0),
        ...(q.minSize === undefined ? {} : { minSize: Number(q.minSize) }),
        ...(q.category === undefined ? {} : { category: q.category }),
      });
      return { analysis: deps.analysis.current()?.id ?? null, total, campaigns };
    },
  );
  app.get(
    '/v1/campaigns/:id',
    {
      config: { roles: ANYONE },
      schema: {
        tags: ['analysis'],
        summary:
          'A campaign: its figures, its script where shared, its rings, and your reports in it',
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', pattern: '^campaign-[0-9a-f]{16}$' } },
        },
        response: { 200: S.campaignDetail, ...problems },
      },
    },
    async (request) => {
      const campaign = deps.analysis.campaign(request.params.id, me(request).id);
      if (campaign === undefined)
        throw new HttpProblem(
          'campaign.not_found',
          'no campaign of the latest analysis has this id',
        );
      return campaign;
    },
  );
}

/** The latest analysis run, and a run on demand. */
function analysisRuns(app: RouteApp, deps: PlatformDeps): void {
  app.get(
    '/v1/analysis',
    {
      config: { roles: ANYONE },
      schema: {
        tags: ['analysis'],
        summary: 'The latest analysis run: when, its figures, and the digest the log binds',
        response: { 200: S.analysisAnswer, ...problems },
      },
    },
    async () => {
      const current = deps.analysis.current();
      if (current === undefined) throw new HttpProblem('analysis.none', 'no analysis has run yet');
      return { ...current, createdAt: new Date(current.createdAt).toISOString() };
    },
  );
  app.post(
    '/v1/analysis',
    {
      config: { roles: OPERATORS },
      schema: {
        tags: ['analysis'],
        summary: 'Run the analysis now (rings, alerts to watchers, a log entry)',
        response: { 200: S.analysisRunAnswer, ...problems },
      },
    },
    async (request) => {
      const run = await deps.analysis.run(me(request).id);
      if (run.alerts > 0) deps.onChange?.();
      return { ...run, createdAt: new Date(run.createdAt).toISOString() };
    },
  );
}
