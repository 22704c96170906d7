import type { IdentifierKind } from '@credence/core/identifiers/kinds';
import type { AmountBand } from '@credence/core/wire/amount-band';
import type { Category, LinkType, ReportType } from '@credence/core/wire/vocabulary';
import type {
  Alert,
  EvidenceLinkRow,
  EvidenceReportRow,
  IngestEntity,
  Member,
  MemberType,
  SigningKeyRow,
  StoredReport,
} from '../domain/types.js';
import { sealedOf } from './aggregate.js';

/**
 * Rows as both adapters read them (the SQLite and PostgreSQL schemas share column
 * names; times are epoch milliseconds in both) and their domain values.
 */

export interface MemberRow {
  id: string;
  name: string;
  type: MemberType;
  status: Member['status'];
  created_at: number;
  share_index: number | null;
}

export interface ReportRow {
  id: string;
  ref: string;
  type: ReportType;
  category: Category;
  occurred_at: number;
  loss: string | null;
  region: string | null;
  /** The report's entities, as JSON (in the order sent). */
  entities: string;
  created_at: number;
  retracted_at: number | null;
  retract_reason: string | null;
  /** The sealed detail as JSON, or NULL. */
  sealed: string | null;
}

export interface AlertRow {
  id: number;
  seq: number;
  member_id: string;
  token: string;
  kind: IdentifierKind;
  source: 'report' | 'link' | 'ring' | 'key' | 'appeal';
  report_type: ReportType | null;
  category: Category | null;
  link_type: LinkType | null;
  ring_id: string | null;
  occurred_at: number;
  created_at: number;
}

export const memberOf = (r: MemberRow): Member => ({
  id: r.id,
  name: r.name,
  type: r.type,
  status: r.status,
  createdAt: r.created_at,
  ...(r.share_index === null || r.share_index === undefined
    ? {}
    : { shareIndex: Number(r.share_index) }),
});

export const alertOf = (r: AlertRow): Alert => ({
  seq: r.seq,
  id: r.id,
  token: r.token,
  kind: r.kind,
  source: r.source,
  reportType: r.report_type ?? undefined,
  category: r.category ?? undefined,
  linkType: r.link_type ?? undefined,
  ringId: r.ring_id ?? undefined,
  occurredAt: r.occurred_at,
  createdAt: r.created_at,
});

export const reportOf = (row: ReportRow): StoredReport => ({
  id: row.id,
  ref: row.ref,
  type: row.type,
  category: row.category,
  occurredAt: row.occurred_at,
  loss: (row.loss ?? undefined) as AmountBand | undefined,
  region: row.region ?? undefined,
  entities: JSON.parse(row.entities) as IngestEntity[],
  createdAt: row.created_at,
  retractedAt: row.retracted_at ?? undefined,
  retractReason: row.retract_reason ?? undefined,
  sealed: sealedOf(row.sealed),
});

export interface LinkEvidenceRow {
  from_token: string;
  id: string;
  member_id: string;
  link: LinkType;
  from_kind: IdentifierKind;
  to_token: string;
  to_kind: IdentifierKind;
  key_id: string;
  at: number;
  count: number;
}

export const linkEvidenceOf = (r: LinkEvidenceRow): EvidenceLinkRow => ({
  memberId: r.member_id,
  id: r.id,
  link: r.link,
  from: { token: r.from_token, kind: r.from_kind, keyId: r.key_id },
  to: { token: r.to_token, kind: r.to_kind, keyId: r.key_id },
  at: Number(r.at),
  count: Number(r.count),
});

export interface ReportEvidenceSqlRow {
  member_id: string;
  id: string;
  type: ReportType;
  category: Category;
  occurred_at: number;
  entities: string;
  fingerprint: string | null;
  script: string | null;
}

/** The columns reportEvidence reads, in both dialects. */
/**
 * A report as analysis reads it, with the script its member shared later if it did
 * (`report_scripts`): FROM reports r LEFT JOIN report_scripts s (REPORT_EVIDENCE_FROM).
 */
export const REPORT_EVIDENCE_COLUMNS =
  'r.member_id, r.id, r.type, r.category, r.occurred_at, r.entities, r.fingerprint, coalesce(r.script, s.script) AS script';
export const REPORT_EVIDENCE_FROM =
  'reports r LEFT JOIN report_scripts s ON s.member_id = r.member_id AND s.report_id = r.id';

export const reportEvidenceOf = (r: ReportEvidenceSqlRow): EvidenceReportRow => ({
  memberId: r.member_id,
  id: r.id,
  type: r.type,
  category: r.category,
  occurredAt: Number(r.occurred_at),
  entities: JSON.parse(r.entities) as IngestEntity[],
  fingerprint: r.fingerprint ?? undefined,
  script: r.script ?? undefined,
});

export const signingKeyOf = (r: {
  public_key: string;
  created_at: number;
  activates_at: number | null;
  revoked_at: number | null;
}): SigningKeyRow => ({
  publicKey: r.public_key,
  createdAt: Number(r.created_at),
  activatesAt: r.activates_at === null ? undefined : Number(r.activates_at),
  revokedAt: r.revoked_at === null ? undefined : Number(r.revoked_at),
});
