import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScriptReport } from '@credence/analytics/campaigns/campaigns';
import { campaignQuality } from '@credence/analytics/evaluation/campaign-quality';
import { adjustedRandIndex, purity } from '@credence/analytics/evaluation/metrics';
import { answerScore } from '@credence/analytics/evaluation/token-ranking';
import type { EvidenceLink, EvidenceReport } from '@credence/analytics/evidence/evidence-graph';
import type { IdentifierKind } from '@credence/core/identifiers/kinds';
import { decodeFingerprint } from '@credence/core/narrative/fingerprint';
import type { TokenizedLink, TokenizedReport } from '@credence/core/wire/tokenized-records';
import { MemberSession } from '@credence/member/member-session';
import { type PlatformEndpoint, platformRequest } from '@credence/member/platform-client';
import type { Command } from 'commander';
import {
  describeExposureMeasure,
  type ExposureMeasure,
  measureExposures,
} from './eval-exposures.js';
import { evaluateWorldInProcess } from './eval-in-process.js';
import { type Judgement, judge, type MemberData, type Policy, type Truth } from './eval-judge.js';
import { describeOutcomeMeasure, type OutcomeMeasure, simulateOutcomes } from './eval-outcomes.js';
import { existsSync, readJson } from './files.js';
import { jsonLines, startDemo } from './start.js';

export interface EvalReport extends Judgement {
  /** Which path made the figures: the platform's (the reference) or the same analysis in-process. */
  readonly path: 'pipeline' | 'in-process';
  readonly world: { seed: number; scale: number; days: number; members: number };
  readonly campaigns: {
    readonly found: number;
    readonly truth: number;
    /** Reports carrying a narrative of a true campaign's script. */
    readonly reports: number;
    readonly purity: number;
    readonly adjustedRandIndex: number;
    /**
     * Pairs of those reports, of different true campaigns, whose similarity (of the story,
     * as the platform estimates it) reaches the clustering's threshold.
     */
    readonly crossPairs: number;
    /** Fingerprint values the run found to be form, not story (issue 11). */
    readonly formValues: number;
    /**
     * The same fingerprints clustered in-process with the plain estimate (every slot
     * counts, as before issue 11): the baseline, in the same run.
     */
    readonly baseline: {
      readonly found: number;
      readonly purity: number;
      readonly adjustedRandIndex: number;
      readonly crossPairs: number;
    };
  };
  /** Simulated outcomes against the truth (the pipeline only; eval-outcomes.ts). */
  readonly outcomes?: OutcomeMeasure;
  /** Exposure warnings against the truth (the pipeline only; eval-exposures.ts). */
  readonly exposures?: ExposureMeasure;
  readonly seconds: number;
}

const PAGE = 1000;

/** The ids of every ring or every campaign of the latest analysis, a page at a time. */
async function allIds(operator: PlatformEndpoint, list: 'rings' | 'campaigns'): Promise<string[]> {
  const ids: string[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await platformRequest<Record<typeof list, { id: string }[]> & { total: number }>(
      operator,
      'GET',
      `/v1/${list}?limit=${PAGE}&offset=${offset}`,
    );
    ids.push(...page[list].map((item) => item.id));
    if (offset + PAGE >= page.total) break;
  }
  return ids;
}

async function allRings(operator: PlatformEndpoint): Promise<string[][]> {
  const ids = await allIds(operator, 'rings');
  const rings: string[][] = [];
  for (const id of ids) {
    const ring = await platformRequest<{ tokens: { token: string }[] }>(
      operator,
      'GET',
      `/v1/rings/${id}`,
    );
    rings.push(ring.tokens.map((t) => t.token));
  }
  return rings;
}

/** A member's tokenized files, as analysis reads them. */
async function memberData(dir: string, member: string): Promise<MemberData> {
  const reports: EvidenceReport[] = [];
  const scripts: ScriptReport[] = [];
  for await (const r of jsonLines<TokenizedReport>(join(dir, 'tokens', 'reports.jsonl'))) {
    reports.push({
      member,
      type: r.type,
      category: r.category,
      occurredAt: Date.parse(r.occurredAt),
      entities: r.entities,
    });
    const signature = r.fingerprint === undefined ? undefined : decodeFingerprint(r.fingerprint);
    if (signature !== undefined)
      scripts.push({
        id: r.ref,
        member,
        category: r.category,
        occurredAt: Date.parse(r.occurredAt),
        signature,
      });
  }
  const links: EvidenceLink[] = [];
  for await (const l of jsonLines<TokenizedLink>(join(dir, 'tokens', 'links.jsonl')))
    links.push({
      member,
      link: l.link,
      from: l.from,
      to: l.to,
      at: Date.parse(l.at),
      count: l.count,
    });
  return { reports, links, scripts };
}

/** What a check answered for a token, as the judgement needs it. */
interface CheckAnswer {
  readonly verdict: string;
  readonly score: number;
  readonly ranked: boolean;
}

/** The truth's rings as tokens, tokenized by a member (the evaluator holds the world). */
async function tokenizeTruth(session: MemberSession, truth: Truth): Promise<string[][]> {
  const identifiers = truth.rings.flatMap((r) =>
    Object.entries(r.identifiers).flatMap(([kind, values]) =>
      values.map((value) => ({ kind: kind as IdentifierKind, value })),
    ),
  );
  const tokens = await session.tokenizer.tokenize(identifiers);
  let t = 0;
  return truth.rings.map((r) => {
    const size = Object.values(r.identifiers).reduce((a, v) => a + v.length, 0);
    const ring = tokens.slice(t, t + size);
    t += size;
    return ring;
  });
}

/** Every member's tokenized files, and the tokens no member reported among all they hold. */
async function readMembers(
  data: string,
  truth: Truth,
): Promise<{ data: Map<string, MemberData>; unreported: string[] }> {
  const reported = new Set<string>();
  const universe = new Set<string>();
  const byMember = new Map<string, MemberData>();
  for (const m of truth.members) {
    const d = await memberData(join(data, 'members', m.id), m.id);
    byMember.set(m.id, d);
    for (const r of d.reports)
      for (const e of r.entities) {
        reported.add(e.token);
        universe.add(e.token);
      }
    for (const l of d.links) {
      universe.add(l.from.token);
      universe.add(l.to.token);
    }
  }
  return { data: byMember, unreported: [...universe].filter((x) => !reported.has(x)) };
}

/** What a check answers for each of the tokens, asked a thousand at a time. */
async function checkTokens(
  session: MemberSession,
  tokens: readonly string[],
): Promise<Map<string, CheckAnswer>> {
  const answers = new Map<string, CheckAnswer>();
  for (let i = 0; i < tokens.length; i += 1000) {
    const { results } = await platformRequest<{
      results: {
        token: string;
        verdict: string;
        score: number;
        rank?: { score: number; percentile: number } | null;
      }[];
    }>(session.platform, 'POST', '/v1/check', { tokens: tokens.slice(i, i + 1000) });
    for (const r of results)
      answers.set(r.token, {
        verdict: r.verdict,
        score: answerScore(r),
        ranked: r.rank !== undefined && r.rank !== null,
      });
  }
  return answers;
}

/**
 * The member side of the evaluation, through the first member's session: the truth's
 * rings as tokens, every member's data, and the platform's answers for every token no
 * member reported.
 */
async function askAsMember(
  data: string,
  truth: Truth,
  say: (line: string) => void,
): Promise<{
  trueRings: string[][];
  data: Map<string, MemberData>;
  answers: Map<string, CheckAnswer>;
}> {
  const first = truth.members[0]?.id as string;
  const session = await MemberSession.open(join(data, 'members', first, 'member.json'), {
    threads: 0,
  });
  try {
    say('tokenizing the truth');
    const trueRings = await tokenizeTruth(session, truth);
    const members = await readMembers(data, truth);
    // What a check answers for every identifier no member reported.
    say('checking every unreported token');
    const answers = await checkTokens(session, members.unreported);
    return { trueRings, data: members.data, answers };
  } finally {
    await session.close();
  }
}

/**
 * The campaign each report ref is in: each member asks for its own reports in each
 * campaign (the only ones the platform shows it), and maps them back to its refs.
 */
async function campaignOfRefs(
  data: string,
  truth: Truth,
  campaignIds: readonly string[],
): Promise<Map<string, string>> {
  const campaignOfRef = new Map<string, string>();
  for (const m of truth.members) {
    const dir = join(data, 'members', m.id);
    const config = readJson(join(dir, 'member.json')) as { platform: PlatformEndpoint };
    const refOf = new Map<string, string>();
    for await (const r of jsonLines<{ id?: string; ref?: string }>(
      join(dir, 'tokens', 'reports.results.jsonl'),
    ))
      if (r.id !== undefined && r.ref !== undefined) refOf.set(r.id, r.ref);
    for (const id of campaignIds) {
      const c = await platformRequest<{ yourReports: string[] }>(
        config.platform,
        'GET',
        `/v1/campaigns/${id}`,
      );
      for (const report of c.yourReports) {
        const ref = refOf.get(report);
        if (ref !== undefined) campaignOfRef.set(ref, id);
      }
    }
  }
  return campaignOfRef;
}

/**
 * `credence eval`: the whole pipeline on a simulator world — every member tokenizes its
 * files through the key servers, signs and submits them, the platform analyses — then
 * the result is held against the world's truth (which the pipeline never reads).
 */
export async function evaluateWorld(options: {
  world: string;
  data: string;
  progress?: (line: string) => void;
}): Promise<EvalReport> {
  const started = performance.now();
  const say = options.progress ?? (() => undefined);
  const truth = readJson(join(options.world, 'truth.json')) as Truth;
  say(`loading the world into a platform (members tokenize and submit): ${options.data}`);
  const services = await startDemo({
    data: options.data,
    world: options.world,
    host: '127.0.0.1',
    portBase: 0,
    port: 0,
    exit: false,
    hold: true,
    quiet: true,
    scale: 1,
  });
  try {
    const operator = readJson(join(options.data, 'operator.json')) as PlatformEndpoint;
    say('analysing');
    await platformRequest(operator, 'POST', '/v1/analysis');
    const analysis = await platformRequest<{ createdAt: string }>(operator, 'GET', '/v1/analysis');
    const found = await allRings(operator);
    const { trueRings, data, answers } = await askAsMember(options.data, truth, say);

    say('reading each member’s reports in each campaign');
    const campaignIds = await allIds(operator, 'campaigns');
    const campaignOfRef = await campaignOfRefs(options.data, truth, campaignIds);
    const scripted = truth.campaigns.flatMap((c) =>
      c.reportRefs.map((ref) => [ref, c.id] as const),
    );
    // A report in no found campaign is a cluster of its own.
    const foundLabels = scripted.map(([ref]) => campaignOfRef.get(ref) ?? `alone:${ref}`);
    const trueLabels = scripted.map(([, id]) => id);

    say('the same analysis in-process, and on each member’s data alone');
    const policy = (await platformRequest<{ policy: Policy }>(operator, 'GET', '/v1/policy'))
      .policy;
    const now = Date.parse(analysis.createdAt);
    const judged = judge({
      trueRings,
      data,
      policy,
      now,
      types: new Map(truth.members.map((m) => [m.id, m.type])),
      found,
      // The platform's answers (every unreported token was checked above).
      answer: (token) => {
        const a = answers.get(token);
        return { score: a?.score ?? 0, flagged: a !== undefined && a.verdict !== 'clear' };
      },
      scoreSource: () =>
        [...answers.values()].some((a) => a.ranked) ? 'check rank.score' : 'check score',
    });

    say('the same campaigns in-process, and with the plain estimate');
    const scripts = [...data.values()].flatMap((d) => d.scripts);
    const trueCampaign = new Map(scripted);
    const story = campaignQuality(scripts, trueCampaign, { now });
    const plain = campaignQuality(scripts, trueCampaign, { now, formShare: 1 });

    // Last: the outcomes move the contributors' weights, and so later answers.
    say('acting on the warnings: outcomes against the truth');
    const first = truth.members[0]?.id as string;
    const memberConfig = readJson(join(options.data, 'members', first, 'member.json')) as {
      platform: PlatformEndpoint;
    };
    const held = new Set<string>();
    for (const d of data.values()) {
      for (const r of d.reports) for (const e of r.entities) held.add(e.token);
      for (const l of d.links) {
        held.add(l.from.token);
        held.add(l.to.token);
      }
    }
    say('the police’s seized lists: who was warned before the call');
    const exposures =
      truth.seized === undefined
        ? undefined
        : await measureExposures(options.data, truth.seized, truth.members);
    const outcomes = await simulateOutcomes({
      member: memberConfig.platform,
      operator,
      tokens: [...held],
      ringTokens: new Set(trueRings.flat()),
    });

    return {
      path: 'pipeline',
      world: {
        seed: truth.seed,
        scale: truth.scale,
        days: truth.days,
        members: truth.members.length,
      },
      ...judged,
      campaigns: {
        found: campaignIds.length,
        truth: truth.campaigns.length,
        reports: scripted.length,
        purity: purity(foundLabels, trueLabels),
        adjustedRandIndex: adjustedRandIndex(foundLabels, trueLabels),
        crossPairs: story.crossPairs,
        formValues: story.formValues,
        baseline: {
          found: plain.found,
          purity: plain.purity,
          adjustedRandIndex: plain.adjustedRandIndex,
          crossPairs: plain.crossPairs,
        },
      },
      outcomes,
      ...(exposures === undefined ? {} : { exposures }),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await Promise.all(services.map((s) => s.stop()));
  }
}

const f3 = (x: number | null) =>
  x === null || Number.isNaN(x) ? '–' : Number.isFinite(x) ? x.toFixed(3) : '∞';

/** The better baseline's AUPRC (the goal is to beat it by 0.15). */
export function bestBaseline(r: Pick<EvalReport, 'tokens'>): { name: string; auprc: number } {
  let best = { name: '', auprc: Number.NaN };
  for (const [name, b] of Object.entries(r.tokens.baselines))
    if (!(b.auprc <= best.auprc)) best = { name, auprc: b.auprc };
  return best;
}

/**
 * Members whose own unreported identifiers rank better with everyone's data than with
 * their own alone, out of those that have a ring's identifier among them (AUPRC needs one).
 */
export function membersHelped(r: Pick<EvalReport, 'members'>): { better: number; of: number } {
  let better = 0;
  let of = 0;
  for (const m of Object.values(r.members)) {
    if (m.positives === 0) continue;
    of++;
    if (m.consortium > m.alone) better++;
  }
  return { better, of };
}

const BASELINE_NAMES: Record<string, string> = {
  pageRank050: 'personalized PageRank, damping 0.5',
  pageRank085: 'personalized PageRank, damping 0.85',
  reportedNeighbours: 'reported neighbours',
};

/** Ring F1 if every ring two reports name were found exactly and nothing else: 2R / (1 + R). */
export function ringF1Ceiling(r: Pick<EvalReport, 'rings' | 'namedRings'>): number {
  const recall = r.rings.truth === 0 ? 0 : r.namedRings.truth / r.rings.truth;
  return recall === 0 ? 0 : (2 * recall) / (1 + recall);
}

/** A line of the table `credence eval` prints: what, its value, the goal, whether met. */
type Row = [string, string, string, string];

const goal = (ok: boolean) => (ok ? 'met' : 'NOT met');

/** The rings found, held against the true rings. */
function ringRows(r: EvalReport): Row[] {
  return [
    ['rings found / true', `${r.rings.found} / ${r.rings.truth}`, '', ''],
    ['ring precision (Jaccard ≥ 0.5)', f3(r.rings.precision), '', ''],
    ['ring recall', f3(r.rings.recall), '', ''],
    [
      `ring recall among the ${r.namedRings.truth} true rings two reports name`,
      f3(r.namedRings.truth === 0 ? Number.NaN : r.namedRings.matched / r.namedRings.truth),
      '',
      '',
    ],
    ['ring F1', f3(r.rings.f1), '≥ 0.9', goal(r.rings.f1 >= 0.9)],
    [
      'ring F1 with every named ring found exactly (the two-report rule’s ceiling)',
      f3(ringF1Ceiling(r)),
      '',
      '',
    ],
    [
      'unmatched found rings: a fragment of one ring / a mixture / mostly outside rings',
      `${r.rings.misses.fragments} / ${r.rings.misses.mixtures} / ${r.rings.misses.outside}`,
      '',
      '',
    ],
    [
      'named rings missed: touched by a found ring / untouched',
      `${r.namedRings.truth - r.namedRings.matched - r.namedRings.untouched} / ${r.namedRings.untouched}`,
      '',
      '',
    ],
  ];
}

/** How the platform's answers rank the identifiers no member reported, and the lift. */
function tokenRows(r: EvalReport): Row[] {
  const best = bestBaseline(r);
  const helped = membersHelped(r);
  return [
    [
      `token precision (${r.tokens.unreported.toLocaleString('en-US')} unreported identifiers)`,
      f3(r.tokens.precision),
      '≥ 0.9',
      goal(r.tokens.precision >= 0.9),
    ],
    [
      `token recall at the flag (${r.tokens.ringIdentifiers.toLocaleString('en-US')} of them a ring's)`,
      f3(r.tokens.recall),
      '≥ 0.8',
      goal(r.tokens.recall >= 0.8),
    ],
    [
      `AUPRC over them (score: ${r.tokens.scoreSource})`,
      f3(r.tokens.auprc),
      '≥ 0.5, ≥ baseline + 0.15',
      goal(r.tokens.auprc >= 0.5 && r.tokens.auprc >= best.auprc + 0.15),
    ],
    [
      `precision at k = ${r.tokens.ringIdentifiers.toLocaleString('en-US')}`,
      f3(r.tokens.precisionAtK),
      '≥ 0.5',
      goal(r.tokens.precisionAtK >= 0.5),
    ],
    ['calibration error (10 bins)', f3(r.tokens.ece), '≤ 0.05', goal(r.tokens.ece <= 0.05)],
    ...Object.entries(r.tokens.baselines).map(
      ([name, b]): Row => [
        `baseline ${BASELINE_NAMES[name] ?? name}: AUPRC / P@k`,
        `${f3(b.auprc)} / ${f3(b.precisionAtK)}`,
        '',
        '',
      ],
    ),
    [
      'members ranking their own better with the consortium',
      `${helped.better} of ${helped.of}`,
      'all',
      goal(helped.of > 0 && helped.better === helped.of),
    ],
    [
      `lift (${r.lift.allMembers} rings vs ${r.lift.bestSingle} by ${r.lift.bestMember} alone)`,
      Number.isFinite(r.lift.lift) ? r.lift.lift.toFixed(1) : '∞',
      '≥ 3',
      goal(r.lift.lift >= 3),
    ],
  ];
}

/** The campaigns found, held against the true ones and the plain estimate's. */
function campaignRows(r: EvalReport): Row[] {
  return [
    ['campaigns found / true', `${r.campaigns.found} / ${r.campaigns.truth}`, '', ''],
    [
      `campaign purity (${r.campaigns.reports.toLocaleString('en-US')} reports with a script)`,
      f3(r.campaigns.purity),
      '≥ 0.9',
      goal(r.campaigns.purity >= 0.9),
    ],
    ['campaign adjusted Rand index', f3(r.campaigns.adjustedRandIndex), '', ''],
    [
      `pairs of different campaigns alike (${r.campaigns.formValues} form values discounted)`,
      r.campaigns.crossPairs.toLocaleString('en-US'),
      '',
      '',
    ],
    [
      'baseline, plain estimate: campaigns / purity / ARI / pairs',
      `${r.campaigns.baseline.found} / ${f3(r.campaigns.baseline.purity)} / ${f3(r.campaigns.baseline.adjustedRandIndex)} / ${r.campaigns.baseline.crossPairs.toLocaleString('en-US')}`,
      '',
      '',
    ],
  ];
}

/** The table `credence eval` prints. */
export function formatEval(r: EvalReport): string {
  const rows: Row[] = [
    ['', 'value', 'goal', ''],
    ...ringRows(r),
    ...tokenRows(r),
    ...campaignRows(r),
  ];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const lines = rows.map((row) =>
    row
      .map((c, i) => (i === 0 ? c.padEnd(widths[0] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
  const w = r.world;
  return [
    `World: seed ${w.seed}, scale ${w.scale}, ${w.days} days, ${w.members} members (${r.path}).`,
    ...lines,
    `(each member's own unreported identifiers, AUPRC with the consortium / alone: ${Object.entries(
      r.members,
    )
      .map(
        ([m, x]) => `${m} ${f3(x.consortium)} / ${f3(x.alone)} (${x.positives} of ${x.unreported})`,
      )
      .join(', ')})`,
    `(per member alone: ${Object.entries(r.lift.perMember)
      .map(([m, k]) => `${m} ${k}`)
      .join(
        ', ',
      )}; in-process on all members' files: ${r.inProcessRings} rings; ${r.seconds.toFixed(0)} s)`,
    ...(r.outcomes === undefined ? [] : [describeOutcomeMeasure(r.outcomes)]),
    ...(r.exposures === undefined ? [] : [describeExposureMeasure(r.exposures)]),
  ].join('\n');
}

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description(
      "Measure joint analysis on a simulator world: members tokenize and submit, the platform analyses, the result is held against the world's truth.",
    )
    .requiredOption('--world <dir>', 'a world made by credence sim')
    .option(
      '--data <dir>',
      'where the run keeps its platform and members (default: a temporary directory, removed)',
    )
    .option('--json', 'print the figures as JSON')
    .option(
      '--in-process',
      'the same analysis on the same graph without key servers or a platform: tokens are the normalized identifiers (seconds, for tuning on many worlds)',
    )
    .action(
      async (flags: { world: string; data?: string; json?: boolean; inProcess?: boolean }) => {
        if (!existsSync(join(flags.world, 'truth.json')))
          throw new Error(`${flags.world} holds no truth.json: make a world with credence sim`);
        const progress = (line: string) => {
          if (flags.json !== true) process.stderr.write(`${line}…\n`);
        };
        if (flags.inProcess === true) {
          const report = await evaluateWorldInProcess({ world: flags.world, progress });
          console.log(flags.json === true ? JSON.stringify(report, null, 2) : formatEval(report));
          return;
        }
        const data = flags.data ?? mkdtempSync(join(tmpdir(), 'credence-eval-'));
        try {
          const report = await evaluateWorld({
            world: flags.world,
            data,
            progress,
          });
          console.log(flags.json === true ? JSON.stringify(report, null, 2) : formatEval(report));
        } finally {
          if (flags.data === undefined) rmSync(data, { recursive: true, force: true });
        }
      },
    );
}
