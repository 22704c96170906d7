/** The audit's reads: the log's entries with their records, counts, derived tables (routes/audit.ts). */
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
              "what the store holds for the entry's subject now (a report row, a batch's links, a shared script, the alerts a write raised with their salt, an event's record, with the alerts it commits to where its kind commits to them); null when it holds nothing or the kind has no record (check digests). The auditor computes the digest from it.",
          },
        },
      },
    },
  },
} as const;

export const auditCountsAnswer = {
  type: 'object',
  required: [
    'reports',
    'retractions',
    'linkBatches',
    'scripts',
    'alerts',
    'policies',
    'analyses',
    'outcomes',
    'qualityWeights',
    'appeals',
    'appealRulings',
    'statsReleases',
    'exposures',
    'filters',
  ],
  properties: {
    reports: { type: 'integer' },
    retractions: { type: 'integer' },
    linkBatches: { type: 'integer' },
    scripts: { type: 'integer' },
    alerts: { type: 'integer' },
    policies: { type: 'integer' },
    analyses: { type: 'integer' },
    outcomes: { type: 'integer' },
    qualityWeights: { type: 'integer' },
    appeals: { type: 'integer' },
    appealRulings: { type: 'integer' },
    statsReleases: { type: 'integer' },
    exposures: { type: 'integer' },
    filters: { type: 'integer' },
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
