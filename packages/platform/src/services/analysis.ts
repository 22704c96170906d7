import type { EdgeType } from '@credence/analytics/evidence/evidence-graph';
import { BinaryFuseFilter } from '@credence/core/filters/binary-fuse';
import type { IdentifierKind } from '@credence/core/identifiers/kinds';
import type { Category } from '@credence/core/wire/vocabulary';
import { LRUCache } from 'lru-cache';
import type { AnalysisHead, AnalysisParts, StoredRank } from '../domain/types.js';
import type { Store } from '../storage/store.js';
import {
  type AnalysisJob,
  computeAnalysisParts,
  computeInput,
  EDGE_WORDS,
  filterable,
  rankColumns,
} from './analysis-compute.js';
import type {
  AnalysisResult,
  AnalysisRunSummary,
  CampaignRecord,
  CampaignSummary,
  RingDetail,
  RingSummary,
  TokenRank,
  TokenRing,
} from './analysis-records.js';
import type { AnalysisMessage } from './analysis-worker.js';
import { oneShotThread } from './one-shot-thread.js';
import type { PolicyService } from './policy-service.js';

export * from './analysis-compute.js';
export * from './analysis-records.js';

interface Loaded {
  readonly id: number;
  readonly createdAt: number;
  readonly resultSha256: string;
  /** The document without per-token ranks (for a run kept before ranks had rows, with them). */
  readonly result: AnalysisResult;
  readonly byId: ReadonlyMap<string, RingDetail>;
  readonly byToken: ReadonlyMap<string, TokenRing>;
  /** Ranks as the store keeps them, read on a check and cached; none for a run without rows. */
  readonly ranks: LRUCache<string, TokenRank | false> | undefined;
  /** The ranked tokens' filter: a token it does not hold is not read. */
  readonly rankFilter: BinaryFuseFilter | undefined;
  /** A run kept before ranks had rows: every rank, from its document. */
  readonly heldRanks: ReadonlyMap<string, TokenRank>;
  readonly campaigns: ReadonlyMap<string, CampaignRecord>;
}

/** Ranks each API node keeps at most, for the run it holds (a token not ranked counts too). */
export const RANK_CACHE = 100_000;

const percent = (p: number) =>
  p >= 0.9995 ? 'top 0.1 %' : `top ${Math.max(0.1, Math.round((1 - p) * 1000) / 10)} %`;

/** Why a token ranks where it does, in words. */
function rankReason(
  score: number,
  percentile: number,
  reportedNeighbours: number,
  via: EdgeType | null,
): string {
  const near =
    reportedNeighbours === 0
      ? 'no reported identifier next to it'
      : `${reportedNeighbours} reported identifier${reportedNeighbours === 1 ? '' : 's'} next to it`;
  const path = via === null ? '' : `; strongest path: ${EDGE_WORDS[via]} a suspect identifier`;
  return `In the ${percent(percentile)} of all tokens by risk (${score.toFixed(3)}): ${near}${path}.`;
}

const tokenRank = (model: string, r: Omit<StoredRank, 'token'>): TokenRank => ({
  score: r.score,
  percentile: r.percentile,
  model,
  reason: rankReason(r.score, r.percentile, r.near, r.via as EdgeType | null),
});

function load(head: AnalysisHead, rankCache: number): Loaded {
  const result = JSON.parse(head.summary) as AnalysisResult;
  const byId = new Map<string, RingDetail>();
  const byToken = new Map<string, TokenRing>();
  for (const ring of result.rings) {
    byId.set(ring.id, ring);
    for (const t of ring.tokens) {
      if (t.former) continue;
      const reason = t.why.reported
        ? `reported itself; in ${ring.id}`
        : t.why.from === undefined
          ? `${EDGE_WORDS[t.why.via]} a token outside the ring`
          : `${EDGE_WORDS[t.why.via]} a ${ring.tokens[t.why.from]?.kind.replace('_', ' ') ?? 'token'} of ${ring.id}`;
      byToken.set(t.token, {
        id: ring.id,
        score: ring.score,
        size: ring.size,
        categories: ring.categories,
        risk: t.risk,
        reason,
      });
    }
  }
  const heldRanks = new Map<string, TokenRank>();
  const model = result.ranking?.model ?? '';
  if (!head.ranked)
    for (const [token, score, percentile, near, via] of result.ranking?.tokens ?? [])
      heldRanks.set(token, tokenRank(model, { score, percentile, near, via }));
  return {
    id: head.id,
    createdAt: head.createdAt,
    resultSha256: head.resultSha256,
    result,
    byId,
    byToken,
    ranks: head.ranked ? new LRUCache({ max: Math.max(1, rankCache) }) : undefined,
    rankFilter: head.rankFilter === null ? undefined : BinaryFuseFilter.fromBytes(head.rankFilter),
    heldRanks,
    campaigns: new Map((result.campaigns ?? []).map((c) => [c.id, c])),
  };
}

/** The latest run held: when, its result's digest (as logged) and its figures. */
export interface CurrentRun {
  readonly id: number;
  readonly createdAt: number;
  readonly resultSha256: string;
  readonly stats: AnalysisResult['stats'];
}

/** What the latest run held says of some tokens (see AnalysisService.lookup). */
export interface TokensInRun {
  readonly run: CurrentRun | undefined;
  readonly rings: readonly (TokenRing | undefined)[];
  readonly ranks: readonly (TokenRank | undefined)[];
}

export interface RingFilter {
  readonly minScore?: number;
  readonly category?: Category;
  readonly kind?: IdentifierKind;
  /** Rings holding data of at least one member of this type. */
  readonly memberType?: string;
  readonly limit: number;
  readonly offset: number;
}

/**
 * Runs a run on a thread of its own: a million tokens take tens of seconds, during which
 * the event loop goes on answering checks. The thread reads the evidence itself where it
 * can reach the store (`read`); copying the evidence to it instead (`input`, structured
 * clone) stalled the event loop 350–540 ms at 240,000 reported tokens. The run's parts
 * come back by structured clone.
 */
function inWorker(message: AnalysisMessage): Promise<AnalysisParts> {
  return oneShotThread(import.meta.url, 'analysis-worker', 'analysis', message);
}

export interface AnalysisOptions {
  /** The clock of runs (Date.now by default). */
  readonly now?: () => number;
  /** Compute on a worker thread (default), so that checks go on being answered. */
  readonly inWorker?: boolean;
  /** Ranks cached (RANK_CACHE by default). */
  readonly rankCache?: number;
  /**
   * The store's --db (a SQLite file or a PostgreSQL URL), for the analysis thread to read
   * the evidence through a connection of its own; without it the evidence is read on this
   * thread and copied to that one.
   */
  readonly db?: string;
}

/**
 * Joint analysis at the platform (SPEC §6): reads the evidence from the store, finds
 * rings (@credence/analytics), keeps the result (the document, its summary without
 * per-token ranks, the rings' tokens and the ranks as rows; alerting watchers of tokens
 * that joined a ring, logging the run), and serves it to checks and the API. Every API
 * process holds the latest run's summary in memory (rings and campaigns: what the run
 * found, not every token it scored) and picks up a newer one kept by another process when
 * it refreshes; a token's rank is read from the store when a check asks, and a bounded
 * number of them cached.
 */
export class AnalysisService {
  private latest: Loaded | undefined;
  private running: Promise<AnalysisRunSummary> | undefined;

  private readonly now: () => number;
  private readonly inWorker: boolean;
  private readonly rankCache: number;
  private readonly db: string | undefined;

  constructor(
    private readonly store: Store,
    private readonly policies: PolicyService,
    options: AnalysisOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.inWorker = options.inWorker ?? true;
    this.rankCache = options.rankCache ?? RANK_CACHE;
    this.db = options.db;
  }

  /**
   * Loads the latest kept run, if it is newer than the one held. A run whose ranks the
   * store lost (PostgreSQL keeps them unlogged: a crash or a failover drops them) has
   * them put back from its document first, by whichever node gets there.
   */
  async refresh(): Promise<void> {
    const stored = await this.store.latestAnalysisHead(this.latest?.id);
    if (stored === undefined || stored.id <= (this.latest?.id ?? 0)) return;
    const loaded = load(stored, this.rankCache);
    if (stored.ranked && !stored.ranksKept) await this.restoreRanks(stored.id);
    this.latest = loaded;
  }

  /** Puts a run's ranks back from its document (parsed on this thread: after a crash, once). */
  private async restoreRanks(id: number): Promise<void> {
    const whole = await this.store.getAnalysis(id);
    if (whole === undefined) return;
    const result = JSON.parse(whole.body) as AnalysisResult;
    await this.store.restoreRanks(id, rankColumns(result.ranking));
  }

  /** Runs the analysis now (one at a time: a second caller shares the run under way). */
  run(createdBy: string): Promise<AnalysisRunSummary> {
    this.running ??= this.runNow(createdBy).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async runNow(createdBy: string): Promise<AnalysisRunSummary> {
    const started = performance.now();
    const { version, policy } = this.policies.get();
    const createdAt = this.now();
    const job: AnalysisJob = { policy, createdAt, policyVersion: version };
    const parts = !this.inWorker
      ? computeAnalysisParts(await computeInput(this.store, job))
      : await inWorker(
          this.db === undefined
            ? { input: await computeInput(this.store, job) }
            : { read: { ...job, db: this.db } },
        );
    const saved = await this.store.saveAnalysis({ createdAt, createdBy, ...parts });
    this.latest = load(
      {
        id: saved.id,
        createdAt,
        resultSha256: parts.resultSha256,
        summary: parts.summary,
        ranked: true,
        ranksKept: true,
        rankFilter: parts.rankFilter,
      },
      this.rankCache,
    );
    const result = this.latest.result;
    return {
      id: saved.id,
      createdAt,
      seq: saved.seq,
      rings: result.stats.rings,
      ringTokens: result.stats.ringTokens,
      campaigns: result.stats.campaigns,
      alerts: saved.alerts,
      seconds: (performance.now() - started) / 1000,
      stats: result.stats,
    };
  }

  /** The latest run held: when, its result's digest (as logged) and its figures. */
  current(): CurrentRun | undefined {
    const l = this.latest;
    return l === undefined ? undefined : currentOf(l);
  }

  /**
   * What the latest run held says of these tokens, in their order: each one's ring and
   * ranked risk (undefined: in none; no report within reach), and which run that is. The
   * ranks not cached are read from the store in one query.
   */
  async lookup(tokens: readonly string[]): Promise<TokensInRun> {
    const l = this.latest;
    if (l === undefined)
      return {
        run: undefined,
        rings: tokens.map(() => undefined),
        ranks: tokens.map(() => undefined),
      };
    const rings = tokens.map((t) => l.byToken.get(t));
    const cache = l.ranks;
    if (cache === undefined)
      return { run: currentOf(l), rings, ranks: tokens.map((t) => l.heldRanks.get(t)) };
    // Not cached, and possibly ranked: a token the filter does not hold is not (and is
    // not cached either: most checked tokens are new, and would push out those that are).
    const filter = l.rankFilter;
    const maybe = (t: string) => filter === undefined || !filterable(t) || filter.has(t);
    const possible = tokens.map(maybe);
    const missing = [...new Set(tokens.filter((t, i) => possible[i] && !cache.has(t)))];
    if (missing.length > 0) {
      const model = l.result.ranking?.model ?? '';
      const read = await this.store.analysisRanks(l.id, missing);
      for (const [i, token] of missing.entries()) {
        const r = read[i];
        cache.set(token, r === undefined ? false : tokenRank(model, r));
      }
    }
    return {
      run: currentOf(l),
      rings,
      ranks: tokens.map((t, i) => (possible[i] ? cache.get(t) || undefined : undefined)),
    };
  }

  rings(filter: RingFilter): { rings: RingSummary[]; total: number } {
    const all = (this.latest?.result.rings ?? []).filter(
      (r) =>
        (filter.minScore === undefined || r.score >= filter.minScore) &&
        (filter.category === undefined || r.categories.includes(filter.category)) &&
        (filter.kind === undefined || (r.kinds[filter.kind] ?? 0) > 0) &&
        (filter.memberType === undefined || (r.memberTypes?.[filter.memberType] ?? 0) > 0),
    );
    return {
      rings: all.slice(filter.offset, filter.offset + filter.limit).map(summaryOf),
      total: all.length,
    };
  }

  ring(id: string): RingDetail | undefined {
    const r = this.latest?.byId.get(id);
    // Runs kept before rings counted their members by type have none.
    return r === undefined ? undefined : { ...r, memberTypes: r.memberTypes ?? {} };
  }

  campaigns(filter: CampaignFilter): { campaigns: CampaignSummary[]; total: number } {
    const all = (this.latest?.result.campaigns ?? []).filter(
      (c) =>
        (filter.minSize === undefined || c.size >= filter.minSize) &&
        (filter.category === undefined || (c.categories[filter.category] ?? 0) > 0),
    );
    return {
      campaigns: all.slice(filter.offset, filter.offset + filter.limit).map(campaignSummary),
      total: all.length,
    };
  }

  /**
   * Every report of a campaign of the latest run, by member and id: what a police case
   * that attaches it holds. Undefined: no such campaign.
   */
  campaignReports(id: string): readonly { member: string; report: string }[] | undefined {
    return this.latest?.campaigns.get(id)?.reports.map(([member, report]) => ({ member, report }));
  }

  /** A campaign, with the asking member's own reports in it (never another member's). */
  campaign(
    id: string,
    member: string,
  ): (CampaignSummary & { readonly yourReports: readonly string[] }) | undefined {
    const c = this.latest?.campaigns.get(id);
    if (c === undefined) return undefined;
    return {
      ...campaignSummary(c),
      yourReports: c.reports.filter(([m]) => m === member).map(([, report]) => report),
    };
  }
}

const currentOf = (l: Loaded): CurrentRun => ({
  id: l.id,
  createdAt: l.createdAt,
  resultSha256: l.resultSha256,
  stats: l.result.stats,
});

export interface CampaignFilter {
  readonly minSize?: number;
  readonly category?: Category;
  readonly limit: number;
  readonly offset: number;
}

export function campaignSummary(c: CampaignRecord): CampaignSummary {
  const { reports: _reports, ...summary } = c;
  return summary;
}

export function summaryOf(r: RingDetail): RingSummary {
  return {
    id: r.id,
    score: r.score,
    size: r.size,
    categories: r.categories,
    kinds: r.kinds,
    reported: r.reported,
    victims: r.victims,
    members: r.members,
    // Runs kept before rings counted their members by type have none.
    memberTypes: r.memberTypes ?? {},
    patterns: r.patterns,
    explanation: r.explanation,
  };
}
