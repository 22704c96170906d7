import { CASE_ITEM_KINDS, DISCLOSURE_STATES, LEGAL_BASIS_TYPES } from '@credence/core/wire/cases';
import { DATE_TIME, MEMBER_ID, TEXT_PATTERN, TOKEN } from './common.js';
import { BOX_PROPERTIES, storedReport } from './contributions.js';

/** Police cases and disclosures (docs/cases.md). */

export const CASE_ID = { type: 'string', pattern: '^case-[0-9a-f]{20}$' } as const;
export const DISCLOSURE_ID = { type: 'string', pattern: '^[1-9][0-9]{0,14}$' } as const;
/** A report's platform id (storage/ids.ts). */
export const REPORT_ID = { type: 'string', pattern: '^r_[0-9a-f]{24}$' } as const;
/** A sealing key: raw X25519, base64url. */
export const SEALING_KEY = { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' } as const;

const line = (maxLength: number) =>
  ({ type: 'string', minLength: 1, maxLength, pattern: TEXT_PATTERN }) as const;

export const legalBasis = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'caseNumber', 'statute', 'approvedBy', 'expiresAt'],
  properties: {
    type: { enum: LEGAL_BASIS_TYPES },
    caseNumber: line(128),
    statute: line(256),
    approvedBy: line(256),
    expiresAt: DATE_TIME,
  },
} as const;

export const openCaseRequest = {
  type: 'object',
  additionalProperties: false,
  required: ['basis', 'recipient'],
  properties: {
    basis: legalBasis,
    recipient: {
      ...SEALING_KEY,
      description: "the investigator's sealing key: grants are sealed to it",
    },
  },
} as const;

export const caseSchema = {
  type: 'object',
  required: [
    'id',
    'police',
    'basis',
    'recipient',
    'status',
    'expiresAt',
    'createdAt',
    'items',
    'reports',
  ],
  properties: {
    id: CASE_ID,
    police: MEMBER_ID,
    basis: legalBasis,
    recipient: SEALING_KEY,
    status: { enum: ['open', 'closed', 'expired'] },
    expiresAt: { type: 'string' },
    createdAt: { type: 'string' },
    closedAt: { type: 'string' },
    items: { type: 'integer', description: 'items attached' },
    reports: { type: 'integer', description: 'reports the items brought in' },
  },
} as const;

export const caseItem = {
  type: 'object',
  required: ['kind', 'id', 'reports', 'attachedAt'],
  properties: {
    kind: { enum: CASE_ITEM_KINDS },
    id: { type: 'string' },
    reports: { type: 'integer' },
    attachedAt: { type: 'string' },
  },
} as const;

export const caseDetail = {
  type: 'object',
  required: [...caseSchema.required, 'attached'],
  properties: { ...caseSchema.properties, attached: { type: 'array', items: caseItem } },
} as const;

export const casesPage = {
  type: 'object',
  required: ['cases', 'next'],
  properties: {
    cases: { type: 'array', items: caseSchema },
    next: { type: ['string', 'null'] },
  },
} as const;

export const attachRequest = {
  type: 'object',
  additionalProperties: false,
  required: ['items'],
  properties: {
    items: {
      type: 'array',
      minItems: 1,
      maxItems: 100,
      items: {
        oneOf: [
          {
            type: 'object',
            additionalProperties: false,
            required: ['kind', 'id'],
            properties: {
              kind: { enum: ['ring', 'campaign'] },
              id: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,64}$' },
            },
          },
          {
            type: 'object',
            additionalProperties: false,
            required: ['kind', 'id', 'member'],
            properties: { kind: { const: 'report' }, id: REPORT_ID, member: MEMBER_ID },
          },
          {
            type: 'object',
            additionalProperties: false,
            required: ['kind', 'id'],
            properties: { kind: { const: 'token' }, id: TOKEN },
          },
        ],
      },
    },
  },
} as const;

export const attachAnswer = {
  type: 'object',
  required: ['attached', 'reports'],
  properties: {
    attached: { type: 'integer', description: 'items newly attached' },
    reports: { type: 'integer', description: 'reports newly in the case' },
  },
} as const;

export const reportKey = {
  type: 'object',
  additionalProperties: false,
  required: ['member', 'report'],
  properties: { member: MEMBER_ID, report: REPORT_ID },
} as const;

export const caseReportsPage = {
  type: 'object',
  required: ['reports', 'next'],
  properties: {
    reports: {
      type: 'array',
      items: {
        type: 'object',
        required: ['member', 'report', 'via', 'attachedAt'],
        properties: {
          member: MEMBER_ID,
          report: REPORT_ID,
          via: { type: 'string', description: 'the item that brought it in: kind:id' },
          attachedAt: { type: 'string' },
        },
      },
    },
    next: { type: ['string', 'null'], description: 'member/report to pass as after' },
  },
} as const;

export const disclosureRequest = {
  type: 'object',
  additionalProperties: false,
  required: ['case'],
  properties: {
    case: CASE_ID,
    reports: {
      type: 'array',
      minItems: 1,
      maxItems: 10_000,
      items: reportKey,
      description: 'the reports to disclose; absent: every report in the case',
    },
  },
} as const;

export const GRANT = {
  type: 'object',
  additionalProperties: false,
  required: ['suite', 'enc', 'salt', 'ciphertext'],
  description: "the report's data key, sealed to the case's recipient key (HPKE)",
  properties: {
    ...BOX_PROPERTIES,
    ciphertext: { type: 'string', pattern: '^[A-Za-z0-9_-]{64}$' },
  },
} as const;

export const grantRequest = {
  type: 'object',
  additionalProperties: false,
  required: ['recipient', 'grant'],
  properties: { recipient: SEALING_KEY, grant: GRANT },
} as const;

export const denyRequest = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: line(1000) },
} as const;

export const decisionsRequest = {
  type: 'object',
  additionalProperties: false,
  required: ['decisions'],
  properties: {
    decisions: {
      type: 'array',
      minItems: 1,
      maxItems: 1000,
      items: {
        oneOf: [
          {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'recipient', 'grant'],
            properties: { id: DISCLOSURE_ID, recipient: SEALING_KEY, grant: GRANT },
          },
          {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'reason'],
            properties: { id: DISCLOSURE_ID, reason: line(1000) },
          },
        ],
      },
    },
  },
} as const;

export const decisionsAnswer = {
  type: 'object',
  required: ['results'],
  properties: {
    results: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'status'],
        properties: {
          id: DISCLOSURE_ID,
          status: { enum: ['granted', 'denied', 'refused'] },
          code: { enum: ['disclosure.not_found', 'disclosure.decided', 'disclosure.recipient'] },
        },
      },
    },
  },
} as const;

export const disclosureSchema = {
  type: 'object',
  required: [
    'id',
    'case',
    'police',
    'owner',
    'report',
    'status',
    'basis',
    'recipient',
    'requestedAt',
  ],
  properties: {
    id: DISCLOSURE_ID,
    case: CASE_ID,
    police: MEMBER_ID,
    owner: MEMBER_ID,
    report: REPORT_ID,
    status: { enum: DISCLOSURE_STATES },
    basis: legalBasis,
    recipient: SEALING_KEY,
    requestedAt: { type: 'string' },
    decidedAt: { type: 'string' },
    reason: { type: 'string' },
    fetchedAt: { type: 'string' },
    record: {
      ...storedReport,
      description:
        "the report as stored: to its owner always; to the police member once granted, with the sealed detail the grant's key opens",
    },
    grant: GRANT,
  },
} as const;

export const disclosuresQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    view: { enum: ['owner', 'police'] },
    status: { enum: DISCLOSURE_STATES },
    case: CASE_ID,
    after: { type: 'string', pattern: '^\\d{1,15}$' },
    limit: { type: 'string', pattern: '^\\d{1,4}$' },
  },
} as const;

export const disclosuresPage = {
  type: 'object',
  required: ['disclosures', 'next'],
  properties: {
    disclosures: { type: 'array', items: disclosureSchema },
    next: { type: 'string', description: 'the id to pass as after' },
  },
} as const;

export const disclosureRequested = {
  type: 'object',
  required: ['created', 'disclosures'],
  properties: {
    created: { type: 'integer', description: 'requests made now; the rest were asked before' },
    disclosures: { type: 'array', items: disclosureSchema },
  },
} as const;

/** A case's evidence package (docs/evidence-package.md; core/evidence/evidence-package.ts). */
export const evidencePackage = {
  type: 'object',
  required: ['format', 'exportedAt', 'case', 'log', 'entries', 'details'],
  properties: {
    format: { const: 'credence-evidence-package/v1' },
    exportedAt: { type: 'string' },
    case: {
      type: 'object',
      required: ['id', 'police', 'basis', 'recipient'],
      properties: { id: CASE_ID, police: MEMBER_ID, basis: legalBasis, recipient: SEALING_KEY },
    },
    log: {
      type: 'object',
      required: ['checkpoint', 'witnesses'],
      properties: {
        checkpoint: { type: 'string', description: 'the signed note with its cosignatures' },
        witnesses: { type: 'array', items: { type: 'string' } },
      },
    },
    entries: {
      type: 'array',
      items: {
        type: 'object',
        required: ['index', 'entry', 'proof', 'record'],
        properties: {
          index: { type: 'integer' },
          entry: { type: 'string' },
          proof: { type: 'array', items: { type: 'string' } },
          record: { description: 'the record the entry’s digest is of (as GET /v1/audit/entries)' },
        },
      },
    },
    details: {
      type: 'array',
      items: {
        type: 'object',
        required: ['disclosure', 'owner', 'report', 'reportEntry', 'grantedEntry', 'grant'],
        properties: {
          disclosure: DISCLOSURE_ID,
          owner: MEMBER_ID,
          report: REPORT_ID,
          reportEntry: { type: 'integer' },
          grantedEntry: { type: 'integer' },
          grant: GRANT,
          files: {
            type: 'array',
            description:
              "the report's evidence files as its owner uploaded them, sealed under the data key: base64url, by position in the report's list",
            items: {
              type: 'object',
              required: ['index', 'ciphertext'],
              properties: { index: { type: 'integer' }, ciphertext: { type: 'string' } },
            },
          },
        },
      },
    },
  },
} as const;
