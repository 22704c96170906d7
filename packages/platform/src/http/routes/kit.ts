import type { TlsMaterial } from '@credence/server-kit/tls';
import type { FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import type { Registry } from 'prom-client';
import type { Disclosure, Member, Role, StoredReport } from '../../domain/types.js';
import type { AlertHub, MemberFeed } from '../../services/alerts.js';
import type { AnalysisService } from '../../services/analysis.js';
import type { AppealService } from '../../services/appeals.js';
import type { CaseEvidence } from '../../services/case-evidence.js';
import type { CaseService } from '../../services/cases.js';
import type { CheckLedger } from '../../services/check-ledger.js';
import type { CheckAnswer, CheckService } from '../../services/check-service.js';
import type { CheckView } from '../../services/check-view.js';
import type { CredentialCache } from '../../services/credentials.js';
import type { EvidenceFiles } from '../../services/evidence-files.js';
import type { ExposureService } from '../../services/exposures.js';
import type { FilterService } from '../../services/filters.js';
import type { BatchResult, IngestionService } from '../../services/ingestion.js';
import type { LogService, Receipt } from '../../services/log-service.js';
import type { MemberService } from '../../services/members.js';
import type { CheckIds, OutcomeService } from '../../services/outcomes.js';
import type { PolicyService } from '../../services/policy-service.js';
import type { TaxiiService } from '../../services/taxii.js';
import type { WebhookTargets } from '../../services/webhook-targets.js';
import type { Store } from '../../storage/store.js';
import type { PlatformMetrics } from '../metrics.js';
import type { RequestLimiter } from '../request-limits.js';
import * as S from '../schemas.js';
import type { PlatformUi } from '../ui.js';

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
  readonly cases: CaseService;
  readonly outcomes: OutcomeService;
  readonly appeals: AppealService;
  readonly exposures: ExposureService;
  /** Compact filters of flagged tokens (docs/filters.md). */
  readonly filters: FilterService;
  /** The TAXII 2.1 collections (docs/interop.md). */
  readonly taxii: TaxiiService;
  /** The ids answers carry, for outcomes to name the check they followed. */
  readonly checkIds: CheckIds;
  readonly evidence: CaseEvidence;
  /** Reports' sealed evidence files. */
  readonly files: EvidenceFiles;
  /** Requests that wait for an owner's decision, for its agent's stream. */
  readonly disclosureFeed: MemberFeed<Disclosure, number>;
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
  /** The platform's Ed25519 public key as Standard Webhooks writes it (`whpk_…`). */
  readonly webhookPublicKey: string;
  /** The HMAC secret of a registration of a member's webhook (services/webhooks.ts). */
  readonly webhookSecret: (memberId: string, nonce: string) => string;
  /** A test delivery to a member's webhook, now (WebhookDispatcher.test). */
  readonly webhookTest?: (
    memberId: string,
    hook: { readonly url: string; readonly secretNonce: string },
  ) => Promise<{ delivered: boolean; status?: number; error?: string }>;
  readonly logger?: FastifyServerOptions['logger'];
  /** Serve HTTPS with this certificate and key (default: plain HTTP, for a proxy in front). */
  readonly tls?: TlsMaterial;
  /** Called after a write moved the change sequence (wakes alert streams here). */
  readonly onChange?: () => void;
  /** Serve the dashboard's operator and auditor views under /ui/ (docs/dashboard.md). */
  readonly ui?: PlatformUi;
}

export const MEMBERS: readonly Role[] = ['member'];
/** Who may report (and read, retract and sign their own reports): members and the police. */
export const REPORTERS: readonly Role[] = ['member', 'police'];
export const CHECKERS: readonly Role[] = ['member', 'police'];
export const OPERATORS: readonly Role[] = ['operator'];
export const ANYONE: readonly Role[] = ['member', 'police', 'auditor', 'operator'];
export const AUDITORS: readonly Role[] = ['auditor', 'operator'];
export const POLICE: readonly Role[] = ['police'];
export const KEY_SERVERS: readonly Role[] = ['keyserver'];

export function iso(ms: number): string;
export function iso(ms: number | undefined): string | null;
export function iso(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}

export function me(request: FastifyRequest): Member {
  if (request.member === undefined) throw new Error('route without roles reads the member');
  return request.member;
}

/** An answer as the API gives it, with the check id only the member asking can use. */
export function checkJson(a: CheckAnswer, checkId: string) {
  const { kind, ...rest } = a;
  return {
    ...rest,
    ...(kind === undefined ? {} : { kind }),
    checkId,
    firstSeen: iso(a.firstSeen),
    lastSeen: iso(a.lastSeen),
    basis: { ...a.basis, checkedAt: iso(a.basis.checkedAt) },
  };
}

export function reportJson(r: StoredReport) {
  return {
    id: r.id,
    ref: r.ref,
    type: r.type,
    category: r.category,
    occurredAt: new Date(r.occurredAt).toISOString(),
    ...(r.loss === undefined ? {} : { loss: r.loss }),
    ...(r.region === undefined ? {} : { region: r.region }),
    entities: r.entities,
    createdAt: new Date(r.createdAt).toISOString(),
    ...(r.sealed === undefined ? {} : { sealed: r.sealed }),
    ...(r.retractedAt === undefined
      ? {}
      : {
          retractedAt: new Date(r.retractedAt).toISOString(),
          ...(r.retractReason === undefined ? {} : { retractReason: r.retractReason }),
        }),
  };
}

export function batchJson(result: BatchResult, receipt: Receipt | null, refs?: readonly string[]) {
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
      ...(o.status === 'conflict' ? { code: 'item.conflict' as const } : {}),
    })),
  };
}

export const problems = {
  400: S.problemSchema,
  401: S.problemSchema,
  403: S.problemSchema,
  404: S.problemSchema,
  409: S.problemSchema,
} as const;

/** The answer of a route that streams server-sent events (the alerts, the disclosures). */
export const eventStream = {
  200: {
    description: 'server-sent events, each with an id to resume after; a comment every 15 s',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  },
} as const;

/** A page's size from a `limit` query (validated digits or absent): at least 1, at most `max`. */
export const pageLimit = (limit: string | undefined, fallback: number, max = 1000): number =>
  Math.min(max, Math.max(1, Number(limit ?? String(fallback))));

export const cursorQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    after: { type: 'string', pattern: '^\\d{1,15}\\.\\d{1,15}$' },
    limit: { type: 'string', pattern: '^\\d{1,4}$' },
  },
} as const;
export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' } },
} as const;

/**
 * Answers a request with server-sent events: `subscribe` is handed the writer of one
 * event and returns its unsubscribe, called when the client goes. A comment every 15 s
 * keeps proxies from closing an idle stream.
 */
export function streamEvents(
  request: FastifyRequest,
  reply: FastifyReply,
  subscribe: (write: (id: string, event: string, data: unknown) => void) => () => void,
): void {
  reply.hijack();
  reply.raw.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  reply.raw.write(': connected\n\n');
  const unsubscribe = subscribe((id, event, data) =>
    reply.raw.write(`id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
  );
  const heartbeat = setInterval(() => reply.raw.write(': heartbeat\n\n'), 15_000);
  request.raw.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
  });
}
