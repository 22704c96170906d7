import { STATS_CUTS } from '@credence/core/wire/statistics';

/** Public statistics (routes/statistics.ts, docs/statistics.md). */

const WEEK = {
  type: 'string',
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
  description: "an ISO week's Monday (UTC), YYYY-MM-DD",
} as const;

export const statsReleaseRequest = {
  type: 'object',
  additionalProperties: false,
  required: ['week', 'cut'],
  properties: {
    week: WEEK,
    cut: { enum: STATS_CUTS },
    epsilon: {
      type: 'number',
      minimum: 0.001,
      maximum: 10,
      description: "the ε to spend (at most 3 decimals); the policy's ε per week when absent",
    },
  },
} as const;

export const statsRelease = {
  type: 'object',
  required: ['week', 'cut', 'epsilon', 'threshold', 'cells', 'releasedAt', 'releasedBy'],
  additionalProperties: false,
  properties: {
    week: { type: 'string' },
    cut: { enum: STATS_CUTS },
    epsilon: { type: 'number' },
    threshold: { type: 'integer' },
    cells: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'count'],
        additionalProperties: false,
        properties: {
          key: { type: 'string' },
          count: {
            type: ['integer', 'null'],
            description: 'the noised count; null when it came out below the threshold',
          },
        },
      },
    },
    releasedAt: { type: 'string' },
    releasedBy: { type: 'string' },
  },
} as const;

export const statsReleaseAnswer = {
  type: 'object',
  required: ['release', 'spent'],
  additionalProperties: false,
  properties: {
    release: statsRelease,
    spent: {
      type: 'object',
      required: ['week', 'total'],
      additionalProperties: false,
      description: 'ε spent on the week and in all, this release included',
      properties: { week: { type: 'number' }, total: { type: 'number' } },
    },
  },
} as const;

export const statsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { from: WEEK, to: WEEK, cut: { enum: STATS_CUTS } },
} as const;

export const statsAnswer = {
  type: 'object',
  required: ['releases', 'budget'],
  additionalProperties: false,
  properties: {
    releases: { type: 'array', items: statsRelease },
    budget: {
      type: 'object',
      required: ['epsilonPerWeek', 'epsilonTotal', 'spentTotal', 'threshold'],
      additionalProperties: false,
      properties: {
        epsilonPerWeek: { type: 'number' },
        epsilonTotal: { type: 'number' },
        spentTotal: { type: 'number' },
        threshold: { type: 'number' },
      },
    },
  },
} as const;
