import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { analyzeGraph, type GraphAnalysis } from '@credence/analytics/analysis';
import {
  type Campaign,
  findCampaigns,
  type ScriptReport,
} from '@credence/analytics/campaigns/campaigns';
import {
  EDGE_TYPES,
  type EdgeType,
  type EvidenceGraph,
  EvidenceGraphBuilder,
  isVictimSide,
} from '@credence/analytics/evidence/evidence-graph';
import type { Ring } from '@credence/analytics/rings/rings';
import { IDENTIFIER_KINDS, type IdentifierKind } from '@credence/core/identifiers/kinds';
import { decodeFingerprint } from '@credence/core/narrative/fingerprint';
import type { Policy } from '@credence/core/risk/policy';
import type { Category } from '@credence/core/wire/vocabulary';
import { workerEntry } from '@credence/core/worker-entry';
import type { Store } from '../storage/store.js';
import type { PolicyService } from './policy-service.js';

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

interface Loaded {
  readonly id: number;
  readonly createdAt: number;
  readonly resultSha256: string;
  readonly result: AnalysisResult;
  readonly byId: ReadonlyMap<string, RingDetail>;
  readonly byToken: ReadonlyMap<string, TokenRing>;
  readonly rank: ReadonlyMap<string, TokenRank>;
  readonly campaigns: ReadonlyMap<string, CampaignRecord>;
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

const PAGE = 5_000;

const EDGE_WORDS: Readonly<Record<EdgeType, string>> = {
  transfer: 'money moved with',
  call: 'calls with',
  sms: 'messages with',
  login: 'logged in with',
  install: 'installed with',
  registered_with: 'registered with',
  reassigned: 'given to a new holder registered with',
  co_report: 'named in a report with',
};

/**
 * Reads everything analysis needs from the store, page by page: the evidence graph, and
 * the reports that carry a script's fingerprint.
 */
export async function readEvidence(
  store: Store,
  policy: Policy,
  now: number,
): Promise<{ graph: EvidenceGraph; scripts: ScriptEvidence[] }> {
  const scripts: ScriptEvidence[] = [];
  const builder = new EvidenceGraphBuilder({
    weights: policy.weights,
    halfLifeDays: policy.halfLifeDays,
    ageFloor: policy.ageFloor,
    now,
  });
  // Reassignments first: a token given to a new holder is split into epochs before any
  // report or link names it (issue 12).
  let afterGiven: { fromToken: string; id: string } | undefined;
  for (;;) {
    const page = await store.reassignments(afterGiven, PAGE);
    for (const l of page) builder.reassign(l.from.kind, l.from.token, l.at);
    const last = page.at(-1);
    if (last === undefined || page.length < PAGE) break;
    afterGiven = { fromToken: last.from.token, id: last.id };
  }
  let afterReport: { memberId: string; id: string } | undefined;
  for (;;) {
    const page = await store.reportEvidence(afterReport, PAGE);
    for (const r of page) {
      builder.addReport({
        member: r.memberId,
        type: r.type,
        category: r.category,
        occurredAt: r.occurredAt,
        entities: r.entities,
      });
      const signature = r.fingerprint === undefined ? undefined : decodeFingerprint(r.fingerprint);
      if (signature !== undefined)
        scripts.push({
          id: r.id,
          member: r.memberId,
          category: r.category,
          occurredAt: r.occurredAt,
          signature,
          script: r.script,
          tokens: r.entities.filter((e) => !isVictimSide(r.type, e.role)).map((e) => e.token),
        });
    }
    const last = page.at(-1);
    if (last === undefined || page.length < PAGE) break;
    afterReport = { memberId: last.memberId, id: last.id };
  }
  let afterLink: { fromToken: string; id: string } | undefined;
  for (;;) {
    const page = await store.linkEvidence(afterLink, PAGE);
    for (const l of page)
      builder.addLink({
        member: l.memberId,
        link: l.link,
        from: l.from,
        to: l.to,
        at: l.at,
        count: l.count,
      });
    const last = page.at(-1);
    if (last === undefined || page.length < PAGE) break;
    afterLink = { fromToken: last.from.token, id: last.id };
  }
  return { graph: builder.build(), scripts };
}

/** A report's script as campaigns read it, with its fraudster-side tokens (for rings). */
export interface ScriptEvidence extends ScriptReport {
  readonly tokens: readonly string[];
}

/** The analysis result of a graph: each ring with its tokens, why each is there, and its edges. */
export function analysisResult(
  graph: EvidenceGraph,
  analysis: GraphAnalysis,
  scripts: readonly ScriptEvidence[],
  campaigns: readonly Campaign[],
  createdAt: number,
  policyVersion: number,
): AnalysisResult {
  const { from, to, type, count } = graph.edges;
  // Each ring's own edges (both ends in it), in one pass over the graph.
  const inside: number[][] = analysis.rings.map(() => []);
  for (let e = 0; e < graph.edges.length; e++) {
    const r = analysis.ringOf[from[e] as number] as number;
    if (r >= 0 && analysis.ringOf[to[e] as number] === r) inside[r]?.push(e);
  }
  const rings: RingDetail[] = analysis.rings.map((ring, r) => {
    const position = new Map<number, number>(ring.nodes.map((v, i) => [v, i]));
    const tokens: RingToken[] = ring.nodes.map((v) => {
      const e = analysis.via[v] as number;
      const risk = Math.round((analysis.risk[v] as number) * 1e6) / 1e6;
      const source = e < 0 ? -1 : from[e] === v ? (to[e] as number) : (from[e] as number);
      const own = Math.round((analysis.evidence[v] as number) * 1e6) / 1e6;
      let why: RingTokenWhy;
      if (e < 0) why = { reported: true, evidence: own };
      else {
        const at = position.get(source);
        why = {
          reported: false,
          via: EDGE_TYPES[type[e] as number] as EdgeType,
          // The token its risk came from, when that one is in the ring too.
          ...(at === undefined ? {} : { from: at }),
        };
      }
      return {
        token: graph.tokens[v] as string,
        kind: IDENTIFIER_KINDS[graph.kinds[v] as number] as IdentifierKind,
        risk,
        score: round6(analysis.ranking.score[v] as number),
        percentile: round6(analysis.ranking.percentile[v] as number),
        why,
        ...(graph.former[v] === 1 ? { former: true as const } : {}),
      };
    });
    const edges = new Map<string, RingEdge>();
    for (const e of inside[r] ?? []) {
      const a = from[e] as number;
      const b = to[e] as number;
      const key = `${a},${b},${type[e]}`;
      const old = edges.get(key);
      edges.set(key, {
        from: position.get(a) as number,
        to: position.get(b) as number,
        type: EDGE_TYPES[type[e] as number] as EdgeType,
        count: (old?.count ?? 0) + (count[e] as number),
      });
    }
    return {
      id: ring.id,
      score: ring.score,
      size: ring.nodes.length,
      categories: ring.categories,
      kinds: ring.kinds,
      reported: ring.reported,
      victims: ring.victims,
      members: ring.members,
      patterns: ring.patterns,
      explanation: ring.explanation,
      tokens,
      edges: [...edges.values()],
    };
  });
  rings.sort((a, b) => b.score - a.score || b.size - a.size || (a.id < b.id ? -1 : 1));
  // The ring of each token a campaign's reports name, found in one pass over the graph.
  const wanted = new Set<string>();
  for (const c of campaigns)
    for (const i of c.reports) for (const t of (scripts[i] as ScriptEvidence).tokens) wanted.add(t);
  const ringOfToken = new Map<string, string>();
  if (wanted.size > 0)
    graph.tokens.forEach((token, v) => {
      const r = analysis.ringOf[v] as number;
      const id = r < 0 ? undefined : analysis.rings[r]?.id;
      if (id !== undefined && wanted.has(token)) ringOfToken.set(token, id);
    });
  return {
    version: 2,
    createdAt: new Date(createdAt).toISOString(),
    policyVersion,
    stats: {
      nodes: analysis.stats.nodes,
      edges: analysis.stats.edges,
      reported: analysis.stats.reported,
      candidates: analysis.stats.candidates,
      rings: rings.length,
      ringTokens: rings.reduce((n, r) => n + r.size, 0),
      graphComponents: analysis.components.count,
      communities: analysis.communities.count,
      modularity: Math.round(analysis.communities.modularity * 1e6) / 1e6,
      milliseconds: Math.round(Object.values(analysis.timings).reduce((a, b) => a + b, 0)),
      scripts: scripts.length,
      campaigns: campaigns.length,
    },
    rings,
    campaigns: campaigns.map((c) => campaignRecord(ringOfToken, scripts, c)),
    ranking: rankingRecord(graph, analysis),
  };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** Every token within the walks' reach of a report, highest ranked first. */
function rankingRecord(graph: EvidenceGraph, analysis: GraphAnalysis): RankingRecord {
  const { score, percentile, reached, reportedNeighbours } = analysis.ranking;
  const listed: number[] = [];
  // A former holder's epoch of a reassigned token is not the token today: not listed.
  for (let v = 0; v < graph.tokens.length; v++)
    if (reached[v] === 1 && graph.former[v] !== 1) listed.push(v);
  listed.sort(
    (a, b) =>
      (percentile[b] as number) - (percentile[a] as number) ||
      ((graph.tokens[a] as string) < (graph.tokens[b] as string) ? -1 : 1),
  );
  const { from, type } = graph.edges;
  return {
    model: analysis.ranking.model,
    scored: graph.tokens.length,
    tokens: listed.map((v) => {
      const e = analysis.via[v] as number;
      return [
        graph.tokens[v] as string,
        round6(score[v] as number),
        round6(percentile[v] as number),
        reportedNeighbours[v] as number,
        e < 0 || from[e] === undefined ? null : (EDGE_TYPES[type[e] as number] as EdgeType),
      ] as const;
    }),
  };
}

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

function campaignRecord(
  ringOfToken: ReadonlyMap<string, string>,
  scripts: readonly ScriptEvidence[],
  c: Campaign,
): CampaignRecord {
  const ringReports = new Map<string, number>();
  for (const i of c.reports) {
    const seen = new Set<string>();
    for (const token of (scripts[i] as ScriptEvidence).tokens) {
      const id = ringOfToken.get(token);
      if (id !== undefined) seen.add(id);
    }
    for (const id of seen) ringReports.set(id, (ringReports.get(id) ?? 0) + 1);
  }
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    id: c.id,
    category: c.category,
    categories: c.categories,
    size: c.reports.length,
    members: c.members,
    firstSeen: iso(c.firstSeen),
    lastSeen: iso(c.lastSeen),
    weekly: c.weekly,
    growth: c.growth === null ? null : Math.round(c.growth * 1000) / 1000,
    script:
      c.representative === undefined
        ? null
        : ((scripts[c.representative] as ScriptEvidence).script ?? null),
    rings: [...ringReports]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([id, reports]) => ({ id, reports })),
    reports: c.reports.map((i) => {
      const r = scripts[i] as ScriptEvidence;
      return [r.member, r.id] as const;
    }),
  };
}

function load(
  id: number,
  createdAt: number,
  body: string,
  result = JSON.parse(body) as AnalysisResult,
): Loaded {
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
  const rank = new Map<string, TokenRank>();
  const model = result.ranking?.model ?? '';
  for (const [token, score, percentile, near, via] of result.ranking?.tokens ?? [])
    rank.set(token, { score, percentile, model, reason: rankReason(score, percentile, near, via) });
  return {
    id,
    createdAt,
    resultSha256: createHash('sha256').update(body).digest('hex'),
    result,
    byId,
    byToken,
    rank,
    campaigns: new Map((result.campaigns ?? []).map((c) => [c.id, c])),
  };
}

export interface RingFilter {
  readonly minScore?: number;
  readonly category?: Category;
  readonly kind?: IdentifierKind;
  readonly limit: number;
  readonly offset: number;
}

/** What one run computes from: the evidence read from the store and the policy's figures. */
export interface ComputeInput {
  readonly graph: EvidenceGraph;
  readonly scripts: readonly ScriptEvidence[];
  readonly memberTypes: readonly (readonly [member: string, type: string])[];
  /** The policy's suspicious threshold: the risk that puts a token in a ring, a ring's least score. */
  readonly threshold: number;
  readonly createdAt: number;
  readonly policyVersion: number;
}

/** A run's computation, pure: rings and campaigns, as the document that is kept and served. */
export function computeAnalysis(input: ComputeInput): string {
  const types = new Map(input.memberTypes);
  const analysis = analyzeGraph(input.graph, {
    memberRisk: input.threshold,
    minScore: input.threshold,
    memberType: (m) => types.get(m),
  });
  const campaigns = findCampaigns(input.scripts, { now: input.createdAt });
  return JSON.stringify(
    analysisResult(
      input.graph,
      analysis,
      input.scripts,
      campaigns,
      input.createdAt,
      input.policyVersion,
    ),
  );
}

/**
 * Runs computeAnalysis on a thread of its own: a million tokens take tens of seconds,
 * during which the event loop goes on answering checks. The evidence crosses by
 * structured clone (typed arrays and maps), the document comes back as text.
 */
function computeInWorker(input: ComputeInput): Promise<string> {
  return new Promise((resolve, reject) => {
    const entry = workerEntry(import.meta.url, 'analysis-worker');
    const worker = new Worker(entry.script, { eval: entry.eval, execArgv: entry.execArgv ?? [] });
    let settled = false;
    const settle = (done: () => void) => {
      if (settled) return;
      settled = true;
      done();
      void worker.terminate();
    };
    worker.once('message', (body: string) => settle(() => resolve(body)));
    worker.once('error', (error) => settle(() => reject(error)));
    worker.once('exit', (code) =>
      settle(() => reject(new Error(`the analysis thread stopped (exit ${code})`))),
    );
    worker.postMessage(input);
  });
}

/**
 * Joint analysis at the platform (SPEC §6): reads the evidence from the store, finds
 * rings (@credence/analytics), keeps the result as one document with the rings' tokens
 * (alerting watchers of tokens that joined a ring, logging the run), and serves it to
 * checks and the API. Every API process holds the latest run in memory and picks up a
 * newer one kept by another process when it refreshes.
 */
export class AnalysisService {
  private latest: Loaded | undefined;
  private running: Promise<AnalysisRunSummary> | undefined;

  constructor(
    private readonly store: Store,
    private readonly policies: PolicyService,
    private readonly now: () => number = Date.now,
    /** Compute on a worker thread (default), so that checks go on being answered. */
    private readonly inWorker = true,
  ) {}

  /** Loads the latest kept run, if it is newer than the one held. */
  async refresh(): Promise<void> {
    const stored = await this.store.latestAnalysis(this.latest?.id);
    if (stored !== undefined && stored.id > (this.latest?.id ?? 0))
      this.latest = load(stored.id, stored.createdAt, stored.body);
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
    const { graph, scripts } = await readEvidence(this.store, policy, createdAt);
    const input: ComputeInput = {
      graph,
      scripts,
      memberTypes: (await this.store.listMembers()).map((m) => [m.id, m.type]),
      threshold: policy.thresholds.suspicious,
      createdAt,
      policyVersion: version,
    };
    const body = this.inWorker ? await computeInWorker(input) : computeAnalysis(input);
    const result = JSON.parse(body) as AnalysisResult;
    const saved = await this.store.saveAnalysis({
      createdAt,
      createdBy,
      body,
      ringTokens: result.rings.flatMap((r) =>
        r.tokens.flatMap((t) => (t.former ? [] : [{ token: t.token, kind: t.kind, ringId: r.id }])),
      ),
    });
    this.latest = load(saved.id, createdAt, body, result);
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
  current():
    | { id: number; createdAt: number; resultSha256: string; stats: AnalysisResult['stats'] }
    | undefined {
    const l = this.latest;
    return l === undefined
      ? undefined
      : { id: l.id, createdAt: l.createdAt, resultSha256: l.resultSha256, stats: l.result.stats };
  }

  tokenRing(token: string): TokenRing | undefined {
    return this.latest?.byToken.get(token);
  }

  /** The token's ranked risk in the latest run (undefined: no report within reach). */
  tokenRank(token: string): TokenRank | undefined {
    return this.latest?.rank.get(token);
  }

  rings(filter: RingFilter): { rings: RingSummary[]; total: number } {
    const all = (this.latest?.result.rings ?? []).filter(
      (r) =>
        (filter.minScore === undefined || r.score >= filter.minScore) &&
        (filter.category === undefined || r.categories.includes(filter.category)) &&
        (filter.kind === undefined || (r.kinds[filter.kind] ?? 0) > 0),
    );
    return {
      rings: all.slice(filter.offset, filter.offset + filter.limit).map(summaryOf),
      total: all.length,
    };
  }

  ring(id: string): RingDetail | undefined {
    return this.latest?.byId.get(id);
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
    patterns: r.patterns,
    explanation: r.explanation,
  };
}
