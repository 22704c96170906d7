import { addEntityRow, type EntityRowsDigest } from '@credence/core/log/audit-records';
import { credentialCommitment } from '@credence/core/log/entries';

/**
 * The platform's derived tables as an auditor reads them (`GET /v1/audit/state/{table}`):
 * the rows that drive answers — tokens' summaries and states, the rings' tokens — and the
 * rows that say who may do what — members, credentials, signing keys — and the key
 * servers' counts. The audit rebuilds each from the logged records and compares, so a
 * row added, changed or removed behind the platform's back is named.
 *
 * One definition for both adapters: SQL with `?` placeholders (PostgreSQL's adapter
 * numbers them), paged by the table's key in order (keyset paging on a row value).
 */

/** What the store holds that the log must account for, one entry each (counts). */
export const AUDIT_COUNTS = `(SELECT count(*) FROM reports) AS reports,
                (SELECT count(*) FROM reports WHERE retracted_at IS NOT NULL) AS retractions,
                (SELECT count(*) FROM (SELECT DISTINCT member_id, batch_id FROM links) b) AS "linkBatches",
                (SELECT count(*) FROM report_scripts) AS scripts,
                (SELECT count(*) FROM alerts) AS alerts,
                (SELECT count(*) FROM policies) AS policies,
                (SELECT count(*) FROM analysis_runs) AS analyses,
                (SELECT count(*) FROM outcomes) AS outcomes,
                (SELECT count(*) FROM quality_weights) AS "qualityWeights",
                (SELECT count(*) FROM appeals) AS appeals,
                (SELECT count(*) FROM appeals WHERE status <> 'open') AS "appealRulings",
                (SELECT count(*) FROM stats_releases) AS "statsReleases",
                (SELECT count(*) FROM exposures) AS exposures,
                (SELECT count(*) FROM filters) AS filters`;

export const AUDIT_TABLES = [
  'token-stats',
  'report-entities',
  'token-state',
  'ring-tokens',
  'members',
  'credentials',
  'signing-keys',
  'oprf-usage',
] as const;
export type AuditTable = (typeof AUDIT_TABLES)[number];

interface TableDefinition {
  readonly select: string;
  /**
   * Rows added up per token (core/log/audit-records.ts, addEntityRow) rather than served
   * one by one: a page is whole tokens, after the cursor's.
   */
  readonly perToken?: true;
  /** The columns of the table's key, in order; empty: the table is read whole. */
  readonly key: readonly string[];
  readonly row: (r: Record<string, unknown>) => Record<string, unknown>;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

const DEFINITIONS: Readonly<Record<AuditTable, TableDefinition>> = {
  'token-stats': {
    select:
      'SELECT token, member_id, type, reports, first_seen, last_seen, categories FROM token_stats',
    key: ['token', 'member_id', 'type'],
    row: (r) => ({
      token: r.token,
      member: r.member_id,
      type: r.type,
      reports: num(r.reports),
      firstSeen: num(r.first_seen),
      lastSeen: num(r.last_seen),
      categories: num(r.categories),
    }),
  },
  'report-entities': {
    select:
      'SELECT token, report_id, role, kind, key_id, member_id FROM report_entities WHERE token IN (SELECT DISTINCT token FROM report_entities',
    key: ['token'],
    perToken: true,
    row: (r) => r,
  },
  'token-state': {
    select: 'SELECT token, kind, key_id, flagged FROM token_state',
    key: ['token'],
    // SQLite keeps a boolean as 0 or 1.
    row: (r) => ({ token: r.token, kind: r.kind, keyId: r.key_id, flagged: Boolean(r.flagged) }),
  },
  'ring-tokens': {
    select: 'SELECT token, ring_id, kind, run_id FROM ring_tokens',
    key: ['token'],
    row: (r) => ({ token: r.token, ringId: r.ring_id, kind: r.kind, run: num(r.run_id) }),
  },
  members: {
    select: 'SELECT id, name, type, status, created_at, share_index FROM members',
    key: ['id'],
    row: (r) => ({
      id: r.id,
      name: r.name,
      type: r.type,
      status: r.status,
      createdAt: num(r.created_at),
      shareIndex: num(r.share_index),
    }),
  },
  // Read whole (a few rows a member), so that no page cursor carries a credential's hash.
  credentials: {
    select: 'SELECT member_id, created_at, revoked_at, sha256 FROM credentials',
    key: [],
    // The hash itself never leaves: only what the log's event binds of it.
    row: (r) => ({
      member: r.member_id,
      createdAt: num(r.created_at),
      revokedAt: num(r.revoked_at),
      credential: credentialCommitment(String(r.sha256)),
    }),
  },
  'signing-keys': {
    select: 'SELECT member_id, public_key, created_at, activates_at, revoked_at FROM signing_keys',
    key: ['member_id', 'public_key'],
    row: (r) => ({
      member: r.member_id,
      publicKey: r.public_key,
      createdAt: num(r.created_at),
      activatesAt: num(r.activates_at),
      revokedAt: num(r.revoked_at),
    }),
  },
  'oprf-usage': {
    select: 'SELECT reporter, key_id, share_index, day, member_id, evaluations FROM oprf_usage',
    key: ['reporter', 'key_id', 'share_index', 'day', 'member_id'],
    row: (r) => ({
      reporter: r.reporter,
      keyId: r.key_id,
      shareIndex: num(r.share_index),
      day: r.day,
      member: r.member_id,
      evaluations: num(r.evaluations),
    }),
  },
};

/** A page: its rows, and the cursor after the last one (null on the last page). */
export interface AuditStatePage {
  readonly rows: readonly Record<string, unknown>[];
  readonly next: readonly (string | number)[] | null;
}

/**
 * The statement for a page after `after` (the key of the last row read; undefined:
 * from the start). Precondition: `after` has as many values as the table's key.
 */
export function auditStateQuery(
  table: AuditTable,
  after: readonly (string | number)[] | undefined,
  limit: number,
): { sql: string; params: (string | number)[]; definition: TableDefinition } {
  const definition = DEFINITIONS[table];
  const { key } = definition;
  if (key.length === 0) return { sql: definition.select, params: [], definition };
  if (definition.perToken === true)
    return after === undefined
      ? {
          sql: `${definition.select} ORDER BY token LIMIT ?) ORDER BY token`,
          params: [limit],
          definition,
        }
      : {
          sql: `${definition.select} WHERE token > ? ORDER BY token LIMIT ?) ORDER BY token`,
          params: [...after, limit],
          definition,
        };
  const order = ` ORDER BY ${key.join(', ')} LIMIT ?`;
  if (after === undefined) return { sql: definition.select + order, params: [limit], definition };
  const where = ` WHERE (${key.join(', ')}) > (${key.map(() => '?').join(', ')})`;
  return { sql: definition.select + where + order, params: [...after, limit], definition };
}

/** The page of rows a statement read, with its cursor. */
export function auditStatePage(
  table: AuditTable,
  raw: readonly Record<string, unknown>[],
  limit: number,
): AuditStatePage {
  const { key, row, perToken } = DEFINITIONS[table];
  if (perToken === true) {
    const tokens = new Map<string, EntityRowsDigest>();
    for (const r of raw) {
      const token = String(r.token);
      let d = tokens.get(token);
      if (d === undefined) {
        d = { rows: 0, hash: 0 };
        tokens.set(token, d);
      }
      addEntityRow(d, {
        report: String(r.report_id),
        role: String(r.role),
        kind: String(r.kind),
        keyId: String(r.key_id),
        member: String(r.member_id),
      });
    }
    const last = [...tokens.keys()].at(-1);
    return {
      rows: [...tokens].map(([token, d]) => ({ token, rows: d.rows, hash: d.hash })),
      next: tokens.size < limit || last === undefined ? null : [last],
    };
  }
  const last = raw.at(-1);
  return {
    rows: raw.map(row),
    next:
      key.length === 0 || raw.length < limit || last === undefined
        ? null
        : key.map((k) => last[k] as string | number),
  };
}

/** Key columns that hold integers; every other key column holds text. */
const INTEGER_KEYS: ReadonlySet<string> = new Set(['share_index']);

/**
 * Whether a cursor could be a key of the table: one value per key column, text (no NUL,
 * at most 256 characters) or a whole number in range, as the column holds. A cursor is
 * the client's: a value the database cannot compare is refused before it is sent there.
 */
export function isAuditKey(table: AuditTable, after: unknown): after is (string | number)[] {
  const { key } = DEFINITIONS[table];
  return (
    Array.isArray(after) &&
    after.length === key.length &&
    key.every((column, i) => {
      const v = after[i] as unknown;
      return INTEGER_KEYS.has(column)
        ? typeof v === 'number' && Number.isSafeInteger(v) && Math.abs(v) < 2 ** 31
        : typeof v === 'string' && v.length <= 256 && !v.includes('\u0000');
    })
  );
}
