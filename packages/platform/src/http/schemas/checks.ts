import { REPORT_TYPES } from '@credence/core/wire/vocabulary';
import { TOKEN } from './common.js';

/** Risk checks (routes/checks.ts). */

export const checkAnswer = {
  type: 'object',
  required: [
    'token',
    'verdict',
    'score',
    'reporters',
    'reports',
    'categories',
    'firstSeen',
    'lastSeen',
    'ring',
    'rank',
    'explanation',
    'policyVersion',
    'basis',
    'checkId',
  ],
  properties: {
    token: { type: 'string' },
    checkId: {
      type: 'string',
      description:
        'names this answer in an outcome (POST /v1/outcomes); only the member that asked can use it',
    },
    kind: { type: 'string' },
    verdict: { enum: ['clear', 'suspicious', 'fraud'] },
    score: { type: 'number', minimum: 0, maximum: 1 },
    reporters: {
      type: 'integer',
      description: 'distinct members whose reports count; never which',
    },
    reports: {
      type: 'object',
      properties: Object.fromEntries(REPORT_TYPES.map((t) => [t, { type: 'integer' } as const])),
    },
    categories: { type: 'array', items: { type: 'string' } },
    firstSeen: { type: ['string', 'null'] },
    lastSeen: { type: ['string', 'null'] },
    ring: {
      description: 'the ring joint analysis put the token in (latest run), or null',
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          required: ['id', 'score', 'size', 'categories', 'risk', 'reason'],
          properties: {
            id: { type: 'string' },
            score: { type: 'number' },
            size: { type: 'integer' },
            categories: { type: 'array', items: { type: 'string' } },
            risk: { type: 'number', description: "the token's risk after propagation" },
            reason: { type: 'string' },
          },
        },
      ],
    },
    rank: {
      description:
        "the token's ranked risk in the latest analysis run, or null when no report is within reach",
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          required: ['score', 'percentile', 'model', 'reason'],
          properties: {
            score: {
              type: 'number',
              minimum: 0,
              maximum: 1,
              description:
                'a calibrated probability: about this share of tokens so scored were part of a ring in evaluation',
            },
            percentile: {
              type: 'number',
              minimum: 0,
              maximum: 1,
              description: 'share of all scored tokens ranked strictly lower',
            },
            model: { type: 'string' },
            reason: { type: 'string' },
          },
        },
      ],
    },
    explanation: { type: 'string' },
    policyVersion: { type: 'integer' },
    basis: {
      type: 'object',
      description:
        'what the answer was computed from, for an auditor to recompute it: the summary is what the logged reports and retractions below logSize say, the ring what analysis run `analysis` kept, the score the policy of policyVersion at checkedAt',
      required: ['logSize', 'analysis', 'checkedAt', 'quality'],
      properties: {
        logSize: { type: 'integer' },
        analysis: { type: ['integer', 'null'] },
        checkedAt: { type: 'string', format: 'date-time' },
        quality: {
          type: ['integer', 'null'],
          description:
            "the version of the contributors' quality weights the score used (docs/outcomes.md); null before any",
        },
      },
    },
  },
} as const;

export const checkRequest = {
  type: 'object',
  additionalProperties: false,
  required: ['tokens'],
  properties: {
    tokens: { type: 'array', minItems: 1, maxItems: 1000, items: TOKEN },
    after: { type: 'integer', minimum: 0 },
  },
} as const;
