import type { IdentifierKind } from '@credence/core/identifiers/kinds';
import type { LinkBatch, ReportBatch, ScriptBatch, SignedBatch } from '@credence/core/wire/batches';
import type { SignedKeyStatement } from '@credence/core/wire/key-statements';
import type { Category } from '@credence/core/wire/vocabulary';
import { acceptJsonOnly, useProblemDocuments } from '@credence/server-kit/fastify-problems';
import { HttpProblem } from '@credence/server-kit/problem';
import type { TlsMaterial } from '@credence/server-kit/tls';
import swagger from '@fastify/swagger';
import Fastify, {
  type FastifyInstance,
  type FastifyRequest,
  type FastifyServerOptions,
  LogController,
} from 'fastify';
import type { Registry } from 'prom-client';
import type { Member, Role, StoredReport, TokenRef } from '../domain/types.js';
import { type AlertHub, formatCursor, parseCursor } from '../services/alerts.js';
import type { AnalysisService } from '../services/analysis.js';
import type { CheckLedger } from '../services/check-ledger.js';
import type { CheckAnswer, CheckService } from '../services/check-service.js';
import type { CheckView } from '../services/check-view.js';
import type { CredentialCache } from '../services/credentials.js';
import type { BatchResult, IngestionService } from '../services/ingestion.js';
import { LogService, MAX_ENTRIES_PAGE, type Receipt } from '../services/log-service.js';
import type { MemberService } from '../services/members.js';
import { checkUsageReport } from '../services/oprf-usage.js';
import type { PolicyService } from '../services/policy-service.js';
import type { WebhookTargets } from '../services/webhook-targets.js';
import { alertJson } from '../services/webhooks.js';
import { AUDIT_TABLES, type AuditTable, isAuditKey } from '../storage/audit-state.js';
import type { Store } from '../storage/store.js';
import { useAccessControl } from './access.js';
import { MAX_BODY_BYTES, useBodyLimits } from './body-limits.js';
import type { PlatformMetrics } from './metrics.js';
import { RequestLimiter } from './request-limits.js';
import * as S from './schemas.js';

declare module 'fastify' {
  interface FastifyRequest {
    member: Member | undefined;
  }
  interface FastifyContextConfig {
    /** Roles that may call the route; absent: public. */
    roles?: readonly Role[];
  }
}

export interface PlatformDeps {
  readonly store: Store;
  readonly view: CheckView;
  readonly credentials: CredentialCache;
  readonly ingestion: IngestionService;
  readonly checks: CheckService;
  readonly analysis: AnalysisService;
  readonly members: MemberService;
  readonly policies: PolicyService;
  readonly alerts: AlertHub;
  readonly log: LogService;
  readonly checkLedger: CheckLedger;
  readonly metrics: PlatformMetrics;
  readonly registry: Registry;
  /** The platform's Ed25519 public key (webhook signatures), base64url. */
  readonly platformPublicKey: string;
  /** Per-member request rates (default: DEFAULT_REQUEST_RATES). */
  readonly limiter?: RequestLimiter;
  /** Where webhooks may point (default: public HTTPS only). */
  readonly webhookTargets: WebhookTargets;
  /** A test delivery to a webhook URL, now (WebhookDispatcher.test). */
  readonly webhookTest?: (
    url: string,
  ) => Promise<{ delivered: boolean; status?: number; error?: string }>;
  readonly logger?: FastifyServerOptions['logger'];
  /** Serve HTTPS with this certificate and key (default: plain HTTP, for a proxy in front). */
  readonly tls?: TlsMaterial;
  /** Called after a write moved the change sequence (wakes alert streams here). */
  readonly onChange?: () => void;
}

const MEMBERS: readonly Role[] = ['member'];
/** Who may report (and read, retract and sign their own reports): members and the police. */
const REPORTERS: readonly Role[] = ['member', 'police'];
const CHECKERS: readonly Role[] = ['member', 'police'];
const OPERATORS: readonly Role[] = ['operator'];
const ANYONE: readonly Role[] = ['member', 'police', 'auditor', 'operator'];
const AUDITORS: readonly Role[] = ['auditor', 'operator'];
const KEY_SERVERS: readonly Role[] = ['keyserver'];

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

function me(request: FastifyRequest): Member {
  if (request.member === undefined) throw new Error('route without roles reads the member');
  return request.member;
}

function checkJson(a: CheckAnswer) {
  return {
    ...a,
    firstSeen: iso(a.firstSeen),
    lastSeen: iso(a.lastSeen),
    basis: { ...a.basis, checkedAt: iso(a.basis.checkedAt) },
  };
}

function reportJson(r: StoredReport) {
  return {
    id: r.id,
    ref: r.ref,
    type: r.type,
    category: r.category,
    occurredAt: new Date(r.occurredAt).toISOString(),
    ...(r.loss === undefined ? {} : { loss: r.loss }),
    entities: r.entities,
    createdAt: new Date(r.createdAt).toISOString(),
    ...(r.retractedAt === undefined
      ? {}
      : { retractedAt: new Date(r.retractedAt).toISOString(), retractReason: r.retractReason }),
  };
}

function batchJson(result: BatchResult, receipt: Receipt | null, refs?: readonly string[]) {
  const count = (s: string) => result.outcomes.filter((o) => o.status === s).length;
  return {
    batchId: result.batchId,
    receivedAt: new Date(result.receivedAt).toISOString(),
    log: receipt,
    sequence: result.seq,
    accepted: count('accepted'),
    duplicates: count('duplicate'),
    conflicts: count('conflict'),
    alerts: result.alerts,
    results: result.outcomes.map((o) => ({
      index: o.index,
      ...(refs?.[o.index] === undefined ? {} : { ref: refs[o.index] }),
      status: o.status,
      id: o.id,
      ...(o.batchId === undefined ? {} : { batchId: o.batchId }),
      ...(o.status === 'conflict' ? { code: 'item.conflict' } : {}),
    })),
  };
}

const problems = {
  400: S.problemSchema,
  401: S.problemSchema,
  403: S.problemSchema,
  404: S.problemSchema,
  409: S.problemSchema,
} as const;

/**
 * The platform's HTTP API (SPEC §7), built without listening so that tests inject
 * requests. Every route declares the roles that may call it; a member only ever sees its
 * own contributions, watchlist and alerts, and checks never say which member reported.
 */
export async function buildPlatformApp(deps: PlatformDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    // Fastify's own request lines carry the URL, and URLs carry tokens: see onResponse.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: MAX_BODY_BYTES,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    return503OnClosing: true,
    ...(deps.tls === undefined ? {} : { https: { ...deps.tls } }),
  });
  app.decorateRequest('member', undefined);
  useProblemDocuments(app);
  acceptJsonOnly(app);
  useBodyLimits(app);
  useAccessControl(app, deps.credentials, deps.limiter ?? new RequestLimiter());
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Credence platform API',
        version: '1',
        description:
          'Pooling and joint analysis of fraud data without raw personal data. Errors are RFC 9457 problem documents.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });

  // Labelled series, looked up once per route, method and status rather than per request.
  const series = new Map<string, { count: () => void; time: (seconds: number) => void }>();
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unknown';
    const status = reply.statusCode;
    const key = `${route} ${request.method} ${status}`;
    let s = series.get(key);
    if (s === undefined) {
      const counter = deps.metrics.requests.labels(route, request.method, String(status));
      const histogram = deps.metrics.latency.labels(route);
      s = { count: () => counter.inc(), time: (seconds) => histogram.observe(seconds) };
      series.set(key, s);
    }
    s.count();
    s.time(reply.elapsedTime / 1000);
    // One line per request, naming the route's template, never its URL (which carries
    // tokens): refusals at info, failures at error, the rest at debug (at tens of
    // thousands of checks a second, metrics count them).
    const level = status >= 500 ? 'error' : status >= 400 ? 'info' : 'debug';
    request.log[level](
      {
        method: request.method,
        route,
        status,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        ...(request.member === undefined ? {} : { member: request.member.id }),
      },
      'request',
    );
  });

  // Public.
  app.get('/healthz', { schema: { hide: true } }, async () => ({
    status: 'ok',
    sequence: deps.view.watermark,
    flaggedTokens: deps.view.size,
  }));
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    deps.metrics.flagged.set(deps.view.size);
    deps.metrics.watermark.set(deps.view.watermark);
    return reply.type(deps.registry.contentType).send(await deps.registry.metrics());
  });
  app.get('/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get(
    '/v1/platform',
    {
      schema: {
        tags: ['platform'],
        summary: 'Public facts about the platform: the key webhooks are signed with',
        security: [],
      },
    },
    async () => ({
      name: 'Credence',
      apiVersion: '1',
      webhookPublicKey: deps.platformPublicKey,
      webhookSignature:
        'Credence-Signature: t=<unix seconds>,ed25519=<base64url of Ed25519 over "<t>.<body>">',
    }),
  );

  // Anyone with a credential.
  app.get(
    '/v1/me',
    {
      config: { roles: ANYONE },
      schema: {
        tags: ['members'],
        summary: 'The member this credential belongs to',
        response: { 200: S.memberSchema },
      },
    },
    async (request) => {
      const m = me(request);
      return { ...m, createdAt: new Date(m.createdAt).toISOString() };
    },
  );
  app.get(
    '/v1/policy',
    {
      config: { roles: ANYONE },
      schema: { tags: ['policy'], summary: 'The risk policy in force' },
    },
    async () => {
      const { version, policy } = deps.policies.get();
      return { version, policy };
    },
  );

  // Contributions (members).
  app.post(
    '/v1/reports',
    {
      config: { roles: REPORTERS },
      schema: {
        tags: ['contributions'],
        summary: 'Submit a signed batch of tokenized reports',
        body: S.reportBatch,
        response: { 200: S.batchResult, ...problems },
      },
    },
    async (request) => {
      const signed = request.body as SignedBatch<ReportBatch>;
      const result = await deps.ingestion.submitReports(me(request), signed);
      deps.metrics.ingested.inc(
        { kind: 'reports' },
        result.outcomes.filter((o) => o.status === 'accepted').length,
      );
      if (result.alerts > 0) deps.onChange?.();
      return batchJson(
        result,
        result.log === undefined ? null : await deps.log.receipt(result.log),
        signed.batch.reports.map((r) => r.ref),
      );
    },
  );
  app.post(
    '/v1/links',
    {
      config: { roles: MEMBERS },
      schema: {
        tags: ['contributions'],
        summary: 'Submit a signed batch of tokenized links',
        body: S.linkBatch,
        response: { 200: S.batchResult, ...problems },
      },
    },
    async (request) => {
      const result = await deps.ingestion.submitLinks(
        me(request),
        request.body as SignedBatch<LinkBatch>,
      );
      deps.metrics.ingested.inc(
        { kind: 'links' },
        result.outcomes.filter((o) => o.status === 'accepted').length,
      );
      if (result.alerts > 0) deps.onChange?.();
      return batchJson(
        result,
        result.log === undefined ? null : await deps.log.receipt(result.log),
      );
    },
  );
  app.post(
    '/v1/reports/scripts',
    {
      config: { roles: REPORTERS },
      schema: {
        tags: ['contributions'],
        summary:
          'Share the masked scripts of reports you sent before (a signed batch of {ref, script}); each is logged as its own entry',
        body: S.scriptBatch,
        response: { 200: S.batchResult, ...problems },
      },
    },
    async (request) => {
      const signed = request.body as SignedBatch<ScriptBatch>;
      const result = await deps.ingestion.submitScripts(me(request), signed);
      return batchJson(
        result,
        result.log === undefined ? null : await deps.log.receipt(result.log),
        signed.batch.scripts.map((s) => s.ref),
      );
    },
  );
  app.post(
    '/v1/reports/:id/retract',
    {
      config: { roles: REPORTERS },
      schema: {
        tags: ['contributions'],
        summary: 'Retract one of your reports',
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } } },
        body: S.retractRequest,
        response: { 200: S.retractResult, ...problems },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const { reason } = request.body as { reason: string };
      const r = await deps.ingestion.retract(me(request), id, reason);
      return {
        id,
        retractedAt: new Date(r.at).toISOString(),
        reason,
        sequence: r.seq,
        log: await deps.log.receipt(r.log),
      };
    },
  );

  // The transparency log (SPEC §3.4, §7): readable by every member and auditor.
  app.get(
    '/v1/log/key',
    {
      config: { roles: ANYONE },
      schema: {
        tags: ['log'],
        summary:
          "The log's origin and verifier key (pin it, or better, get it from the operator out of band)",
        response: {
          200: {
            type: 'object',
            required: ['origin', 'vkey'],
            properties: { origin: { type: 'string' }, vkey: { type: 'string' } },
          },
        },
      },
    },
    async () => ({ origin: deps.log.origin, vkey: deps.log.vkey }),
  );
  app.get(
    '/v1/log/checkpoint',
    {
      config: { roles: ANYONE },
      schema: {
        tags: ['log'],
        summary:
          'The newest signed checkpoint (C2SP tlog-checkpoint in a signed note), with cosignatures; with cosigned=k, the newest with at least k',
        produces: ['text/plain'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { cosigned: { type: 'string', pattern: '^[0-9]{1,2}$' } },
        },
      },
    },
    async (request, reply) => {
      const { cosigned } = request.query as { cosigned?: string };
      const checkpoint =
        cosigned === undefined || Number(cosigned) === 0
          ? await deps.log.latest()
          : await deps.store.latestCosignedCheckpoint(Number(cosigned));
      if (checkpoint === undefined)
        throw new HttpProblem('log.range', 'no checkpoint has that many cosignatures yet', {
          errors: [{ field: 'cosigned', message: 'no checkpoint has that many cosignatures' }],
        });
      reply.type('text/plain; charset=utf-8');
      return LogService.published(checkpoint);
    },
  );
  app.get(
    '/v1/log/checkpoints',
    {
      config: { roles: ANYONE },
      schema: {
        tags: ['log'],
        summary: 'The history of signed checkpoints from a tree size on, oldest first',
        querystring: S.checkpointsQuery,
        response: { 200: S.checkpointsAnswer, ...problems },
      },
    },
    async (request) => {
      const q = request.query as { from?: string; limit?: string };
      const kept = await deps.store.listCheckpoints(
        Number(q.from ?? '0'),
        Math.min(1000, Math.max(1, Number(q.limit ?? '1000'))),
      );
      return { checkpoints: kept.map((c) => ({ size: c.size, note: LogService.published(c) })) };
    },
  );
  app.post(
    '/v1/log/cosignatures',
    {
      config: { roles: ANYONE },
      schema: {
        tags: ['log'],
        summary: "A witness's cosignature of a checkpoint (C2SP tlog-cosignature)",
        body: S.cosignatureRequest,
        response: { 200: S.cosignatureAnswer, ...problems },
      },
    },
    async (request) => {
      const { size, cosignature } = request.body as { size: number; cosignature: string };
      return deps.log.addCosignature(size, cosignature);
    },
  );
  app.post(
    '/v1/log/oprf-usage',
    {
      config: { roles: KEY_SERVERS },
      schema: {
        tags: ['log'],
        summary:
          "A key server's evaluation counts per member for a UTC day, so far: each count that grew becomes an oprf_usage entry",
        body: S.oprfUsageRequest,
        response: {
          200: {
            type: 'object',
            required: ['logged'],
            properties: { logged: { type: 'integer' } },
          },
          ...problems,
        },
      },
    },
    async (request) => {
      const body = request.body as {
        keyId: string;
        shareIndex: number;
        day: string;
        counts: { member: string; evaluations: number }[];
      };
      const day = Date.parse(`${body.day}T00:00:00Z`);
      if (!Number.isFinite(day) || day > Date.now() + 86_400_000)
        throw new HttpProblem('request.invalid', 'day must be a UTC day, not in the future', {
          errors: [{ field: 'day', message: 'is not a past or current UTC day' }],
        });
      const members = new Set(body.counts.map((c) => c.member));
      if (members.size !== body.counts.length)
        throw new HttpProblem('request.invalid', 'one count per member', {
          errors: [{ field: 'counts', message: 'names a member twice' }],
        });
      await checkUsageReport(deps.store, me(request).id, body);
      const appended = await deps.store.recordOprfUsage(
        body.counts.map((c) => ({
          reporter: me(request).id,
          keyId: body.keyId,
          shareIndex: body.shareIndex,
          day: body.day,
          member: c.member,
          evaluations: c.evaluations,
        })),
        Date.now(),
      );
      return { logged: appended?.count ?? 0 };
    },
  );
  app.get(
    '/v1/audit/entries',
    {
      config: { roles: AUDITORS },
      schema: {
        tags: ['log'],
        summary: `Entries [start, end) with the digest of what the store holds for each now, at most ${MAX_ENTRIES_PAGE}`,
        querystring: S.logEntriesQuery,
        response: { 200: S.auditEntriesAnswer, ...problems },
      },
    },
    async (request) => {
      const q = request.query as { start: string; end?: string };
      const start = Number(q.start);
      return deps.log.auditEntries(
        start,
        q.end === undefined ? start + MAX_ENTRIES_PAGE : Number(q.end),
      );
    },
  );
  app.get(
    '/v1/audit/counts',
    {
      config: { roles: AUDITORS },
      schema: {
        tags: ['log'],
        summary: 'What the store holds that the log must account for',
        response: { 200: S.auditCountsAnswer, ...problems },
      },
    },
    async () => deps.store.auditCounts(),
  );
  app.get(
    '/v1/audit/state/:table',
    {
      config: { roles: AUDITORS },
      schema: {
        tags: ['log'],
        summary:
          "A page of a derived table (token summaries and states, ring tokens, members, credentials, signing keys, key servers' counts), in key order, for the audit to compare with what it rebuilds from the log",
        params: {
          type: 'object',
          properties: { table: { enum: [...AUDIT_TABLES] } },
        },
        querystring: S.auditStateQuery,
        response: { 200: S.auditStateAnswer, ...problems },
      },
    },
    async (request) => {
      const { table } = request.params as { table: AuditTable };
      const q = request.query as { after?: string; limit?: string };
      const limit = Number(q.limit ?? '1000');
      let after: (string | number)[] | undefined;
      if (q.after !== undefined) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(q.after);
        } catch {}
        if (!isAuditKey(table, parsed))
          throw new HttpProblem('request.invalid', 'after is the `next` of the page before', {
            errors: [{ field: 'after', message: `is not a key of ${table}` }],
          });
        after = parsed;
      }
      return { table, ...(await deps.store.auditState(table, after, Math.min(limit, 10_000))) };
    },
  );
  app.get(
    '/v1/audit/analysis/:id',
    {
      config: { roles: AUDITORS },
      schema: {
        tags: ['log'],
        summary:
          'An analysis run as kept (`latest` for the newest): the audit checks its digest against the log and the ring tokens against it',
        params: {
          type: 'object',
          properties: { id: { type: 'string', pattern: '^(latest|[1-9][0-9]{0,15})$' } },
        },
        response: { 200: S.auditAnalysisAnswer, ...problems },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const run =
        id === 'latest'
          ? await deps.store.latestAnalysis()
          : await deps.store.getAnalysis(Number(id));
      if (run === undefined) throw new HttpProblem('analysis.none', 'no analysis run has this id');
      return run;
    },
  );
  app.get(
    '/v1/log/entries',
    {
      config: { roles: ANYONE },
      schema: {
        tags: ['log'],
        summary: `Entries [start, end), at most ${MAX_ENTRIES_PAGE} per page`,
        querystring: S.logEntriesQuery,
        response: { 200: S.logEntriesAnswer, ...problems },
      },
    },
    async (request) => {
      const q = request.query as { start: string; end?: string };
      const start = Number(q.start);
      return deps.log.entries(
        start,
        q.end === undefined ? start + MAX_ENTRIES_PAGE : Number(q.end),
      );
    },
  );
  app.get(
    '/v1/log/proof/inclusion',
    {
      config: { roles: ANYONE },
      schema: {
        tags: ['log'],
        summary: 'The RFC 9162 inclusion proof of leaf index in the tree of size leaves',
        querystring: S.inclusionQuery,
        response: { 200: S.inclusionAnswer, ...problems },
      },
    },
    async (request) => {
      const q = request.query as { index: string; size: string };
      return deps.log.inclusion(Number(q.index), Number(q.size));
    },
  );
  app.get(
    '/v1/log/proof/consistency',
    {
      config: { roles: ANYONE },
      schema: {
        tags: ['log'],
        summary: 'The RFC 9162 consistency proof between the trees of from and to leaves',
        querystring: S.consistencyQuery,
        response: { 200: S.consistencyAnswer, ...problems },
      },
    },
    async (request) => {
      const q = request.query as { from: string; to: string };
      return deps.log.consistency(Number(q.from), Number(q.to));
    },
  );
  app.get(
    '/v1/reports',
    {
      config: { roles: REPORTERS },
      schema: {
        tags: ['contributions'],
        summary: 'Your reports, a page at a time',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            after: { type: 'string', maxLength: 64 },
            limit: { type: 'string', pattern: '^\\d{1,4}$' },
            ref: {
              type: 'string',
              pattern: '^[A-Za-z0-9._:-]{1,128}$',
              description: 'only the report with this ref (yours), if there is one',
            },
          },
        },
      },
    },
    async (request) => {
      const q = request.query as { after?: string; limit?: string; ref?: string };
      if (q.ref !== undefined) {
        const found = (await deps.store.reportsByRef(me(request).id, [q.ref])).get(q.ref);
        const report =
          found === undefined ? undefined : await deps.store.getReport(me(request).id, found.id);
        return { reports: report === undefined ? [] : [reportJson(report)], next: null };
      }
      const limit = Math.min(1000, Math.max(1, Number(q.limit ?? '100')));
      const reports = await deps.store.listReports(me(request).id, q.after, limit);
      return {
        reports: reports.map(reportJson),
        next: reports.length === limit ? reports.at(-1)?.id : null,
      };
    },
  );
  app.get(
    '/v1/reports/:id',
    {
      config: { roles: REPORTERS },
      schema: {
        tags: ['contributions'],
        summary: 'One of your reports',
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } } },
        response: { 200: S.storedReport, ...problems },
      },
    },
    async (request) => {
      const report = await deps.store.getReport(
        me(request).id,
        (request.params as { id: string }).id,
      );
      if (report === undefined)
        throw new HttpProblem('report.not_found', 'no report of yours has this id');
      return reportJson(report);
    },
  );

  // Joint analysis: rings (SPEC §6). Aggregates and tokens, never a member's name.
  app.get(
    '/v1/rings',
    {
      config: { roles: ANYONE },
      schema: {
        tags: ['analysis'],
        summary: 'Rings of the latest analysis, strongest first',
        querystring: S.ringsQuery,
        response: { 200: S.ringsAnswer, ...problems },
      },
    },
    async (request) => {
      const q = request.query as {
        minScore?: string;
        category?: Category;
        kind?: IdentifierKind;
        limit?: string;
        offset?: string;
      };
      const { rings, total } = deps.analysis.rings({
        limit: Number(q.limit ?? 100),
        offset: Number(q.offset ?? 0),
        ...(q.minScore === undefined ? {} : { minScore: Number(q.minScore) }),
        ...(q.category === undefined ? {} : { category: q.category }),
        ...(q.kind === undefined ? {} : { kind: q.kind }),
      });
      return { analysis: deps.analysis.current()?.id ?? null, total, rings };
    },
  );
  app.get(
    '/v1/rings/:id',
    {
      config: { roles: ANYONE },
      schema: {
        tags: ['analysis'],
        summary: 'A ring: its tokens, why each is in it, its edges and its explanation',
        params: {
          type: 'object',
          properties: { id: { type: 'string', pattern: '^ring-[0-9a-f]{16}$' } },
        },
        response: { 200: S.ringDetail, ...problems },
      },
    },
    async (request) => {
      const ring = deps.analysis.ring((request.params as { id: string }).id);
      if (ring === undefined)
        throw new HttpProblem('ring.not_found', 'no ring of the latest analysis has this id');
      return ring;
    },
  );
  app.get(
    '/v1/campaigns',
    {
      config: { roles: ANYONE },
      schema: {
        tags: ['analysis'],
        summary: 'Campaigns of the latest analysis (scripts alike across members), largest first',
        querystring: S.campaignsQuery,
        response: { 200: S.campaignsAnswer, ...problems },
      },
    },
    async (request) => {
      const q = request.query as {
        minSize?: string;
        category?: Category;
        limit?: string;
        offset?: string;
      };
      const { campaigns, total } = deps.analysis.campaigns({
        limit: Number(q.limit ?? 100),
        offset: Number(q.offset ?? 0),
        ...(q.minSize === undefined ? {} : { minSize: Number(q.minSize) }),
        ...(q.category === undefined ? {} : { category: q.category }),
      });
      return { analysis: deps.analysis.current()?.id ?? null, total, campaigns };
    },
  );
  app.get(
    '/v1/campaigns/:id',
    {
      config: { roles: ANYONE },
      schema: {
        tags: ['analysis'],
        summary:
          'A campaign: its figures, its script where shared, its rings, and your reports in it',
        params: {
          type: 'object',
          properties: { id: { type: 'string', pattern: '^campaign-[0-9a-f]{16}$' } },
        },
        response: { 200: S.campaignDetail, ...problems },
      },
    },
    async (request) => {
      const campaign = deps.analysis.campaign(
        (request.params as { id: string }).id,
        me(request).id,
      );
      if (campaign === undefined)
        throw new HttpProblem(
          'campaign.not_found',
          'no campaign of the latest analysis has this id',
        );
      return campaign;
    },
  );
  app.get(
    '/v1/analysis',
    {
      config: { roles: ANYONE },
      schema: {
        tags: ['analysis'],
        summary: 'The latest analysis run: when, its figures, and the digest the log binds',
        response: { 200: S.analysisAnswer, ...problems },
      },
    },
    async () => {
      const current = deps.analysis.current();
      if (current === undefined) throw new HttpProblem('analysis.none', 'no analysis has run yet');
      return { ...current, createdAt: new Date(current.createdAt).toISOString() };
    },
  );
  app.post(
    '/v1/analysis',
    {
      config: { roles: OPERATORS },
      schema: {
        tags: ['analysis'],
        summary: 'Run the analysis now (rings, alerts to watchers, a log entry)',
        response: { 200: S.analysisRunAnswer, ...problems },
      },
    },
    async (request) => {
      const run = await deps.analysis.run(me(request).id);
      if (run.alerts > 0) deps.onChange?.();
      return { ...run, createdAt: new Date(run.createdAt).toISOString() };
    },
  );

  // Checks (members and police).
  app.post(
    '/v1/check',
    {
      config: { roles: CHECKERS },
      schema: {
        tags: ['checks'],
        summary: 'Check up to 1,000 tokens',
        body: S.checkRequest,
        response: {
          200: { type: 'object', properties: { results: { type: 'array', items: S.checkAnswer } } },
          ...problems,
        },
      },
    },
    async (request) => {
      const body = request.body as { tokens: string[]; after?: number };
      const answers = await deps.checks.check(body.tokens, body.after);
      deps.checkLedger.record(me(request).id, answers);
      const verdicts = { clear: 0, suspicious: 0, fraud: 0 };
      for (const a of answers) verdicts[a.verdict]++;
      for (const [verdict, n] of Object.entries(verdicts))
        if (n > 0) deps.metrics.checks.inc({ verdict }, n);
      return { results: answers.map(checkJson) };
    },
  );
  app.get(
    '/v1/check/:token',
    {
      config: { roles: CHECKERS },
      schema: {
        tags: ['checks'],
        summary: 'Check one token',
        params: { type: 'object', properties: { token: S.TOKEN } },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { after: { type: 'string', pattern: '^\\d{1,15}$' } },
        },
        response: { 200: S.checkAnswer, ...problems },
      },
    },
    async (request) => {
      const { token } = request.params as { token: string };
      const after = (request.query as { after?: string }).after;
      const [answer] = await deps.checks.check(
        [token],
        after === undefined ? undefined : Number(after),
      );
      if (answer === undefined) throw new Error('no answer');
      deps.checkLedger.record(me(request).id, [answer]);
      deps.metrics.checks.inc({ verdict: answer.verdict });
      return checkJson(answer);
    },
  );

  // Watchlists and alerts (members: their own only).
  app.put(
    '/v1/watchlist',
    {
      config: { roles: MEMBERS },
      schema: {
        tags: ['watchlist'],
        summary: 'Watch tokens of your customers',
        body: S.watchRequest,
        response: problems,
      },
    },
    async (request) => {
      const { tokens } = request.body as { tokens: TokenRef[] };
      return { added: await deps.store.addWatch(me(request).id, tokens, Date.now()) };
    },
  );
  app.delete(
    '/v1/watchlist',
    {
      config: { roles: MEMBERS },
      schema: {
        tags: ['watchlist'],
        summary: 'Stop watching tokens',
        body: S.unwatchRequest,
        response: problems,
      },
    },
    async (request) => {
      const { tokens } = request.body as { tokens: string[] };
      return { removed: await deps.store.removeWatch(me(request).id, tokens) };
    },
  );
  app.get(
    '/v1/watchlist',
    {
      config: { roles: MEMBERS },
      schema: {
        tags: ['watchlist'],
        summary: 'Your watched tokens',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { after: S.TOKEN, limit: { type: 'string', pattern: '^\\d{1,4}$' } },
        },
      },
    },
    async (request) => {
      const q = request.query as { after?: string; limit?: string };
      const limit = Math.min(5000, Math.max(1, Number(q.limit ?? '1000')));
      const tokens = await deps.store.listWatch(me(request).id, q.after, limit);
      return { tokens, next: tokens.length === limit ? tokens.at(-1)?.token : null };
    },
  );
  const cursorQuery = {
    type: 'object',
    additionalProperties: false,
    properties: {
      after: { type: 'string', pattern: '^\\d{1,15}\\.\\d{1,15}$' },
      limit: { type: 'string', pattern: '^\\d{1,4}$' },
    },
  } as const;
  app.get(
    '/v1/alerts',
    {
      config: { roles: MEMBERS },
      schema: {
        tags: ['alerts'],
        summary: 'Your alerts after a cursor',
        querystring: cursorQuery,
        response: {
          200: {
            type: 'object',
            properties: {
              alerts: { type: 'array', items: S.alertSchema },
              next: { type: 'string' },
            },
          },
        },
      },
    },
    async (request) => {
      const q = request.query as { after?: string; limit?: string };
      const after = parseCursor(q.after);
      const alerts = await deps.store.listAlerts(
        me(request).id,
        after,
        Math.min(1000, Math.max(1, Number(q.limit ?? '100'))),
      );
      const last = alerts.at(-1);
      return {
        alerts: alerts.map(alertJson),
        next: last === undefined ? (q.after ?? '0.0') : formatCursor(last),
      };
    },
  );
  app.get(
    '/v1/alerts/stream',
    {
      config: { roles: MEMBERS },
      schema: {
        tags: ['alerts'],
        summary: 'Your alerts as server-sent events (Last-Event-ID resumes)',
        querystring: cursorQuery,
      },
    },
    async (request, reply) => {
      const header = request.headers['last-event-id'];
      const cursor = parseCursor(
        typeof header === 'string' ? header : (request.query as { after?: string }).after,
      );
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      reply.raw.write(': connected\n\n');
      const unsubscribe = deps.alerts.subscribe(me(request).id, cursor, (alerts) => {
        for (const a of alerts)
          reply.raw.write(
            `id: ${formatCursor(a)}\nevent: alert\ndata: ${JSON.stringify(alertJson(a))}\n\n`,
          );
      });
      const heartbeat = setInterval(() => reply.raw.write(': heartbeat\n\n'), 15_000);
      request.raw.on('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
      });
    },
  );
  app.put(
    '/v1/webhook',
    {
      config: { roles: MEMBERS },
      schema: {
        tags: ['alerts'],
        summary: 'Where to POST your alerts',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['url'],
          properties: { url: { type: 'string', pattern: '^https?://', maxLength: 2000 } },
        },
        response: problems,
      },
    },
    async (request) => {
      const { url } = request.body as { url: string };
      const refusal = deps.webhookTargets.refusal(url);
      if (refusal !== undefined)
        throw new HttpProblem('request.invalid', `the webhook URL ${refusal}`, {
          errors: [{ field: 'url', message: refusal }],
        });
      await deps.store.setWebhook(me(request).id, url, Date.now());
      return { url };
    },
  );
  app.get(
    '/v1/webhook',
    { config: { roles: MEMBERS }, schema: { tags: ['alerts'], summary: 'Your webhook' } },
    async (request) => ({ url: (await deps.store.getWebhook(me(request).id)) ?? null }),
  );
  app.post(
    '/v1/webhook/test',
    {
      config: { roles: MEMBERS },
      schema: {
        tags: ['alerts'],
        summary:
          'Send a signed test delivery to your webhook now ({"test": true, "createdAt"}), and say how it went',
        response: {
          200: {
            type: 'object',
            required: ['url', 'delivered'],
            properties: {
              url: { type: 'string' },
              delivered: { type: 'boolean' },
              status: { type: 'integer' },
              error: { type: 'string' },
            },
          },
          ...problems,
        },
      },
    },
    async (request) => {
      const url = await deps.store.getWebhook(me(request).id);
      if (url === undefined || url === null)
        throw new HttpProblem('webhook.none', 'set one first: PUT /v1/webhook');
      if (deps.webhookTest === undefined)
        return { url, delivered: false, error: 'this process does not deliver webhooks' };
      return { url, ...(await deps.webhookTest(url)) };
    },
  );
  app.delete(
    '/v1/webhook',
    {
      config: { roles: MEMBERS },
      schema: { tags: ['alerts'], summary: 'Stop webhook deliveries' },
    },
    async (request) => ({ removed: await deps.store.deleteWebhook(me(request).id) }),
  );

  // Administration (operator).
  app.get(
    '/v1/members',
    {
      config: { roles: OPERATORS },
      schema: {
        tags: ['members'],
        summary: 'Every member',
        response: {
          200: {
            type: 'object',
            properties: { members: { type: 'array', items: S.memberSchema } },
          },
        },
      },
    },
    async () => ({
      members: (await deps.members.list()).map((m) => ({
        ...m,
        createdAt: new Date(m.createdAt).toISOString(),
      })),
    }),
  );
  app.post(
    '/v1/members',
    {
      config: { roles: OPERATORS },
      schema: {
        tags: ['members'],
        summary: 'Create a member; its credential is in the answer, once',
        body: S.newMemberRequest,
        response: {
          201: {
            type: 'object',
            properties: { member: S.memberSchema, credential: { type: 'string' } },
          },
          ...problems,
        },
      },
    },
    async (request, reply) => {
      const { member, credential } = await deps.members.add(
        request.body as {
          id: string;
          type: string;
          name?: string;
          publicKey?: string;
          shareIndex?: number;
        },
      );
      return reply.status(201).send({
        member: { ...member, createdAt: new Date(member.createdAt).toISOString() },
        credential,
      });
    },
  );
  const idParams = {
    type: 'object',
    properties: { id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' } },
  } as const;
  app.post(
    '/v1/members/:id/disable',
    {
      config: { roles: OPERATORS },
      schema: {
        tags: ['members'],
        summary: 'Disable a member',
        params: idParams,
        response: problems,
      },
    },
    async (request) => {
      await deps.members.disable((request.params as { id: string }).id);
      return { status: 'disabled' };
    },
  );
  app.post(
    '/v1/members/:id/enable',
    {
      config: { roles: OPERATORS },
      schema: {
        tags: ['members'],
        summary: 'Enable a member again',
        params: idParams,
        response: problems,
      },
    },
    async (request) => {
      await deps.members.enable((request.params as { id: string }).id);
      return { status: 'active' };
    },
  );
  app.post(
    '/v1/members/:id/rotate',
    {
      config: { roles: OPERATORS },
      schema: {
        tags: ['members'],
        summary:
          "New credential and/or signing key. A key is announced: it starts after the waiting period (the member is alerted and may object), and then the member's other keys stop",
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { credential: { type: 'boolean' }, publicKey: S.TOKEN },
        },
        response: problems,
      },
    },
    async (request) => {
      const body = request.body as { credential?: boolean; publicKey?: string };
      const rotated = await deps.members.rotate((request.params as { id: string }).id, {
        credential: body.credential === true,
        ...(body.publicKey === undefined ? {} : { publicKey: body.publicKey }),
      });
      return {
        ...rotated,
        ...(rotated.key === undefined
          ? {}
          : {
              key: {
                publicKey: rotated.key.publicKey,
                activatesAt: new Date(rotated.key.activatesAt).toISOString(),
              },
            }),
      };
    },
  );
  // A member's own keys and credential (no one else speaks in its name: issue 11).
  app.get(
    '/v1/me/keys',
    {
      config: { roles: REPORTERS },
      schema: {
        tags: ['members'],
        summary: 'Your signing keys: current, announced for you (and when they start), retired',
        response: { 200: S.signingKeysAnswer, ...problems },
      },
    },
    async (request) => {
      const now = Date.now();
      return {
        keys: (await deps.members.keys(me(request).id)).map((k) => ({
          publicKey: k.publicKey,
          createdAt: new Date(k.createdAt).toISOString(),
          activatesAt: iso(k.activatesAt),
          revokedAt: iso(k.revokedAt),
          state:
            k.revokedAt !== undefined && k.revokedAt <= now
              ? 'revoked'
              : k.activatesAt !== undefined && k.activatesAt > now
                ? 'announced'
                : k.revokedAt !== undefined
                  ? 'retiring'
                  : 'current',
        })),
      };
    },
  );
  app.post(
    '/v1/me/keys',
    {
      config: { roles: REPORTERS },
      schema: {
        tags: ['members'],
        summary:
          'Change your signing keys with a statement signed by a current key: add one (replacing the others, if it says so), revoke one, or object to one announced for you',
        body: S.keyStatementRequest,
        response: problems,
      },
    },
    async (request) => {
      const { change, at, log } = await deps.members.changeKeys(
        me(request),
        request.body as SignedKeyStatement,
      );
      return {
        event: change.event,
        publicKey: change.publicKey,
        replaces: change.replaces,
        at: new Date(at).toISOString(),
        log: await deps.log.receipt(log),
      };
    },
  );
  app.get(
    '/v1/me/records',
    {
      config: { roles: ANYONE },
      schema: {
        tags: ['log'],
        summary: `The records of the log entries in [start, end) that are in your name (at most ${MAX_ENTRIES_PAGE} entries looked at): what was done in your name, and by whom`,
        querystring: S.logEntriesQuery,
        response: {
          200: {
            type: 'object',
            required: ['start', 'records'],
            properties: {
              start: { type: 'integer' },
              records: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['index', 'record'],
                  properties: { index: { type: 'integer' }, record: {} },
                },
              },
            },
          },
          ...problems,
        },
      },
    },
    async (request) => {
      const q = request.query as { start: string; end?: string };
      const start = Number(q.start);
      return deps.log.memberRecords(
        me(request).id,
        start,
        q.end === undefined ? start + MAX_ENTRIES_PAGE : Number(q.end),
      );
    },
  );
  app.post(
    '/v1/me/credential',
    {
      config: { roles: ANYONE },
      schema: {
        tags: ['members'],
        summary:
          'A new credential for yourself, shown once; your others stop. Logged as your own doing',
        response: problems,
      },
    },
    async (request) => {
      const { credential, at, log } = await deps.members.renewCredential(me(request));
      return { credential, at: new Date(at).toISOString(), log: await deps.log.receipt(log) };
    },
  );
  app.post(
    '/v1/members/:id/share',
    {
      config: { roles: OPERATORS },
      schema: {
        tags: ['members'],
        summary:
          "Bind a key server to the share it evaluates with: it reports that share's counts only",
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['shareIndex'],
          properties: { shareIndex: S.SHARE_INDEX },
        },
        response: problems,
      },
    },
    async (request) => {
      const { shareIndex } = request.body as { shareIndex: number };
      await deps.members.bindShare((request.params as { id: string }).id, shareIndex);
      return { shareIndex };
    },
  );
  app.put(
    '/v1/policy',
    {
      config: { roles: OPERATORS },
      // An open object in the schema, checked field by field in code (parsePolicy): about
      // twenty numbers, well under a kilobyte written out.
      bodyLimit: 64 * 1024,
      schema: {
        tags: ['policy'],
        summary: 'Set a new version of the risk policy',
        body: { type: 'object' },
        response: problems,
      },
    },
    // A PolicyError is a domain refusal: the problem handler names its field.
    async (request) => ({ version: await deps.policies.set(request.body, me(request).id) }),
  );

  return app;
}
