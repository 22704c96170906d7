import { PlatformError } from '../../domain/errors.js';
import type { RoutePlugin } from '../type-provider.js';
import { CHECKERS, OPERATORS, type PlatformDeps, problems } from './kit.js';

const OCTETS = 'application/octet-stream';

const release = {
  type: 'object',
  required: ['event', 'keyId', 'bits', 'version', 'tokens', 'sha256', 'createdAt'],
  properties: {
    event: { const: 'filter' },
    keyId: { type: 'string' },
    bits: { enum: [8, 16] },
    version: { type: 'integer' },
    base: { type: 'integer' },
    tokens: { type: 'integer' },
    sha256: { type: 'string' },
    createdAt: { type: 'string' },
  },
} as const;

const filterParams = {
  type: 'object',
  additionalProperties: false,
  required: ['keyId', 'bits', 'version'],
  properties: {
    keyId: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' },
    bits: { enum: ['8', '16'] },
    version: { type: 'string', pattern: '^[1-9][0-9]{0,8}$' },
  },
} as const;

/**
 * Compact filters of flagged tokens (docs/filters.md): the newest per key id and width,
 * and their bytes, for those who may check; published by the platform at an interval,
 * or now by the operator.
 */
export function filterRoutes(deps: PlatformDeps): RoutePlugin {
  return async (app) => {
    app.get(
      '/v1/filters',
      {
        config: { roles: CHECKERS },
        schema: {
          tags: ['filters'],
          summary:
            'Per key id and width, the newest base filter of flagged tokens and the newest additions filter over it (its release has `base`), each release logged as a `filter` entry at `logIndex`: to verify and fetch',
          response: {
            200: {
              type: 'object',
              required: ['filters'],
              properties: {
                filters: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['release', 'logIndex'],
                    properties: { release, logIndex: { type: 'integer' } },
                  },
                },
              },
            },
            ...problems,
          },
        },
      },
      async () => ({ filters: await deps.filters.latest() }),
    );
    app.get(
      '/v1/filters/:keyId/:bits/:version',
      {
        config: { roles: CHECKERS },
        schema: {
          tags: ['filters'],
          summary: 'A filter\'s bytes (docs/filters.md, "Format"); its release names their SHA-256',
          params: filterParams,
          produces: [OCTETS],
          response: {
            200: {
              description: 'the filter',
              content: { [OCTETS]: { schema: { type: 'string', format: 'binary' } } },
            },
            ...problems,
          },
        },
      },
      async (request, reply) => {
        const { keyId, bits, version } = request.params;
        const bytes = await deps.filters.bytes(keyId, Number(bits), Number(version));
        if (bytes === undefined)
          throw new PlatformError(
            'filter.not_found',
            `no ${bits}-bit filter ${version} of key ${keyId}`,
          );
        return reply
          .type(OCTETS)
          .header('cache-control', 'public, max-age=31536000, immutable')
          .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length) as never);
      },
    );
    app.post(
      '/v1/filters/publish',
      {
        config: { roles: OPERATORS },
        schema: {
          tags: ['filters'],
          summary:
            'Build and publish now the filters whose tokens moved since their newest version',
          response: {
            200: {
              type: 'object',
              required: ['published'],
              properties: { published: { type: 'array', items: release } },
            },
            ...problems,
          },
        },
      },
      async () => ({ published: await deps.filters.publish() }),
    );
  };
}
