import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bestBaseline, type EvalReport, membersHelped } from '@credence/cli/commands/eval';
import { median } from './machine.js';

/**
 * The quality protocol of issue 12: parameters are chosen on development seeds only and
 * figures reported on test seeds never used for tuning. Every world is evaluated
 * in-process (`credence eval --in-process`: seconds a world); the full pipeline
 * (`credence eval`: minutes a world) runs on a few test worlds, and the two are compared.
 */

/** Seeds looked at while building and tuning; their figures are not results. */
export const DEVELOPMENT_SEEDS = [1, 2, 3, 7] as const;
/** Seeds never used for tuning: 101–110 at scale 1, 201–210 at scale 2. */
export const TEST_SEEDS: readonly { seed: number; scale: number }[] = [
  ...Array.from({ length: 10 }, (_, i) => ({ seed: 101 + i, scale: 1 })),
  ...Array.from({ length: 10 }, (_, i) => ({ seed: 201 + i, scale: 2 })),
];
/**
 * Laundering worlds (`credence sim --laundering 40 --days 365 --start 2025-11-01`): a
 * year whose reports are spread over it, ending before today (the platform refuses
 * events in the future).
 */
export const LAUNDERING = { rings: 40, days: 365, start: '2025-11-01' } as const;
export const VARIANTS = [1, 2, 3, 4, 5] as const;

export type Split = 'dev' | 'test';
export type Kind = 'stories' | 'laundering' | `variant ${number}`;

export interface QualityWorld {
  readonly split: Split;
  readonly seed: number;
  readonly scale: number;
  readonly kind: Kind;
  /** Also run the whole pipeline on it. */
  readonly pipeline: boolean;
}

export function simArgs(w: QualityWorld): string[] {
  const args = ['--seed', String(w.seed), '--scale', String(w.scale)];
  if (w.kind === 'laundering')
    args.push(
      '--laundering',
      String(LAUNDERING.rings),
      '--days',
      String(LAUNDERING.days),
      '--start',
      LAUNDERING.start,
    );
  else if (w.kind.startsWith('variant ')) args.push('--variant', w.kind.slice('variant '.length));
  return args;
}

/**
 * The worlds of a run. Full: every development seed and every test seed, as today's
 * stories and with laundering; perturbed variants 1–5 of each scale-1 test seed. Quick:
 * three scale-1 test seeds and one scale-2, variants
 * 1 and 2 of the first; development seed 7 only. The pipeline runs on test seed 101 (as
 * told and with laundering): minutes a world.
 */
export function qualityWorlds(options: { quick: boolean; split?: Split }): QualityWorld[] {
  const worlds: QualityWorld[] = [];
  const both = (split: Split, seed: number, scale: number, pipeline = false) => {
    worlds.push({ split, seed, scale, kind: 'stories', pipeline });
    worlds.push({ split, seed, scale, kind: 'laundering', pipeline });
  };
  if (options.split !== 'test')
    for (const seed of options.quick ? [7] : DEVELOPMENT_SEEDS) both('dev', seed, 1);
  if (options.split !== 'dev') {
    const test = options.quick
      ? TEST_SEEDS.filter((s) => [101, 102, 103, 201].includes(s.seed))
      : TEST_SEEDS;
    const pipelined = [101];
    for (const s of test) both('test', s.seed, s.scale, pipelined.includes(s.seed));
    const perturbed = options.quick ? [101] : test.filter((s) => s.scale === 1).map((s) => s.seed);
    const variants = options.quick ? [1, 2] : VARIANTS;
    for (const seed of perturbed)
      for (const k of variants)
        worlds.push({ split: 'test', seed, scale: 1, kind: `variant ${k}`, pipeline: false });
  }
  return worlds;
}

export interface WorldResult {
  readonly world: QualityWorld;
  readonly inProcess?: EvalReport;
  readonly pipeline?: EvalReport;
  /** Why the world could not be evaluated (the simulator refused its options, say). */
  readonly failed?: string;
}

const firstLine = (error: unknown) => {
  const e = error as { stderr?: string | Buffer; message?: string };
  const text = `${e.stderr ?? ''}`.trim() || `${e.message ?? error}`;
  return (text.split('\n').find((l) => l.trim() !== '') ?? text).replace(/\|/g, '\\|').trim();
};

/** Makes each world, evaluates it in-process (and with the pipeline where asked). */
export function runQuality(
  cli: string,
  worlds: readonly QualityWorld[],
  say: (line: string) => void,
): WorldResult[] {
  const results: WorldResult[] = [];
  for (const w of worlds) {
    const work = mkdtempSync(join(tmpdir(), 'credence-quality-'));
    const dir = join(work, 'world');
    const run = (args: string[]) =>
      execFileSync(process.execPath, [cli, ...args], {
        encoding: 'utf8',
        maxBuffer: 1 << 26,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    try {
      run(['sim', ...simArgs(w), '--out', dir, '--quiet']);
      const inProcess = JSON.parse(
        run(['eval', '--world', dir, '--in-process', '--json']),
      ) as EvalReport;
      const pipeline = w.pipeline
        ? (JSON.parse(run(['eval', '--world', dir, '--json'])) as EvalReport)
        : undefined;
      results.push({ world: w, inProcess, ...(pipeline === undefined ? {} : { pipeline }) });
    } catch (error) {
      results.push({ world: w, failed: firstLine(error) });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    say(rowOf(results.at(-1) as WorldResult));
  }
  return results;
}

const f3 = (x: number | null | undefined) =>
  x === null || x === undefined || Number.isNaN(x) ? '–' : x.toFixed(3);
const goal = (ok: boolean) => (ok ? 'met' : '**NOT met**');
const numbers = (xs: readonly (number | null | undefined)[]) =>
  xs.filter((x): x is number => typeof x === 'number' && !Number.isNaN(x));
const med = (xs: readonly (number | null | undefined)[]) => {
  const ys = numbers(xs);
  return ys.length === 0 ? Number.NaN : median(ys);
};

/** Of the true rings two reports name, those a found ring matches (`–` from an older report). */
const named = (x: EvalReport) =>
  x.namedRings === undefined ? '–' : `${x.namedRings.matched} / ${x.namedRings.truth}`;

/** One world's row of the per-world table. */
export function rowOf(r: WorldResult): string {
  const w = r.world;
  const head = `| ${w.split} | ${w.seed} | ${w.scale} | ${w.kind} |`;
  if (r.inProcess === undefined) return `${head} not run: ${r.failed ?? 'no result'} ||||||||||||`;
  const x = r.inProcess;
  const t = x.tokens;
  const b = t.baselines;
  const helped = membersHelped(x);
  return `${head} ${x.rings.found} / ${x.rings.truth} | ${f3(x.rings.f1)} | ${named(x)} | ${t.unreported.toLocaleString('en-US')} | ${t.ringIdentifiers.toLocaleString('en-US')} | **${f3(t.auprc)}** | ${f3(t.precisionAtK)} | ${f3(t.recall)} | ${f3(t.ece)} | ${f3(b.pageRank050.auprc)} | ${f3(b.pageRank085.auprc)} | ${f3(b.reportedNeighbours.auprc)} | ${helped.better} / ${helped.of} | ${x.seconds.toFixed(0)} |`;
}

export const WORLD_TABLE_HEAD = [
  '| split | seed | scale | world | rings found / true | ring F1 | rings two reports name: matched / all | unreported | of them a ring’s (k) | AUPRC | P@k | recall at the flag | calibration error | PPR 0.5 AUPRC | PPR 0.85 AUPRC | reported neighbours AUPRC | members better with the consortium | seconds |',
  '|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
];

/** Medians over the test worlds of each kind and scale, with the goals of issue 12. */
export function summaryRows(results: readonly WorldResult[]): string[] {
  const groups = new Map<string, WorldResult[]>();
  for (const r of results) {
    if (r.world.split !== 'test') continue;
    const kind = r.world.kind.startsWith('variant') ? 'perturbed (variants)' : r.world.kind;
    const key = `${kind}, scale ${r.world.scale}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const rows: string[] = [];
  for (const [key, rs] of groups) {
    const done = rs.flatMap((r) => (r.inProcess === undefined ? [] : [r.inProcess]));
    if (done.length === 0) {
      rows.push(`| ${key} | 0 of ${rs.length} | not run ||||||||`);
      continue;
    }
    const perturbed = key.startsWith('perturbed');
    const minF1 = Math.min(...done.map((x) => x.rings.f1));
    const auprc = med(done.map((x) => x.tokens.auprc));
    const baseline = med(done.map((x) => bestBaseline(x).auprc));
    const pAtK = med(done.map((x) => x.tokens.precisionAtK));
    const ece = med(done.map((x) => x.tokens.ece));
    const recall = med(done.map((x) => x.tokens.recall));
    const everyMember = done.every((x) => {
      const h = membersHelped(x);
      return h.of > 0 && h.better === h.of;
    });
    const f1Goal = perturbed ? 0.8 : 0.9;
    rows.push(
      `| ${key} | ${done.length} of ${rs.length} | ${f3(minF1)} / ${f3(med(done.map((x) => x.rings.f1)))} (≥ ${f1Goal}: ${goal(minF1 >= f1Goal)}) | **${f3(auprc)}** (≥ 0.5: ${goal(auprc >= 0.5)}) | ${f3(baseline)} (+ 0.15: ${goal(auprc >= baseline + 0.15)}) | ${f3(pAtK)} (≥ 0.5: ${goal(pAtK >= 0.5)}) | ${f3(recall)} | ${f3(ece)} (≤ 0.05: ${goal(ece <= 0.05)}) | ${goal(everyMember)} |`,
    );
  }
  return rows;
}

export const SUMMARY_HEAD = [
  '| test worlds | evaluated | ring F1: least / median | AUPRC (median) | better baseline’s AUPRC (median) | P@k (median) | recall at the flag (median) | calibration error (median) | every member better with the consortium, every world |',
  '|---|---:|---|---|---|---|---:|---|---|',
];

/** The pipeline against the in-process path on the same worlds. */
export function comparisonRows(results: readonly WorldResult[]): string[] {
  const rows: string[] = [];
  for (const r of results) {
    if (r.pipeline === undefined || r.inProcess === undefined) continue;
    for (const x of [r.pipeline, r.inProcess])
      rows.push(
        `| ${r.world.seed} | ${r.world.scale} | ${r.world.kind} | ${x.path} | ${x.rings.found} / ${x.rings.truth} | ${f3(x.rings.f1)} | ${x.tokens.unreported.toLocaleString('en-US')} | ${x.tokens.ringIdentifiers.toLocaleString('en-US')} | ${f3(x.tokens.precision)} | ${f3(x.tokens.recall)} | ${f3(x.tokens.auprc)} (${x.tokens.scoreSource}) | ${f3(x.tokens.precisionAtK)} | ${f3(bestBaseline(x).auprc)} | ${x.seconds.toFixed(0)} |`,
      );
  }
  return rows;
}

export const COMPARISON_HEAD = [
  '| seed | scale | world | path | rings found / true | ring F1 | unreported | of them a ring’s | flag precision | recall at the flag | AUPRC (score) | P@k | better baseline’s AUPRC | seconds |',
  '|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|',
];

const pct = (x: number | null | undefined) =>
  x === null || x === undefined ? '–' : `${(100 * x).toFixed(1)} %`;

/**
 * Outcomes on the pipeline's worlds (issue 17; cli/commands/eval-outcomes.ts): warning
 * precision as the truth has it, against the platform's measure from the simulated
 * members' outcomes; and the held-out warnings before and after the contributors'
 * weights moved.
 */
export function outcomeRows(results: readonly WorldResult[]): string[] {
  const rows: string[] = [];
  for (const r of results) {
    const o = r.pipeline?.outcomes;
    if (o === undefined) continue;
    const worst = [...o.byCategory]
      .filter((c) => c.warnings >= 20)
      .sort((a, b) => (a.truePrecision ?? 1) - (b.truePrecision ?? 1))[0];
    const weights = Object.values(o.weights);
    rows.push(
      `| ${r.world.seed} | ${r.world.scale} | ${r.world.kind} | ${o.warnings.toLocaleString('en-US')} of ${o.checked.toLocaleString('en-US')} | ${o.acted.toLocaleString('en-US')} | **${pct(o.truePrecision)}** | ${pct(o.measured)} | ${worst === undefined ? '–' : `${worst.category}: ${pct(worst.truePrecision)} / ${pct(worst.measured)}`} | ${o.heldOut.before.warnings.toLocaleString('en-US')} at ${pct(o.heldOut.before.truePrecision)} | ${o.heldOut.after.warnings.toLocaleString('en-US')} at ${pct(o.heldOut.after.truePrecision)} | ${weights.length === 0 ? '1' : `${Math.min(...weights)}–${Math.max(...weights)}`} |`,
    );
  }
  return rows;
}

export const OUTCOME_HEAD = [
  '| seed | scale | world | tokens warned about, of checked | acted on | warning precision, true | measured from outcomes | least precise category (≥ 20 warnings): true / measured | held out, before the weights moved | after | weights below 1 |',
  '|---:|---:|---|---:|---:|---:|---:|---|---:|---:|---|',
];

/**
 * Exposure warnings on the pipeline's worlds (issue 17; cli/commands/eval-exposures.ts):
 * of the victims on the police's seized lists, those warned before the ring's first call
 * or text, and the lead time; of all later victims, the share warned.
 */
export function exposureRows(results: readonly WorldResult[]): string[] {
  const rows: string[] = [];
  for (const r of results) {
    const e = r.pipeline?.exposures;
    if (e === undefined) continue;
    rows.push(
      `| ${r.world.seed} | ${r.world.scale} | ${r.world.kind} | ${e.lists} (${e.rows.toLocaleString('en-US')} rows) | ${e.alerts.toLocaleString('en-US')} | ${e.listedVictims} | **${e.warnedInTime} (${pct(e.shareOfListed)})** | ${e.warnedLate} | ${e.missed} | ${e.unserved} | ${e.medianLeadHours === null ? '–' : `${(e.medianLeadHours / 24).toFixed(1)} days`} | ${pct(e.shareOfLater)} of ${e.laterVictims.toLocaleString('en-US')} |`,
    );
  }
  return rows;
}

export const EXPOSURE_HEAD = [
  '| seed | scale | world | seized lists uploaded | exposed alerts | victims on the lists | warned before the first contact | warned after it | not warned | served by no member | median lead time | of all later victims, warned in time |',
  '|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
];

/** Per category, on the first world the pipeline ran on. */
export function outcomeCategoryRows(results: readonly WorldResult[]): string[] {
  const first = results.find((r) => r.pipeline?.outcomes !== undefined);
  const o = first?.pipeline?.outcomes;
  if (first === undefined || o === undefined) return [];
  return [
    `Per category, seed ${first.world.seed} (${first.world.kind}):`,
    '',
    '| category | warnings | true precision | measured from outcomes | acted on |',
    '|---|---:|---:|---:|---:|',
    ...o.byCategory.map(
      (c) =>
        `| ${c.category} | ${c.warnings.toLocaleString('en-US')} | ${pct(c.truePrecision)} | ${pct(c.measured)} | ${c.acted.toLocaleString('en-US')} |`,
    ),
  ];
}
