import { IDENTIFIER_KINDS } from '@credence/core/identifiers/kinds';

/** Fields and shapes that several route groups share: tokens, ids, times, receipts, problems. */

export const TOKEN = {
  type: 'string',
  pattern: '^[A-Za-z0-9_-]{43}$',
  description: 'base64url (no padding) of 32 bytes',
} as const;

export const KEY_ID = { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' } as const;

/** A share of the threshold OPRF key (credence keys init numbers them from 1). */
export const SHARE_INDEX = { type: 'integer', minimum: 1, maximum: 255 } as const;

export const DATE_TIME = {
  type: 'string',
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$',
  maxLength: 40,
} as const;

export const REF = { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' } as const;

export const BATCH_ID = { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' } as const;

export const MEMBER_ID = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' } as const;

export const SIGNATURE = { type: 'string', pattern: '^[A-Za-z0-9_-]{86}$' } as const;

/**
 * Free text that a store can keep as it is and its digest cover as sent: no NUL (which
 * PostgreSQL's text refuses) and no lone surrogate (which UTF-8 cannot hold). Written so
 * that it means the same with or without the regex's `u` flag.
 */
export const TEXT_PATTERN = '^(?:[^\\ud800-\\udfff\\u0000]|[\\ud800-\\udbff][\\udc00-\\udfff])*$';

export const tokenRef = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'token', 'keyId'],
  properties: { kind: { enum: IDENTIFIER_KINDS }, token: TOKEN, keyId: KEY_ID },
} as const;

export const HASH = { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' } as const;

/** A write's receipt: see LogService's Receipt. */
export const receipt = {
  type: 'object',
  required: ['index', 'count', 'size', 'checkpoint', 'frontier'],
  description:
    "the write's log entries are leaves [index, index + count) of the tree that checkpoint signs; frontier holds the roots of the perfect subtrees left of index, so the writer can recompute the root from its own entries",
  properties: {
    index: { type: 'integer' },
    count: { type: 'integer' },
    size: { type: 'integer' },
    checkpoint: { type: 'string', description: 'C2SP signed note of a tlog-checkpoint' },
    frontier: { type: 'array', items: HASH },
  },
} as const;

export const memberSchema = {
  type: 'object',
  required: ['id', 'name', 'type', 'status', 'createdAt'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    type: { type: 'string' },
    status: { type: 'string' },
    createdAt: { type: 'string' },
    shareIndex: { type: 'integer', description: "a key server's share" },
  },
} as const;

/** A tree size or index in a query string: decimal, no leading zeros. */
export const SIZE = { type: 'string', pattern: '^(0|[1-9][0-9]{0,15})$' } as const;

export const logEntriesQuery = {
  type: 'object',
  required: ['start'],
  properties: { start: SIZE, end: SIZE },
  additionalProperties: false,
} as const;

export const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'code'],
  // RFC 9457 extension members (figures a client acts on, such as maxElements).
  additionalProperties: { type: ['string', 'number'] },
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    requestId: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: { field: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
} as const;

export const ISO_TIME = { type: 'string', format: 'date-time' } as const;
