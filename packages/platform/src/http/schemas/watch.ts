import { MAX_BATCH_ITEMS } from '@credence/core/wire/batches';
import { TOKEN, tokenRef } from './common.js';

/** Watchlists, alerts and webhooks (routes/watch.ts). */

export const watchRequest = {
  type: 'object',
  additionalProperties: false,
  required: ['tokens'],
  properties: {
    tokens: { type: 'array', minItems: 1, maxItems: MAX_BATCH_ITEMS, items: tokenRef },
  },
} as const;

export const unwatchRequest = {
  type: 'object',
  additionalProperties: false,
  required: ['tokens'],
  properties: { tokens: { type: 'array', minItems: 1, maxItems: MAX_BATCH_ITEMS, items: TOKEN } },
} as const;

export const alertSchema = {
  type: 'object',
  required: ['cursor', 'token', 'kind', 'source', 'occurredAt', 'createdAt'],
  properties: {
    cursor: { type: 'string' },
    token: { type: 'string' },
    kind: { type: 'string' },
    source: {
      enum: ['report', 'link', 'ring', 'key', 'appeal', 'exposed'],
      description:
        'key: a signing key the operator announced for you (token: the public key; occurredAt: when it starts unless you object); appeal: an appeal about the token was upheld (occurredAt: when), so your reports of it until then no longer count, or a token you watch was cleared; exposed: a token you watch was on a list of personal data the police seized from fraudsters (occurredAt: when it was seized): warn your customer before they call',
    },
    reportType: { type: 'string' },
    category: { type: 'string' },
    linkType: { type: 'string' },
    ringId: { type: 'string', description: 'the ring the token joined (source ring)' },
    occurredAt: { type: 'string' },
    createdAt: { type: 'string' },
  },
} as const;

export const watchAddedAnswer = {
  type: 'object',
  required: ['added'],
  properties: { added: { type: 'integer' } },
} as const;

export const unwatchAnswer = {
  type: 'object',
  required: ['removed'],
  properties: { removed: { type: 'integer', description: 'how many of the tokens you watched' } },
} as const;

export const webhookRemovedAnswer = {
  type: 'object',
  required: ['removed'],
  properties: { removed: { type: 'boolean' } },
} as const;

export const watchlistPage = {
  type: 'object',
  required: ['tokens', 'next'],
  properties: {
    tokens: { type: 'array', items: tokenRef },
    next: { type: ['string', 'null'] },
  },
} as const;

export const webhookAnswer = {
  type: 'object',
  required: ['url'],
  properties: {
    url: { type: ['string', 'null'] },
    secret: {
      type: 'string',
      description:
        "the webhook's Standard Webhooks signing secret (whsec_…): verify the v1 signature of each delivery with it, with any Standard Webhooks library. Registering again gives a new one.",
    },
  },
} as const;
