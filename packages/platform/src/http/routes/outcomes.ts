import * as S from '../schemas.js';
import type { RoutePlugin } from '../type-provider.js';
import { AUDITORS, CHECKERS, me, type PlatformDeps, problems } from './kit.js';

/** Outcomes (docs/outcomes.md): members and the police say what they did; the operator and auditors read the measures. */
export function outcomeRoutes(deps: PlatformDeps): RoutePlugin {
  return async (app) => {
    app.post(
      '/v1/outcomes',
      {
        config: { roles: CHECKERS },
        schema: {
          tags: ['outcomes'],
          summary: 'Report what you did with answers or alerts',
          body: S.outcomeRequest,
          response: { 200: S.outcomeAnswer, ...problems },
        },
      },
      async (request) => {
        const statuses = await deps.outcomes.record(me(request).id, request.body.outcomes);
        return { results: statuses.map((s, index) => ({ index, ...s })) };
      },
    );
    app.get(
      '/v1/outcomes/summary',
      {
        config: { roles: AUDITORS },
        schema: {
          tags: ['outcomes'],
          summary: 'Warning precision, time to freeze and amounts held and recovered',
          response: { 200: S.outcomeSummary, ...problems },
        },
      },
      async () => deps.outcomes.summary(),
    );
  };
}
