import type { FastifyInstance, RouteOptions } from 'fastify';
import * as S from './schemas.js';

/** How a group of routes writes its errors: a media type and the schema of the document. */
export interface ErrorContent {
  readonly mediaType: string;
  readonly schema: object;
}

/** The API's errors: RFC 9457 problem documents (docs/errors.md). */
export const PROBLEM_CONTENT: ErrorContent = {
  mediaType: 'application/problem+json',
  schema: S.problemSchema,
};

declare module 'fastify' {
  interface FastifyContextConfig {
    /** How the route's errors are written, if not as problem documents (TAXII's own). */
    errorContent?: ErrorContent;
    /** Statuses the route's group answers in hooks of its own (TAXII's 406). */
    refusals?: readonly number[];
  }
}

const WHY: Readonly<Record<number, string>> = {
  400: 'a field is not valid (the problem names it)',
  401: 'no credential, or one that is unknown, revoked or of a disabled member',
  403: 'the role may not do this, or the thing is not the caller’s',
  404: 'no such thing (or none the caller may see)',
  406: 'the Accept header names no media type this route answers',
  408: 'the request did not arrive in time (the connection is closed)',
  409: 'in conflict with what is stored',
  413: 'the body is larger than the route takes',
  415: 'the body is not of a media type the route takes',
  429: 'over the member’s request rate: wait Retry-After seconds',
  431: 'the request line and headers, the URL with its query among them, are over 16 KiB',
};

/**
 * Statuses that Node's parser or Fastify's router may answer before any route is chosen,
 * and so as a problem document whatever the route's own way with errors: 408 and 431 (the
 * parser), 400 (the router: a path segment too long, a bad escape).
 */
const BEFORE_ROUTES = new Set([400, 408, 431]);

interface RouteSchema {
  readonly hide?: boolean;
  readonly body?: unknown;
  readonly querystring?: unknown;
  readonly params?: unknown;
  readonly consumes?: readonly string[];
  readonly response?: Record<string, unknown>;
}

/**
 * Every error a route can answer is in its response schemas, so the OpenAPI document
 * lists it, with its media type and schema (which Fastify writes the body with, but for
 * routes that send bytes, as TAXII's do): what the route declares itself (404,
 * 409, …), and what the platform's hooks answer before the handler runs. A route with
 * roles can be refused its credential (401), its role (403) or its rate (429); one that
 * reads a body (any method but GET and HEAD), the body (400, 413, 415); one with a query,
 * the query (400); one with a path parameter, the path (400) or what it names (404).
 * Error responses a route declares as a bare schema are given their media type.
 */
export function documentErrors(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const schema = route.schema as RouteSchema | undefined;
    if (schema === undefined || schema.hide === true) return;
    const errors = route.config?.errorContent ?? PROBLEM_CONTENT;
    const response: Record<string, unknown> = { ...schema.response };
    // Its answers too: the document is what clients are written against.
    if (Object.keys(response).length === 0)
      throw new Error(`${[route.method].flat().join(',')} ${route.url} declares no answer`);
    const statuses = new Set(
      Object.keys(response)
        .map(Number)
        .filter((s) => s >= 400),
    );
    const add = (...more: number[]) => {
      for (const s of more) statuses.add(s);
    };
    // Node's parser answers before any route: a URL and headers over 16 KiB, a slow client.
    add(408, 431);
    if (route.config?.roles !== undefined) add(401, 403, 429);
    add(...(route.config?.refusals ?? []));
    // A body is read on every method but GET and HEAD, whether the route wants one or not.
    const methods = [route.method].flat();
    if (methods.some((m) => m !== 'GET' && m !== 'HEAD')) add(400, 413, 415);
    if (schema.querystring !== undefined) add(400);
    // A path names something that may not be there, and may be refused before the route.
    if (schema.params !== undefined || route.url.includes(':')) add(400, 404);
    for (const status of statuses) {
      const given = response[status];
      if (typeof given === 'object' && given !== null && 'content' in given) continue;
      // A bare schema the route gave keeps its shape, under the route's media type.
      const own =
        given === undefined ? errors : { mediaType: errors.mediaType, schema: given as object };
      const media = [
        own,
        ...(BEFORE_ROUTES.has(status) && own !== PROBLEM_CONTENT ? [PROBLEM_CONTENT] : []),
      ];
      response[status] = {
        description: WHY[status] ?? 'refused',
        content: Object.fromEntries(media.map((m) => [m.mediaType, { schema: m.schema }])),
      };
    }
    route.schema = { ...route.schema, response };
  });
}

/**
 * What the OpenAPI document says of a route beyond its schemas (@fastify/swagger's
 * transform; the route itself is unchanged): the roles that may call it
 * (`x-credence-roles`), no security for a public route, and a body of bytes where the
 * route takes one (its content type parser, not a schema, reads it).
 */
export function describeRoute({
  schema,
  url,
  route,
}: {
  schema: unknown;
  url: string;
  route: RouteOptions;
}): { schema: Record<string, unknown>; url: string } {
  const given = (schema ?? {}) as Record<string, unknown> & RouteSchema;
  const roles = route.config?.roles;
  return {
    url,
    schema: {
      ...given,
      ...(roles === undefined ? { security: [] } : { 'x-credence-roles': [...roles] }),
      ...(given.consumes !== undefined && given.body === undefined
        ? { body: { type: 'string', format: 'binary' } }
        : {}),
    },
  };
}
