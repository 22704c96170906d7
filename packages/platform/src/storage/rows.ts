import type { IdentifierKind } from '@credence/core/identifiers/kinds';
import type { AmountBand } from '@credence/core/wire/amount-band';
import type { Category, LinkType, ReportType } from '@credence/core/wire/vocabulary';
import type { Alert, IngestEntity, Member, MemberType, StoredReport } from '../domain/types.js';

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
}

export interface ReportRow {
  id: string;
  ref: string;
  type: ReportType;
  category: Category;
  occurred_at: number;
  loss: string | null;
  /** The report's entities, as JSON (in the order sent). */
  entities: string;
  created_at: number;
  retracted_at: number | null;
  retract_reason: string | null;
}

export interface AlertRow {
  id: number;
  seq: number;
  member_id: string;
  token: string;
  kind: IdentifierKind;
  source: 'report' | 'link';
  report_type: ReportType | null;
  category: Category | null;
  link_type: LinkType | null;
  occurred_at: number;
  created_at: number;
}

export const memberOf = (r: MemberRow): Member => ({
  id: r.id,
  name: r.name,
  type: r.type,
  status: r.status,
  createdAt: r.created_at,
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
  entities: JSON.parse(row.entities) as IngestEntity[],
  createdAt: row.created_at,
  retractedAt: row.retracted_at ?? undefined,
  retractReason: row.retract_reason ?? undefined,
});
