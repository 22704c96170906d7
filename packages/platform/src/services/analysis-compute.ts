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
import { BinaryFuseFilter, tokenKeys } from '@credence/core/filters/binary-fuse';
import { IDENTIFIER_KINDS, type IdentifierKind } from '@credence/core/identifiers/kinds';
import { decodeFingerprint } from '@credence/core/narrative/fingerprint';
import { ruledOn } from '@credence/core/risk/appeals';
import type { Policy } from '@credence/core/risk/policy';
import type { AnalysisParts, RankColumns } from '../domain/types.js';
import { analysisRecord } from '../storage/analysis-rows.js';
import type { Store } from '../storage/store.js';
import type {
  AnalysisResult,
  CampaignRecord,
  RankingRecord,
  RingDetail,
  RingEdge,
  RingToken,
  RingTokenWhy,
} from './analysis-records.js';

/**
 * A run of joint analysis as computation: the evidence read from the store, the rings and
 * campaigns found in it, and the document kept (pure but for the read; it runs on the
 * analysis thread, services/analysis-worker.ts).
 */

const PAGE = 5_000;

export const EDGE_WORDS: Readonly<Record<EdgeType, string>> = {
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
  // What members said of a token by the time an appeal about it was upheld is left out
  // (core/risk/appeals.ts): the token leaves its ring unless new evidence brings it back.
  const upheld = await store.upheldAppeals();
  const standing = (token: string, at: number) => !ruledOn(at, upheld.get(token));
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
    for (const stored of page) {
      const r =
        upheld.size === 0
          ? stored
          : {
              ...stored,
              entities: stored.entities.filter((e) => standing(e.token, stored.occurredAt)),
            };
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
    for (const l of page) {
      if (!standing(l.from.token, l.at) || !standing(l.to.token, l.at)) continue;
      builder.addLink({
        member: l.memberId,
        link: l.link,
        from: l.from,
        to: l.to,
        at: l.at,
        count: l.count,
      });
    }
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
      memberTypes: ring.memberTypes,
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

/** A run's figures from the policy, and when it is made. */
export interface AnalysisJob {
  readonly policy: Policy;
  readonly createdAt: number;
  readonly policyVersion: number;
}

/** What a run computes from, read from the store: the evidence, the members' types. */
export async function computeInput(store: Store, job: AnalysisJob): Promise<ComputeInput> {
  const { graph, scripts } = await readEvidence(store, job.policy, job.createdAt);
  return {
    graph,
    scripts,
    memberTypes: (await store.listMembers()).map((m) => [m.id, m.type]),
    threshold: job.policy.thresholds.suspicious,
    createdAt: job.createdAt,
    policyVersion: job.policyVersion,
  };
}

/** A run's computation, pure: rings and campaigns, as the document that is kept and served. */
export function computeAnalysis(input: ComputeInput): string {
  return JSON.stringify(computeResult(input));
}

/**
 * A run's computation in the parts the store keeps (services/analysis.ts): the document,
 * the same document without its per-token ranks (what every API node loads), the rings'
 * tokens, the ranks as columns (what a check reads, a token at a time) and a filter of
 * the ranked tokens (what spares the store a read for every token no run ranked). Computed on
 * the analysis thread, so that the node that ran it parses nothing on its event loop.
 */
export function computeAnalysisParts(input: ComputeInput): AnalysisParts {
  const result = computeResult(input);
  const ranking = result.ranking as RankingRecord;
  const ranks = rankColumns(ranking);
  const body = JSON.stringify(result);
  return {
    body,
    resultSha256: analysisRecord(body).resultSha256,
    summary: JSON.stringify({ ...result, ranking: { ...ranking, tokens: [] } }),
    ringTokens: result.rings.flatMap((r) =>
      r.tokens.flatMap((t) => (t.former ? [] : [{ token: t.token, kind: t.kind, ringId: r.id }])),
    ),
    ranks,
    rankFilter: ranks.tokens.every(filterable)
      ? BinaryFuseFilter.build(tokenKeys(ranks.tokens), 16).toBytes()
      : null,
  };
}

/** Whether the ranked tokens' filter can hold a token: a 43-character token (tokenKeys). */
export const filterable = (token: string): boolean => token.length === 43;

/** A ranking's tokens as columns, in its order. */
export function rankColumns(ranking: RankingRecord | undefined): RankColumns {
  const listed = ranking?.tokens ?? [];
  const ranks: RankColumns = {
    tokens: [],
    score: new Float64Array(listed.length),
    percentile: new Float64Array(listed.length),
    near: new Int32Array(listed.length),
    via: [],
  };
  for (const [i, [token, score, percentile, near, via]] of listed.entries()) {
    ranks.tokens.push(token);
    ranks.score[i] = score;
    ranks.percentile[i] = percentile;
    ranks.near[i] = near;
    ranks.via.push(via);
  }
  return ranks;
}

function computeResult(input: ComputeInput): AnalysisResult {
  const types = new Map(input.memberTypes);
  const analysis = analyzeGraph(input.graph, {
    memberRisk: input.threshold,
    minScore: input.threshold,
    memberType: (m) => types.get(m),
  });
  const campaigns = findCampaigns(input.scripts, { now: input.createdAt });
  return analysisResult(
    input.graph,
    analysis,
    input.scripts,
    campaigns,
    input.createdAt,
    input.policyVersion,
  );
}
