import { StatisticsService } from '../../services/statistics.js';
import * as S from '../schemas.js';
import type { RoutePlugin } from '../type-provider.js';
import { me, OPERATORS, type PlatformDeps, problems } from './kit.js';

/**
 * Public statistics (docs/statistics.md): the operator releases a week's noised counts
 * within the privacy budget; anyone, with no credential, reads what was released. Reading
 * never spends budget (an anonymous question that did could spend it all).
 */
export function statisticsRoutes(deps: PlatformDeps): RoutePlugin {
  return async (app) => {
    const stats = new StatisticsService(deps.store, deps.policies);
    app.post(
      '/v1/stats/releases',
      {
        config: { roles: OPERATORS },
        schema: {
          tags: ['statistics'],
          summary:
            "Release a week's noised counts by a cut, charged to the privacy budget (once per week and cut)",
          body: S.statsReleaseRequest,
          response: { 201: S.statsReleaseAnswer, ...problems },
        },
      },
      async (request, reply) => {
        const { week, cut, epsilon } = request.body;
        const done = await stats.release(week, cut, epsilon, me(request).id);
        return reply.code(201).send(done);
      },
    );
    app.get(
      '/v1/stats',
      {
        schema: {
          tags: ['statistics'],
          summary:
            'The released statistics and the budget spent: public, no credential (nothing beyond the noised releases)',
          security: [],
          querystring: S.statsQuery,
          response: { 200: S.statsAnswer, ...problems },
        },
      },
      async (request) => stats.releases(request.query),
    );
  };
}
