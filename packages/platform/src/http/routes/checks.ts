import * as S from '../schemas.js';
import type { RoutePlugin } from '../type-provider.js';
import { CHECKERS, checkJson, me, type PlatformDeps, problems } from './kit.js';

/** Checks (members and the police): one token or a thousand, each answer with its basis. */
export function checkRoutes(deps: PlatformDeps): RoutePlugin {
  return async (app) => {
    // Checks (members and police).
    app.post(
      '/v1/check',
      {
        config: { roles: CHECKERS },
        schema: {
          tags: ['checks'],
          summary: 'Check up to 1,000 tokens',
          body: S.checkRequest,
          response: {
            200: {
              type: 'object',
              properties: { results: { type: 'array', items: S.checkAnswer } },
            },
            ...problems,
          },
        },
      },
      async (request) => {
        const body = request.body;
        const answers = await deps.checks.check(body.tokens, body.after);
        const member = me(request).id;
        deps.checkLedger.record(member, answers);
        const verdicts = { clear: 0, suspicious: 0, fraud: 0 };
        for (const a of answers) verdicts[a.verdict]++;
        for (const [verdict, n] of Object.entries(verdicts))
          if (n > 0) deps.metrics.checks.inc({ verdict }, n);
        return { results: answers.map((a) => checkJson(a, deps.checkIds.make(member, a))) };
      },
    );
    app.get(
      '/v1/check/:token',
      {
        config: { roles: CHECKERS },
        schema: {
          tags: ['checks'],
          summary: 'Check one token',
          params: { type: 'object', required: ['token'], properties: { token: S.TOKEN } },
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: { after: { type: 'string', pattern: '^\\d{1,15}$' } },
          },
          response: { 200: S.checkAnswer, ...problems },
        },
      },
      async (request) => {
        const { token } = request.params;
        const after = request.query.after;
        const [answer] = await deps.checks.check(
          [token],
          after === undefined ? undefined : Number(after),
        );
        if (answer === undefined) throw new Error('no answer');
        const member = me(request).id;
        deps.checkLedger.record(member, [answer]);
        deps.metrics.checks.inc({ verdict: answer.verdict });
        return checkJson(answer, deps.checkIds.make(member, answer));
      },
    );
  };
}
