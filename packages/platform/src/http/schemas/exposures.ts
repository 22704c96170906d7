import { MAX_EXPOSURE_TOKENS } from '@credence/core/wire/exposures';
import { DATE_TIME, MEMBER_ID, REF, receipt, tokenRef } from './common.js';

/** Exposure warnings (routes/exposures.ts, docs/exposures.md). */

export const exposureRequest = {
  type: 'object',
  additionalProperties: false,
  required: ['list', 'part', 'seizedAt', 'tokens'],
  properties: {
    list: { ...REF, description: "the police's own reference for the seized list" },
    part: {
      type: 'integer',
      minimum: 0,
      maximum: 1_000_000,
      description: `which part of the list this is (a list of more than ${MAX_EXPOSURE_TOKENS} tokens is sent in parts, from 0)`,
    },
    seizedAt: { ...DATE_TIME, description: 'when the list was seized' },
    tokens: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_EXPOSURE_TOKENS,
      items: tokenRef,
      description: "the list's identifiers, tokenized at the police's side",
    },
  },
} as const;

const counts = {
  type: 'object',
  additionalProperties: { type: 'integer' },
  required: ['bank', 'payment', 'telecom', 'internet'],
  properties: {
    bank: { type: 'integer' },
    payment: { type: 'integer' },
    telecom: { type: 'integer' },
    internet: { type: 'integer' },
  },
  description: "the `exposed` alerts raised, by the watching member's type",
} as const;

export const exposure = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'member', 'list', 'part', 'seizedAt', 'tokens', 'createdAt'],
  description:
    'a part of a seized list; matched and alerts only for the operator and auditors (the uploader would learn from them whether a listed person is some member’s customer)',
  properties: {
    id: { type: 'integer' },
    member: MEMBER_ID,
    list: { type: 'string' },
    part: { type: 'integer' },
    seizedAt: { type: 'string' },
    tokens: { type: 'integer', description: 'distinct tokens in the part' },
    matched: { type: 'integer', description: 'of them, those some member watches' },
    alerts: counts,
    createdAt: { type: 'string' },
  },
} as const;

export const exposureAnswer = {
  type: 'object',
  additionalProperties: false,
  required: ['exposure', 'repeat'],
  properties: {
    exposure,
    repeat: {
      type: 'boolean',
      description:
        'true when this part was uploaded before: answered as it was, nothing raised again',
    },
    log: receipt,
  },
} as const;

export const exposuresQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    after: { type: 'string', pattern: '^\\d{1,15}$' },
    limit: { type: 'string', pattern: '^\\d{1,4}$' },
  },
} as const;

export const exposuresPage = {
  type: 'object',
  additionalProperties: false,
  required: ['exposures', 'next'],
  properties: {
    exposures: { type: 'array', items: exposure },
    next: { type: ['integer', 'null'] },
  },
} as const;
