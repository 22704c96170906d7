import type { ExposureJson, ExposureUpload } from '@credence/core/wire/exposures';
import { roleOf } from '../../domain/types.js';
import * as S from '../schemas.js';
import type { RoutePlugin } from '../type-provider.js';
import { AUDITORS, me, type PlatformDeps, POLICE, pageLimit, problems } from './kit.js';

/** The uploads' readers: the police (their own), the operator and auditors (every one). */
const EXPOSURE_READERS = ['police', 'auditor', 'operator'] as const;

/** An upload as its police member sees it (core/wire/exposures.ts): no counts. */
const asUploaded = ({ matched: _, alerts: __, ...rest }: ExposureJson): ExposureUpload => rest;

/**
 * Exposure warnings (docs/exposures.md): the police upload a seized list's tokens, part by
 * part; each watcher of one of them is alerted (`exposed`). The answer and the log hold
 * counts only, never which tokens matched.
 */
export function exposureRoutes(deps: PlatformDeps): RoutePlugin {
  return async (app) => {
    app.post(
      '/v1/exposures',
      {
        config: { roles: POLICE },
        schema: {
          tags: ['exposures'],
          summary:
            'Upload (a part of) a list of personal data seized from fraudsters, tokenized: each member watching one of its tokens is alerted about its own customer',
          body: S.exposureRequest,
          response: { 200: S.exposureAnswer, 201: S.exposureAnswer, ...problems },
        },
      },
      async (request, reply) => {
        const { list, part, seizedAt, tokens } = request.body;
        const done = await deps.exposures.upload(me(request).id, { list, part, seizedAt }, tokens);
        if (done.alerts > 0) deps.onChange?.();
        return reply.code(done.repeat ? 200 : 201).send({
          exposure: asUploaded(done.exposure),
          repeat: done.repeat,
          ...(done.log === undefined ? {} : { log: await deps.log.receipt(done.log) }),
        });
      },
    );
    app.get(
      '/v1/exposures',
      {
        config: { roles: EXPOSURE_READERS },
        schema: {
          tags: ['exposures'],
          summary:
            'Seized lists uploaded, as counts: every one for the operator and auditors, your own for the police',
          querystring: S.exposuresQuery,
          response: { 200: S.exposuresPage, ...problems },
        },
      },
      async (request) => {
        const caller = me(request);
        const limit = pageLimit(request.query.limit, 100);
        const everyone = AUDITORS.includes(roleOf(caller.type));
        const page = await deps.exposures.list(
          everyone ? {} : { member: caller.id },
          Number(request.query.after ?? '0'),
          limit,
        );
        return {
          exposures: everyone ? page : page.map(asUploaded),
          next: page.length === limit ? (page.at(-1)?.id ?? null) : null,
        };
      },
    );
  };
}
