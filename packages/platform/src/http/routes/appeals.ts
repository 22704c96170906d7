import { roleOf } from '../../domain/types.js';
import * as S from '../schemas.js';
import type { RoutePlugin } from '../type-provider.js';
import {
  ANYONE,
  AUDITORS,
  CHECKERS,
  me,
  OPERATORS,
  type PlatformDeps,
  pageLimit,
  problems,
} from './kit.js';

/**
 * Appeals (docs/appeals.md): members and the police open them for the people they serve;
 * the operator rules. The operator and auditors see every appeal, a member those opened
 * through it.
 */
export function appealRoutes(deps: PlatformDeps): RoutePlugin {
  return async (app) => {
    app.post(
      '/v1/appeals',
      {
        config: { roles: CHECKERS },
        schema: {
          tags: ['appeals'],
          summary: 'Open an appeal for a person who says an identifier was flagged wrongly',
          body: S.appealRequest,
          response: { 201: S.appeal, ...problems },
        },
      },
      async (request, reply) => {
        const opened = await deps.appeals.open(
          me(request).id,
          request.body.token,
          request.body.reason,
        );
        return reply.code(201).send(opened);
      },
    );
    app.get(
      '/v1/appeals',
      {
        config: { roles: ANYONE },
        schema: {
          tags: ['appeals'],
          summary: 'Appeals: every one for the operator and auditors, your own for a member',
          querystring: S.appealsQuery,
          response: { 200: S.appealsPage, ...problems },
        },
      },
      async (request) => {
        const caller = me(request);
        const limit = pageLimit(request.query.limit, 100);
        const everyone = AUDITORS.includes(roleOf(caller.type));
        const page = await deps.appeals.list(
          {
            ...(everyone ? {} : { member: caller.id }),
            ...(request.query.status === undefined ? {} : { status: request.query.status }),
          },
          Number(request.query.after ?? '0'),
          limit,
        );
        return { appeals: page, next: page.length === limit ? (page.at(-1)?.id ?? null) : null };
      },
    );
    app.post(
      '/v1/appeals/:id/uphold',
      {
        config: { roles: OPERATORS },
        schema: {
          tags: ['appeals'],
          summary: 'Uphold an appeal: what members said of the token until now no longer counts',
          params: S.appealParams,
          response: { 200: S.appealRuling, ...problems },
        },
      },
      async (request) => {
        const ruled = await deps.appeals.rule(
          Number(request.params.id),
          { ruling: 'upheld' },
          me(request).id,
        );
        if (ruled.alerts > 0) deps.onChange?.();
        return ruled;
      },
    );
    app.post(
      '/v1/appeals/:id/reject',
      {
        config: { roles: OPERATORS },
        schema: {
          tags: ['appeals'],
          summary: 'Reject an appeal, with the reason logged',
          params: S.appealParams,
          body: S.rejectRequest,
          response: { 200: S.appealRuling, ...problems },
        },
      },
      async (request) =>
        deps.appeals.rule(
          Number(request.params.id),
          { ruling: 'rejected', reason: request.body.reason },
          me(request).id,
        ),
    );
  };
}
