import { outcomeSummary } from './outcomes.js';
import { statsAnswer, statsRelease } from './statistics.js';

/**
 * The dashboards' answers that are not the API's own (ui.ts at the platform, and the
 * member's agent, packages/dashboard/src/api-schemas.ts): the app's types are derived
 * from these schemas, and the servers write their answers by them.
 */

const COUNTS = { type: 'object', additionalProperties: { type: 'integer' } } as const;

/** Who is signed in, and where (GET /api/session at an agent, /ui/api/session here). */
export const uiSession = {
  type: 'object',
  required: ['member', 'role', 'language', 'csrf', 'expiresAt'],
  additionalProperties: false,
  properties: {
    member: {
      type: 'object',
      required: ['id', 'name', 'type'],
      additionalProperties: false,
      properties: { id: { type: 'string' }, name: { type: 'string' }, type: { type: 'string' } },
    },
    role: {
      enum: ['member', 'police', 'operator', 'auditor'],
      description: "a member's or police agent's person; the operator's staff or an auditor",
    },
    language: { enum: ['en', 'zh-CN'] },
    csrf: { type: 'string', description: 'sent back in x-credence-csrf with every change' },
    expiresAt: { type: 'string' },
  },
} as const;

/** The keys the browser verifies the log with, and where they come from. */
export const logTrust = {
  type: 'object',
  required: ['logKey', 'source', 'witnesses', 'requiredWitnesses'],
  additionalProperties: false,
  properties: {
    logKey: { type: 'string', description: 'the log key (C2SP signed-note verifier key)' },
    source: {
      enum: ['configuration', 'platform'],
      description: "the member's own configuration, or only the platform's word",
    },
    witnesses: { type: 'array', items: { type: 'string' } },
    requiredWitnesses: { type: 'integer', minimum: 0 },
  },
} as const;

/** The members and the key servers' evaluations per day (GET /ui/api/members). */
export const uiMembers = {
  type: 'object',
  required: ['members', 'evaluations'],
  additionalProperties: false,
  properties: {
    members: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'name', 'type', 'status', 'createdAt'],
        additionalProperties: false,
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          type: { type: 'string' },
          status: { enum: ['active', 'disabled'] },
          createdAt: { type: 'string' },
          shareIndex: { type: 'integer', description: "a key server's share" },
        },
      },
    },
    evaluations: {
      type: 'array',
      items: {
        type: 'object',
        required: ['reporter', 'shareIndex', 'day', 'evaluations'],
        additionalProperties: false,
        properties: {
          reporter: { type: 'string' },
          shareIndex: { type: 'integer' },
          day: { type: 'string' },
          evaluations: { type: 'integer' },
        },
      },
    },
  },
} as const;

/** Health and the main metrics (GET /ui/api/health). */
export const uiHealth = {
  type: 'object',
  required: [
    'store',
    'log',
    'flaggedTokens',
    'analysis',
    'policy',
    'outcomes',
    'requests',
    'checks',
    'ingested',
    'backgroundFailures',
    'process',
    'statistics',
  ],
  additionalProperties: false,
  properties: {
    store: { enum: ['sqlite', 'postgres'] },
    log: {
      type: 'object',
      required: ['size', 'checkpointAt', 'cosignatures'],
      additionalProperties: false,
      properties: {
        size: { type: 'integer' },
        checkpointAt: { type: 'string' },
        cosignatures: { type: 'integer' },
      },
    },
    flaggedTokens: { type: 'integer' },
    analysis: {
      anyOf: [
        {
          type: 'object',
          required: ['id', 'createdAt'],
          additionalProperties: false,
          properties: { id: { type: 'integer' }, createdAt: { type: 'string' } },
        },
        { type: 'null' },
      ],
    },
    policy: {
      type: 'object',
      required: ['version', 'versions'],
      additionalProperties: false,
      properties: {
        version: { type: 'integer' },
        versions: {
          type: 'array',
          items: {
            type: 'object',
            required: ['version', 'createdAt', 'createdBy'],
            additionalProperties: false,
            properties: {
              version: { type: 'integer' },
              createdAt: { type: 'integer', description: 'ms since the epoch' },
              createdBy: { type: 'string' },
            },
          },
        },
      },
    },
    outcomes: outcomeSummary,
    requests: { ...COUNTS, description: 'requests by status class (2xx, 4xx, 5xx)' },
    checks: { ...COUNTS, description: 'checks by verdict' },
    ingested: { ...COUNTS, description: 'items ingested by kind' },
    backgroundFailures: { ...COUNTS, description: 'background jobs that failed, by job' },
    process: {
      type: 'object',
      required: ['uptimeSeconds', 'rssBytes'],
      additionalProperties: false,
      properties: { uptimeSeconds: { type: 'integer' }, rssBytes: { type: 'integer' } },
    },
    statistics: {
      type: 'object',
      required: ['budget', 'latest'],
      additionalProperties: false,
      description:
        'public statistics: the privacy budget and the newest release (docs/statistics.md)',
      properties: {
        budget: statsAnswer.properties.budget,
        latest: { anyOf: [statsRelease, { type: 'null' }] },
      },
    },
  },
} as const;
