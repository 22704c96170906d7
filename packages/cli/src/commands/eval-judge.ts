import { analyzeGraph, type GraphAnalysis } from '@credence/analytics/analysis';
import type { ScriptReport } from '@credence/analytics/campaigns/campaigns';
import { type Baseline, baselineScores } from '@credence/analytics/evaluation/baselines';
import { matchRings, type RingMatch } from '@credence/analytics/evaluation/metrics';
import {
  type MemberRanking,
  memberRanking,
  modelScore,
  type RankingFigures,
  type TokenRanking,
  tokenRanking,
} from '@credence/analytics/evaluation/token-ranking';
import {
  type EvidenceGraph,
  EvidenceGraphBuilder,
  type EvidenceLink,
  type EvidenceReport,
  isVictimSide,
} from '@credence/analytics/evidence/evidence-graph';
import type { SeizedTruth } from '@credence/sim/world/seized';

/**
 * What `credence eval` holds against the truth, the same for the platform's pipeline and
 * the in-process path (`--in-process`): the two differ only in how tokens are made (key
 * servers, or `kind:normalized value`) and in who answers the checks.
 */

export interface Truth {
  seed: number;
  scale: number;
  days: number;
  start: string;
  members: { id: string; type: string }[];
  rings: { id: string; identifiers: Record<string, string[]> }[];
  campaigns: { id: string; reportRefs: string[] }[];
  /** The police's seized lists, and who on them was a victim (worlds since issue 17). */
  seized?: SeizedTruth;
}

export interface Policy {
  weights: Record<string, number>;
  halfLifeDays: Record<string, number>;
  thresholds: { suspicious: number; fraud: number };
  ageFloor?: Record<string, number>;
}

/** One member's files, as analysis reads them. */
export interface MemberData {
  readonly reports: EvidenceReport[];
  readonly links: EvidenceLink[];
  /** Reports with a fingerprint, as campaigns read them (id: the member's ref). */
  readonly scripts: ScriptReport[];
}

export interface TokenFigures {
  /** Identifiers in some member's data that no report names. */
  readonly unreported: number;
  /** Of them, a true ring's (the positives; also k of precision at k). */
  readonly ringIdentifiers: number;
  /** Precision and recall of the flag (a check answering `suspicious` or `fraud`). */
  readonly precision: number;
  readonly recall: number;
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly falseNegatives: number;
  /** Which score is ranked: the check's `rank.score` or `score` (pipeline), `ranking` or `risk` (in-process). */
  readonly scoreSource: string;
  readonly auprc: number;
  readonly precisionAtK: number;
  /** Expected calibration error of the score, 10 equal-width bins. */
  readonly ece: number;
  readonly reliability: TokenRanking['reliability'];
  readonly baselines: Readonly<Record<Baseline, RankingFigures>>;
}

export interface Judgement {
  readonly rings: RingMatch;
  /**
   * The true rings that at least two reports name in a fraudster's role (one report never
   * makes a ring), and how many of them a found ring matches: the recall the evidence
   * allows, beside `rings.recall` over every true ring; of those missed, how many no
   * found ring touches. With every named ring found exactly, ring F1 would be
   * 2R / (1 + R), R = truth / rings.truth: the most the two-report rule lets F1 reach.
   */
  readonly namedRings: {
    readonly truth: number;
    readonly matched: number;
    readonly untouched: number;
  };
  readonly tokens: TokenFigures;
  readonly lift: {
    readonly lift: number;
    readonly allMembers: number;
    readonly bestSingle: number;
    readonly bestMember: string;
    readonly perMember: Record<string, number>;
  };
  /** Each member's own unreported identifiers, with everyone's data and with its own alone. */
  readonly members: Record<string, MemberRanking>;
  /** Rings the same algorithm finds in-process from all members' files. */
  readonly inProcessRings: number;
}

export interface Analysed {
  readonly graph: EvidenceGraph;
  readonly analysis: GraphAnalysis;
  readonly node: ReadonlyMap<string, number>;
}

/** The analysis of some members' data, with the platform's policy, at `now`. */
export function analyse(
  data: readonly MemberData[],
  policy: Policy,
  now: number,
  types: ReadonlyMap<string, string>,
): Analysed {
  const builder = new EvidenceGraphBuilder({
    weights: policy.weights as never,
    halfLifeDays: policy.halfLifeDays as never,
    ageFloor: policy.ageFloor as never,
    now,
  });
  // Reassignments first, as the platform reads them (epochs of a reassigned token).
  for (const d of data) builder.reassignAll(d.links);
  for (const d of data) for (const r of d.reports) builder.addReport(r);
  for (const d of data) for (const l of d.links) builder.addLink(l);
  const graph = builder.build();
  const analysis = analyzeGraph(graph, {
    memberRisk: policy.thresholds.suspicious,
    minScore: policy.thresholds.suspicious,
    memberType: (m) => types.get(m),
  });
  return { graph, analysis, node: new Map(graph.tokens.map((t, v) => [t, v])) };
}

const ringsOf = ({ graph, analysis }: Analysed) =>
  analysis.rings.map((r) => r.nodes.map((v) => graph.tokens[v] as string));

/** A check's answer for one token, as the path being judged gives it. */
export interface Answer {
  readonly score: number;
  readonly flagged: boolean;
}

/**
 * Holds a path's results against the truth.
 *
 * @param found the rings the path found (default: the in-process analysis's)
 * @param answer the check's answer for a token no member reported, given the in-process
 *   analysis of all members' data (which the in-process path answers from)
 * @param scoreSource what `answer`'s score is, for the report
 */
export function judge(input: {
  readonly trueRings: readonly (readonly string[])[];
  readonly data: ReadonlyMap<string, MemberData>;
  readonly policy: Policy;
  readonly now: number;
  readonly types: ReadonlyMap<string, string>;
  readonly found?: readonly (readonly string[])[];
  readonly answer: (token: string, all: Analysed) => Answer;
  readonly scoreSource: (all: Analysed) => string;
}): Judgement {
  const { data, policy, now, types } = input;
  const ringToken = new Set(input.trueRings.flat());
  const reported = new Set<string>();
  const own = new Map<string, Set<string>>();
  for (const [id, d] of data) {
    const mine = new Set<string>();
    for (const r of d.reports)
      for (const e of r.entities) {
        reported.add(e.token);
        mine.add(e.token);
      }
    for (const l of d.links) {
      mine.add(l.from.token);
      mine.add(l.to.token);
    }
    own.set(id, mine);
  }
  const universe = new Set<string>();
  for (const mine of own.values()) for (const t of mine) universe.add(t);
  const unreported = [...universe].filter((t) => !reported.has(t));

  const all = analyse([...data.values()], policy, now, types);
  const baselines = baselineScores(all.graph);
  const labels = Uint8Array.from(unreported, (t) => (ringToken.has(t) ? 1 : 0));
  const model = new Float64Array(unreported.length);
  const flagged = new Uint8Array(unreported.length);
  unreported.forEach((t, i) => {
    const a = input.answer(t, all);
    model[i] = a.score;
    flagged[i] = a.flagged ? 1 : 0;
  });
  const nodes = Int32Array.from(unreported, (t) => all.node.get(t) ?? -1);
  const at = (scores: Float64Array) => Float64Array.from(nodes, (v) => scores[v] ?? 0);
  const ranked = tokenRanking(labels, model, flagged, {
    pageRank050: at(baselines.pageRank050),
    pageRank085: at(baselines.pageRank085),
    reportedNeighbours: at(baselines.reportedNeighbours),
  });

  const perMember: Record<string, number> = {};
  const members: Record<string, MemberRanking> = {};
  const consortium = (t: string) => {
    const v = all.node.get(t);
    return v === undefined ? 0 : modelScore(all.analysis, v);
  };
  for (const [id, d] of data) {
    const alone = analyse([d], policy, now, types);
    perMember[id] = matchRings(ringsOf(alone), input.trueRings).matchedTrue;
    const mine = [...(own.get(id) ?? [])].filter((t) => !reported.has(t));
    members[id] = memberRanking(
      mine,
      (t) => ringToken.has(t),
      consortium,
      (t) => {
        const v = alone.node.get(t);
        return v === undefined ? 0 : modelScore(alone.analysis, v);
      },
    );
  }
  const inProcess = ringsOf(all);
  const rings = matchRings(input.found ?? inProcess, input.trueRings);
  const named = namedRings(input.trueRings, data.values());
  const namedMatch = matchRings(input.found ?? inProcess, named);
  const [bestMember, bestSingle] = Object.entries(perMember).sort((a, b) => b[1] - a[1])[0] ?? [
    '',
    0,
  ];
  return {
    rings,
    namedRings: {
      truth: named.length,
      matched: namedMatch.matchedTrue,
      untouched: namedMatch.misses.untouched,
    },
    tokens: {
      unreported: ranked.items,
      ringIdentifiers: ranked.positives,
      precision: ranked.flag.precision,
      recall: ranked.flag.recall,
      truePositives: ranked.flag.truePositives,
      falsePositives: ranked.flag.falsePositives,
      falseNegatives: ranked.flag.falseNegatives,
      scoreSource: input.scoreSource(all),
      auprc: ranked.auprc,
      precisionAtK: ranked.precisionAtK,
      ece: ranked.ece,
      reliability: ranked.reliability,
      baselines: ranked.baselines,
    },
    lift: {
      lift: bestSingle === 0 ? Number.POSITIVE_INFINITY : rings.matchedTrue / bestSingle,
      allMembers: rings.matchedTrue,
      bestSingle,
      bestMember,
      perMember,
    },
    members,
    inProcessRings: inProcess.length,
  };
}

/**
 * The true rings at least two distinct reports name in a fraudster's role. A ring only
 * one report names (or none) is not found by design: rings take two reports (findRings'
 * minReports), so that one false report of an honest person does not make a ring.
 */
export function namedRings(
  trueRings: readonly (readonly string[])[],
  data: Iterable<MemberData>,
): (readonly string[])[] {
  const ringOf = new Map<string, number>();
  trueRings.forEach((ring, i) => {
    for (const t of ring) ringOf.set(t, i);
  });
  const reports = new Int32Array(trueRings.length);
  for (const d of data)
    for (const r of d.reports) {
      const named = new Set<number>();
      for (const e of r.entities) {
        if (isVictimSide(r.type, e.role)) continue;
        const i = ringOf.get(e.token);
        if (i !== undefined) named.add(i);
      }
      for (const i of named) reports[i] = (reports[i] as number) + 1;
    }
  return trueRings.filter((_, i) => (reports[i] as number) >= 2);
}
