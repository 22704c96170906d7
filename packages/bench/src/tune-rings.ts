import { join } from 'node:path';
import { analyzeGraph } from '@credence/analytics/analysis';
import { matchRings } from '@credence/analytics/evaluation/metrics';
import { EvidenceGraphBuilder } from '@credence/analytics/evidence/evidence-graph';
import { localTrueRings, rawMemberData } from '@credence/cli/commands/eval-in-process';
import type { MemberData, Truth } from '@credence/cli/commands/eval-judge';
import { readJson } from '@credence/cli/commands/files';
import { DEFAULT_POLICY } from '@credence/core/risk/policy';

/**
 * Ring options tried on development worlds only (issue 12): `node
 * packages/bench/dist/tune-rings.js DIR… -- key=v1,v2 …` prints ring P/R/F1 and the flag's
 * precision and recall over unreported tokens for each value of each option.
 */
const DAY_MS = 86_400_000;
const args = process.argv.slice(2);
const cut = args.indexOf('--');
const dirs = cut < 0 ? args : args.slice(0, cut);
const grid = (cut < 0 ? [] : args.slice(cut + 1)).map((a) => {
  const [key, values] = a.split('=') as [string, string];
  return { key, values: values.split(',').map(Number) };
});
for (const dir of dirs) {
  const truth = readJson(join(dir, 'truth.json')) as Truth;
  const now = Date.parse(`${truth.start}T00:00:00Z`) + truth.days * DAY_MS;
  const data: MemberData[] = [];
  for (const m of truth.members)
    data.push(await rawMemberData(join(dir, 'members', m.id), m.id, now));
  const builder = new EvidenceGraphBuilder({ ...DEFAULT_POLICY, now });
  for (const d of data) builder.reassignAll(d.links);
  for (const d of data) for (const r of d.reports) builder.addReport(r);
  for (const d of data) for (const l of d.links) builder.addLink(l);
  const graph = builder.build();
  const trueRings = localTrueRings(truth);
  const positive = new Set(trueRings.flat());
  const reported = new Set(
    data.flatMap((d) => d.reports.flatMap((r) => r.entities.map((e) => e.token))),
  );
  for (const { key, values } of grid.length === 0 ? [{ key: 'memberScore', values: [0.5] }] : grid)
    for (const value of values) {
      const analysis = analyzeGraph(graph, {
        memberRisk: 0.3,
        minScore: 0.3,
        [key]: value,
      });
      const found = analysis.rings.map((r) => r.nodes.map((v) => graph.tokens[v] as string));
      const m = matchRings(found, trueRings);
      let tp = 0;
      let fp = 0;
      let pos = 0;
      graph.tokens.forEach((t, v) => {
        if (reported.has(t)) return;
        const flagged = (analysis.ringOf[v] as number) >= 0;
        const p = positive.has(t);
        if (p) pos++;
        if (flagged && p) tp++;
        if (flagged && !p) fp++;
      });
      console.log(
        `${dir.split('/').at(-1)} ${key}=${value}: rings ${m.found}/${m.truth} P ${m.precision.toFixed(3)} R ${m.recall.toFixed(3)} F1 ${m.f1.toFixed(3)}; flag P ${(tp / (tp + fp)).toFixed(3)} R ${(tp / pos).toFixed(3)}`,
      );
    }
}
