import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPlatform } from '@credence/platform/server';
import { enroll, fillReports } from './platform-fixtures.js';

/**
 * What a new analysis run costs the API nodes that did not make it (docs/deployment.md,
 * "Memory"): a SQLite store of `reports` reports (two fresh tokens each), a run by one
 * process, then a newer run by another (a 5 ms timer measuring the longest stall of its
 * event loop while it reads the evidence, computes and keeps the run), which a third
 * process picks up as every API node does (AnalysisService.refresh) while the same timer
 * measures its own; then that node looks up 1,000 ranked tokens as a check does (their ranks read
 * from the store). The whole document's JSON.parse, in the same run, is what every node paid
 * to pick up a run before ranks had rows of their own. Usage: analysis-load.js <reports>.
 * Prints one JSON line.
 */
/** The longest this event loop went without turning (a 5 ms timer) while `work` ran. */
async function longestStall(work: () => Promise<unknown>): Promise<number> {
  let stall = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    stall = Math.max(stall, now - last - 5);
    last = now;
  }, 5);
  try {
    await work();
    await new Promise((r) => setTimeout(r, 20));
  } finally {
    clearInterval(timer);
  }
  return stall;
}

const reports = Number(process.argv[2] ?? '120000');
const dir = mkdtempSync(join(tmpdir(), 'credence-analysis-load-'));
const db = join(dir, 'platform.sqlite');
const open = () => createPlatform({ db, keyFile: join(dir, 'key.json'), webhooks: false });
try {
  await enroll(db, 'bench-bank');
  await fillReports(db, reports, {});
  const first = await open();
  await first.analysis.run('platform');
  const body = (await first.store.latestAnalysis())?.body ?? '';
  const summary = (await first.store.latestAnalysisHead())?.summary ?? '';
  await first.close();
  // The node: it loads the first run when it starts.
  const node = await open();
  await fillReports(db, 1000, {});
  const other = await open();
  let started = performance.now();
  const runStall = await longestStall(() => other.analysis.run('platform'));
  const runMs = performance.now() - started;
  await other.close();
  started = performance.now();
  const stall = await longestStall(() => node.analysis.refresh());
  const refreshMs = performance.now() - started;
  started = performance.now();
  const parsed = JSON.parse(body) as { ranking?: { tokens?: [string][] } };
  const parseMs = performance.now() - started;
  const ranked = (parsed.ranking?.tokens ?? []).slice(0, 1000).map(([t]) => t);
  started = performance.now();
  const answers = (await node.analysis.lookup(ranked)).ranks;
  const checkMs = performance.now() - started;
  await node.close();
  console.log(
    JSON.stringify({
      reports,
      bodyMiB: body.length / 2 ** 20,
      summaryMiB: summary.length / 2 ** 20,
      rankedTokens: parsed.ranking?.tokens?.length ?? 0,
      parseMs,
      runMs,
      refreshMs,
      stallMs: stall,
      runStallMs: runStall,
      checkOf1000RankedMs: checkMs,
      ranksAnswered: answers.filter((a) => a !== undefined).length,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
