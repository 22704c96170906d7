import { HttpProblem } from '@credence/server-kit/problem';
import { serveApp } from '@credence/server-kit/static-files';
import {
  csrfOf,
  LOGIN_LINK_TTL_MS,
  newSecret,
  originsOf,
  SESSION_TTL_MS,
  type SessionKeeper,
  secretHash,
  useWebSessions,
  type WebSession,
} from '@credence/server-kit/web-session';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type Member, roleOf } from '../domain/types.js';
import type { Store } from '../storage/store.js';
import { me, type PlatformDeps, problems } from './routes/kit.js';
import { publishedCheckpoint, publishedCheckpoints } from './routes/log.js';
import * as S from './schemas.js';
import type { RoutePlugin, SchemaTypes } from './type-provider.js';

/** The platform's dashboard: where its built app is, and the origins it answers as. */
export interface PlatformUi {
  /** The dashboard's platform build (`@credence/dashboard/platform-app`). */
  readonly folder: string;
  /**
   * The origins people reach /ui/ at (https://credence.example); by default the address
   * the platform listens on (with both loopback names on loopback).
   */
  readonly origins?: readonly string[];
}

/** Who may sign in to the platform's dashboard: the operator's staff and auditors. */
const UI_ROLES = ['operator', 'auditor'] as const;
type UiRole = (typeof UI_ROLES)[number];
const uiRole = (m: Member): UiRole | undefined => UI_ROLES.find((role) => role === roleOf(m.type));
const mayUseUi = (m: Member | undefined): m is Member =>
  m !== undefined && m.status === 'active' && uiRole(m) !== undefined;

/**
 * Sign-in links and sessions in the platform's store (any API node knows them), each by
 * the SHA-256 of its secret and the member it was opened for.
 */
export class StoreSessions implements SessionKeeper {
  constructor(private readonly store: Store) {}

  async issueLink(member: string, now: number): Promise<string> {
    const token = newSecret();
    await this.store.putUiLink(secretHash(token), member, now + LOGIN_LINK_TTL_MS, now);
    return token;
  }

  async redeemLoginLink(token: string, now: number): Promise<string | undefined> {
    const link = await this.store.takeUiLink(secretHash(token));
    if (link === undefined || link.expiresAt <= now) return undefined;
    const cookie = newSecret();
    await this.store.putUiSession(secretHash(cookie), link.member, now + SESSION_TTL_MS, now);
    return cookie;
  }

  async session(cookie: string, now: number): Promise<WebSession | undefined> {
    const s = await this.store.uiSession(secretHash(cookie));
    if (s === undefined || s.expiresAt <= now) return undefined;
    return { csrf: csrfOf(cookie), expiresAt: s.expiresAt, member: s.member };
  }

  endSession(cookie: string): Promise<void> {
    return this.store.endUiSession(secretHash(cookie));
  }
}

/** `POST /v1/ui/links`: a one-time sign-in link for the caller (`credence login` prints it). */
export function uiLinkRoutes(sessions: StoreSessions): RoutePlugin {
  return async (app) => {
    app.post(
      '/v1/ui/links',
      {
        config: { roles: [...UI_ROLES] },
        schema: {
          tags: ['platform'],
          summary:
            "A one-time link that signs the caller's person in to the platform's dashboard (/ui/): good once, for 10 minutes",
          response: {
            201: {
              type: 'object',
              required: ['token', 'path', 'expiresAt'],
              properties: {
                token: { type: 'string' },
                path: { type: 'string', description: 'open <platform URL><path>' },
                expiresAt: { type: 'string' },
              },
            },
            ...problems,
          },
        },
      },
      async (request, reply) => {
        const now = Date.now();
        const token = await sessions.issueLink(me(request).id, now);
        return reply.status(201).send({
          token,
          path: `/ui/#login=${token}`,
          expiresAt: new Date(now + LOGIN_LINK_TTL_MS).toISOString(),
        });
      },
    );
  };
}

/**
 * The platform's dashboard under /ui/ (docs/dashboard.md): the operator's and auditors'
 * views, which show tokens and counts only, what the platform holds anyway. Its own
 * plugin, so the sessions' hooks (CSP, the Host check, session, Origin and CSRF token)
 * apply to /ui/ alone and the API keeps its bearer credentials.
 */
export function platformUi(deps: PlatformDeps, ui: PlatformUi, sessions: StoreSessions) {
  return async (instance: FastifyInstance) => {
    // Answers typed and written by their schemas (schemas/ui.ts, schemas/log.ts): the
    // dashboard's app derives its types from the same ones.
    const app = instance.withTypeProvider<SchemaTypes>();
    let origins: ReadonlySet<string> | undefined =
      ui.origins === undefined ? undefined : new Set(ui.origins);
    await useWebSessions(app, {
      state: sessions,
      prefix: '/ui/api',
      origins: () => {
        if (origins === undefined) {
          const a = app.server.address();
          if (a === null || typeof a === 'string') return new Set();
          const host = a.address === '::1' ? 'localhost' : a.address;
          origins = originsOf(`${deps.tls === undefined ? 'http' : 'https'}://${host}:${a.port}`);
        }
        return origins;
      },
    });
    /** The signed-in person's member, if it may still use the dashboard. */
    const who = async (request: FastifyRequest): Promise<Member> => {
      const id = request.webSession?.member;
      const member = id === undefined ? undefined : await deps.store.getMember(id);
      if (!mayUseUi(member))
        throw new HttpProblem(
          'role.forbidden',
          "the platform's dashboard is the operator's and auditors'",
        );
      return member;
    };

    const answer = <T>(schema: T, tag = 'dashboard') => ({
      // Cookies and the CSRF header, not the API's bearer credential.
      schema: { tags: [tag], security: [], response: { 200: schema, ...problems } },
    });
    app.get('/ui/api/session', answer(S.uiSession), async (request) => {
      const m = await who(request);
      return {
        member: { id: m.id, name: m.name, type: m.type },
        role: uiRole(m) as UiRole,
        language: 'zh-CN' as const,
        csrf: request.webSession?.csrf ?? '',
        expiresAt: new Date(request.webSession?.expiresAt ?? 0).toISOString(),
      };
    });

    app.get('/ui/api/members', answer(S.uiMembers), async (request) => {
      await who(request);
      const since = new Date(Date.now() - 14 * 86_400_000).toISOString().slice(0, 10);
      const [members, usage] = await Promise.all([
        deps.members.list(),
        deps.store.oprfUsageByDay(since),
      ]);
      return {
        members: members.map((m) => ({
          id: m.id,
          name: m.name,
          type: m.type,
          status: m.status,
          createdAt: new Date(m.createdAt).toISOString(),
          ...(m.shareIndex === undefined ? {} : { shareIndex: m.shareIndex }),
        })),
        evaluations: usage,
      };
    });

    app.get('/ui/api/health', answer(S.uiHealth), async (request) => {
      await who(request);
      const checkpoint = await deps.log.latest();
      const analysis = deps.analysis.current();
      const { version, policy } = deps.policies.get();
      const metrics = await deps.registry.getMetricsAsJSON();
      const sum = (name: string, label?: string) => {
        const out: Record<string, number> = {};
        for (const v of metrics.find((m) => m.name === name)?.values ?? []) {
          const key = label === undefined ? 'total' : String(v.labels[label] ?? '');
          out[key] = (out[key] ?? 0) + v.value;
        }
        return out;
      };
      const requests = sum('credence_http_requests_total', 'status');
      const byClass: Record<string, number> = {};
      for (const [status, n] of Object.entries(requests))
        byClass[`${status.slice(0, 1)}xx`] = (byClass[`${status.slice(0, 1)}xx`] ?? 0) + n;
      return {
        store: deps.store.dialect,
        log: {
          size: checkpoint.size,
          checkpointAt: new Date(checkpoint.createdAt).toISOString(),
          cosignatures: checkpoint.cosignatures.length,
        },
        flaggedTokens: deps.view.size,
        analysis:
          analysis === undefined
            ? null
            : { id: analysis.id, createdAt: new Date(analysis.createdAt).toISOString() },
        policy: { version, versions: await deps.store.policyVersions() },
        // What members did with answers and alerts (docs/outcomes.md), and how that weighs them.
        outcomes: await deps.outcomes.summary(),
        requests: byClass,
        checks: sum('credence_checks_total', 'verdict'),
        ingested: sum('credence_ingested_items_total', 'kind'),
        backgroundFailures: sum('credence_background_failures_total', 'job'),
        process: {
          uptimeSeconds: Math.round(process.uptime()),
          rssBytes: process.memoryUsage().rss,
        },
        statistics: {
          budget: { ...policy.statistics, spentTotal: await deps.store.statsSpent() },
          latest: (await deps.store.statsReleases({}, 1))[0] ?? null,
        },
      };
    });

    // The log, for the browser to verify: the platform's own checkpoint and proofs, and
    // its log key (here the browser has only the platform's word for the key: an auditor
    // compares it with the one members pin).
    app.get('/ui/api/log/trust', answer(S.logTrust), async (request) => {
      await who(request);
      return {
        logKey: deps.log.vkey,
        source: 'platform' as const,
        witnesses: await deps.log.witnessKeys(),
        requiredWitnesses: 0,
      };
    });
    app.get(
      '/ui/api/log/checkpoint',
      {
        schema: {
          tags: ['dashboard'],
          security: [],
          querystring: S.checkpointQuery,
          produces: ['text/plain'],
          response: { 200: { type: 'string', description: 'the signed checkpoint' }, ...problems },
        },
      },
      async (request, reply) => {
        await who(request);
        return reply
          .type('text/plain; charset=utf-8')
          .send(await publishedCheckpoint(deps, request.query.cosigned));
      },
    );
    app.get(
      '/ui/api/log/checkpoints',
      {
        schema: {
          tags: ['dashboard'],
          security: [],
          querystring: S.checkpointsQuery,
          response: { 200: S.checkpointsAnswer, ...problems },
        },
      },
      async (request) => {
        await who(request);
        return publishedCheckpoints(deps, Number(request.query.from ?? '0'), 1000);
      },
    );
    app.get(
      '/ui/api/log/entries',
      {
        schema: {
          tags: ['dashboard'],
          security: [],
          querystring: S.logEntriesQuery,
          response: { 200: S.logEntriesAnswer, ...problems },
        },
      },
      async (request) => {
        await who(request);
        const start = Number(request.query.start);
        return deps.log.entries(
          start,
          request.query.end === undefined ? start + 1 : Number(request.query.end),
        );
      },
    );
    app.get(
      '/ui/api/log/proof/inclusion',
      {
        schema: {
          tags: ['dashboard'],
          security: [],
          querystring: S.inclusionQuery,
          response: { 200: S.inclusionAnswer, ...problems },
        },
      },
      async (request) => {
        await who(request);
        return deps.log.inclusion(Number(request.query.index), Number(request.query.size));
      },
    );
    app.get(
      '/ui/api/log/proof/consistency',
      {
        schema: {
          tags: ['dashboard'],
          security: [],
          querystring: S.consistencyQuery,
          response: { 200: S.consistencyAnswer, ...problems },
        },
      },
      async (request) => {
        await who(request);
        return deps.log.consistency(Number(request.query.from), Number(request.query.to));
      },
    );
    serveApp(app, { folder: ui.folder, base: '/ui/' });
  };
}
