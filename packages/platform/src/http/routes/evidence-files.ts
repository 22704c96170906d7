import { PlatformError } from '../../domain/errors.js';
import type { Role } from '../../domain/types.js';
import { MAX_BODY_BYTES } from '../body-limits.js';
import * as S from '../schemas.js';
import type { RouteApp, RoutePlugin } from '../type-provider.js';
import { me, type PlatformDeps, problems, REPORTERS } from './kit.js';

const POLICE: readonly Role[] = ['police'];
const OCTETS = 'application/octet-stream';

/** A file's position in its report's list: 0 to 19. */
const INDEX = { type: 'string', pattern: '^(1?[0-9])$' } as const;
const reportFileParams = {
  type: 'object',
  required: ['id', 'index'],
  properties: { id: S.REPORT_ID, index: INDEX },
} as const;
const disclosureFileParams = {
  type: 'object',
  required: ['id', 'index'],
  properties: { id: S.DISCLOSURE_ID, index: INDEX },
} as const;

const binary = {
  200: {
    description: 'the sealed file: ciphertext only, opened with the detail’s data key',
    content: { [OCTETS]: { schema: { type: 'string', format: 'binary' } } },
  },
} as const;

/**
 * Reports' evidence files (docs/sealing.md, "Evidence files"): the owner uploads and reads
 * each sealed file of its reports; a case's police member reads those of a granted
 * request. Bodies are the ciphertexts as bytes (`application/octet-stream`), never JSON.
 */
export function evidenceFileRoutes(deps: PlatformDeps): RoutePlugin {
  return async (app) => {
    // Only these routes take raw bytes; the parser stays inside this plugin.
    app.addContentTypeParser(OCTETS, { parseAs: 'buffer' }, (_request, body, done) =>
      done(null, body),
    );
    upload(app, deps);
    download(app, deps);
  };
}

function upload(app: RouteApp, deps: PlatformDeps): void {
  app.put(
    '/v1/reports/:id/files/:index',
    {
      config: { roles: REPORTERS },
      bodyLimit: MAX_BODY_BYTES,
      schema: {
        tags: ['contributions'],
        summary:
          'Upload evidence file `index` of your report: the ciphertext its sealed detail lists (its size and SHA-256); a repeat changes nothing',
        params: reportFileParams,
        consumes: [OCTETS],
        response: { 200: S.evidenceFileAnswer, ...problems },
      },
    },
    async (request) => {
      const body = request.body as unknown;
      if (!(body instanceof Uint8Array))
        throw new PlatformError('request.invalid', 'an evidence file is uploaded as its bytes', {
          errors: [
            { field: '(body)', message: 'must be the sealed file as application/octet-stream' },
          ],
        });
      const index = Number(request.params.index);
      const stored = await deps.files.put(me(request), request.params.id, index, body);
      return { index, ...stored };
    },
  );
}

function download(app: RouteApp, deps: PlatformDeps): void {
  app.get(
    '/v1/reports/:id/files/:index',
    {
      config: { roles: REPORTERS },
      schema: {
        tags: ['contributions'],
        summary: 'Evidence file `index` of your report, as you uploaded it (sealed)',
        params: reportFileParams,
        produces: [OCTETS],
        response: { ...binary, ...problems },
      },
    },
    async (request, reply) => {
      const bytes = await deps.files.own(
        me(request),
        request.params.id,
        Number(request.params.index),
      );
      sendBytes(reply, bytes);
    },
  );
  app.get(
    '/v1/disclosures/:id/files/:index',
    {
      config: { roles: POLICE },
      schema: {
        tags: ['disclosures'],
        summary:
          "Evidence file `index` of a granted request's report, for the case's police member (sealed; the grant's data key opens it; a logged fetch)",
        params: disclosureFileParams,
        produces: [OCTETS],
        response: { ...binary, ...problems },
      },
    },
    async (request, reply) => {
      const bytes = await deps.files.disclosed(
        me(request),
        Number(request.params.id),
        Number(request.params.index),
      );
      sendBytes(reply, bytes);
    },
  );
}

/**
 * Sends a file's bytes as they are: a Buffer is never serialized, whatever the route's
 * declared answer (which the type provider reads as JSON, hence the cast).
 */
function sendBytes(
  reply: { type(t: string): { send(payload: never): unknown } },
  bytes: Uint8Array,
) {
  return reply
    .type(OCTETS)
    .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length) as never);
}
