import { KEY_ACTIONS } from '@credence/core/wire/key-statements';
import { MEMBER_TYPES } from '../../domain/types.js';
import {
  DATE_TIME,
  ISO_TIME,
  MEMBER_ID,
  receipt,
  SHARE_INDEX,
  SIGNATURE,
  TEXT_PATTERN,
  TOKEN,
} from './common.js';

/** Members, credentials, signing keys and shares (routes/members.ts). */

/** A member's signed word on its own signing keys (core/wire/key-statements.ts). */
export const keyStatementRequest = {
  type: 'object',
  additionalProperties: false,
  required: ['statement', 'signedBy', 'signature'],
  properties: {
    statement: {
      type: 'object',
      additionalProperties: false,
      required: ['action', 'member', 'publicKey', 'at'],
      properties: {
        action: { enum: KEY_ACTIONS },
        member: MEMBER_ID,
        publicKey: TOKEN,
        replace: { type: 'boolean' },
        at: DATE_TIME,
      },
    },
    signedBy: TOKEN,
    signature: SIGNATURE,
  },
} as const;

export const signingKeysAnswer = {
  type: 'object',
  required: ['keys'],
  properties: {
    keys: {
      type: 'array',
      items: {
        type: 'object',
        required: ['publicKey', 'createdAt', 'activatesAt', 'revokedAt', 'state'],
        properties: {
          publicKey: { type: 'string' },
          createdAt: { type: 'string' },
          activatesAt: { type: ['string', 'null'] },
          revokedAt: { type: ['string', 'null'] },
          state: {
            enum: ['current', 'announced', 'revoked', 'retiring'],
            description:
              'current: signs now; announced: starts at activatesAt unless objected to; retiring: stops at revokedAt; revoked: stopped',
          },
        },
      },
    },
  },
} as const;

export const newMemberRequest = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'type'],
  properties: {
    id: MEMBER_ID,
    name: { type: 'string', minLength: 1, maxLength: 200, pattern: TEXT_PATTERN },
    type: { enum: MEMBER_TYPES },
    publicKey: TOKEN,
    shareIndex: SHARE_INDEX,
  },
} as const;

export const memberStatusAnswer = {
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string', enum: ['active', 'disabled'] } },
} as const;

export const rotateAnswer = {
  type: 'object',
  properties: {
    credential: { type: 'string', description: 'the new credential, shown once' },
    key: {
      type: 'object',
      required: ['publicKey', 'activatesAt'],
      properties: { publicKey: TOKEN, activatesAt: ISO_TIME },
    },
  },
} as const;

export const keyChangeAnswer = {
  type: 'object',
  required: ['event', 'publicKey', 'replaces', 'at', 'log'],
  properties: {
    event: { type: 'string', enum: ['added', 'announced', 'objected', 'revoked'] },
    publicKey: TOKEN,
    replaces: { type: 'array', items: TOKEN },
    at: ISO_TIME,
    log: receipt,
  },
} as const;

export const credentialAnswer = {
  type: 'object',
  required: ['credential', 'at', 'log'],
  properties: {
    credential: { type: 'string', description: 'your new credential, shown once' },
    at: ISO_TIME,
    log: receipt,
  },
} as const;

export const shareAnswer = {
  type: 'object',
  required: ['shareIndex'],
  properties: { shareIndex: SHARE_INDEX },
} as const;
