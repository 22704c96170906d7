import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../processes.js';
import { fmt, quick, sectionHead } from './kit.js';

interface EvalFigures {
  world: { seed: number; scale: number; days: number; members: number };
  rings: { found: number; truth: number; precision: number; recall: number; f1: number };
  tokens: { unreported: number; ringIdentifiers: number; precision: number; recall: number };
  lift: { lift: number; allMembers: number; bestSingle: number; bestMember: string };
  campaigns: {
    found: number;
    truth: number;
    reports: number;
    purity: number;
    adjustedRandIndex: number;
    crossPairs: number;
    formValues: number;
    baseline: { found: number; purity: number; adjustedRandIndex: number; crossPairs: number };
  };
  seconds: number;
}

interface QualityWorld {
  readonly seed: number;
  readonly scale: number;
  /** How the narratives are told (`credence sim --brief`, `--boilerplate`); none: as the scripts go. */
  readonly narratives?: { readonly brief?: number; readonly boilerplate?: number };
  /** Tuned on (the campaigns' form share was chosen on these seeds). */
  readonly development?: boolean;
}

function narrativesOf(w: QualityWorld): string {
  const { brief = 0, boilerplate = 0 } = w.narratives ?? {};
  const told = brief > 0 ? `brief ${Math.round(brief * 100)} %` : 'as told';
  return boilerplate > 0 ? `${told}, form on ${Math.round(boilerplate * 100)} %` : told;
}

/** Campaigns on worlds whose narratives share a reporting form (issue 11), through the whole pipeline. */
export function campaignsSuite(): string {
  const form = { brief: 1, boilerplate: 0.9 };
  const worlds: QualityWorld[] = quick
    ? [
        { seed: 7, scale: 1, development: true },
        { seed: 7, scale: 1, narratives: form, development: true },
      ]
    : [
        { seed: 7, scale: 1, development: true },
        { seed: 1, scale: 1, development: true },
        { seed: 2, scale: 1 },
        { seed: 3, scale: 1 },
        { seed: 11, scale: 3 },
        { seed: 7, scale: 1, narratives: form, development: true },
        { seed: 3, scale: 1, narratives: { brief: 1 } },
        { seed: 3, scale: 1, narratives: form },
        { seed: 3, scale: 1, narratives: { boilerplate: 0.9 } },
        { seed: 11, scale: 3, narratives: form },
      ];
  const rings: string[] = [];
  const campaigns: string[] = [];
  for (const w of worlds) {
    const work = mkdtempSync(join(tmpdir(), 'credence-eval-bench-'));
    const told = w.narratives ?? {};
    execFileSync(process.execPath, [
      BIN,
      'sim',
      '--seed',
      String(w.seed),
      '--scale',
      String(w.scale),
      ...(told.brief === undefined ? [] : ['--brief', String(told.brief)]),
      ...(told.boilerplate === undefined ? [] : ['--boilerplate', String(told.boilerplate)]),
      '--out',
      join(work, 'world'),
      '--quiet',
    ]);
    const out = execFileSync(
      process.execPath,
      [BIN, 'eval', '--world', join(work, 'world'), '--json'],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      },
    );
    rmSync(work, { recursive: true, force: true });
    const r = JSON.parse(out) as EvalFigures;
    const f = (x: number) => fmt(x, 3);
    const c = r.campaigns;
    // Rings do not depend on how narratives are told: one row per world as the scripts go.
    if (w.narratives === undefined) {
      rings.push(
        `| ${w.seed} | ${w.scale} | ${r.rings.found} / ${r.rings.truth} | ${f(r.rings.precision)} | ${f(r.rings.recall)} | **${f(r.rings.f1)}** | ${f(r.tokens.precision)} | ${f(r.tokens.recall)} | ${fmt(r.tokens.unreported)} | **${fmt(r.lift.lift, 1)}** (${r.lift.allMembers} vs ${r.lift.bestSingle}, ${r.lift.bestMember}) | ${c.found} / ${c.truth} | **${f(c.purity)}** | ${f(c.adjustedRandIndex)} | ${fmt(r.seconds)} |`,
      );
      console.log(rings.at(-1));
    }
    campaigns.push(
      `| ${w.seed} | ${w.scale} | ${narrativesOf(w)} | ${w.development === true ? 'development' : 'held out'} | ${fmt(c.reports)} | ${c.baseline.found} / ${c.truth} | ${f(c.baseline.purity)} | ${f(c.baseline.adjustedRandIndex)} | ${fmt(c.baseline.crossPairs)} | ${c.found} / ${c.truth} | **${f(c.purity)}** | **${f(c.adjustedRandIndex)}** | ${fmt(c.crossPairs)} | ${fmt(c.formValues)} |`,
    );
    console.log(campaigns.at(-1));
  }
  return [
    ...sectionHead('Joint analysis: campaigns (`credence eval`)'),
    "Each world is made by `credence sim`; `credence eval` runs the whole pipeline on it (every member tokenizes its files through three key servers, signs and submits them; the platform analyses) and holds the result against the world's truth, which the pipeline never reads. A found ring matches a true ring at Jaccard ≥ 0.5 over tokens; token figures are for the identifiers no member reported, a positive being a check that answers `suspicious` or `fraud`; lift is the true rings found with all members' data over those the same algorithm finds in the best single member's data.",
    '',
    '| seed | scale | rings found / true | ring precision | ring recall | ring F1 (≥ 0.9) | token precision (≥ 0.9) | token recall (≥ 0.8) | unreported identifiers | lift (≥ 3) | campaigns found / true | campaign purity (≥ 0.9) | campaign ARI | seconds |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|',
    ...rings,
    '',
    "Campaign purity and adjusted Rand index are over the reports carrying a narrative of a true campaign's script, each labelled by the campaign the platform put it in (each member asks for its own reports in each campaign) or by itself if none.",
    '',
    '### Campaigns when narratives share a reporting form (issue 11)',
    '',
    'The same, on worlds whose narratives are told briefly (`credence sim --brief 1`: the script\'s first line and last) and end with a reporting form\'s sentence (`--boilerplate 0.9`: "对方来电号码⟨PHONE⟩，让我转账到⟨CARD⟩，还报出了我的身份证号⟨ID⟩。" on 90 % of them, and in English). *Plain* is the clustering before issue 11 (every slot of the fingerprint counts), run by `credence eval` in-process on the same fingerprints in the same run; *story* is the platform\'s, with the form values discounted. *Pairs* counts the pairs of reports of different true campaigns whose similarity reaches the threshold (0.25). The share at which a value is form (0.05) was chosen on seeds 7 and 1 (and variants of them); the other rows were not looked at before. What stays joined is discussed in docs/analytics.md ("Form, not story").',
    '',
    '| seed | scale | narratives | seeds | reports with a script | plain: campaigns / true | plain purity | plain ARI | plain pairs | story: campaigns / true | story purity | story ARI | story pairs | form values |',
    '|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...campaigns,
  ].join('\n');
}
