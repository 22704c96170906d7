import { AMOUNT_BANDS } from '@credence/core/wire/amount-band';
import { OUTCOMES } from '@credence/core/wire/outcomes';
import { DATE_TIME, TOKEN } from './common.js';

/** Outcomes and their measures (routes/outcomes.ts, docs/outcomes.md). */

export const CHECK_ID = {
  type: 'string',
  pattern: '^[A-Za-z0-9_-]{32}$',
  description: 'the checkId of the answer acted on',
} as const;

export const outcomeRequest = {
  type: 'object',
  additionalProperties: false,
  required: ['outcomes'],
  properties: {
    outcomes: {
      type: 'array',
      minItems: 1,
      maxItems: 1000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['token', 'outcome'],
        properties: {
          token: TOKEN,
          outcome: { enum: OUTCOMES },
          checkId: CHECK_ID,
          amount: {
            enum: AMOUNT_BANDS,
            description: 'payment_held and funds_recovered: the amount as a band (yuan)',
          },
          at: { ...DATE_TIME, description: 'when it was done (default: now)' },
        },
      },
    },
  },
} as const;

export const outcomeAnswer = {
  type: 'object',
  required: ['results'],
  properties: {
    results: {
      type: 'array',
      items: {
        type: 'object',
        required: ['index', 'status', 'id'],
        properties: {
          index: { type: 'integer' },
          status: { enum: ['recorded', 'duplicate'] },
          id: { type: 'integer', description: "the outcome's id; its log entry is outcome/<id>" },
        },
      },
    },
  },
} as const;

const precision = {
  warnings: { type: 'integer', description: 'members and tokens warned about and acted on' },
  falsePositives: { type: 'integer' },
  precision: { type: ['number', 'null'], description: '(warnings − false positives) / warnings' },
} as const;

export const outcomeSummary = {
  type: 'object',
  required: ['outcomes', 'precision', 'missed', 'timeToFreeze', 'amounts', 'quality'],
  properties: {
    outcomes: {
      type: 'object',
      description: 'outcomes by kind',
      properties: Object.fromEntries(OUTCOMES.map((o) => [o, { type: 'integer' } as const])),
    },
    precision: {
      type: 'object',
      required: ['warnings', 'falsePositives', 'precision', 'byCategory', 'byMemberType'],
      properties: {
        ...precision,
        byCategory: {
          type: 'array',
          items: {
            type: 'object',
            required: ['category', 'warnings', 'falsePositives', 'precision'],
            properties: { category: { type: 'string' }, ...precision },
          },
        },
        byMemberType: {
          type: 'array',
          items: {
            type: 'object',
            required: ['memberType', 'warnings', 'falsePositives', 'precision'],
            properties: { memberType: { type: 'string' }, ...precision },
          },
        },
      },
    },
    missed: {
      type: 'integer',
      description:
        'answers `clear` whose member later reported an outcome other than false_positive',
    },
    timeToFreeze: {
      type: 'object',
      required: ['tokens', 'medianHours', 'frozenBeforeAnyReport'],
      properties: {
        tokens: { type: 'integer' },
        medianHours: { type: ['number', 'null'] },
        frozenBeforeAnyReport: { type: 'integer' },
      },
    },
    quality: {
      description:
        "the contributors' quality weights in force (docs/outcomes.md): every member judged so far, with its counts; null before any version",
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          required: ['version', 'policyVersion', 'rule', 'members'],
          properties: {
            version: { type: 'integer' },
            policyVersion: { type: 'integer' },
            rule: {
              type: 'object',
              required: ['floor', 'prior'],
              properties: { floor: { type: 'number' }, prior: { type: 'number' } },
            },
            members: {
              type: 'object',
              additionalProperties: {
                type: 'object',
                required: ['weight', 'outcomes', 'falsePositives'],
                properties: {
                  weight: { type: 'number' },
                  outcomes: { type: 'integer' },
                  falsePositives: { type: 'integer' },
                },
              },
            },
          },
        },
      ],
    },
    amounts: {
      type: 'array',
      items: {
        type: 'object',
        required: ['outcome', 'bands', 'atLeastCny', 'atMostCny'],
        properties: {
          outcome: { type: 'string' },
          bands: {
            type: 'object',
            properties: Object.fromEntries(
              AMOUNT_BANDS.map((b) => [b, { type: 'integer' } as const]),
            ),
          },
          atLeastCny: { type: 'number' },
          atMostCny: { type: ['number', 'null'] },
        },
      },
    },
  },
} as const;
