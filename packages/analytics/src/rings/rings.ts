import { IDENTIFIER_KINDS, type IdentifierKind } from '@credence/core/identifiers/kinds';
import { CATEGORIES, type Category } from '@credence/core/wire/vocabulary';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { EDGE_TYPES, type EvidenceGraph, evidenceScore } from '../evidence/evidence-graph.js';
import { type Components, componentsOfEdges } from '../graph/components.js';
import { buildCsr, type Csr, EdgeList, inducedSubgraph } from '../graph/csr.js';
import { louvain } from '../graph/louvain.js';
import {
  type CallCentre,
  detectCallCentre,
  detectHubs,
  detectMuleChain,
  type Hub,
  type MuleChain,
  type Pattern,
  type RingContext,
} from './detectors.js';
import {
  type Conductance,
  DEFAULT_CONDUCTANCE,
  type Incidence,
  incidence,
  type PropagationOptions,
  propagateRisk,
} from './propagation.js';
import { type Ranking, type RankingModel, rankTokens } from './ranking.js';
import { DEFAULT_RANKING_MODEL } from './ranking-model.js';

export interface RingOptions extends PropagationOptions {
  /** Risk at which a token counts as part of a ring. Default 0.3 (the policy's suspicious). */
  readonly memberRisk?: number;
  /** The ranking model (default: the one fitted on the development worlds). */
  readonly ranking?: RankingModel;
  /** Least score of a ring (its reported evidence over distinct members). Default 0.3. */
  readonly minScore?: number;
  /** Fewest tokens in a ring. Default 3. */
  readonly minSize?: number;
  /**
   * Fewest distinct reports behind a ring. Default 2: one report of one honest person
   * (a false report, a dispute) would otherwise make a ring of that person's whole
   * identity, reached through their own registrations and logins (issue 12).
   */
  readonly minReports?: number;
  /**
   * Components larger than this are split into their communities (Louvain). Default 500:
   * one operation's tokens stay one ring (the simulator's largest rings have ~130 seen
   * tokens, and Louvain splits a ring of that size into its crews); a component far larger
   * is usually several operations joined through a shared node.
   */
  readonly splitAbove?: number;
  /** What kind of member each member is (bank, telecom, …), for the explanations. */
  readonly memberType?: (member: string) => string | undefined;
  /**
   * Community of each node of the whole graph (analyzeGraph finds them): large components
   * are split along them instead of by a Louvain run of their own.
   */
  readonly communities?: Int32Array;
  /** The graph's incidence, when the caller has it already (analyzeGraph). */
  readonly incidence?: Incidence;
  readonly seed?: number;
}

export interface Ring {
  /** Stable while the ring's smallest reported token stays in it; names no token. */
  readonly id: string;
  /** Node ids in the evidence graph. */
  readonly nodes: readonly number[];
  readonly score: number;
  readonly categories: readonly Category[];
  readonly kinds: Readonly<Partial<Record<IdentifierKind, number>>>;
  /** Tokens some member reported in a fraudster's role; the rest were reached by propagation. */
  readonly reported: number;
  /** Distinct victims' tokens named in reports against it or paying, called or messaged by it. */
  readonly victims: number;
  /** How many members' data it spans: a count, never names. */
  readonly members: number;
  /** Those members counted by type ({ bank: 3, telecom: 2 }), where types are known. */
  readonly memberTypes: Readonly<Record<string, number>>;
  readonly patterns: readonly Pattern[];
  readonly explanation: string;
}

export interface RingAnalysis {
  readonly rings: readonly Ring[];
  /** Ring index of each node, -1 for none. */
  readonly ringOf: Int32Array;
  /** Each node's own reported evidence (0: not reported in a fraudster's role). */
  readonly evidence: Float64Array;
  /** Each node's risk after propagation, and the edge it came over (-1: its own). */
  readonly risk: Float64Array;
  readonly via: Int32Array;
  /** Tokens that take and pass no risk (victims). */
  readonly blocked: Uint8Array;
  /** The incidence and what each of its arcs carries (for the ranking). */
  readonly incidence: Incidence;
  readonly arcCarry: Float64Array;
  /** Every token's ranked risk (issue 12). */
  readonly ranking: Ranking;
  readonly stats: {
    /** Milliseconds per step. */
    readonly ms: Readonly<
      Record<'incidence' | 'propagation' | 'ranking' | 'components' | 'groups' | 'describe', number>
    >;
    readonly nodes: number;
    readonly edges: number;
    readonly reported: number;
    readonly candidates: number;
    readonly components: number;
    readonly split: number;
    readonly modularity: number | undefined;
  };
}

/**
 * Rings (SPEC §6): the evidence graph's suspect tokens, grouped.
 *
 * 1. Seeds: tokens reported in a fraudster's role, scored as independent evidence over
 *    distinct members. Tokens named more often on the victim's side are victims.
 * 2. Propagation: each seed's risk carried over the edges by their conductance (a
 *    registration, a login, money moving on), so the next mule account, the identity
 *    behind a number and the device behind a caller are reached without being reported.
 * 3. Components of the tokens at or above `memberRisk`, over the edges that associate
 *    tokens (not calls or messages, which reach victims); components above `splitAbove`
 *    are split into communities by Louvain.
 * 4. Each group scored by its reported evidence over distinct members; those at or above
 *    `minScore` with `minSize` tokens are rings, with detectors' patterns and an
 *    explanation made of counts.
 */
export function findRings(graph: EvidenceGraph, options: RingOptions = {}): RingAnalysis {
  const n = graph.tokens.length;
  const memberRisk = options.memberRisk ?? 0.3;
  const minScore = options.minScore ?? 0.3;
  const minReports = options.minReports ?? 2;
  const conductance: Conductance = options.conductance ?? DEFAULT_CONDUCTANCE;

  const { evidence, blocked, reported } = seeds(graph);
  let mark = performance.now();
  const ms = { incidence: 0, propagation: 0, ranking: 0, components: 0, groups: 0, describe: 0 };
  const lap = (stage: keyof typeof ms) => {
    const now = performance.now();
    ms[stage] = now - mark;
    mark = now;
  };
  const inc = options.incidence ?? incidence(graph);
  lap('incidence');
  const { risk, via, arcCarry, baseCarry } = propagateRisk(graph, evidence, blocked, inc, options);
  lap('propagation');
  const ranking = rankTokens(
    graph,
    inc,
    arcCarry,
    evidence,
    risk,
    blocked,
    baseCarry,
    options.ranking ?? DEFAULT_RANKING_MODEL,
  );
  lap('ranking');

  // Association edges between candidates: those that carry suspicion at least halfway.
  const associates = Uint8Array.from(EDGE_TYPES, (t) =>
    Math.max(conductance[t].forward, conductance[t].backward) >= 0.5 ? 1 : 0,
  );
  const candidate = new Uint8Array(n);
  let candidates = 0;
  for (let v = 0; v < n; v++)
    if ((risk[v] as number) >= memberRisk) {
      candidate[v] = 1;
      candidates++;
    }
  const { from, to, type } = graph.edges;
  const joins = (e: number) =>
    candidate[from[e] as number] === 1 &&
    candidate[to[e] as number] === 1 &&
    associates[type[e] as number] === 1;
  const components = componentsOfEdges(n, from, to, graph.edges.length, joins);
  lap('components');
  const grouping = groupCandidates(graph, candidate, components, joins, options);
  lap('groups');

  const ringOf = new Int32Array(n).fill(-1);
  const draft: { nodes: number[]; score: number }[] = [];
  for (const nodes of grouping.groups) {
    const score = groupScore(graph, blocked, nodes, minReports);
    if (score === undefined || score < minScore) continue;
    for (const v of nodes) ringOf[v] = draft.length;
    draft.push({ nodes, score });
  }
  const ctx: RingContext = { graph, inc, ringOf };
  // Each ring's victim reports, in one pass over them all.
  const victimPairs: number[][] = draft.map(() => []);
  for (let p = 0; p < graph.victimOf.length; p++) {
    const r = ringOf[graph.victimOf.suspect[p] as number] as number;
    if (r >= 0) victimPairs[r]?.push(p);
  }
  const rings = draft.map(({ nodes, score }, r) =>
    describeRing(ctx, victimPairs, r, nodes, score, options.memberType),
  );
  lap('describe');
  const { split, modularitySum } = grouping;
  return {
    rings,
    ringOf,
    evidence,
    risk,
    via,
    blocked,
    incidence: inc,
    arcCarry,
    ranking,
    stats: {
      ms,
      nodes: n,
      edges: graph.edges.length,
      reported,
      candidates,
      components: grouping.components,
      split,
      modularity:
        split === 0 || options.communities !== undefined ? undefined : modularitySum / split,
    },
  };
}

/**
 * The seeds: each token's own reported evidence, scored over distinct members, unless it
 * is named more often on the victim's side (then it is blocked: it takes and passes no risk).
 */
function seeds(graph: EvidenceGraph): {
  evidence: Float64Array;
  blocked: Uint8Array;
  reported: number;
} {
  const n = graph.tokens.length;
  const evidence = new Float64Array(n);
  const blocked = new Uint8Array(n);
  let reported = 0;
  for (let v = 0; v < n; v++) {
    const ev = graph.evidence.get(v);
    const asVictim = graph.victim[v] as number;
    if (asVictim > 0 && asVictim >= (ev?.reports ?? 0)) {
      blocked[v] = 1;
      continue;
    }
    if (ev !== undefined) {
      evidence[v] = evidenceScore(ev);
      reported++;
    }
  }
  return { evidence, blocked, reported };
}

/**
 * The candidates grouped: components of at least `minSize` tokens whole up to
 * `splitAbove`, larger ones by community (the whole graph's, or a Louvain of their own).
 */
function groupCandidates(
  graph: EvidenceGraph,
  candidate: Uint8Array,
  components: Components,
  joins: (e: number) => boolean,
  options: RingOptions,
): { groups: number[][]; components: number; split: number; modularitySum: number } {
  const n = graph.tokens.length;
  const minSize = options.minSize ?? 3;
  const splitAbove = options.splitAbove ?? 500;
  // The candidates' graph, made only if a component must be split by a Louvain of its own.
  let candidateCsr: Csr | undefined;
  const candidatesGraph = (): Csr => {
    if (candidateCsr !== undefined) return candidateCsr;
    const { from, to } = graph.edges;
    const edges = new EdgeList();
    for (let e = 0; e < graph.edges.length; e++)
      if (joins(e)) edges.add(from[e] as number, to[e] as number, 1);
    candidateCsr = buildCsr(n, edges, true);
    return candidateCsr;
  };

  const members: number[][] = Array.from({ length: components.count }, () => []);
  for (let v = 0; v < n; v++)
    if (candidate[v] === 1) (members[components.component[v] as number] as number[]).push(v);
  const groups: number[][] = [];
  let split = 0;
  let modularitySum = 0;
  for (const nodes of members) {
    if (nodes.length < minSize) continue;
    if (nodes.length <= splitAbove) {
      groups.push(nodes);
      continue;
    }
    split++;
    let parts: Iterable<number[]>;
    if (options.communities !== undefined) {
      // Communities of the whole graph, found once (analyzeGraph): the component's
      // tokens grouped by them.
      parts = byCommunity(nodes, options.communities);
    } else {
      const own = louvainParts(candidatesGraph(), nodes, options.seed ?? 1);
      modularitySum += own.modularity;
      parts = own.parts;
    }
    for (const part of parts) if (part.length >= minSize) groups.push(part);
  }
  return {
    groups,
    components: members.filter((m) => m.length >= minSize).length,
    split,
    modularitySum,
  };
}

/** A component's tokens grouped by their communities in the whole graph, in order of first token. */
function byCommunity(nodes: readonly number[], communities: Int32Array): Iterable<number[]> {
  const parts = new Map<number, number[]>();
  for (const v of nodes) {
    const c = communities[v] as number;
    const part = parts.get(c);
    if (part === undefined) parts.set(c, [v]);
    else part.push(v);
  }
  return parts.values();
}

/** A component split into the communities a Louvain run of its own finds in it. */
function louvainParts(
  candidates: Csr,
  nodes: readonly number[],
  seed: number,
): { parts: number[][]; modularity: number } {
  const inside = new Uint8Array(candidates.nodes);
  for (const v of nodes) inside[v] = 1;
  const { graph: sub, original } = inducedSubgraph(candidates, (v) => inside[v] === 1);
  const communities = louvain(sub, { seed });
  const parts: number[][] = Array.from({ length: communities.count }, () => []);
  for (let i = 0; i < sub.nodes; i++)
    (parts[communities.community[i] as number] as number[]).push(original[i] as number);
  return { parts, modularity: communities.modularity };
}

/**
 * A group's score: its reported evidence over distinct members (1 less the chance that
 * every member's strongest report is wrong); none when fewer distinct reports than
 * `minReports` (counted up to 2) stand behind it.
 */
function groupScore(
  graph: EvidenceGraph,
  blocked: Uint8Array,
  nodes: readonly number[],
  minReports: number,
): number | undefined {
  const strongest = new Map<number, number>();
  // Distinct reports behind the group, counted up to minReports: a token named in two
  // reports, or two tokens first named in different ones.
  let reports = 0;
  let first = -1;
  for (const v of nodes) {
    const ev = graph.evidence.get(v);
    if (ev === undefined || blocked[v] === 1) continue;
    for (const [m, w] of ev.members) strongest.set(m, Math.max(strongest.get(m) ?? 0, w));
    if (ev.reports >= 2) reports = Math.max(reports, 2);
    else if (first < 0) {
      first = ev.firstReport;
      reports = Math.max(reports, 1);
    } else if (ev.firstReport !== first) reports = Math.max(reports, 2);
  }
  if (reports < Math.min(minReports, 2)) return undefined;
  let clear = 1;
  for (const w of strongest.values()) clear *= 1 - w;
  return 1 - clear;
}

function ringId(graph: EvidenceGraph, nodes: readonly number[]): string {
  let anchor: string | undefined;
  for (const v of nodes) {
    if (!graph.evidence.has(v)) continue;
    const t = graph.tokens[v] as string;
    if (anchor === undefined || t < anchor) anchor = t;
  }
  return `ring-${bytesToHex(sha256(utf8ToBytes(`credence-ring\0${anchor ?? graph.tokens[nodes[0] as number]}`))).slice(0, 16)}`;
}

function describeRing(
  ctx: RingContext,
  victimPairs: readonly number[][],
  ring: number,
  nodes: number[],
  score: number,
  memberType: ((member: string) => string | undefined) | undefined,
): Ring {
  const { graph, inc } = ctx;
  const kinds: Partial<Record<IdentifierKind, number>> = {};
  let categories = 0;
  let reported = 0;
  const members = new Set<number>();
  for (const v of nodes) {
    const kind = IDENTIFIER_KINDS[graph.kinds[v] as number] as IdentifierKind;
    kinds[kind] = (kinds[kind] ?? 0) + 1;
    const ev = graph.evidence.get(v);
    if (ev !== undefined) {
      reported++;
      categories |= ev.categories;
      for (const m of ev.members.keys()) members.add(m);
    }
    for (let i = inc.offsets[v] as number, end = inc.offsets[v + 1] as number; i < end; i++)
      members.add(graph.edges.member[inc.edgeIds[i] as number] as number);
  }
  // Victims: named against the ring in reports, or paying, called or messaged by it.
  const victims = new Set<number>();
  const { victimOf } = graph;
  for (const p of victimPairs[ring] ?? []) {
    victims.add(victimOf.victim[p] as number);
    members.add(victimOf.member[p] as number);
  }
  const patterns: Pattern[] = [];
  const chain = detectMuleChain(ctx, ring, nodes);
  if (chain !== undefined) patterns.push(chain);
  const centre = detectCallCentre(ctx, ring, nodes);
  if (centre !== undefined) patterns.push(centre);
  patterns.push(...detectHubs(ctx, nodes));
  const byType = new Map<string, number>();
  for (const m of members) {
    const type = memberType?.(graph.members[m] as string);
    if (type !== undefined) byType.set(type, (byType.get(type) ?? 0) + 1);
  }
  const memberText =
    plural(members.size, 'member') +
    (byType.size === 0
      ? ''
      : ` (${[...byType]
          .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
          .map(([t, c]) => `${c} ${t}`)
          .join(', ')})`);
  const names = CATEGORIES.filter((_, i) => (categories & (1 << i)) !== 0);
  return {
    id: ringId(graph, nodes),
    nodes,
    score: Math.round(score * 1e6) / 1e6,
    categories: names,
    kinds,
    reported,
    victims: victims.size,
    members: members.size,
    memberTypes: Object.fromEntries([...byType].sort((a, b) => a[0].localeCompare(b[0]))),
    patterns,
    explanation: explain(nodes.length, kinds, reported, victims.size, memberText, patterns, names),
  };
}

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** A ring in words, from counts only. */
export function explain(
  size: number,
  kinds: Readonly<Partial<Record<IdentifierKind, number>>>,
  reported: number,
  victims: number,
  /** "5 members (3 bank, 2 telecom)". */
  members: string,
  patterns: readonly Pattern[],
  categories: readonly Category[],
): string {
  const parts: string[] = [];
  const centre = patterns.find((p): p is CallCentre => p.pattern === 'call_centre');
  const chain = patterns.find((p): p is MuleChain => p.pattern === 'mule_chain');
  const hubs = patterns.filter((p): p is Hub => p.pattern === 'app_hub' || p.pattern === 'url_hub');
  if (centre !== undefined)
    parts.push(
      `${plural(centre.callers, 'caller number')} behind ${plural(centre.machines, 'shared device')}, calling or messaging ${plural(centre.called, 'number')} on ${plural(centre.carriers, "a member's network", "members' networks")}`,
    );
  if (chain !== undefined)
    parts.push(
      `money through ${plural(chain.accounts, 'account')} in ${plural(chain.hops, 'hop')} to ${plural(chain.cashOuts, 'cash-out account')} (fan-in up to ${chain.maxFanIn}), seen by ${plural(chain.members, 'member')}`,
    );
  for (const hub of hubs)
    parts.push(
      hub.pattern === 'app_hub'
        ? `${plural(hub.hubs, 'app')} reaching ${plural(hub.reach, 'device')}`
        : `${plural(hub.hubs, 'link')} named in ${plural(hub.reach, 'report')}`,
    );
  const what = Object.entries(kinds)
    .sort((a, b) => (b[1] as number) - (a[1] as number))
    .map(([k, c]) => `${c} ${k.replace('_', ' ')}`)
    .join(', ');
  parts.push(
    `${plural(size, 'identifier')} (${what}), ${reported} of them reported; ${plural(victims, 'victim')}; data of ${members}`,
  );
  if (categories.length > 0) parts.push(`reported as ${categories.join(', ')}`);
  const text = parts.join('; ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}
