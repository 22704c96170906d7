import type { FastifyPluginAsync, FastifyTypeProvider, RawServerDefault } from 'fastify';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';

/**
 * Request types derived from the routes' own schemas (json-schema-to-ts): a handler's
 * `request.body`, `query` and `params` have the type of what validation let through, so
 * no handler casts them. Replies are checked where they leave, by the response schema's
 * serializer, not by a type here: the domain's readonly values and interfaces are not
 * the mutable, open-ended objects FromSchema makes of a schema.
 */
export interface SchemaTypes extends FastifyTypeProvider {
  validator: this['schema'] extends JSONSchema ? FromSchema<this['schema']> : unknown;
  serializer: unknown;
}

/** A route group: one Fastify plugin, its request types from its schemas. */
export type RoutePlugin = FastifyPluginAsync<Record<never, never>, RawServerDefault, SchemaTypes>;

/** The Fastify instance a route group registers its routes on. */
export type RouteApp = Parameters<RoutePlugin>[0];
