import { IDENTIFIER_KINDS } from '@credence/core/identifiers/kinds';
import { CATEGORIES } from '@credence/core/wire/vocabulary';

/** Rings, campaigns and analysis runs (routes/analysis.ts). */

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
  memberTypes: {
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'those members counted by type ({"bank": 3, "telecom": 2}); never which',
  },
  patterns: { type: 'array', items: PATTERN },
  explanation: { type: 'string' },
} as const;

const RING_SUMMARY_REQUIRED = Object.keys(
  RING_SUMMARY_PROPERTIES,
) as readonly (keyof typeof RING_SUMMARY_PROPERTIES)[];

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
    memberType: {
      enum: ['bank', 'payment', 'telecom', 'internet', 'police'],
      description: 'rings holding data of at least one member of this type',
    },
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

const CAMPAIGN_REQUIRED = Object.keys(
  CAMPAIGN_PROPERTIES,
) as readonly (keyof typeof CAMPAIGN_PROPERTIES)[];

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
