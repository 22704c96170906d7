import { MAX_ENTRIES_PAGE } from '../../services/log-service.js';
import * as S from '../schemas.js';
import type { RouteApp, RoutePlugin } from '../type-provider.js';
import {
  ANYONE,
  idParams,
  iso,
  me,
  OPERATORS,
  type PlatformDeps,
  problems,
  REPORTERS,
} from './kit.js';

/** Administration (the operator): members enrolled, disabled, enabled, rotated and bound to a share; and a member's own signing keys, records and credential (no one else speaks in its name: issue 11). */
export function memberRoutes(deps: PlatformDeps): RoutePlugin {
  return async (app) => {
    memberAdministration(app, deps);
    ownKeys(app, deps);
    credentialsAndShares(app, deps);
  };
}

/** Members as the operator keeps them: list, create, disable, enable, rotate. */
function memberAdministration(app: RouteApp, deps: PlatformDeps): void {
  app.get(
    '/v1/members',
    {
      config: { roles: OPERATORS },
      schema: {
        tags: ['members'],
        summary: 'Every member',
        response: {
          200: {
            type: 'object',
            properties: { members: { type: 'array', items: S.memberSchema } },
          },
        },
      },
    },
    async () => ({
      members: (await deps.members.list()).map((m) => ({
        ...m,
        createdAt: new Date(m.createdAt).toISOString(),
      })),
    }),
  );
  app.post(
    '/v1/members',
    {
      config: { roles: OPERATORS },
      schema: {
        tags: ['members'],
        summary: 'Create a member; its credential is in the answer, once',
        body: S.newMemberRequest,
        response: {
          201: {
            type: 'object',
            properties: { member: S.memberSchema, credential: { type: 'string' } },
          },
          ...problems,
        },
      },
    },
    async (request, reply) => {
      const { member, credential } = await deps.members.add(request.body);
      return reply.status(201).send({
        member: { ...member, createdAt: new Date(member.createdAt).toISOString() },
        credential,
      });
    },
  );
  app.post(
    '/v1/members/:id/disable',
    {
      config: { roles: OPERATORS },
      schema: {
        tags: ['members'],
        summary: 'Disable a member',
        params: idParams,
        response: { 200: S.memberStatusAnswer, ...problems },
      },
    },
    async (request) => {
      await deps.members.disable(request.params.id);
      return { status: 'disabled' as const };
    },
  );
  app.post(
    '/v1/members/:id/enable',
    {
      config: { roles: OPERATORS },
      schema: {
        tags: ['members'],
        summary: 'Enable a member again',
        params: idParams,
        response: { 200: S.memberStatusAnswer, ...problems },
      },
    },
    async (request) => {
      await deps.members.enable(request.params.id);
      return { status: 'active' as const };
    },
  );
  app.post(
    '/v1/members/:id/rotate',
    {
      config: { roles: OPERATORS },
      schema: {
        tags: ['members'],
        summary:
          "New credential and/or signing key. A key is announced: it starts after the waiting period (the member is alerted and may object), and then the member's other keys stop",
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { credential: { type: 'boolean' }, publicKey: S.TOKEN },
        },
        response: { 200: S.rotateAnswer, ...problems },
      },
    },
    async (request) => {
      const body = request.body;
      const rotated = await deps.members.rotate(request.params.id, {
        credential: body.credential === true,
        ...(body.publicKey === undefined ? {} : { publicKey: body.publicKey }),
      });
      const { key, ...rest } = rotated;
      return {
        ...rest,
        ...(key === undefined
          ? {}
          : {
              key: {
                publicKey: key.publicKey,
                activatesAt: new Date(key.activatesAt).toISOString(),
              },
            }),
      };
    },
  );
}

/** A member's own signing keys and the log records in its name (no one else speaks in its name: issue 11). */
function ownKeys(app: RouteApp, deps: PlatformDeps): void {
  app.get(
    '/v1/me/keys',
    {
      config: { roles: REPORTERS },
      schema: {
        tags: ['members'],
        summary: 'Your signing keys: current, announced for you (and when they start), retired',
        response: { 200: S.signingKeysAnswer, ...problems },
      },
    },
    async (request) => {
      const now = Date.now();
      return {
        keys: (await deps.members.keys(me(request).id)).map((k) => ({
          publicKey: k.publicKey,
          createdAt: new Date(k.createdAt).toISOString(),
          activatesAt: iso(k.activatesAt),
          revokedAt: iso(k.revokedAt),
          state: keyState(k, now),
        })),
      };
    },
  );
  app.post(
    '/v1/me/keys',
    {
      config: { roles: REPORTERS },
      schema: {
        tags: ['members'],
        summary:
          'Change your signing keys with a statement signed by a current key: add one (replacing the others, if it says so), revoke one, or object to one announced for you',
        body: S.keyStatementRequest,
        response: { 200: S.keyChangeAnswer, ...problems },
      },
    },
    async (request) => {
      const { change, at, log } = await deps.members.changeKeys(me(request), request.body);
      return {
        event: change.event,
        publicKey: change.publicKey,
        replaces: change.replaces,
        at: new Date(at).toISOString(),
        log: await deps.log.receipt(log),
      };
    },
  );
  app.get(
    '/v1/me/records',
    {
      config: { roles: ANYONE },
      schema: {
        tags: ['log'],
        summary: `The records of the log entries in [start, end) that are in your name (at most ${MAX_ENTRIES_PAGE} entries looked at): what was done in your name, and by whom`,
        querystring: S.logEntriesQuery,
        response: {
          200: {
            type: 'object',
            required: ['start', 'records'],
            properties: {
              start: { type: 'integer' },
              records: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['index', 'record'],
                  properties: { index: { type: 'integer' }, record: {} },
                },
              },
            },
          },
          ...problems,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const start = Number(q.start);
      return deps.log.memberRecords(
        me(request).id,
        start,
        q.end === undefined ? start + MAX_ENTRIES_PAGE : Number(q.end),
      );
    },
  );
}

/** A member's own new credential, and the operator's binding of a key server's share. */
function credentialsAndShares(app: RouteApp, deps: PlatformDeps): void {
  app.post(
    '/v1/me/credential',
    {
      config: { roles: ANYONE },
      schema: {
        tags: ['members'],
        summary:
          'A new credential for yourself, shown once; your others stop. Logged as your own doing',
        response: { 200: S.credentialAnswer, ...problems },
      },
    },
    async (request) => {
      const { credential, at, log } = await deps.members.renewCredential(me(request));
      return { credential, at: new Date(at).toISOString(), log: await deps.log.receipt(log) };
    },
  );
  app.post(
    '/v1/members/:id/share',
    {
      config: { roles: OPERATORS },
      schema: {
        tags: ['members'],
        summary:
          "Bind a key server to the share it evaluates with: it reports that share's counts only",
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['shareIndex'],
          properties: { shareIndex: S.SHARE_INDEX },
        },
        response: { 200: S.shareAnswer, ...problems },
      },
    },
    async (request) => {
      const { shareIndex } = request.body;
      await deps.members.bindShare(request.params.id, shareIndex);
      return { shareIndex };
    },
  );
}

/** Where a signing key stands at `now`: announced (not started), current, retiring (revoked later), revoked. */
function keyState(
  k: { readonly activatesAt?: number | undefined; readonly revokedAt?: number | undefined },
  now: number,
): 'announced' | 'current' | 'retiring' | 'revoked' {
  if (k.revokedAt !== undefined && k.revokedAt <= now) return 'revoked';
  if (k.activatesAt !== undefined && k.activatesAt > now) return 'announced';
  return k.revokedAt !== undefined ? 'retiring' : 'current';
}
