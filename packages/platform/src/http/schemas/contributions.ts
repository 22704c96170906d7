import { IDENTIFIER_KINDS } from '@credence/core/identifiers/kinds';
import { FINGERPRINT_PATTERN } from '@credence/core/narrative/fingerprint';
import { AMOUNT_BANDS } from '@credence/core/wire/amount-band';
import { MAX_BATCH_ITEMS } from '@credence/core/wire/batches';
import { REGION_PATTERN } from '@credence/core/wire/region';
import { CATEGORIES, ENTITY_ROLES, LINK_TYPES, REPORT_TYPES } from '@credence/core/wire/vocabulary';
import {
  BATCH_ID,
  DATE_TIME,
  KEY_ID,
  MEMBER_ID,
  REF,
  receipt,
  SIGNATURE,
  TEXT_PATTERN,
  TOKEN,
  tokenRef,
} from './common.js';

/** Signed batches of reports, links and scripts, their results, retractions (routes/contributions.ts). */

const SCRIPT = {
  type: 'string',
  minLength: 1,
  maxLength: 20000,
  pattern: TEXT_PATTERN,
  description: 'the masked narrative, where the reporting member opted in',
} as const;

/** A sealed box's parts (core/sealing/box.ts): what a sealed detail and a grant share. */
export const BOX_PROPERTIES = {
  suite: { const: 'X25519-SHA256-ChaCha20Poly1305' },
  enc: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' },
  salt: { type: 'string', pattern: '^[A-Za-z0-9_-]{22}$' },
} as const;

/** The most evidence files a report's detail names (core/sealing/evidence-files.ts). */
export const MAX_FILES = 20;

/**
 * A report's narrative, exact loss and the names of its evidence files, sealed to its
 * member's key (core/sealing): the platform keeps the ciphertext and never a key. The
 * largest detail is a 20,000-character narrative of characters JSON escapes to six bytes,
 * its loss, and twenty files' names (255 such characters), media types, sizes and
 * digests: about 155,300 bytes sealed, 207,100 characters of base64url. `files` lists
 * each evidence file's ciphertext, which is uploaded apart (PUT /v1/reports/{id}/files/{i}).
 */
export const SEALED = {
  type: 'object',
  additionalProperties: false,
  required: ['suite', 'enc', 'salt', 'ciphertext'],
  properties: {
    ...BOX_PROPERTIES,
    ciphertext: { type: 'string', minLength: 22, maxLength: 207_400, pattern: '^[A-Za-z0-9_-]+$' },
    files: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_FILES,
      description:
        "each evidence file's ciphertext (sealed under the detail's data key): its size in bytes and base64url SHA-256, in the order the detail names them",
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['size', 'sha256'],
        properties: {
          size: { type: 'integer', minimum: 16, maximum: 16 * 1024 * 1024 },
          sha256: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' },
        },
      },
    },
  },
  description:
    "the narrative, exact loss and evidence files' names, sealed to the reporting member's key (HPKE)",
} as const;

export const tokenizedReport = {
  type: 'object',
  additionalProperties: false,
  required: ['ref', 'type', 'category', 'occurredAt', 'entities'],
  properties: {
    ref: REF,
    type: { enum: REPORT_TYPES },
    category: { enum: CATEGORIES },
    occurredAt: DATE_TIME,
    loss: { enum: AMOUNT_BANDS },
    region: {
      type: 'string',
      maxLength: 6,
      pattern: REGION_PATTERN,
      description:
        'where the victim lives: an ISO 3166-2 code such as CN-GD (a CN- code one of the 34 provincial-level divisions)',
    },
    entities: {
      type: 'array',
      minItems: 1,
      maxItems: 64,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['role', 'kind', 'token', 'keyId'],
        properties: {
          role: { enum: ENTITY_ROLES },
          kind: { enum: IDENTIFIER_KINDS },
          token: TOKEN,
          keyId: KEY_ID,
        },
      },
    },
    fingerprint: {
      type: 'string',
      pattern: FINGERPRINT_PATTERN,
      description: "MinHash of the masked narrative (the script's fingerprint)",
    },
    script: SCRIPT,
    sealed: SEALED,
  },
} as const;

/** A script shared for a report already sent: its ref, and the masked narrative. */
export const sharedScript = {
  type: 'object',
  additionalProperties: false,
  required: ['ref', 'script'],
  properties: { ref: REF, script: SCRIPT },
} as const;

export const tokenizedLink = {
  type: 'object',
  additionalProperties: false,
  required: ['link', 'from', 'to', 'at', 'count'],
  properties: {
    link: { enum: LINK_TYPES },
    from: tokenRef,
    to: tokenRef,
    at: DATE_TIME,
    count: { type: 'integer', minimum: 1, maximum: 1_000_000_000 },
    amount: { enum: AMOUNT_BANDS },
  },
} as const;

function signedBatch<N extends 'reports' | 'links' | 'scripts', I extends object>(
  itemsName: N,
  item: I,
) {
  const items = { type: 'array', minItems: 1, maxItems: MAX_BATCH_ITEMS, items: item } as const;
  return {
    type: 'object',
    additionalProperties: false,
    required: ['batch', 'publicKey', 'signature'],
    properties: {
      batch: {
        type: 'object',
        additionalProperties: false,
        required: ['member', 'batchId', 'createdAt', itemsName],
        properties: {
          member: MEMBER_ID,
          batchId: BATCH_ID,
          createdAt: DATE_TIME,
          // A computed key keeps its literal name only through a mapped type.
          ...({ [itemsName]: items } as { [K in N]: typeof items }),
        },
      },
      publicKey: TOKEN,
      signature: SIGNATURE,
    },
  } as const;
}

export const reportBatch = signedBatch('reports', tokenizedReport);

export const scriptBatch = signedBatch('scripts', sharedScript);

export const linkBatch = signedBatch('links', tokenizedLink);

export const batchResult = {
  type: 'object',
  required: [
    'batchId',
    'sequence',
    'accepted',
    'duplicates',
    'conflicts',
    'alerts',
    'results',
    'receivedAt',
    'log',
  ],
  properties: {
    batchId: { type: 'string' },
    receivedAt: {
      type: 'string',
      format: 'date-time',
      description: 'the time of the log entries of this batch',
    },
    log: { anyOf: [receipt, { type: 'null' }], description: 'null when nothing was added' },
    sequence: {
      type: 'integer',
      description: 'pass as `after` to a check to read this write from any API process',
    },
    accepted: { type: 'integer' },
    duplicates: { type: 'integer' },
    conflicts: { type: 'integer' },
    alerts: { type: 'integer' },
    results: {
      type: 'array',
      items: {
        type: 'object',
        required: ['index', 'status', 'id'],
        properties: {
          index: { type: 'integer' },
          ref: { type: 'string' },
          status: { enum: ['accepted', 'duplicate', 'conflict'] },
          id: { type: 'string' },
          batchId: {
            type: 'string',
            description:
              'on a duplicate: the batch that first brought the report (its log entry binds it)',
          },
          code: {
            const: 'item.conflict',
            description: 'on a conflict: the ref was submitted before with other content (409)',
          },
        },
      },
    },
  },
} as const;

export const retractRequest = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: {
    reason: { enum: ['false_positive', 'appeal_upheld', 'duplicate', 'other'] },
    note: { type: 'string', maxLength: 500 },
  },
} as const;

export const storedReport = {
  type: 'object',
  required: ['id', 'ref', 'type', 'category', 'occurredAt', 'entities', 'createdAt'],
  properties: {
    id: { type: 'string' },
    ref: { type: 'string' },
    type: { type: 'string' },
    category: { type: 'string' },
    occurredAt: { type: 'string' },
    loss: { type: 'string' },
    region: { type: 'string' },
    entities: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          role: { type: 'string' },
          kind: { type: 'string' },
          token: { type: 'string' },
          keyId: { type: 'string' },
        },
      },
    },
    createdAt: { type: 'string' },
    retractedAt: { type: 'string' },
    retractReason: { type: 'string' },
    sealed: SEALED,
  },
} as const;

export const retractResult = {
  type: 'object',
  required: ['id', 'retractedAt', 'reason', 'sequence', 'log'],
  properties: {
    id: { type: 'string' },
    retractedAt: { type: 'string', format: 'date-time' },
    reason: { type: 'string' },
    sequence: { type: 'integer' },
    log: receipt,
  },
} as const;

export const reportsPage = {
  type: 'object',
  required: ['reports', 'next'],
  properties: {
    reports: { type: 'array', items: storedReport },
    next: { type: ['string', 'null'] },
  },
} as const;

export const evidenceFileAnswer = {
  type: 'object',
  required: ['index', 'status', 'size', 'sha256'],
  properties: {
    index: { type: 'integer' },
    status: { enum: ['stored', 'repeat'] },
    size: { type: 'integer' },
    sha256: { type: 'string' },
  },
} as const;
