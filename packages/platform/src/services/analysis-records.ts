import type { EdgeType } from '@credence/analytics/evidence/evidence-graph';
import type { Ring } from '@credence/analytics/rings/rings';
import type { IdentifierKind } from '@credence/core/identifiers/kinds';
import type { Category } from '@credence/core/wire/vocabulary';

/**
 * What a run of joint analysis keeps and serves: rings, their tokens and edges, campaigns,
 * the ranking, the run's figures (services/analysis.ts holds the service that serves them).
 */

/** A ring as the API shows it to every member: counts, never a member's name. */
export interface RingSummary extends Omit<Ring, 'nodes'> {
  /** Tokens in it. */
  readonly size: number;
}

/** Why a token is in its ring: its own reports, or the edge its risk came over. */
export type RingTokenWhy =
  | { readonly reported: true; readonly evidence: number }
  | {
      readonly reported: false;
      readonly via: EdgeType;
      /** Index, in the ring's tokens, of the token the risk came from (absent: outside it). */
      readonly from?: number;
    };

export interface RingToken {
  /**
   * The token; for a former holder's epoch of a reassigned token (issue 12), its name
   * `<token>@<epoch ms the epoch ended>` (see `former`).
   */
  readonly token: string;
  readonly kind: IdentifierKind;
  readonly risk: number;
  /** Its ranked risk (a calibrated probability) and percentile among all scored tokens. */
  readonly score?: number;
  readonly percentile?: number;
  readonly why: RingTokenWhy;
  /**
   * Present (true) for a former holder's epoch of a token: part of the ring's structure,
   * but nothing the ring says is said of the token today (no check, watch or ring token).
   */
  readonly former?: true;
}

export interface RingEdge {
  /** Indexes into the ring's tokens. */
  readonly from: number;
  readonly to: number;
  readonly type: EdgeType;
  /** How many times members recorded it (link counts added, one per report). */
  readonly count: number;
}

export interface RingDetail extends RingSummary {
  readonly tokens: readonly RingToken[];
  readonly edges: readonly RingEdge[];
}

/**
 * Every token within reach of a report, ranked (issue 12): the model that scored them,
 * how many tokens were scored in all (the percentiles' denominator), and per token
 * [token, score, percentile, distinct reported neighbours, the edge type its strongest
 * path came over or null], highest ranked first. A token not listed had no report within
 * the walks' reach.
 */
export interface RankingRecord {
  readonly model: string;
  readonly scored: number;
  readonly tokens: readonly (readonly [
    token: string,
    score: number,
    percentile: number,
    reportedNeighbours: number,
    via: EdgeType | null,
  ])[];
}

/** The result of one analysis run, as kept (one JSON document) and served. */
export interface AnalysisResult {
  /** 2: with the ranking (issue 12); 1: before it. */
  readonly version: 1 | 2;
  readonly createdAt: string;
  readonly policyVersion: number;
  readonly stats: AnalysisStats;
  readonly rings: readonly RingDetail[];
  readonly campaigns: readonly CampaignRecord[];
  readonly ranking?: RankingRecord;
}

/** A campaign as every member sees it: counts and, where allowed, a masked script. */
export interface CampaignSummary {
  readonly id: string;
  readonly category: Category;
  readonly categories: Readonly<Partial<Record<Category, number>>>;
  /** Reports in it. */
  readonly size: number;
  /** Members whose reports are in it: a count. */
  readonly members: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
  /** Reports in each of the 8 weeks before the run, oldest first. */
  readonly weekly: readonly number[];
  /** Last week's reports over the week before's (null when that week had none). */
  readonly growth: number | null;
  /** The most typical masked script among those whose members shared it; null if none did. */
  readonly script: string | null;
  /** Rings its reports name tokens of, with how many of its reports do. */
  readonly rings: readonly { readonly id: string; readonly reports: number }[];
}

/** As kept: with each report's member and id, so a member can be shown its own. */
export interface CampaignRecord extends CampaignSummary {
  readonly reports: readonly (readonly [member: string, report: string])[];
}

/** The figures of a run (counts; milliseconds for the stages). */
export interface AnalysisStats {
  readonly nodes: number;
  readonly edges: number;
  /** Tokens reported in a fraudster's role. */
  readonly reported: number;
  /** Tokens at or above the ring threshold after propagation. */
  readonly candidates: number;
  readonly rings: number;
  readonly ringTokens: number;
  /** Connected components and communities of the whole evidence graph. */
  readonly graphComponents: number;
  readonly communities: number;
  readonly modularity: number;
  readonly milliseconds: number;
  /** Reports that carry a script's fingerprint, and the campaigns found among them. */
  readonly scripts: number;
  readonly campaigns: number;
}

/** What a check says of a token's ranked risk. */
export interface TokenRank {
  /** A calibrated probability: about this share of tokens so scored were a ring's in evaluation. */
  readonly score: number;
  /** Share of all scored tokens ranked strictly lower. */
  readonly percentile: number;
  readonly model: string;
  readonly reason: string;
}

/** What a check says of a token in a ring. */
export interface TokenRing {
  readonly id: string;
  readonly score: number;
  readonly size: number;
  readonly categories: readonly Category[];
  /** The token's risk after propagation; for a token nobody reported, the ring's verdict on it. */
  readonly risk: number;
  readonly reason: string;
}

export interface AnalysisRunSummary {
  readonly id: number;
  readonly createdAt: number;
  /** The change sequence the run's own write left. */
  readonly seq: number;
  readonly rings: number;
  readonly ringTokens: number;
  readonly campaigns: number;
  readonly alerts: number;
  readonly seconds: number;
  readonly stats: AnalysisResult['stats'];
}
