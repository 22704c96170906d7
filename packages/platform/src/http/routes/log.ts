import { HttpProblem } from '@credence/server-kit/problem';
import { LogService, MAX_ENTRIES_PAGE } from '../../services/log-service.js';
import { checkUsageReport } from '../../services/oprf-usage.js';
import * as S from '../schemas.js';
import type { RouteApp, RoutePlugin } from '../type-provider.js';
import { ANYONE, KEY_SERVERS, me, type PlatformDeps, pageLimit, problems } from './kit.js';

/** The transparency log (SPEC §3.4, §7): its key, checkpoints and their cosignatures, entries and proofs, readable by every member and auditor; key servers log their evaluation counts. */
export function logRoutes(deps: PlatformDeps): RoutePlugin {
  return async (app) => {
    logHeads(app, deps);
    keyServerCounts(app, deps);
    logReads(app, deps);
  };
}

/**
 * The newest checkpoint as published, or with `cosigned` = k the newest with at least k
 * cosignatures (log.range when none has that many yet): GET /v1/log/checkpoint, and the
 * platform dashboard's log view.
 */
export async function publishedCheckpoint(
  deps: PlatformDeps,
  cosigned: string | undefined,
): Promise<string> {
  const k = Number(cosigned ?? '0');
  const checkpoint =
    k === 0 ? await deps.log.latest() : await deps.store.latestCosignedCheckpoint(k);
  if (checkpoint === undefined)
    throw new HttpProblem('log.range', 'no checkpoint has that many cosignatures yet', {
      errors: [{ field: 'cosigned', message: 'no checkpoint has that many cosignatures' }],
    });
  return LogService.published(checkpoint);
}

/** Signed checkpoints from a tree size on, oldest first, as published. */
export async function publishedCheckpoints(
  deps: PlatformDeps,
  from: number,
  limit: number,
): Promise<{ checkpoints: { size: number; note: string }[] }> {
  const kept = await deps.store.listCheckpoints(from, limit);
  return { checkpoints: kept.map((c) => ({ size: c.size, note: LogService.published(c) })) };
}

/** The log's key and signed checkpoints, and witnesses' cosignatures. */
function logHeads(app: RouteApp, deps: PlatformDeps): void {
  app.get(
    '/v1/log/key',
    {
      config: { roles: ANYONE },
      schema: {
        tags: ['log'],
        summary:
          "The log's origin and verifier key (pin it, or better, get it from the operator out of band)",
        response: {
          200: {
            type: 'object',
            required: ['origin', 'vkey'],
            properties: { origin: { type: 'string' }, vkey: { type: 'string' } },
          },
        },
      },
    },
    async () => ({ origin: deps.log.origin, vkey: deps.log.vkey }),
  );
  app.get(
    '/v1/log/checkpoint',
    {
      config: { roles: ANYONE },
      schema: {
        tags: ['log'],
        summary:
          'The newest signed checkpoint (C2SP tlog-checkpoint in a signed note), with cosignatures; with cosigned=k, the newest with at least k',
        produces: ['text/plain'],
        querystring: S.checkpointQuery,
        response: {
          200: {
            description: 'the signed note (docs/log.md)',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
          ...problems,
        },
      },
    },
    async (request, reply) => {
      reply.type('text/plain; charset=utf-8');
      return publishedCheckpoint(deps, request.query.cosigned);
    },
  );
  app.get(
    '/v1/log/checkpoints',
    {
      config: { roles: ANYONE },
      schema: {
        tags: ['log'],
        summary: 'The history of signed checkpoints from a tree size on, oldest first',
        querystring: S.checkpointsQuery,
        response: { 200: S.checkpointsAnswer, ...problems },
      },
    },
    async (request) => {
      const q = request.query;
      return publishedCheckpoints(deps, Number(q.from ?? '0'), pageLimit(q.limit, 1000));
    },
  );
  app.post(
    '/v1/log/cosignatures',
    {
      config: { roles: ANYONE },
      schema: {
        tags: ['log'],
        summary: "A witness's cosignature of a checkpoint (C2SP tlog-cosignature)",
        body: S.cosignatureRequest,
        response: { 200: S.cosignatureAnswer, ...problems },
      },
    },
    async (request) => {
      const { size, cosignature } = request.body;
      return deps.log.addCosignature(size, cosignature);
    },
  );
}

/** Key servers' evaluation counts, logged as they grow. */
function keyServerCounts(app: RouteApp, deps: PlatformDeps): void {
  app.post(
    '/v1/log/oprf-usage',
    {
      config: { roles: KEY_SERVERS },
      schema: {
        tags: ['log'],
        summary:
          "A key server's evaluation counts per member for a UTC day, so far: each count that grew becomes an oprf_usage entry",
        body: S.oprfUsageRequest,
        response: {
          200: {
            type: 'object',
            required: ['logged'],
            properties: { logged: { type: 'integer' } },
          },
          ...problems,
        },
      },
    },
    async (request) => {
      const body = request.body;
      const day = Date.parse(`${body.day}T00:00:00Z`);
      if (!Number.isFinite(day) || day > Date.now() + 86_400_000)
        throw new HttpProblem('request.invalid', 'day must be a UTC day, not in the future', {
          errors: [{ field: 'day', message: 'is not a past or current UTC day' }],
        });
      const members = new Set(body.counts.map((c) => c.member));
      if (members.size !== body.counts.length)
        throw new HttpProblem('request.invalid', 'one count per member', {
          errors: [{ field: 'counts', message: 'names a member twice' }],
        });
      await checkUsageReport(deps.store, me(request).id, body);
      const appended = await deps.store.recordOprfUsage(
        body.counts.map((c) => ({
          reporter: me(request).id,
          keyId: body.keyId,
          shareIndex: body.shareIndex,
          day: body.day,
          member: c.member,
          evaluations: c.evaluations,
        })),
        Date.now(),
      );
      return { logged: appended?.count ?? 0 };
    },
  );
}

/** The log's entries and RFC 9162 proofs. */
function logReads(app: RouteApp, deps: PlatformDeps): void {
  app.get(
    '/v1/log/entries',
    {
      config: { roles: ANYONE },
      schema: {
        tags: ['log'],
        summary: `Entries [start, end), at most ${MAX_ENTRIES_PAGE} per page`,
        querystring: S.logEntriesQuery,
        response: { 200: S.logEntriesAnswer, ...problems },
      },
    },
    async (request) => {
      const q = request.query;
      const start = Number(q.start);
      return deps.log.entries(
        start,
        q.end === undefined ? start + MAX_ENTRIES_PAGE : Number(q.end),
      );
    },
  );
  app.get(
    '/v1/log/proof/inclusion',
    {
      config: { roles: ANYONE },
      schema: {
        tags: ['log'],
        summary: 'The RFC 9162 inclusion proof of leaf index in the tree of size leaves',
        querystring: S.inclusionQuery,
        response: { 200: S.inclusionAnswer, ...problems },
      },
    },
    async (request) => {
      const q = request.query;
      return deps.log.inclusion(Number(q.index), Number(q.size));
    },
  );
  app.get(
    '/v1/log/proof/consistency',
    {
      config: { roles: ANYONE },
      schema: {
        tags: ['log'],
        summary: 'The RFC 9162 consistency proof between the trees of from and to leaves',
        querystring: S.consistencyQuery,
        response: { 200: S.consistencyAnswer, ...problems },
      },
    },
    async (request) => {
      const q = request.query;
      return deps.log.consistency(Number(q.from), Number(q.to));
    },
  );
}
