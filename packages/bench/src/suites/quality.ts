import { DEFAULT_RANKING_MODEL } from '@credence/analytics/rings/ranking-model';
import { BIN } from '../processes.js';
import {
  COMPARISON_HEAD,
  comparisonRows,
  DEVELOPMENT_SEEDS,
  EXPOSURE_HEAD,
  exposureRows,
  OUTCOME_HEAD,
  outcomeCategoryRows,
  outcomeRows,
  type QualityWorld,
  qualityWorlds,
  rowOf,
  runQuality,
  SUMMARY_HEAD,
  summaryRows,
  WORLD_TABLE_HEAD,
  type WorldResult,
} from '../quality.js';
import { appealSection } from './appeals.js';
import { quick, sectionHead, split } from './kit.js';
import { statisticsSection } from './statistics.js';

/** The protocol of issue 12: development and test seeds, in-process everywhere, the pipeline on a few. */
export function qualitySuite(): string {
  const worlds = qualityWorlds({ quick, ...(split === undefined ? {} : { split }) });
  console.log(WORLD_TABLE_HEAD.join('\n'));
  const results = runQuality(BIN, worlds, (line) => console.log(line));
  const perWorld = results.map(rowOf);
  const summary = summaryRows(results);
  const compared = comparisonRows(results);
  const outcomes = outcomeRows(results);
  return [
    ...sectionHead('Joint analysis: quality (`credence eval`, issue 12)'),
    `Protocol (docs/analytics.md, "Measuring it"): parameters are chosen on the development seeds {${DEVELOPMENT_SEEDS.join(', ')}} only; figures are reported on the test seeds 101–110 (scale 1) and 201–210 (scale 2), never used for tuning. Each world as today's stories (\`credence sim --seed N --scale S\`) and with laundering (\`--laundering 40 --days 365 --start 2025-11-01\`); perturbed worlds are \`--variant 1\`…\`5\` of the scale-1 test seeds. Every world is evaluated in-process (\`credence eval --in-process\`: the same analysis on the same graph, tokens being the normalized identifiers); the whole pipeline (\`credence eval\`) runs on a few test worlds and is compared below. Figures over the identifiers no member reported, a positive being a true ring's; AUPRC is average precision, P@k the precision among the k best-scored (k = the positives), the flag a check answering \`suspicious\` or \`fraud\`, calibration error the expected calibration error of the model's score (10 bins). The baselines rank the same identifiers from the same graph, read as an outside tester would (undirected, each linked pair weight 1): personalized PageRank restarting on the reported tokens in proportion to their evidence (damping 0.5 and 0.85) and the count of distinct reported neighbours. “Rings two reports name” counts the true rings at least two reports name in a fraudster's role, and those a found ring matches: a ring takes two reports, so the others are not found by design. Ranking model: \`${DEFAULT_RANKING_MODEL.version}\`.${quick ? ' Quick mode (`--quick`): fewer seeds; the medians are over those.' : ''}`,
    '',
    '### Test seeds: medians, and the goals',
    '',
    ...SUMMARY_HEAD,
    ...(summary.length > 0 ? summary : ['| (no test world in this run) |||||||||']),
    '',
    '### Every world',
    '',
    ...WORLD_TABLE_HEAD,
    ...perWorld,
    '',
    '### The pipeline against the in-process path, same worlds',
    '',
    "The platform's path is the reference (tokens from the key servers, the platform's analysis and its checks' answers — `rank.score`, 0 where a check has no rank — with its clock as `now`); the in-process path is the same analysis on the same graph at the world's end. Evidence ages to a later time on the platform, so figures may differ a little; rings, flags and counts should agree.",
    '',
    ...COMPARISON_HEAD,
    ...(compared.length > 0 ? compared : ['| (the pipeline ran on no world) |||||||||||||']),
    '',
    '### Outcomes: warning precision against the truth (issue 17)',
    '',
    `On the pipeline's worlds, after the figures above: the first member checks every token the members hold and acts on half the warnings (chosen by a hash of the token), saying \`case_opened\` of a true ring's token and \`false_positive\` of any other, wrong about 5 % of them (docs/outcomes.md). "True" is the share of all warnings that are a ring's token, by the world's truth; "measured" is the platform's \`GET /v1/outcomes/summary\` from those outcomes, which the 5 % of wrong outcomes bias (expected about 0.95 × true + 0.05 × (1 − true)). The other half is held out and checked again after the outcomes moved the contributors' quality weights: the weights' effect on tokens they were not learned from. Before issue 17's fix of the victim's side (a victim's own number counted as reported), development seed 7 gave 57.4 % true precision (4,722 warnings), 80.2 % on the held-out half once the weights had moved; after it, 98.9 % (2,741 warnings, no ring token fewer).`,
    '',
    ...OUTCOME_HEAD,
    ...(outcomes.length > 0 ? outcomes : ['| (the pipeline ran on no world) ||||||||||']),
    '',
    ...outcomeCategoryRows(results),
    '',
    ...exposureSection(results),
    '',
    ...statisticsSection(),
    '',
    ...appealSection(),
  ].join('\n');
}

/** Exposure warnings on the pipeline's worlds (issue 17, docs/exposures.md). */
export function exposureSection(results: readonly WorldResult[]): string[] {
  const exposures = exposureRows(results);
  return [
    '### Exposure warnings: victims warned before the call (issue 17)',
    '',
    `On the pipeline's worlds: the members watch their customers among the people on the world's seized lists, and the police member uploads every list, tokenized at its side, in the order it would have (docs/exposures.md). A victim on a list is warned in time when a member serving it (its telecom, bank or platform) got an \`exposed\` alert about one of its identifiers from a list uploaded before the ring's first call or text; the lead time runs from the upload to that contact, in the world's time. "Not warned" would be a failure of the pipeline: a listed victim served by a member that no alert reached (the leak's spellings against the member's, the tokens, the matching, the routing). The shares follow from how often and how early the simulator's police seize a list (half the rings, 60 % of the victims of the 21 days after the seizure, uploaded 1–3 days later): one author's view, not data.`,
    '',
    ...EXPOSURE_HEAD,
    ...(exposures.length > 0 ? exposures : ['| (the pipeline ran on no world) |||||||||||']),
  ];
}

/** `--suite=exposures`: the pipeline on test seed 101 (stories and laundering), that section alone. */
export function exposuresSuite(): string {
  const worlds: QualityWorld[] = (['stories', 'laundering'] as const).map((kind) => ({
    split: 'test',
    seed: 101,
    scale: 1,
    kind,
    pipeline: true,
  }));
  const results = runQuality(BIN, worlds, (line) => console.log(line));
  const failed = results.flatMap((r) =>
    'failed' in r && r.failed ? [`${r.world.kind}: ${r.failed}`] : [],
  );
  return [
    ...sectionHead('Exposure warnings (`credence eval`, issue 17)'),
    ...exposureSection(results),
    ...(failed.length > 0 ? ['', `Failed: ${failed.join('; ')}`] : []),
  ].join('\n');
}
