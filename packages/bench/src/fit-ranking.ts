import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { averagePrecision, calibration, fitIsotonic } from '@credence/analytics/evaluation/ranking';
import { fitLogistic } from '@credence/analytics/rings/fit-ranking';
import {
  calibrate,
  FEATURES,
  MASS_TIE_BREAK,
  modelLogit,
  type RankingModel,
} from '@credence/analytics/rings/ranking';
import { DEFAULT_RANKING_MODEL } from '@credence/analytics/rings/ranking-model';
import { localTrueRings, rawMemberData } from '@credence/cli/commands/eval-in-process';
import {
  analyse,
  type MemberData,
  type Policy,
  type Truth,
} from '@credence/cli/commands/eval-judge';
import { readJson } from '@credence/cli/commands/files';
import { DEFAULT_POLICY } from '@credence/core/risk/policy';
import { BIN } from './processes.js';
import { DEVELOPMENT_SEEDS, type QualityWorld, simArgs } from './quality.js';

/**
 * Fits the ranking model (issue 12) on the development worlds only — seeds 1, 2, 3 and 7,
 * as told, with laundering, and perturbed (variants 1 and 2) — and prints it as the
 * TypeScript constant of ranking-model.ts, with each world's average precision in and out
 * of fold. Run: `node packages/bench/dist/fit-ranking.js [--dir /tmp/credence-fit]`.
 *
 * The logistic model is fitted with each world weighing the same; the isotonic map on
 * out-of-fold scores (two folds by world), so that calibration is judged on worlds the
 * logistic model did not see.
 */
const DAY_MS = 86_400_000;

interface Rows {
  readonly name: string;
  readonly features: Float64Array;
  readonly labels: Uint8Array;
}

function world(dir: string, w: QualityWorld): string {
  const name = `${w.seed}-${w.kind.replace(' ', '')}`;
  const out = join(dir, name);
  if (!existsSync(join(out, 'truth.json')))
    execFileSync(process.execPath, [BIN, 'sim', ...simArgs(w), '--out', out, '--quiet'], {
      stdio: 'inherit',
    });
  return out;
}

/** The unreported tokens of a world, with their features and whether each is a ring's. */
async function rows(path: string, name: string): Promise<Rows> {
  const truth = readJson(join(path, 'truth.json')) as Truth;
  const now = Date.parse(`${truth.start}T00:00:00Z`) + truth.days * DAY_MS;
  const data = new Map<string, MemberData>();
  for (const m of truth.members)
    data.set(m.id, await rawMemberData(join(path, 'members', m.id), m.id, now));
  const types = new Map(truth.members.map((m) => [m.id, m.type]));
  const { graph, analysis } = analyse(
    [...data.values()],
    DEFAULT_POLICY as unknown as Policy,
    now,
    types,
  );
  const positive = new Set(localTrueRings(truth).flat());
  const reported = new Set<string>();
  for (const d of data.values())
    for (const r of d.reports) for (const e of r.entities) reported.add(e.token);
  const k = FEATURES.length;
  const picked: number[] = [];
  for (let v = 0; v < graph.tokens.length; v++)
    if (
      !reported.has(graph.tokens[v] as string) &&
      analysis.blocked[v] === 0 &&
      graph.former[v] === 0
    )
      picked.push(v);
  const features = new Float64Array(picked.length * k);
  const labels = new Uint8Array(picked.length);
  picked.forEach((v, i) => {
    features.set(analysis.ranking.features.subarray(v * k, v * k + k), i * k);
    labels[i] = positive.has(graph.tokens[v] as string) ? 1 : 0;
  });
  return { name, features, labels };
}

function concat(parts: readonly Rows[]): {
  features: Float64Array;
  labels: Uint8Array;
  weight: Float64Array;
} {
  const n = parts.reduce((a, p) => a + p.labels.length, 0);
  const k = FEATURES.length;
  const features = new Float64Array(n * k);
  const labels = new Uint8Array(n);
  const weight = new Float64Array(n);
  let at = 0;
  for (const p of parts) {
    features.set(p.features, at * k);
    labels.set(p.labels, at);
    // Each world weighs the same, whatever its size.
    weight.fill(n / parts.length / p.labels.length, at, at + p.labels.length);
    at += p.labels.length;
  }
  return { features, labels, weight };
}

function logisticModel(parts: readonly Rows[]): RankingModel {
  const { features, labels, weight } = concat(parts);
  // Every feature is evidence but a token's own flag (which unreported tokens never have):
  // more of it never lowers a score.
  const { mean, scale, weights, intercept } = fitLogistic(features, labels, {
    rowWeight: weight,
    nonNegative: FEATURES.map((f) => f !== 'reported'),
  });
  // The far mass orders what the rest scores alike, whatever weight the fit gave it.
  const far = FEATURES.indexOf('log_mass_long_per_neighbour');
  weights[far] = (weights[far] as number) + MASS_TIE_BREAK;
  return {
    ...DEFAULT_RANKING_MODEL,
    mean,
    scale,
    weights,
    intercept,
    calibration: { x: [], y: [] },
  };
}

/** The model's logistic output for each row, before calibration (as the analysis computes it). */
function score(model: RankingModel, r: Rows): Float64Array {
  const out = new Float64Array(r.labels.length);
  for (let i = 0; i < r.labels.length; i++)
    out[i] = 1 / (1 + Math.exp(-modelLogit(model, r.features, i * FEATURES.length)));
  return out;
}

/**
 * The top of the map read with Laplace's rule: a block all of whose tokens were a ring's
 * reads (n + 1) / (n + 2), not a certainty it was never shown (300 tokens: 0.997). Other
 * blocks keep their share: smoothing every small block would lift the many empty ones at
 * the bottom and spoil the calibration there.
 */
function smoothed(
  iso: { breakpoints: readonly number[]; values: readonly number[] },
  scores: readonly number[],
): { breakpoints: number[]; values: number[] } {
  const { breakpoints } = iso;
  const values = [...iso.values];
  const last = breakpoints.length - 1;
  if (last >= 0 && values[last] === 1) {
    const n = scores.filter((x) => x >= (breakpoints[last] as number)).length;
    values[last] = (n + 1) / (n + 2);
  }
  return { breakpoints: [...breakpoints], values };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const dir = args.includes('--dir')
    ? (args[args.indexOf('--dir') + 1] as string)
    : '/tmp/credence-fit';
  mkdirSync(dir, { recursive: true });
  const worlds: QualityWorld[] = [];
  for (const seed of DEVELOPMENT_SEEDS)
    for (const kind of ['stories', 'laundering', 'variant 1', 'variant 2'] as const)
      worlds.push({ split: 'dev', seed, scale: 1, kind, pipeline: false });
  const data: Rows[] = [];
  for (const w of worlds) {
    const name = `${w.seed} ${w.kind}`;
    process.stderr.write(`world ${name}\n`);
    try {
      data.push(await rows(world(dir, w), name));
    } catch (error) {
      process.stderr.write(`  skipped: ${(error as Error).message.split('\n')[0]}\n`);
    }
  }
  // Two folds by seed: 1 and 3 against 2 and 7.
  const foldA = data.filter((d) => d.name.startsWith('1 ') || d.name.startsWith('3 '));
  const foldB = data.filter((d) => !foldA.includes(d));
  const modelA = logisticModel(foldA);
  const modelB = logisticModel(foldB);
  const outScores: number[] = [];
  const outLabels: number[] = [];
  for (const [model, fold] of [
    [modelB, foldA],
    [modelA, foldB],
  ] as const)
    for (const r of fold) {
      const s = score(model, r);
      outScores.push(...s);
      outLabels.push(...r.labels);
    }
  const iso = smoothed(fitIsotonic(outScores, outLabels), outScores);
  const full = logisticModel(data);
  const model: RankingModel = {
    ...full,
    version: `rank-2`,
    calibration: { x: [...iso.breakpoints], y: [...iso.values] },
  };
  process.stderr.write('world: AP in fold / out of fold; ECE out of fold (calibrated)\n');
  for (const r of data) {
    const inFold = averagePrecision(score(full, r), r.labels);
    const other = foldA.includes(r) ? modelB : modelA;
    const out = score(other, r);
    const calibrated = Array.from(out, (x) => calibrate({ x: iso.breakpoints, y: iso.values }, x));
    process.stderr.write(
      `  ${r.name.padEnd(14)} ${inFold.toFixed(3)} / ${averagePrecision(out, r.labels).toFixed(3)}; ECE ${calibration(calibrated, r.labels).ece.toFixed(3)}  (${r.labels.length} tokens, ${r.labels.reduce((a, b) => a + b, 0)} a ring's)\n`,
    );
  }
  const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
  process.stdout.write(
    `${JSON.stringify(
      {
        ...model,
        mean: model.mean.map(r6),
        scale: model.scale.map(r6),
        weights: model.weights.map(r6),
        intercept: r6(model.intercept),
        calibration: { x: model.calibration.x.map(r6), y: model.calibration.y.map(r6) },
        features: FEATURES,
        iterations: DEFAULT_RANKING_MODEL.iterations,
      },
      null,
      2,
    )}\n`,
  );
}

await main();
