import type { SealingKeys } from '@credence/core/sealing/hpke';
import { caseDetails, exportCase, getCase, listCases } from '@credence/member/cases';
import { listDisclosures } from '@credence/member/disclosures';
import type { MemberSession } from '@credence/member/member-session';
import { HttpProblem } from '@credence/server-kit/problem';
import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import type { CaseDisclosure, OpenedRow } from './api-types.js';
import { serve } from './serve-route.js';
import { viaPlatform } from './via-platform.js';

/**
 * A police member's cases as its agent serves them: the cases and what is attached, the
 * disclosure requests and their states, the granted details opened here with the
 * investigator's key (sealingKeyFile), which never leaves the police member's network,
 * and the evidence package to download. Opening a detail and exporting are logged steps
 * at the platform, as from the CLI.
 */
export function caseRoutes(
  app: FastifyInstance,
  session: MemberSession,
  keys: SealingKeys | undefined,
  police: preHandlerAsyncHookHandler,
): void {
  const platform = session.platform;
  const investigator = () => {
    if (keys === undefined)
      throw new HttpProblem('request.invalid', "the agent has no investigator's key", {
        errors: [
          { field: 'sealingKeyFile', message: 'must name the key the cases were opened with' },
        ],
      });
    return keys;
  };

  const only = { preHandler: police };
  serve(
    app,
    'GET /api/cases',
    async () => ({ cases: await viaPlatform(() => listCases(platform)) }),
    only,
  );
  serve(
    app,
    'GET /api/cases/{id}',
    async (request) => {
      const { id } = request.params;
      const found = await viaPlatform(() => getCase(platform, id));
      const requests = await viaPlatform(() =>
        listDisclosures(platform, { view: 'police', case: id }),
      );
      return {
        case: found,
        disclosures: requests.map(
          (d): CaseDisclosure => ({
            id: d.id,
            owner: d.owner,
            report: d.report,
            status: d.status,
            requestedAt: d.requestedAt,
            decidedAt: d.decidedAt ?? null,
            reason: d.reason ?? null,
          }),
        ),
      };
    },
    only,
  );
  serve(
    app,
    'GET /api/cases/{id}/details',
    async (request) => {
      const opened = await viaPlatform(() =>
        caseDetails(platform, investigator(), request.params.id),
      );
      return {
        details: opened
          .filter((o) => o.detail !== undefined)
          .map(
            (o): OpenedRow => ({
              disclosure: o.disclosure.id,
              owner: o.disclosure.owner,
              report: o.disclosure.report,
              narrative: o.detail?.narrative ?? null,
              lossCny: o.detail?.lossCny ?? null,
              files: (o.detail?.files ?? []).map((f) => f.name),
            }),
          ),
      };
    },
    only,
  );
  serve(
    app,
    'GET /api/cases/{id}/evidence',
    async (request, reply) => {
      const pkg = await viaPlatform(() => exportCase(platform, investigator(), request.params.id));
      return reply
        .type('application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="${request.params.id}-evidence.json"`)
        .send(JSON.stringify(pkg));
    },
    only,
  );
}
