import { problemHeaders, problemOf } from '@credence/server-kit/fastify-problems';
import { HttpProblem, PROBLEMS } from '@credence/server-kit/problem';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { roleOf } from '../../domain/types.js';
import { STIX_MEDIA_TYPE } from '../../interop/stix.js';
import {
  type CollectionInfo,
  type CollectionItem,
  type ObjectQuery,
  TaxiiRefusal,
} from '../../services/taxii.js';
import { MAX_BODY_BYTES } from '../body-limits.js';
import type { ErrorContent } from '../documented-errors.js';
import type { RoutePlugin } from '../type-provider.js';
import { ANYONE, me, type PlatformDeps } from './kit.js';

/**
 * A TAXII 2.1 server (OASIS TAXII Version 2.1, 2021; issue 18, docs/interop.md) under the
 * platform: discovery at /taxii2/, one API root (/taxii2/credence/), its collections
 * (services/taxii.ts), their objects, manifests and versions, read-only, each member
 * authenticated by its bearer credential. Requests and answers use the TAXII media type;
 * every failure is a TAXII error message (§3.6.1), not a problem document. Registered with
 * the prefix /taxii2, so that its error and not-found handlers are its own.
 */
export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';
export const API_ROOT = '/taxii2/credence/';
/** The API root within the plugin, registered under the prefix /taxii2. */
const ROOT = '/credence/';
/** The most objects a page holds (TAXII lets the server cap `limit`). */
export const TAXII_PAGE_MAX = 1000;

/** TAXII timestamps: RFC 3339 in UTC with microseconds (§2). */
const taxiiTime = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$/;

/** A TAXII timestamp as epoch milliseconds, rounded down (what was added after it is after its millisecond). */
function parseTime(text: string, name: string): number {
  const m = TIMESTAMP.exec(text);
  const ms = m === null ? Number.NaN : Date.parse(`${text.slice(0, 19)}Z`);
  // Date.parse rolls 2026-02-31 over into March: a date that is not one is refused.
  if (
    m === null ||
    Number.isNaN(ms) ||
    new Date(ms).toISOString().slice(0, 19) !== text.slice(0, 19)
  )
    throw new TaxiiRefusal(400, `${name} is not a timestamp`);
  return ms + Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
}

type Query = {
  readonly [K in
    | 'limit'
    | 'next'
    | 'added_after'
    | 'match[id]'
    | 'match[type]'
    | 'match[version]'
    | 'match[spec_version]']?: string;
};

function objectQuery(q: Query, defaultLimit: number): ObjectQuery {
  const list = (name: keyof Query) => {
    const v = q[name];
    return v === undefined ? undefined : new Set(v.split(',').filter((s) => s.length > 0));
  };
  const limit = q.limit === undefined ? defaultLimit : Number(q.limit);
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw new TaxiiRefusal(400, 'limit is a positive integer');
  const version = q['match[version]'];
  const ids = list('match[id]');
  const types = list('match[type]');
  const specVersions = list('match[spec_version]');
  return {
    limit: Math.min(limit, TAXII_PAGE_MAX),
    ...(q.next === undefined ? {} : { next: q.next }),
    ...(q.added_after === undefined ? {} : { addedAfter: parseTime(q.added_after, 'added_after') }),
    ...(ids === undefined ? {} : { ids }),
    ...(types === undefined ? {} : { types }),
    ...(specVersions === undefined ? {} : { specVersions }),
    ...(version === undefined || ['last', 'first', 'all'].includes(version)
      ? {}
      : { version: parseTime(version, 'match[version]') }),
  };
}

/** The TAXII error message of a failure (§3.6.1). */
function taxiiError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof TaxiiRefusal)
    return sendError(
      reply,
      request,
      error.status,
      error.status === 404 ? 'Not found' : 'Bad request',
      error.message,
    );
  const answer = problemOf(error, request);
  problemHeaders(reply, answer);
  const { status, title } = PROBLEMS[answer.code];
  return sendError(reply, request, status, title, answer.detail, answer.code, answer.errors);
}

function sendError(
  reply: FastifyReply,
  request: FastifyRequest,
  status: number,
  title: string,
  description?: string,
  code?: string,
  errors?: readonly { field: string; message: string }[],
) {
  return send(reply.status(status), {
    title,
    ...(description === undefined ? {} : { description }),
    error_id: String(request.id),
    ...(code === undefined ? {} : { error_code: code }),
    http_status: String(status),
    ...(errors === undefined || errors.length === 0
      ? {}
      : { details: Object.fromEntries(errors.map((e) => [e.field, e.message])) }),
  });
}

/**
 * Answers JSON with the TAXII media type exactly as §1.6.8 writes it (Fastify's reply.type
 * rewrites the type of a text body, quoting the version and adding a charset; a
 * body of bytes it leaves as it is).
 */
function send(reply: FastifyReply, body: unknown) {
  return reply.header('content-type', TAXII_MEDIA_TYPE).send(Buffer.from(JSON.stringify(body)));
}

/**
 * Whether the request accepts TAXII 2.1 (§1.6.8): an Accept naming the TAXII media type
 * (of version 2.1, or of no version), or none at all; anything else is answered 406.
 */
function acceptsTaxii(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  return accept.split(',').some((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (type === '*/*' || type === 'application/*') return true;
    if (type !== 'application/taxii+json') return false;
    const version = params.find((p) => p.startsWith('version='))?.slice('version='.length);
    return version === undefined || version.replace(/"/g, '') === '2.1';
  });
}

const collectionResource = (c: CollectionInfo) => ({
  id: c.id,
  title: c.title,
  description: c.description,
  alias: c.alias,
  can_read: true,
  can_write: false,
  media_types: [STIX_MEDIA_TYPE],
});

/** X-TAXII-Date-Added-First and -Last of what a page holds (§3.2). */
function dateHeaders(reply: FastifyReply, items: readonly CollectionItem[]): void {
  const first = items[0];
  const last = items.at(-1);
  if (first === undefined || last === undefined) return;
  void reply.header('x-taxii-date-added-first', taxiiTime(first.dateAdded));
  void reply.header('x-taxii-date-added-last', taxiiTime(last.dateAdded));
}

const versionOf = (o: CollectionItem['object']) => String(o.modified ?? o.created);

const looseObject = { type: 'object', additionalProperties: true } as const;
const TAXII_ANSWER = {
  200: {
    description: 'a TAXII 2.1 resource (§4–§5)',
    content: { [TAXII_MEDIA_TYPE]: { schema: looseObject } },
  },
} as const;
/** The error message resource (§3.6.1), which every TAXII route answers its errors with. */
const TAXII_ERRORS: ErrorContent = {
  mediaType: TAXII_MEDIA_TYPE,
  schema: {
    type: 'object',
    required: ['title'],
    properties: {
      title: { type: 'string' },
      description: { type: 'string' },
      error_id: { type: 'string' },
      error_code: { type: 'string' },
      http_status: { type: 'string' },
      details: { type: 'object', additionalProperties: { type: 'string' } },
    },
  },
};
/** What a write to a collection is answered: every collection is read-only (can_write false). */
const READ_ONLY = {
  403: {
    description: 'the collection is read-only',
    content: { [TAXII_MEDIA_TYPE]: { schema: TAXII_ERRORS.schema } },
  },
} as const;
const TAXII_CONFIG = { roles: ANYONE, errorContent: TAXII_ERRORS, refusals: [406] };
const collectionParams = {
  type: 'object',
  required: ['collection'],
  properties: { collection: { type: 'string', maxLength: 64 } },
} as const;
const objectParams = {
  type: 'object',
  required: ['collection', 'object'],
  properties: {
    collection: { type: 'string', maxLength: 64 },
    object: { type: 'string', maxLength: 256 },
  },
} as const;
const objectsQuery = {
  type: 'object',
  properties: {
    limit: { type: 'string', maxLength: 12 },
    next: { type: 'string', maxLength: 1024 },
    added_after: { type: 'string', maxLength: 40 },
    'match[id]': { type: 'string', maxLength: 65_536 },
    'match[type]': { type: 'string', maxLength: 1024 },
    'match[version]': { type: 'string', maxLength: 40 },
    'match[spec_version]': { type: 'string', maxLength: 64 },
  },
} as const;

export function taxiiRoutes(deps: PlatformDeps): RoutePlugin {
  return async (app) => {
    app.setErrorHandler(taxiiError);
    app.setNotFoundHandler((request, reply) =>
      sendError(
        reply,
        request,
        404,
        'Not found',
        `nothing at ${request.method} ${request.url.split('?')[0]}`,
      ),
    );
    app.addHook('onRequest', async (request, reply) => {
      if (!acceptsTaxii(request.headers.accept))
        return sendError(
          reply,
          request,
          406,
          'Not acceptable',
          `this server answers ${TAXII_MEDIA_TYPE}`,
        );
    });
    const tags = ['taxii'];
    const readable = (request: FastifyRequest, idOrAlias: string): CollectionInfo => {
      const c = deps.taxii.collection(idOrAlias);
      if (c === undefined) throw new TaxiiRefusal(404, `no collection ${idOrAlias}`);
      const member = me(request);
      if (!c.roles.includes(roleOf(member.type)))
        throw new HttpProblem('role.forbidden', `a ${member.type} may not read ${c.alias}`);
      return c;
    };

    app.get(
      '/',
      {
        config: TAXII_CONFIG,
        schema: { tags, summary: 'TAXII 2.1 discovery', response: TAXII_ANSWER },
      },
      async (_request, reply) =>
        send(reply, {
          title: 'Credence',
          description:
            'The Credence platform as a TAXII 2.1 server: what a member may see, as STIX 2.1 (docs/interop.md).',
          default: API_ROOT,
          api_roots: [API_ROOT],
        }),
    );
    app.get(
      ROOT,
      {
        config: TAXII_CONFIG,
        schema: { tags, summary: 'The TAXII API root', response: TAXII_ANSWER },
      },
      async (_request, reply) =>
        send(reply, {
          title: 'Credence',
          description: 'Flagged tokens, rings and campaigns, read-only.',
          versions: [TAXII_MEDIA_TYPE],
          max_content_length: MAX_BODY_BYTES,
        }),
    );
    app.get(
      `${ROOT}status/:status/`,
      {
        config: TAXII_CONFIG,
        schema: {
          tags,
          summary: 'A status resource: none exist, the collections are read-only',
          params: {
            type: 'object',
            required: ['status'],
            properties: { status: { type: 'string', maxLength: 64 } },
          },
          response: TAXII_ANSWER,
        },
      },
      async (request) => {
        throw new TaxiiRefusal(
          404,
          `no status ${request.params.status}: this server takes no objects, so it has no status to give`,
        );
      },
    );
    app.get(
      `${ROOT}collections/`,
      {
        config: TAXII_CONFIG,
        schema: {
          tags,
          summary: 'The collections the credential may read',
          response: TAXII_ANSWER,
        },
      },
      async (request, reply) =>
        send(reply, {
          collections: deps.taxii.collectionsFor(roleOf(me(request).type)).map(collectionResource),
        }),
    );
    app.get(
      `${ROOT}collections/:collection/`,
      {
        config: TAXII_CONFIG,
        schema: { tags, summary: 'A collection', params: collectionParams, response: TAXII_ANSWER },
      },
      async (request, reply) =>
        send(reply, collectionResource(readable(request, request.params.collection))),
    );
    // A page of objects, or of their manifest records (§5.3, §5.4): the same page.
    const pages = [
      ['objects', "A page of a collection's objects (limit, next, added_after, match[])"],
      ['manifest', "A page of a collection's manifest (the same page's records)"],
    ] as const;
    for (const [what, summary] of pages)
      app.get(
        `${ROOT}collections/:collection/${what}/`,
        {
          config: TAXII_CONFIG,
          schema: {
            tags,
            summary,
            params: collectionParams,
            querystring: objectsQuery,
            response: TAXII_ANSWER,
          },
        },
        async (request, reply) => {
          const c = readable(request, request.params.collection);
          const page = await deps.taxii.page(c.alias, objectQuery(request.query, 100));
          dateHeaders(reply, page.items);
          const objects =
            what === 'objects'
              ? page.items.map((i) => i.object)
              : page.items.map((i) => ({
                  id: i.object.id,
                  date_added: taxiiTime(i.dateAdded),
                  version: versionOf(i.object),
                  media_type: STIX_MEDIA_TYPE,
                }));
          return send(reply, {
            more: page.more,
            ...(page.next === undefined ? {} : { next: page.next }),
            ...(objects.length === 0 ? {} : { objects }),
          });
        },
      );
    const oneObject = async (
      request: FastifyRequest<{ Params: { collection: string; object: string } }>,
    ) => {
      const c = readable(request, request.params.collection);
      const item = await deps.taxii.object(c.alias, request.params.object);
      if (item === undefined)
        throw new TaxiiRefusal(404, `no object ${request.params.object} in ${c.alias}`);
      return item;
    };
    // An object (every version of it: one, the latest), or its versions (§5.6, §5.8).
    const single = [
      ['', 'An object, every version of it (one: the latest)'],
      ['versions/', "An object's versions (one: the latest)"],
    ] as const;
    for (const [what, summary] of single)
      app.get(
        `${ROOT}collections/:collection/objects/:object/${what}`,
        {
          config: TAXII_CONFIG,
          schema: {
            tags,
            summary,
            params: objectParams,
            querystring: objectsQuery,
            response: TAXII_ANSWER,
          },
        },
        async (request, reply) => {
          const item = await oneObject(request);
          const q = objectQuery(request.query, 100);
          const version = versionOf(item.object);
          const shown =
            (q.addedAfter === undefined || item.dateAdded > q.addedAfter) &&
            (typeof q.version !== 'number' || Date.parse(version) === q.version) &&
            (q.specVersions === undefined || q.specVersions.has(String(item.object.spec_version)));
          if (shown) dateHeaders(reply, [item]);
          const found = what === '' ? { objects: [item.object] } : { versions: [version] };
          return send(reply, { more: false, ...(shown ? found : {}) });
        },
      );
    // The collections are read-only: adding or deleting is refused before a body is read.
    const readOnly = async (request: FastifyRequest, reply: FastifyReply) => {
      const c = readable(request, (request.params as { collection: string }).collection);
      return sendError(
        reply,
        request,
        403,
        'Forbidden',
        `${c.alias} is read-only (can_write is false)`,
      );
    };
    app.post(
      `${ROOT}collections/:collection/objects/`,
      {
        config: TAXII_CONFIG,
        onRequest: readOnly,
        schema: {
          tags,
          summary: 'Refused: the collections are read-only',
          params: collectionParams,
          response: READ_ONLY,
        },
      },
      async () => undefined,
    );
    app.delete(
      `${ROOT}collections/:collection/objects/:object/`,
      {
        config: TAXII_CONFIG,
        onRequest: readOnly,
        schema: {
          tags,
          summary: 'Refused: the collections are read-only',
          params: objectParams,
          response: READ_ONLY,
        },
      },
      async () => undefined,
    );
  };
}
