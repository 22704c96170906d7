import { IDENTIFIER_KINDS } from '@credence/core/identifiers/kinds';
import {
  CASE_ID,
  campaignsAnswer,
  campaignsQuery,
  caseDetail,
  caseSchema,
  checkAnswer,
  checkpointQuery,
  checkpointsAnswer,
  consistencyAnswer,
  consistencyQuery,
  inclusionAnswer,
  inclusionQuery,
  legalBasis,
  logEntriesAnswer,
  logEntriesQuery,
  logTrust,
  ringsAnswer,
  ringsQuery,
  uiHealth,
  uiMembers,
  uiSession,
} from '@credence/platform/http/schemas';
import { SIGN_IN_BODY, SIGNED_IN } from '@credence/server-kit/web-session';

/**
 * The dashboard's API, as one table: every route the app calls at a member's agent
 * (`/api/…`) or at the platform (`/ui/api/…`, the same paths under `/ui`), with the JSON
 * Schemas of what it takes and answers. The agent registers its routes from this table
 * (so a route answers by its schema, and nothing undeclared leaves), serves it as an
 * OpenAPI 3.1 document at `GET /openapi.json`, and the app's types are derived from it
 * (api-types.ts, json-schema-to-ts). The platform's routes take the same schemas from
 * its own schema modules, which this table names, and appear in its /v1/openapi.json.
 */

const RING_ID = { type: 'string', pattern: '^ring-[0-9a-f]{16}$' } as const;
const ringParams = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: RING_ID },
} as const;
const caseParams = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: CASE_ID },
} as const;
const COUNTS = { type: 'object', additionalProperties: { type: 'integer' } } as const;
const WEEKLY = {
  type: 'object',
  additionalProperties: { type: 'integer' },
  description: 'counts by the week (its Monday, YYYY-MM-DD) they fall in',
} as const;
const STATUS = { enum: ['requested', 'granted', 'denied'] } as const;
const NULLABLE_STRING = { type: ['string', 'null'] } as const;

/** A person's identifier to check, as typed (tokenized at the agent, never sent on). */
export const checkBody = {
  type: 'object',
  required: ['kind', 'value'],
  additionalProperties: false,
  properties: {
    kind: { enum: IDENTIFIER_KINDS },
    value: { type: 'string', minLength: 1, maxLength: 2048 },
  },
} as const;

export const checksAnswer = {
  type: 'object',
  required: ['checks'],
  additionalProperties: false,
  properties: {
    checks: {
      type: 'array',
      items: {
        type: 'object',
        required: ['identifier', 'answer'],
        additionalProperties: false,
        properties: {
          identifier: {
            type: 'object',
            required: ['kind', 'value'],
            additionalProperties: false,
            description: 'as normalized at the agent (shown to its person only)',
            properties: { kind: { type: 'string' }, value: { type: 'string' } },
          },
          answer: checkAnswer,
        },
      },
    },
  },
} as const;

/** The member's overview: its own numbers, each with its weeks. */
export const overviewAnswer = {
  type: 'object',
  required: ['reports', 'checks', 'alerts', 'rings'],
  additionalProperties: false,
  properties: {
    reports: {
      type: 'object',
      required: ['total', 'retracted', 'weekly', 'categories', 'capped'],
      additionalProperties: false,
      properties: {
        total: { type: 'integer' },
        retracted: { type: 'integer' },
        weekly: WEEKLY,
        categories: COUNTS,
        capped: { type: 'boolean', description: 'more reports than the overview reads' },
      },
    },
    checks: {
      type: 'object',
      required: ['total', 'byVerdict', 'weekly'],
      additionalProperties: false,
      description: 'checks made from this dashboard: counts only, no identifier',
      properties: { total: { type: 'integer' }, byVerdict: COUNTS, weekly: WEEKLY },
    },
    alerts: {
      type: 'object',
      required: ['total', 'watchedCustomers', 'weekly', 'bySource', 'capped'],
      additionalProperties: false,
      properties: {
        total: { type: 'integer' },
        watchedCustomers: { type: 'integer' },
        weekly: WEEKLY,
        bySource: COUNTS,
        capped: { type: 'boolean' },
      },
    },
    rings: {
      type: 'object',
      required: ['analysis', 'total', 'looked', 'touching'],
      additionalProperties: false,
      properties: {
        analysis: { type: ['integer', 'null'] },
        total: { type: 'integer' },
        looked: { type: 'integer', description: 'the strongest rings looked at' },
        touching: {
          type: 'array',
          items: {
            type: 'object',
            required: ['id', 'score', 'size', 'yours'],
            additionalProperties: false,
            properties: {
              id: { type: 'string' },
              score: { type: 'number' },
              size: { type: 'integer' },
              yours: { type: 'integer', description: "the ring's tokens the member knows" },
            },
          },
        },
      },
    },
  },
} as const;

/** A node of the ring explorer: a token, named in the member's words where it knows it. */
export const ringNode = {
  type: 'object',
  required: ['index', 'token', 'kind', 'risk', 'reported'],
  additionalProperties: false,
  properties: {
    index: { type: 'integer' },
    token: { type: 'string' },
    kind: { type: 'string' },
    risk: { type: 'number' },
    score: { type: 'number' },
    reported: { type: 'boolean' },
    former: { type: 'boolean' },
    yours: {
      type: 'object',
      required: ['kind', 'value', 'watched'],
      additionalProperties: false,
      description: "the member's own identifier for the token (resolved at its agent)",
      properties: {
        kind: { type: 'string' },
        value: { type: 'string' },
        watched: { type: 'boolean' },
      },
    },
    via: { type: 'string', description: 'not reported: the link type its risk came over' },
    from: { type: 'integer', description: 'not reported: the node its risk came from' },
  },
} as const;

/** A ring for the explorer. */
export const ringGraph = {
  type: 'object',
  required: ['id', 'score', 'size', 'categories', 'explanation', 'nodes', 'edges'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    score: { type: 'number' },
    size: { type: 'integer' },
    categories: { type: 'array', items: { type: 'string' } },
    explanation: { type: 'string' },
    nodes: { type: 'array', items: ringNode },
    edges: {
      type: 'array',
      items: {
        type: 'object',
        required: ['from', 'to', 'type', 'count'],
        additionalProperties: false,
        properties: {
          from: { type: 'integer' },
          to: { type: 'integer' },
          type: { type: 'string' },
          count: { type: 'integer' },
        },
      },
    },
  },
} as const;

/** A disclosure request of a police member's case. */
export const caseDisclosure = {
  type: 'object',
  required: ['id', 'owner', 'report', 'status', 'requestedAt', 'decidedAt', 'reason'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    owner: { type: 'string' },
    report: { type: 'string' },
    status: STATUS,
    requestedAt: { type: 'string' },
    decidedAt: NULLABLE_STRING,
    reason: NULLABLE_STRING,
  },
} as const;

/** A granted detail, opened at the police member's agent with its investigator's key. */
export const openedRow = {
  type: 'object',
  required: ['disclosure', 'owner', 'report', 'narrative', 'lossCny', 'files'],
  additionalProperties: false,
  properties: {
    disclosure: { type: 'string' },
    owner: { type: 'string' },
    report: { type: 'string' },
    narrative: NULLABLE_STRING,
    lossCny: { type: ['number', 'null'] },
    files: {
      type: 'array',
      items: { type: 'string' },
      description: "the evidence files' names (credence case details --files fetches them)",
    },
  },
} as const;

/** A disclosure request for one of the member's reports, with the member's own ref. */
export const disclosureRow = {
  type: 'object',
  required: [
    'id',
    'status',
    'case',
    'police',
    'report',
    'ref',
    'basis',
    'requestedAt',
    'decidedAt',
    'reason',
  ],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    status: STATUS,
    case: { type: 'string' },
    police: { type: 'string' },
    report: { type: 'string' },
    ref: { ...NULLABLE_STRING, description: "the member's own ref of the report (local)" },
    basis: legalBasis,
    requestedAt: { type: 'string' },
    decidedAt: NULLABLE_STRING,
    reason: NULLABLE_STRING,
  },
} as const;

const DISCLOSURE_ID = { type: 'string', minLength: 1, maxLength: 100 } as const;

/** A route of the table: what it takes (params, query, body) and what it answers. */
interface RouteSpec {
  readonly summary: string;
  /** Who may call it at an agent (both when absent); the platform's are its staff's. */
  readonly role?: 'member' | 'police';
  readonly params?: object;
  readonly querystring?: object;
  readonly body?: object;
  /** The JSON answer (200); absent for a download, which `produces` names. */
  readonly response?: object;
  readonly produces?: string;
}

/** The routes of a member's or police agent (packages/dashboard/src/agent-*.ts). */
export const AGENT_API = {
  'POST /api/login': {
    summary: 'Signs a person in with a one-time link; sets the session cookie',
    body: SIGN_IN_BODY,
    response: SIGNED_IN,
  },
  'POST /api/logout': { summary: 'Ends the session', response: SIGNED_IN },
  'GET /api/session': { summary: 'Who is signed in, and where', response: uiSession },
  'POST /api/check': {
    summary: 'A risk check of an identifier as a person typed it, tokenized here',
    body: checkBody,
    response: checksAnswer,
  },
  'GET /api/overview': { summary: "The member's own numbers", response: overviewAnswer },
  'GET /api/rings': {
    summary: 'Rings of the latest analysis, strongest first (the platform’s answer)',
    querystring: ringsQuery,
    response: ringsAnswer,
  },
  'GET /api/rings/{id}': {
    summary: "A ring for the explorer, the member's own tokens named",
    params: ringParams,
    response: ringGraph,
  },
  'GET /api/rings/{id}/graphml': {
    summary: "A ring as GraphML, the member's own tokens named",
    params: ringParams,
    produces: 'application/graphml+xml',
  },
  'GET /api/campaigns': {
    summary: 'Campaigns of the latest analysis (the platform’s answer)',
    querystring: campaignsQuery,
    response: campaignsAnswer,
  },
  'GET /api/cases': {
    summary: "The police member's cases",
    role: 'police',
    response: {
      type: 'object',
      required: ['cases'],
      additionalProperties: false,
      properties: { cases: { type: 'array', items: caseSchema } },
    },
  },
  'GET /api/cases/{id}': {
    summary: 'A case, what is attached, and its disclosure requests',
    role: 'police',
    params: caseParams,
    response: {
      type: 'object',
      required: ['case', 'disclosures'],
      additionalProperties: false,
      properties: { case: caseDetail, disclosures: { type: 'array', items: caseDisclosure } },
    },
  },
  'GET /api/cases/{id}/details': {
    summary: "A case's granted details, opened here with the investigator's key",
    role: 'police',
    params: caseParams,
    response: {
      type: 'object',
      required: ['details'],
      additionalProperties: false,
      properties: { details: { type: 'array', items: openedRow } },
    },
  },
  'GET /api/cases/{id}/evidence': {
    summary: "A case's evidence package (a download)",
    role: 'police',
    params: caseParams,
    produces: 'application/json',
  },
  'GET /api/disclosures': {
    summary: "Disclosure requests for the member's reports",
    role: 'member',
    querystring: {
      type: 'object',
      additionalProperties: false,
      properties: { status: STATUS },
    },
    response: {
      type: 'object',
      required: ['disclosures'],
      additionalProperties: false,
      properties: { disclosures: { type: 'array', items: disclosureRow } },
    },
  },
  'POST /api/disclosures/decisions': {
    summary: 'Approves (re-sealed here) or denies disclosure requests',
    role: 'member',
    body: {
      type: 'object',
      additionalProperties: false,
      properties: {
        approve: { type: 'array', maxItems: 1000, items: DISCLOSURE_ID },
        deny: { type: 'array', maxItems: 1000, items: DISCLOSURE_ID },
        reason: { type: 'string', minLength: 1, maxLength: 500 },
      },
    },
    response: {
      type: 'object',
      required: ['results'],
      additionalProperties: false,
      properties: {
        results: {
          type: 'array',
          items: {
            type: 'object',
            required: ['id', 'status'],
            additionalProperties: false,
            properties: {
              id: { type: 'string' },
              status: { enum: ['granted', 'denied', 'refused'] },
              code: { type: 'string', description: 'why it was refused' },
            },
          },
        },
      },
    },
  },
  'GET /api/log/trust': { summary: 'The keys to verify the log with', response: logTrust },
  'GET /api/log/checkpoint': {
    summary: "The platform's checkpoint with the cosignatures asked for",
    querystring: checkpointQuery,
    produces: 'text/plain',
  },
  'GET /api/log/checkpoints': {
    summary: 'Checkpoints from a tree size on',
    querystring: {
      type: 'object',
      required: ['from'],
      additionalProperties: false,
      properties: { from: logEntriesQuery.properties.start },
    },
    response: checkpointsAnswer,
  },
  'GET /api/log/entries': {
    summary: 'Log entries',
    querystring: logEntriesQuery,
    response: logEntriesAnswer,
  },
  'GET /api/log/proof/inclusion': {
    summary: 'An RFC 9162 inclusion proof',
    querystring: inclusionQuery,
    response: inclusionAnswer,
  },
  'GET /api/log/proof/consistency': {
    summary: 'An RFC 9162 consistency proof',
    querystring: consistencyQuery,
    response: consistencyAnswer,
  },
} as const satisfies Readonly<Record<string, RouteSpec>>;

/** The routes only the platform's dashboard has (/ui/api/…, packages/platform/src/http/ui.ts). */
export const PLATFORM_UI_API = {
  'GET /api/members': {
    summary: 'The members and the key servers’ evaluations per day',
    response: uiMembers,
  },
  'GET /api/health': { summary: 'Health and the main metrics', response: uiHealth },
} as const satisfies Readonly<Record<string, RouteSpec>>;

export type AgentRoute = keyof typeof AGENT_API;

/** `GET /api/rings/{id}` → Fastify's `/api/rings/:id`. */
export const fastifyPath = (route: string) =>
  (route.split(' ')[1] as string).replace(/\{([a-z]+)\}/g, ':$1');

/** The agent's routes as an OpenAPI 3.1 document (`GET /openapi.json` at the agent). */
export function agentOpenApi(): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const [route, spec] of Object.entries(AGENT_API) as [string, RouteSpec][]) {
    const [method, path] = route.split(' ') as [string, string];
    const parameters = [
      ...Object.entries(
        (spec.params as { properties?: Record<string, object> } | undefined)?.properties ?? {},
      ).map(([name, schema]) => ({ name, in: 'path', required: true, schema })),
      ...Object.entries(
        (spec.querystring as { properties?: Record<string, object> } | undefined)?.properties ?? {},
      ).map(([name, schema]) => ({
        name,
        in: 'query',
        required: ((spec.querystring as { required?: readonly string[] }).required ?? []).includes(
          name,
        ),
        schema,
      })),
    ];
    const content =
      spec.response !== undefined
        ? { 'application/json': { schema: spec.response } }
        : { [spec.produces ?? 'application/octet-stream']: { schema: { type: 'string' } } };
    const operations = paths[path] ?? {};
    paths[path] = operations;
    operations[method.toLowerCase()] = {
      summary: spec.summary,
      ...(spec.role === undefined ? {} : { description: `a ${spec.role} agent's only` }),
      ...(parameters.length === 0 ? {} : { parameters }),
      ...(spec.body === undefined
        ? {}
        : {
            requestBody: { required: true, content: { 'application/json': { schema: spec.body } } },
          }),
      responses: {
        200: { description: 'the answer', content },
        default: {
          description: 'an RFC 9457 problem document naming the field',
          content: { 'application/problem+json': { schema: { type: 'object' } } },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: "Credence member agent's dashboard API",
      version: '1',
      description:
        "What a member's (or police member's) agent serves its dashboard, inside the member's network; sessions by cookie, changes with the x-credence-csrf header.",
    },
    paths,
  };
}
