import type { FastifyPluginAsync, FastifyTypeProvider, RawServerDefault } from 'fastify';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';

/**
 * Request and reply types derived from the routes' own schemas (json-schema-to-ts): a
 * handler's `request.body`, `query` and `params` have the type of what validation let
 * through, so no handler casts them, and what a handler returns (or sends) must have the
 * type of one of its route's response schemas, checked when it is compiled.
 */
export interface SchemaTypes extends FastifyTypeProvider {
  validator: this['schema'] extends JSONSchema ? FromSchema<this['schema']> : unknown;
  serializer: this['schema'] extends JSONSchema ? Reply<FromSchema<this['schema']>> : unknown;
}

/**
 * What a handler may return for a response schema: its declared properties, typed, read
 * only (the domain's values are readonly), without the open index signature FromSchema
 * adds where a schema allows more properties (the serializer writes only those declared).
 */
export type Reply<T> = T extends readonly (infer U)[]
  ? readonly Reply<U>[]
  : T extends object
    ? { readonly [K in keyof T as string extends K ? never : K]: Reply<T[K]> }
    : T;

/** A route group: one Fastify plugin, its request types from its schemas. */
export type RoutePlugin = FastifyPluginAsync<Record<never, never>, RawServerDefault, SchemaTypes>;

/** The Fastify instance a route group registers its routes on. */
export type RouteApp = Parameters<RoutePlugin>[0];
