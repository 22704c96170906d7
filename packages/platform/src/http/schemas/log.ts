import { HASH, KEY_ID, SHARE_INDEX, SIZE } from './common.js';

/** The transparency log: entries, proofs, checkpoints, cosignatures, key servers' counts (routes/log.ts). */

export const logEntriesAnswer = {
  type: 'object',
  required: ['start', 'entries'],
  properties: {
    start: { type: 'integer' },
    entries: {
      type: 'array',
      items: { type: 'string' },
      description: 'each entry as its RFC 8785 canonical JSON text: the leaf data',
    },
  },
} as const;

export const inclusionQuery = {
  type: 'object',
  required: ['index', 'size'],
  properties: { index: SIZE, size: SIZE },
  additionalProperties: false,
} as const;

export const inclusionAnswer = {
  type: 'object',
  required: ['index', 'size', 'leafHash', 'proof'],
  properties: {
    index: { type: 'integer' },
    size: { type: 'integer' },
    leafHash: HASH,
    proof: { type: 'array', items: HASH },
  },
} as const;

export const consistencyQuery = {
  type: 'object',
  required: ['from', 'to'],
  properties: { from: SIZE, to: SIZE },
  additionalProperties: false,
} as const;

export const consistencyAnswer = {
  type: 'object',
  required: ['from', 'to', 'proof'],
  properties: {
    from: { type: 'integer' },
    to: { type: 'integer' },
    proof: { type: 'array', items: HASH },
  },
} as const;

/** GET /v1/log/checkpoint: with cosigned=k, the newest checkpoint with at least k. */
export const checkpointQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { cosigned: { type: 'string', pattern: '^[0-9]{1,2}$' } },
} as const;

export const checkpointsQuery = {
  type: 'object',
  properties: { from: SIZE, limit: SIZE },
  additionalProperties: false,
} as const;

export const checkpointsAnswer = {
  type: 'object',
  required: ['checkpoints'],
  properties: {
    checkpoints: {
      type: 'array',
      items: {
        type: 'object',
        required: ['size', 'note'],
        properties: { size: { type: 'integer' }, note: { type: 'string' } },
      },
    },
  },
} as const;

export const cosignatureRequest = {
  type: 'object',
  required: ['size', 'cosignature'],
  additionalProperties: false,
  properties: {
    size: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    cosignature: {
      type: 'string',
      maxLength: 1000,
      description: 'the signature line, "— <witness name> <base64>"',
    },
  },
} as const;

export const cosignatureAnswer = {
  type: 'object',
  required: ['size', 'witness'],
  properties: { size: { type: 'integer' }, witness: { type: 'string' } },
} as const;

export const oprfUsageRequest = {
  type: 'object',
  required: ['keyId', 'shareIndex', 'day', 'counts'],
  additionalProperties: false,
  properties: {
    keyId: KEY_ID,
    shareIndex: SHARE_INDEX,
    day: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    counts: {
      type: 'array',
      maxItems: 10_000,
      items: {
        type: 'object',
        required: ['member', 'evaluations'],
        additionalProperties: false,
        properties: {
          member: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' },
          evaluations: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
        },
      },
    },
  },
} as const;
