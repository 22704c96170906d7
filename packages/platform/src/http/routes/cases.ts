import type { CaseRecord, Disclosure, Role } from '../../domain/types.js';
import * as S from '../schemas.js';
import type { RouteApp, RoutePlugin } from '../type-provider.js';
import {
  eventStream,
  me,
  type PlatformDeps,
  POLICE,
  pageLimit,
  problems,
  REPORTERS,
  reportJson,
  streamEvents,
} from './kit.js';

/** Who sees cases: the police (its own) and auditors (every case's counts and basis). */
const CASE_READERS: readonly Role[] = ['police', 'auditor', 'operator'];

const caseParams = {
  type: 'object',
  required: ['id'],
  properties: { id: S.CASE_ID },
} as const;
const disclosureParams = {
  type: 'object',
  required: ['id'],
  properties: { id: S.DISCLOSURE_ID },
} as const;

function caseJson(c: CaseRecord, status: 'open' | 'closed' | 'expired') {
  return {
    id: c.id,
    police: c.police,
    basis: c.basis,
    recipient: c.recipient,
    status,
    expiresAt: new Date(c.expiresAt).toISOString(),
    createdAt: new Date(c.createdAt).toISOString(),
    ...(c.closedAt === undefined ? {} : { closedAt: new Date(c.closedAt).toISOString() }),
    items: c.items,
    reports: c.reports,
  };
}

/**
 * A disclosure as one party sees it: the owner always with its report as stored; the
 * police member with the report, its sealed detail and the grant once granted.
 */
function disclosureJson(d: Disclosure, as: 'owner' | 'police') {
  const record = d.reportRecord;
  const show = record !== undefined && (as === 'owner' || d.status === 'granted');
  return {
    id: String(d.id),
    case: d.case,
    police: d.police,
    owner: d.owner,
    report: d.report,
    status: d.status,
    basis: d.basis,
    recipient: d.recipient,
    requestedAt: new Date(d.requestedAt).toISOString(),
    ...(d.decidedAt === undefined ? {} : { decidedAt: new Date(d.decidedAt).toISOString() }),
    ...(d.reason === undefined ? {} : { reason: d.reason }),
    ...(d.fetchedAt === undefined ? {} : { fetchedAt: new Date(d.fetchedAt).toISOString() }),
    ...(show ? { record: reportJson(record) } : {}),
    ...(as === 'police' && d.grant !== undefined ? { grant: d.grant } : {}),
  };
}

/** Police cases and disclosures (SPEC §6; docs/cases.md). */
export function caseRoutes(deps: PlatformDeps): RoutePlugin {
  return async (app) => {
    cases(app, deps);
    disclosures(app, deps);
    disclosureStream(app, deps);
  };
}

function cases(app: RouteApp, deps: PlatformDeps): void {
  app.post(
    '/v1/cases',
    {
      config: { roles: POLICE },
      schema: {
        tags: ['cases'],
        summary: 'Open a case with its legal basis and the investigator’s sealing key',
        body: S.openCaseRequest,
        response: { 201: S.caseSchema, ...problems },
      },
    },
    async (request, reply) => {
      const c = await deps.cases.open(me(request), request.body.basis, request.body.recipient);
      return reply.code(201).send(caseJson(c, deps.cases.status(c)));
    },
  );
  app.get(
    '/v1/cases',
    {
      config: { roles: CASE_READERS },
      schema: {
        tags: ['cases'],
        summary: 'Your cases (police); every case (auditors)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { after: S.CASE_ID, limit: { type: 'string', pattern: '^\\d{1,4}$' } },
        },
        response: { 200: S.casesPage, ...problems },
      },
    },
    async (request) => {
      const limit = pageLimit(request.query.limit, 100);
      const page = await deps.cases.list(me(request), request.query.after, limit);
      return {
        cases: page.map((c) => caseJson(c, deps.cases.status(c))),
        next: page.length === limit ? (page.at(-1)?.id ?? null) : null,
      };
    },
  );
  app.get(
    '/v1/cases/:id',
    {
      config: { roles: CASE_READERS },
      schema: {
        tags: ['cases'],
        summary: 'A case and what is attached to it',
        params: caseParams,
        response: { 200: S.caseDetail, ...problems },
      },
    },
    async (request) => {
      const { case: c, items } = await deps.cases.get(me(request), request.params.id);
      return {
        ...caseJson(c, deps.cases.status(c)),
        attached: items.map((i) => ({
          kind: i.kind,
          id: i.item,
          reports: i.reports,
          attachedAt: new Date(i.attachedAt).toISOString(),
        })),
      };
    },
  );
  app.post(
    '/v1/cases/:id/items',
    {
      config: { roles: POLICE },
      schema: {
        tags: ['cases'],
        summary: 'Attach rings, campaigns, reports and tokens, with the reports they bring in',
        params: caseParams,
        body: S.attachRequest,
        response: { 200: S.attachAnswer, ...problems },
      },
    },
    async (request) => deps.cases.attach(me(request), request.params.id, request.body.items),
  );
  app.get(
    '/v1/cases/:id/items',
    {
      config: { roles: POLICE },
      schema: {
        tags: ['cases'],
        summary: 'The reports in a case, with the item that brought each in',
        params: caseParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            after: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}/r_[0-9a-f]{24}$' },
            limit: { type: 'string', pattern: '^\\d{1,4}$' },
          },
        },
        response: { 200: S.caseReportsPage, ...problems },
      },
    },
    async (request) => {
      await deps.cases.get(me(request), request.params.id);
      const limit = pageLimit(request.query.limit, 1000);
      const [member, report] = (request.query.after ?? '').split('/');
      const after = member === undefined || report === undefined ? undefined : { member, report };
      const page = await deps.store.caseReports(request.params.id, after, limit);
      const last = page.at(-1);
      return {
        reports: page.map((r) => ({ ...r, attachedAt: new Date(r.attachedAt).toISOString() })),
        next: page.length === limit && last !== undefined ? `${last.member}/${last.report}` : null,
      };
    },
  );
  app.get(
    '/v1/cases/:id/evidence',
    {
      config: { roles: POLICE },
      schema: {
        tags: ['cases'],
        summary:
          'The case’s evidence package: every entry of it with its inclusion proof and record, the checkpoint with its cosignatures, the grants (a logged export)',
        params: caseParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { cosignatures: { type: 'string', pattern: '^\\d{1,2}$' } },
        },
        response: { 200: S.evidencePackage, ...problems },
      },
    },
    async (request) =>
      deps.evidence.export(
        me(request),
        request.params.id,
        Number(request.query.cosignatures ?? '0'),
      ),
  );
  app.post(
    '/v1/cases/:id/close',
    {
      config: { roles: POLICE },
      schema: {
        tags: ['cases'],
        summary: 'Close a case: nothing more is attached, asked or fetched in it',
        params: caseParams,
        response: { 200: S.caseSchema, ...problems },
      },
    },
    async (request) => {
      const c = await deps.cases.close(me(request), request.params.id);
      return caseJson(c, deps.cases.status(c));
    },
  );
}

function disclosures(app: RouteApp, deps: PlatformDeps): void {
  app.post(
    '/v1/disclosures',
    {
      // Members may call it so that a member that is not police is refused in the log.
      config: { roles: REPORTERS },
      schema: {
        tags: ['disclosures'],
        summary: 'Ask the owners to disclose reports of a case (every report when none named)',
        body: S.disclosureRequest,
        response: { 200: S.disclosureRequested, ...problems },
      },
    },
    async (request) => {
      const result = await deps.cases.request(me(request), request.body.case, request.body.reports);
      if (result.created > 0) deps.onChange?.();
      return {
        created: result.created,
        disclosures: result.disclosures.map((d) => disclosureJson(d, 'police')),
      };
    },
  );
  app.get(
    '/v1/disclosures',
    {
      config: { roles: REPORTERS },
      schema: {
        tags: ['disclosures'],
        summary:
          'Requests for your reports (view=owner, a member’s default) or the ones you asked (view=police, a police member’s default)',
        querystring: S.disclosuresQuery,
        response: { 200: S.disclosuresPage, ...problems },
      },
    },
    async (request) => {
      const member = me(request);
      const q = request.query;
      const view = q.view ?? (member.type === 'police' ? 'police' : 'owner');
      const limit = pageLimit(q.limit, 100);
      const page = await deps.cases.disclosures(
        member,
        view,
        {
          ...(q.status === undefined ? {} : { status: q.status }),
          ...(q.case === undefined ? {} : { case: q.case }),
        },
        Number(q.after ?? '0'),
        limit,
      );
      return {
        disclosures: page.map((d) => disclosureJson(d, view)),
        next: String(page.at(-1)?.id ?? q.after ?? '0'),
      };
    },
  );
  app.get(
    '/v1/disclosures/:id',
    {
      config: { roles: REPORTERS },
      schema: {
        tags: ['disclosures'],
        summary:
          'A request: its owner sees its report; the police member, once granted, the sealed detail and the grant (a logged fetch)',
        params: disclosureParams,
        response: { 200: S.disclosureSchema, ...problems },
      },
    },
    async (request) => {
      const member = me(request);
      const id = Number(request.params.id);
      const d = await deps.cases.disclosure(member, id);
      if (d.owner === member.id) return disclosureJson(d, 'owner');
      return disclosureJson(
        d.status === 'granted' ? await deps.cases.details(member, id) : d,
        'police',
      );
    },
  );
  app.post(
    '/v1/disclosures/decisions',
    {
      config: { roles: REPORTERS },
      schema: {
        tags: ['disclosures'],
        summary:
          'Grant and deny requests for your reports in one go (what an agent sends): each its outcome or the code it was refused with',
        body: S.decisionsRequest,
        response: { 200: S.decisionsAnswer, ...problems },
      },
    },
    async (request) => ({
      results: (
        await deps.cases.decideMany(
          me(request),
          request.body.decisions.map((d) => ({
            id: Number(d.id),
            decision:
              'grant' in d ? { grant: d.grant, recipient: d.recipient } : { deny: d.reason },
          })),
        )
      ).map((r) =>
        r.code === undefined
          ? { id: String(r.id), status: r.status }
          : { id: String(r.id), status: 'refused' as const, code: r.code },
      ),
    }),
  );
  app.post(
    '/v1/disclosures/:id/grant',
    {
      config: { roles: REPORTERS },
      schema: {
        tags: ['disclosures'],
        summary: "Grant a request for your report: its data key sealed to the case's recipient",
        params: disclosureParams,
        body: S.grantRequest,
        response: { 200: S.disclosureSchema, ...problems },
      },
    },
    async (request) =>
      disclosureJson(
        await deps.cases.decide(me(request), Number(request.params.id), request.body),
        'owner',
      ),
  );
  app.post(
    '/v1/disclosures/:id/deny',
    {
      config: { roles: REPORTERS },
      schema: {
        tags: ['disclosures'],
        summary: 'Deny a request for your report, saying why',
        params: disclosureParams,
        body: S.denyRequest,
        response: { 200: S.disclosureSchema, ...problems },
      },
    },
    async (request) =>
      disclosureJson(
        await deps.cases.decide(me(request), Number(request.params.id), {
          deny: request.body.reason,
        }),
        'owner',
      ),
  );
}

/** Requests for the member's reports that wait for a decision, as server-sent events. */
function disclosureStream(app: RouteApp, deps: PlatformDeps): void {
  app.get(
    '/v1/disclosures/stream',
    {
      config: { roles: REPORTERS },
      schema: {
        tags: ['disclosures'],
        summary:
          'Requests for your reports that wait for a decision, as server-sent events, oldest first (Last-Event-ID resumes after an id)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { after: { type: 'string', pattern: '^\\d{1,15}$' } },
        },
        response: eventStream,
      },
    },
    async (request, reply) => {
      const header = request.headers['last-event-id'];
      const from =
        typeof header === 'string' && /^\d{1,15}$/.test(header) ? header : request.query.after;
      streamEvents(request, reply, (write) =>
        deps.disclosureFeed.subscribe(
          me(request).id,
          from === undefined ? undefined : Number(from),
          (page) => {
            for (const d of page) write(String(d.id), 'disclosure', disclosureJson(d, 'owner'));
          },
        ),
      );
    },
  );
}
