import type { LegalBasis } from '@credence/core/wire/cases';

/**
 * What the dashboard's servers answer and its browser app reads: one set of types for
 * both sides (this module imports nothing of Node's, so the app's bundle can use it).
 */

/** Who is signed in, and where (GET /api/session). */
export interface SessionInfo {
  readonly member: { readonly id: string; readonly name: string; readonly type: string };
  /** A member's or police agent's person; the operator's staff or an auditor at the platform. */
  readonly role: 'member' | 'police' | 'operator' | 'auditor';
  readonly language: 'en' | 'zh-CN';
  readonly csrf: string;
  readonly expiresAt: string;
}

/** A disclosure request for one of the member's reports (GET /api/disclosures). */
export interface DisclosureRow {
  readonly id: string;
  readonly status: 'requested' | 'granted' | 'denied';
  readonly case: string;
  readonly police: string;
  readonly report: string;
  /** The member's own ref of the report (it stays in the member's network). */
  readonly ref: string | null;
  readonly basis: LegalBasis;
  readonly requestedAt: string;
  readonly decidedAt: string | null;
  readonly reason: string | null;
}

/** Counts by the week (its Monday, YYYY-MM-DD) they fall in. */
export type Weekly = Readonly<Record<string, number>>;

/** The member's overview (GET /api/overview): its own numbers, each with its weeks. */
export interface OverviewAnswer {
  readonly reports: {
    readonly total: number;
    readonly retracted: number;
    readonly weekly: Weekly;
    readonly categories: Readonly<Record<string, number>>;
    /** More reports than the overview reads (OVERVIEW_REPORT_CAP): the counts are of the first. */
    readonly capped: boolean;
  };
  /** Checks made from this dashboard, by day and verdict (counts only, no identifier). */
  readonly checks: {
    readonly total: number;
    readonly byVerdict: Readonly<Record<string, number>>;
    readonly weekly: Weekly;
  };
  readonly alerts: {
    readonly total: number;
    /** Distinct watched customers the alerts were about. */
    readonly watchedCustomers: number;
    readonly weekly: Weekly;
    readonly bySource: Readonly<Record<string, number>>;
    readonly capped: boolean;
  };
  readonly rings: {
    readonly analysis: number | null;
    readonly total: number;
    /** How many of the strongest rings were looked at for the member's tokens. */
    readonly looked: number;
    readonly touching: readonly {
      readonly id: string;
      readonly score: number;
      readonly size: number;
      /** The ring's tokens the member knows (its own data). */
      readonly yours: number;
    }[];
  };
}

/** A node of the ring explorer: a token, named in the member's words where it knows it. */
export interface RingNode {
  readonly index: number;
  readonly token: string;
  readonly kind: string;
  readonly risk: number;
  readonly score?: number;
  readonly reported: boolean;
  readonly former?: boolean;
  readonly yours?: { readonly kind: string; readonly value: string; readonly watched: boolean };
  /** Not reported: the edge type its risk came over, and the node it came from. */
  readonly via?: string;
  readonly from?: number;
}

/** A ring for the explorer (GET /api/rings/{id}). */
export interface RingGraph {
  readonly id: string;
  readonly score: number;
  readonly size: number;
  readonly categories: readonly string[];
  readonly explanation: string;
  readonly nodes: readonly RingNode[];
  readonly edges: readonly {
    readonly from: number;
    readonly to: number;
    readonly type: string;
    readonly count: number;
  }[];
}

/** A disclosure request of a police member's case (GET /api/cases/{id}). */
export interface CaseDisclosure {
  readonly id: string;
  readonly owner: string;
  readonly report: string;
  readonly status: 'requested' | 'granted' | 'denied';
  readonly requestedAt: string;
  readonly decidedAt: string | null;
  readonly reason: string | null;
}

/** A granted detail, opened at the police member's agent (GET /api/cases/{id}/details). */
export interface OpenedRow {
  readonly disclosure: string;
  readonly owner: string;
  readonly report: string;
  readonly narrative: string | null;
  readonly lossCny: number | null;
  /** The evidence files' names (fetch them with credence case details --files). */
  readonly files: readonly string[];
}
