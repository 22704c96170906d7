import type { Minute } from '../topology-soak.js';
import { child, fmt, quick, sectionHead } from './kit.js';

/**
 * The soak (issue 19, part 6; topology-soak.ts): the multi-node layout under a steady
 * mixed load for ten minutes (two with --quick), minute by minute.
 */
export function soakSuite(): string {
  const minutes = quick ? 2 : 10;
  const [nodes, checkRate, batchRate, batchSize] = [3, 300, 4, 50];
  const r = child<{
    skipped?: string;
    perMinute: Minute[];
    batchesAcknowledged: number;
    alertsMissed: number;
    crashed: string[];
    lastAnalysis: { createdAt?: string; rings?: number };
  }>('topology-soak.js', [minutes, nodes, checkRate, batchRate, batchSize].map(String));
  const head = sectionHead('Soak: the multi-node layout under a steady mixed load');
  if (r.skipped !== undefined) return [...head, `Skipped: ${r.skipped}.`].join('\n');
  const errors = r.perMinute.reduce((s, m) => s + m.checkErrors + m.batchErrors, 0);
  const second = r.perMinute[1] ?? r.perMinute[0];
  const last = r.perMinute.at(-1);
  const growth =
    second === undefined || last === undefined
      ? []
      : last.rssMiB.map((m, i) => m - (second.rssMiB[i] ?? 0));
  console.log(
    `soak: ${minutes} min, ${errors} errors, ${r.alertsMissed} alerts missed, memory from minute 2 to the last ${growth.map((g) => fmt(g, 0)).join(', ')} MiB`,
  );
  return [
    ...head,
    `\`npm run topology\`'s layout (docs/deployment.md): HAProxy, ${nodes} API nodes, PostgreSQL 15 with one synchronous hot standby under pg_auto_failover, all on this machine, for ${minutes} minutes. Load, sent on a fixed schedule whether or not earlier requests were answered (latency counted from when each was due, so a stall shows): ${checkRate} checks a second (95 % tokens nobody reported, 5 % flagged ones), ${batchRate} signed batches a second of ${batchSize} reports (${fmt(batchRate * batchSize)} reports a second), each batch holding one token a watcher watches, whose alerts it follows as server-sent events through the balancer; the joint analysis every minute (\`--analysis-interval 60\`, one node's turn each time). Nothing is sent again: every answer that is not a 2xx is an error. Memory: each API node's resident set at the end of each minute.`,
    '',
    '| minute | checks | errors | p50 / p99 | batches | errors | p50 / p99 | API nodes resident (MiB) |',
    '|---:|---:|---:|---:|---:|---:|---:|---|',
    ...r.perMinute.map(
      (m) =>
        `| ${m.minute} | ${fmt(m.checks)} | ${m.checkErrors} | ${fmt(m.checkP50, 1)} / ${fmt(m.checkP99, 1)} ms | ${fmt(m.batches)} | ${m.batchErrors} | ${fmt(m.batchP50, 1)} / ${fmt(m.batchP99, 1)} ms | ${m.rssMiB.map((x) => fmt(x, 0)).join(', ')} |`,
    ),
    '',
    `Errors: ${errors}. Batches acknowledged: ${fmt(r.batchesAcknowledged)}; alerts of them that did not reach the watcher's stream: ${r.alertsMissed}. API nodes that crashed: ${r.crashed.length === 0 ? 'none' : r.crashed.join(', ')}. Resident memory from the end of minute 2 to the end: ${growth.map((g) => `${g >= 0 ? '+' : ''}${fmt(g, 0)} MiB`).join(', ')}. The last analysis: ${r.lastAnalysis?.createdAt ?? 'none'}.`,
  ].join('\n');
}
