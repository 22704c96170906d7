import { APPEAL_REASONS, APPEAL_STATUSES, REJECTION_REASONS } from '@credence/core/wire/appeals';
import { TOKEN } from './common.js';

/** Appeals (routes/appeals.ts, docs/appeals.md). */

export const appealRequest = {
  type: 'object',
  additionalProperties: false,
  required: ['token', 'reason'],
  properties: {
    token: { ...TOKEN, description: 'the appealed identifier, tokenized at your side' },
    reason: {
      enum: APPEAL_REASONS,
      description:
        "why the person says it was flagged wrongly (a code: the person's account stays with you)",
    },
  },
} as const;

export const rejectRequest = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: { enum: REJECTION_REASONS } },
} as const;

export const appeal = {
  type: 'object',
  required: [
    'id',
    'token',
    'kind',
    'member',
    'reason',
    'openedAt',
    'status',
    'ruledAt',
    'ruledBy',
    'rulingReason',
  ],
  properties: {
    id: { type: 'integer', description: "its log entries' subject is appeal/<id>" },
    token: { type: 'string' },
    kind: { type: 'string' },
    member: { type: 'string', description: 'the member it was opened through' },
    reason: { enum: APPEAL_REASONS },
    openedAt: { type: 'string' },
    status: { enum: APPEAL_STATUSES },
    ruledAt: { type: ['string', 'null'] },
    ruledBy: { type: ['string', 'null'] },
    rulingReason: { type: ['string', 'null'], description: "a rejection's reason" },
  },
} as const;

export const appealRuling = {
  type: 'object',
  required: ['appeal', 'sequence', 'alerts'],
  properties: {
    appeal,
    sequence: {
      type: 'integer',
      description: 'the change sequence of the ruling: pass as ?after= to a check on any process',
    },
    alerts: { type: 'integer', description: "members told: the token's reporters and watchers" },
  },
} as const;

export const appealsPage = {
  type: 'object',
  required: ['appeals', 'next'],
  properties: {
    appeals: { type: 'array', items: appeal },
    next: { type: ['integer', 'null'], description: 'pass as after for the next page' },
  },
} as const;

export const appealsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { enum: APPEAL_STATUSES },
    after: { type: 'string', pattern: '^\\d{1,15}$' },
    limit: { type: 'string', pattern: '^\\d{1,4}$' },
  },
} as const;

export const appealParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[1-9]\\d{0,14}$' } },
} as const;
