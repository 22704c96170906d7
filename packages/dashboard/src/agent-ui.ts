import { isCredenceError } from '@credence/core/errors';
import { IdentifierError } from '@credence/core/identifiers/identifier-error';
import type { SealingKeys } from '@credence/core/sealing/hpke';
import { checkIdentifiers } from '@credence/member/checks';
import {
  type BatchDecision,
  type BatchResult,
  type DisclosureView,
  decideDisclosures,
  getDisclosure,
  listDisclosures,
  Resealer,
} from '@credence/member/disclosures';
import type { MemberSession } from '@credence/member/member-session';
import { OwnNames } from '@credence/member/own-index';
import { platformRequest } from '@credence/member/platform-client';
import { useProblemDocuments } from '@credence/server-kit/fastify-problems';
import { HttpProblem } from '@credence/server-kit/problem';
import { serveApp } from '@credence/server-kit/static-files';
import { originsOf, useWebSessions } from '@credence/server-kit/web-session';
import Fastify, { type FastifyInstance } from 'fastify';
import { analysisRoutes } from './agent-analysis.js';
import { caseRoutes } from './agent-cases.js';
import { agentOpenApi } from './api-schemas.js';
import type { DisclosureRow, SessionInfo } from './api-types.js';
import { appFolder } from './app-folder.js';
import { serve } from './serve-route.js';
import type { UiState } from './ui-state.js';
import { platformProblem, viaPlatform } from './via-platform.js';

/** Who the agent serves, as the platform knows its credential (GET /v1/me). */
export interface AgentIdentity {
  readonly id: string;
  readonly name: string;
  readonly type: string;
}

export type UiLanguage = 'en' | 'zh-CN';

export interface AgentUiOptions {
  readonly session: MemberSession;
  readonly state: UiState;
  readonly host: string;
  readonly port: number;
  /** The UI's default language (a person may switch); by default Chinese for a CN member. */
  readonly language?: UiLanguage;
  /**
   * More origins people reach the dashboard at (a TLS proxy of the member's own in front:
   * https://credence.bank.example); the listening address is always one.
   */
  readonly origins?: readonly string[];
  /** The member's sealing keys, for approving disclosures (absent: approving is refused). */
  readonly sealingKeys?: SealingKeys;
  readonly now?: () => number;
}

export interface AgentUi {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly identity: AgentIdentity;
  close(): Promise<void>;
}

/** A person's input is never written anywhere: the request log is off, errors carry codes. */
const APP_OPTIONS = { logger: false, bodyLimit: 64 * 1024 } as const;

/** A disclosure request as the member's person sees it: the member's own report ref too. */
const disclosureRow = (d: DisclosureView): DisclosureRow => ({
  id: d.id,
  status: d.status,
  case: d.case,
  police: d.police,
  report: d.report,
  ref: d.record?.ref ?? null,
  basis: d.basis,
  requestedAt: d.requestedAt,
  decidedAt: d.decidedAt ?? null,
  reason: d.reason ?? null,
});

/**
 * The dashboard as the member's agent serves it, inside the member's network: the built
 * app, sign-in and sessions, and the routes behind them. A risk check tokenizes what the
 * person typed here (the key servers see it blinded, the platform sees the token); the
 * log's checkpoint and proofs are the platform's, passed through for the browser to
 * verify against the log key this member trusts (member.json); disclosure requests for
 * the member's reports list with its own refs and are approved (re-sealed here with its
 * sealing key) or denied. A police member's agent serves cases instead of disclosures.
 */
export async function startAgentUi(options: AgentUiOptions): Promise<AgentUi> {
  const { session, state } = options;
  const now = options.now ?? Date.now;
  const platform = session.platform;
  const identity = await viaPlatform(() =>
    platformRequest<AgentIdentity>(platform, 'GET', '/v1/me', undefined, { retries: 2 }),
  );
  const role = identity.type === 'police' ? 'police' : 'member';
  const language =
    options.language ?? (session.config.phoneRegion === 'CN' ? 'zh-CN' : ('en' as UiLanguage));

  const app = Fastify(APP_OPTIONS);
  useProblemDocuments(app);
  let origins: ReadonlySet<string> = new Set();
  await useWebSessions(app, {
    state,
    origins: () => origins,
    now,
  });
  const names = role === 'member' ? OwnNames.open(session.home) : undefined;
  const onlyFor = (who: 'member' | 'police') => async () => {
    if (role !== who)
      throw new HttpProblem(
        'role.forbidden',
        who === 'police' ? "cases are a police member's" : "disclosures are a member's",
      );
  };

  serve(
    app,
    'GET /api/session',
    async (request): Promise<SessionInfo> => ({
      member: identity,
      role,
      language,
      csrf: request.webSession?.csrf ?? '',
      expiresAt: new Date(request.webSession?.expiresAt ?? 0).toISOString(),
    }),
  );

  serve(app, 'POST /api/check', async (request) => {
    const { kind, value } = request.body;
    try {
      const checks = await checkIdentifiers(session, [{ kind, value }]);
      state.countChecks(
        new Date(now()).toISOString().slice(0, 10),
        checks.map((c) => c.answer.verdict),
      );
      return { checks };
    } catch (error) {
      // The identifier's own refusal (its message names the rule, never the value).
      if (error instanceof IdentifierError)
        throw new HttpProblem('request.invalid', error.message, {
          errors: [{ field: 'value', message: error.message }],
        });
      return platformProblem(error);
    }
  });

  logRoutes(app, session);
  analysisRoutes(app, session, state, names);
  caseRoutes(app, session, options.sealingKeys, onlyFor('police'));

  const memberOnly = { preHandler: onlyFor('member') };
  serve(
    app,
    'GET /api/disclosures',
    async (request) => {
      const { status } = request.query;
      const list = await viaPlatform(() =>
        listDisclosures(platform, status === undefined ? {} : { status }),
      );
      return { disclosures: list.map(disclosureRow) };
    },
    memberOnly,
  );
  serve(
    app,
    'POST /api/disclosures/decisions',
    async (request) => {
      const { approve = [], deny = [], reason } = request.body;
      if (deny.length > 0 && reason === undefined)
        throw new HttpProblem('request.invalid', 'a denial says why', {
          errors: [{ field: 'reason', message: 'is required to deny' }],
        });
      if (approve.length > 0 && options.sealingKeys === undefined)
        throw new HttpProblem('request.invalid', 'the agent has no sealing key to re-seal with', {
          errors: [{ field: 'approve', message: 'needs sealingKeyFile in member.json' }],
        });
      // A request this agent cannot grant (its report was sent without a sealed detail, or
      // the detail does not open with this key) is refused here, with the reason's code,
      // and the rest of the batch goes on, as the platform does with its own refusals.
      const decisions: BatchDecision[] = [];
      const refusedHere = new Map<string, BatchResult>();
      if (approve.length > 0 && options.sealingKeys !== undefined) {
        const resealer = await Resealer.create(options.sealingKeys);
        for (const id of approve) {
          const d = await viaPlatform(() => getDisclosure(platform, id));
          try {
            decisions.push({ id, ...(await resealer.grant(d)) });
          } catch (error) {
            if (!isCredenceError(error)) throw error;
            refusedHere.set(id, { id, status: 'refused', code: error.code });
          }
        }
      }
      for (const id of deny) decisions.push({ id, reason: reason as string });
      const sent = await viaPlatform(() => decideDisclosures(platform, decisions));
      const byId = new Map(sent.map((r) => [r.id, r]));
      return {
        results: [...approve, ...deny].map(
          (id) => refusedHere.get(id) ?? (byId.get(id) as BatchResult),
        ),
      };
    },
    memberOnly,
  );

  // The API's document: what the app's types come from (no session needed: it holds the
  // routes' shapes, nothing of the member's).
  app.get('/openapi.json', async () => agentOpenApi());
  serveApp(app, { folder: appFolder('app') });
  const address = await app.listen({ host: options.host, port: options.port });
  const url = address.replace('[::1]', 'localhost');
  origins = new Set([...originsOf(url), ...(options.origins ?? [])]);
  state.recordUrl(url);
  return {
    url,
    app,
    identity,
    close: async () => {
      await app.close();
      names?.close();
    },
  };
}

/**
 * The log as the platform serves it, for the browser to verify: the checkpoint, entries
 * and RFC 9162 proofs passed through untouched (the browser trusts none of them), and the
 * keys to verify with, from the member's own configuration.
 */
function logRoutes(app: FastifyInstance, session: MemberSession): void {
  const platform = session.platform;
  /** The platform's answer as it is: its route answers by the same schema. */
  const pass = <T>(path: string) =>
    viaPlatform(() => platformRequest<T>(platform, 'GET', path, undefined, { retries: 2 }));
  serve(app, 'GET /api/log/trust', async () => {
    const trust = session.config.log;
    const logKey =
      trust.logKey ??
      (
        await viaPlatform(() =>
          platformRequest<{ vkey: string }>(platform, 'GET', '/v1/log/key', undefined, {
            retries: 2,
          }),
        )
      ).vkey;
    return {
      logKey,
      source: trust.logKey === undefined ? ('platform' as const) : ('configuration' as const),
      witnesses: trust.witnesses ?? [],
      requiredWitnesses: trust.requiredWitnesses ?? trust.witnesses?.length ?? 0,
    };
  });
  serve(app, 'GET /api/log/checkpoint', async (request, reply) => {
    const { cosigned = '0' } = request.query;
    const text = await viaPlatform(() =>
      platformRequest<string>(
        platform,
        'GET',
        `/v1/log/checkpoint?cosigned=${cosigned}`,
        undefined,
        {
          text: true,
          retries: 2,
        },
      ),
    );
    return reply.type('text/plain; charset=utf-8').send(text);
  });
  serve(app, 'GET /api/log/checkpoints', async (request) =>
    pass(`/v1/log/checkpoints?from=${request.query.from}&limit=1000`),
  );
  serve(app, 'GET /api/log/entries', async (request) => {
    const { start, end } = request.query;
    return pass(`/v1/log/entries?${new URLSearchParams({ start, ...(end ? { end } : {}) })}`);
  });
  serve(app, 'GET /api/log/proof/inclusion', async (request) =>
    pass(`/v1/log/proof/inclusion?${new URLSearchParams(request.query)}`),
  );
  serve(app, 'GET /api/log/proof/consistency', async (request) =>
    pass(`/v1/log/proof/consistency?${new URLSearchParams(request.query)}`),
  );
}
