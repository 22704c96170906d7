import { IDENTIFIER_KINDS } from '@credence/core/identifiers/kinds';
import { FINGERPRINT_PATTERN } from '@credence/core/narrative/fingerprint';
import { AMOUNT_BANDS } from '@credence/core/wire/amount-band';
import { MAX_BATCH_ITEMS } from '@credence/core/wire/batches';
import { KEY_ACTIONS } from '@credence/core/wire/key-statements';
import { CATEGORIES, ENTITY_ROLES, LINK_TYPES, REPORT_TYPES } from '@credence/core/wire/vocabulary';
import { MEMBER_TYPES } from '../domain/types.js';

/**
 * JSON Schemas of the API (draft 2020-12 subset that Fastify's Ajv and OpenAPI 3.1
 * share). Every input is closed (no unknown fields); every response is shaped by its
 * schema, so nothing else can leak into it.
 */

export const TOKEN = {
  type: 'string',
  pattern: '^[A-Za-z0-9_-]{43}$',
  description: 'base64url (no padding) of 32 bytes',
} as const;
export const KEY_ID = { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' } as const;
/** A share of the threshold OPRF key (credence keys init numbers them from 1). */
export const SHARE_INDEX = { type: 'integer', minimum: 1, maximum: 255 } as const;
const DATE_TIME = {
  type: 'string',
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$',
  maxLength: 40,
} as const;
const REF = { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' } as const;
const BATCH_ID = { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' } as const;
const MEMBER_ID = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' } as const;
const SIGNATURE = { type: 'string', pattern: '^[A-Za-z0-9_-]{86}$' } as const;
/**
 * Free text that a store can keep as it is and its digest cover as sent: no NUL (which
 * PostgreSQL's text refuses) and no lone surrogate (which UTF-8 cannot hold). Written so
 * that it means the same with or without the regex's `u` flag.
 */
const TEXT_PATTERN = '^(?:[^\\ud800-\\udfff\\u0000]|[\\ud800-\\udbff][\\udc00-\\udfff])*$';
const SCRIPT = {
  type: 'string',
  minLength: 1,
  maxLength: 20000,
  pattern: TEXT_PATTERN,
  description: 'the masked narrative, where the reporting member opted in',
} as const;

const tokenRef = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'token', 'keyId'],
  properties: { kind: { enum: IDENTIFIER_KINDS }, token: TOKEN, keyId: KEY_ID },
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
export const linkBatch = signedBatch('links', tokenizedLink);

const HASH = { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' } as const;

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
  ],
  properties: {
    token: { type: 'string' },
    kind: { type: 'string' },
    verdict: { enum: ['clear', 'suspicious', 'fraud'] },
    score: { type: 'number', minimum: 0, maximum: 1 },
    reporters: {
      type: 'integer',
      description: 'distinct members whose reports count; never which',
    },
    reports: {
      type: 'object',
      properties: Object.fromEntries(REPORT_TYPES.map((t) => [t, { type: 'integer' }])),
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
      required: ['logSize', 'analysis', 'checkedAt'],
      properties: {
        logSize: { type: 'integer' },
        analysis: { type: ['integer', 'null'] },
        checkedAt: { type: 'string', format: 'date-time' },
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
      enum: ['report', 'link', 'ring', 'key'],
      description:
        'key: a signing key the operator announced for you (token: the public key; occurredAt: when it starts unless you object)',
    },
    reportType: { type: 'string' },
    category: { type: 'string' },
    linkType: { type: 'string' },
    ringId: { type: 'string', description: 'the ring the token joined (source ring)' },
    occurredAt: { type: 'string' },
    createdAt: { type: 'string' },
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

/** A tree size or index in a query string: decimal, no leading zeros. */
const SIZE = { type: 'string', pattern: '^(0|[1-9][0-9]{0,15})$' } as const;

export const logEntriesQuery = {
  type: 'object',
  required: ['start'],
  properties: { start: SIZE, end: SIZE },
  additionalProperties: false,
} as const;

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

export const auditEntriesAnswer = {
  type: 'object',
  required: ['start', 'entries'],
  properties: {
    start: { type: 'integer' },
    entries: {
      type: 'array',
      items: {
        type: 'object',
        required: ['entry', 'record'],
        properties: {
          entry: { type: 'string' },
          record: {
            description:
              "what the store holds for the entry's subject now (a report row, a batch's links, a shared script, the alerts a write raised with their salt, an event's record); null when it holds nothing or the kind has no record (check digests). The auditor computes the digest from it.",
          },
        },
      },
    },
  },
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

export const auditCountsAnswer = {
  type: 'object',
  required: ['reports', 'retractions', 'linkBatches', 'scripts', 'alerts', 'policies', 'analyses'],
  properties: {
    reports: { type: 'integer' },
    retractions: { type: 'integer' },
    linkBatches: { type: 'integer' },
    scripts: { type: 'integer' },
    alerts: { type: 'integer' },
    policies: { type: 'integer' },
    analyses: { type: 'integer' },
  },
} as const;

export const auditStateQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    after: {
      type: 'string',
      maxLength: 2000,
      description: 'the `next` of the page before: a JSON array, the key of its last row',
    },
    limit: { type: 'string', pattern: '^[1-9][0-9]{0,4}$' },
  },
} as const;

export const auditStateAnswer = {
  type: 'object',
  required: ['table', 'rows', 'next'],
  properties: {
    table: { type: 'string' },
    rows: { type: 'array', items: { type: 'object', additionalProperties: true } },
    next: {
      anyOf: [{ type: 'array', items: { type: ['string', 'number'] } }, { type: 'null' }],
    },
  },
} as const;

export const auditAnalysisAnswer = {
  type: 'object',
  required: ['id', 'createdAt', 'body'],
  properties: {
    id: { type: 'integer' },
    createdAt: { type: 'integer' },
    body: { type: 'string', description: 'the kept result, byte for byte (its SHA-256 is logged)' },
  },
} as const;

export const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'code'],
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

const PATTERN = {
  type: 'object',
  required: ['pattern'],
  description:
    'a detector finding: mule_chain (accounts, hops, entries, cashOuts, maxFanIn, maxFanOut, members), call_centre (callers, machines, called, carriers), app_hub or url_hub (hubs, reach); counts only',
  properties: { pattern: { enum: ['mule_chain', 'call_centre', 'app_hub', 'url_hub'] } },
  additionalProperties: { type: 'integer' },
} as const;

const RING_SUMMARY_PROPERTIES = {
  id: { type: 'string' },
  score: {
    type: 'number',
    description: 'reported evidence over distinct members, as a check scores a token',
  },
  size: { type: 'integer', description: 'tokens in the ring' },
  categories: { type: 'array', items: { type: 'string' } },
  kinds: { type: 'object', additionalProperties: { type: 'integer' } },
  reported: {
    type: 'integer',
    description: 'tokens some member reported; the rest were reached by propagation',
  },
  victims: { type: 'integer' },
  members: { type: 'integer', description: "how many members' data the ring spans; never which" },
  patterns: { type: 'array', items: PATTERN },
  explanation: { type: 'string' },
} as const;
const RING_SUMMARY_REQUIRED = Object.keys(RING_SUMMARY_PROPERTIES);

export const ringSummary = {
  type: 'object',
  required: RING_SUMMARY_REQUIRED,
  properties: RING_SUMMARY_PROPERTIES,
} as const;

export const ringDetail = {
  type: 'object',
  required: [...RING_SUMMARY_REQUIRED, 'tokens', 'edges'],
  properties: {
    ...RING_SUMMARY_PROPERTIES,
    tokens: {
      type: 'array',
      items: {
        type: 'object',
        required: ['token', 'kind', 'risk', 'why'],
        properties: {
          token: {
            type: 'string',
            description:
              "the token; for a former holder's epoch of a reassigned token, `<token>@<epoch ms the epoch ended>`",
          },
          kind: { type: 'string' },
          former: {
            type: 'boolean',
            description:
              "true for a former holder's epoch of a token given to a new holder: part of the ring's structure, not the token today",
          },
          risk: { type: 'number' },
          score: { type: 'number', description: 'its ranked risk, a calibrated probability' },
          percentile: { type: 'number', description: 'share of all scored tokens ranked lower' },
          why: {
            type: 'object',
            description:
              'reported: its own evidence; otherwise the edge type its risk came over and the index (in tokens) of the token it came from',
            properties: {
              reported: { type: 'boolean' },
              evidence: { type: 'number' },
              via: { type: 'string' },
              from: { type: 'integer' },
            },
          },
        },
      },
    },
    edges: {
      type: 'array',
      items: {
        type: 'object',
        required: ['from', 'to', 'type', 'count'],
        properties: {
          from: { type: 'integer' },
          to: { type: 'integer' },
          type: { type: 'string' },
          count: { type: 'number' },
        },
      },
    },
  },
} as const;

/** A page of an analysis list: limit (1 to 1000, default 100) and offset. */
const PAGE_QUERY = {
  limit: { type: 'string', pattern: '^[1-9][0-9]{0,2}$|^1000$', description: '1 to 1000 (100)' },
  offset: { type: 'string', pattern: '^(0|[1-9][0-9]{0,8})$' },
} as const;

export const ringsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    minScore: {
      type: 'string',
      pattern: '^(0(\\.[0-9]{1,6})?|1(\\.0{1,6})?)$',
      description: 'from 0 to 1',
    },
    category: { enum: CATEGORIES },
    kind: { enum: IDENTIFIER_KINDS },
    ...PAGE_QUERY,
  },
} as const;

export const ringsAnswer = {
  type: 'object',
  required: ['analysis', 'total', 'rings'],
  properties: {
    analysis: { type: ['integer', 'null'], description: 'the run the rings come from' },
    total: { type: 'integer' },
    rings: { type: 'array', items: ringSummary },
  },
} as const;

const ANALYSIS_STATS = {
  type: 'object',
  additionalProperties: { type: ['number', 'null'] },
} as const;

export const analysisAnswer = {
  type: 'object',
  required: ['id', 'createdAt', 'resultSha256', 'stats'],
  properties: {
    id: { type: 'integer' },
    createdAt: { type: 'string' },
    resultSha256: {
      type: 'string',
      description: 'SHA-256 of the kept result: the digest its analysis log entry binds',
    },
    stats: ANALYSIS_STATS,
  },
} as const;

export const analysisRunAnswer = {
  type: 'object',
  required: ['id', 'createdAt', 'rings', 'ringTokens', 'campaigns', 'alerts', 'seconds', 'stats'],
  properties: {
    id: { type: 'integer' },
    createdAt: { type: 'string' },
    rings: { type: 'integer' },
    ringTokens: { type: 'integer' },
    campaigns: { type: 'integer' },
    alerts: { type: 'integer' },
    seconds: { type: 'number' },
    stats: ANALYSIS_STATS,
  },
} as const;

const CAMPAIGN_PROPERTIES = {
  id: { type: 'string' },
  category: { type: 'string', description: 'the most reported category' },
  categories: { type: 'object', additionalProperties: { type: 'integer' } },
  size: { type: 'integer', description: 'reports in it' },
  members: { type: 'integer', description: "how many members' reports are in it; never which" },
  firstSeen: { type: 'string' },
  lastSeen: { type: 'string' },
  weekly: {
    type: 'array',
    items: { type: 'integer' },
    description: 'reports in each of the 8 weeks before the run, oldest first',
  },
  growth: { type: ['number', 'null'], description: "last week's reports over the week before's" },
  script: {
    type: ['string', 'null'],
    description: 'the most typical masked script among those whose members shared it',
  },
  rings: {
    type: 'array',
    items: {
      type: 'object',
      required: ['id', 'reports'],
      properties: { id: { type: 'string' }, reports: { type: 'integer' } },
    },
  },
} as const;
const CAMPAIGN_REQUIRED = Object.keys(CAMPAIGN_PROPERTIES);

export const campaignSummary = {
  type: 'object',
  required: CAMPAIGN_REQUIRED,
  properties: CAMPAIGN_PROPERTIES,
} as const;

export const campaignDetail = {
  type: 'object',
  required: [...CAMPAIGN_REQUIRED, 'yourReports'],
  properties: {
    ...CAMPAIGN_PROPERTIES,
    yourReports: {
      type: 'array',
      items: { type: 'string' },
      description: 'ids of your own reports in it (a member sees only its own)',
    },
  },
} as const;

export const campaignsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    minSize: { type: 'string', pattern: '^[1-9][0-9]{0,8}$' },
    category: { enum: CATEGORIES },
    ...PAGE_QUERY,
  },
} as const;

export const campaignsAnswer = {
  type: 'object',
  required: ['analysis', 'total', 'campaigns'],
  properties: {
    analysis: { type: ['integer', 'null'], description: 'the run the campaigns come from' },
    total: { type: 'integer' },
    campaigns: { type: 'array', items: campaignSummary },
  },
} as const;

// Answers of the routes that had none declared (issue 14): a declared answer is all that
// leaves, so a field added to what a service returns does not reach a caller unseen.

const ISO_TIME = { type: 'string', format: 'date-time' } as const;

export const platformAnswer = {
  type: 'object',
  required: ['name', 'apiVersion', 'webhookPublicKey', 'webhookSignature'],
  properties: {
    name: { type: 'string' },
    apiVersion: { type: 'string' },
    webhookPublicKey: TOKEN,
    webhookSignature: { type: 'string' },
  },
} as const;

export const policyAnswer = {
  type: 'object',
  required: ['version', 'policy'],
  properties: {
    version: { type: 'integer' },
    policy: {
      type: 'object',
      additionalProperties: true,
      description: 'weights, halfLifeDays, thresholds, ageFloor (docs/platform.md, "Risk policy")',
    },
  },
} as const;

export const policyVersionAnswer = {
  type: 'object',
  required: ['version'],
  properties: { version: { type: 'integer' } },
} as const;

export const reportsPage = {
  type: 'object',
  required: ['reports', 'next'],
  properties: {
    reports: { type: 'array', items: storedReport },
    next: { type: ['string', 'null'] },
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
  properties: { url: { type: ['string', 'null'] } },
} as const;
