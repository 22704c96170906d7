import { median } from '../machine.js';
import type { Cpu, TopologyRun } from '../topology-throughput.js';
import { child, fmt, quick, sectionHead } from './kit.js';

interface Memory {
  tokens: number;
  cacheSize: number;
  catchUpSeconds: number;
  rss: number;
  heapUsed: number;
  arrayBuffers: number;
  setBytes: number;
  cached: number;
  clearPerSecond: number;
  flaggedPerSecond: number;
  cachedPerSecond: number;
}

interface Writers {
  writers: number;
  reportsPerSecond: number;
  inStatement: number;
  waiting: number;
  counters: number;
  logState: number;
  other: number;
}

/** Where PostgreSQL writers meet: 1, 2 and 4 writers, and the share of their time waiting on a lock. */
function serialisation(): string[] {
  const url =
    process.env.CREDENCE_BENCH_POSTGRES_URL ??
    process.env.CREDENCE_TEST_POSTGRES_URL ??
    'postgres://postgres@127.0.0.1:5432/test';
  const seconds = quick ? 5 : 15;
  const r = child<{ skipped?: string; batchSize: number; results: Writers[] }>('serialisation.js', [
    url,
    String(seconds),
    '100',
  ]);
  if (r.skipped !== undefined) return ['', `**Writers on PostgreSQL**: skipped (${r.skipped}).`];
  const one = r.results[0] as Writers;
  const share = (part: number, w: Writers) =>
    w.inStatement === 0 ? '0 %' : `${fmt((part / w.inStatement) * 100, 1)} %`;
  return [
    '',
    `**Writers on PostgreSQL** (docs/citus.md, "Where writers meet"): every write takes the next change sequence from the \`counters\` row and appends to the log under the \`log_state\` row's lock, so writes commit one at a time through those rows. 1, 2 and 4 writers ingest batches of ${r.batchSize} reports (two fresh tokens each) through the store, as the API does, for ${seconds} s each, into a fresh schema on the same machine; a sampler reads pg_stat_activity every 5 ms and counts, of the samples of writers inside a statement, those waiting on a lock and on which row. Baseline: one writer, which waits on no one. On 2 cores the writers, PostgreSQL and the sampler share the machine, so more writers cannot go much faster whatever the locks: the lock shares say what the two rows cost.`,
    '',
    '| writers | reports/s | ratio to one writer | in a statement, waiting on a lock | on `counters` | on `log_state` | elsewhere |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...r.results.map(
      (w) =>
        `| ${w.writers} | ${fmt(w.reportsPerSecond)} | ${fmt(w.reportsPerSecond / one.reportsPerSecond, 2)} | ${share(w.waiting, w)} | ${share(w.counters, w)} | ${share(w.logState, w)} | ${share(w.other, w)} |`,
    ),
  ];
}

/** Checks and submissions through HAProxy with 1, 2 and 3 API nodes; lag; failover (topology/). */
function topology(): string[] {
  const seconds = quick ? 5 : 10;
  const r = child<{
    skipped?: string;
    batch: number;
    checkConnections: number;
    submitConnections: number;
    runs: TopologyRun[];
  }>('topology-throughput.js', [String(seconds), '3']);
  if (r.skipped !== undefined)
    return ['', `**Several API nodes** (docs/deployment.md): skipped (${r.skipped}).`];
  const one = r.runs[0] as TopologyRun;
  const us = (x: number) => `${fmt(x, 0)} µs`;
  const cpu = (c: Cpu) =>
    `${us(c.api)} | ${us(c.postgres)} | ${us(c.haproxy)} | ${us(c.load)} | ${us(c.total)}`;
  const failovers = r.runs.map((x) => x.failover.firstWriteAfterKillMs);
  return [
    '',
    `**Several API nodes** (docs/deployment.md, \`npm run topology\`): HAProxy in front of 1, 2 and 3 \`credence serve\` processes on PostgreSQL 15 with one synchronous hot standby under pg_auto_failover (fast failover settings), all on this machine, started afresh for each count. Checks: autocannon with ${r.checkConnections} connections for ${seconds} s, 95 % tokens nobody reported and 5 % flagged ones. Submissions: ${r.submitConnections} connections for ${seconds} s posting batches of ${r.batch} reports (two fresh tokens each), signed before the run. CPU per request is read from /proc for every process of the layout (the API nodes, every PostgreSQL process: primary, standby, monitor and the machine's idle server; HAProxy, whose PostgreSQL checks start psql every 500 ms a node; the load generator, this process) over the run, divided by the checks or reports answered: the figure that predicts a larger machine, where the parts do not share two cores. Baseline: one API node, in the same run. On 2 cores every part shares the machine, so more nodes cannot go faster: the ratios show what a node costs, not what one would add on its own core.`,
    '',
    '| API nodes | checks/s | ratio | p50 / p99 | non-2xx | CPU a check: API nodes | PostgreSQL | HAProxy | load | all |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.runs.map(
      (x) =>
        `| ${x.nodes} | ${fmt(x.checks.rps)} | ${fmt(x.checks.rps / one.checks.rps, 2)} | ${fmt(x.checks.p50)} / ${fmt(x.checks.p99)} ms | ${fmt(x.checks.non2xx + x.checks.errors)} | ${cpu(x.checks.cpu)} |`,
    ),
    '',
    '| API nodes | reports/s | ratio | batch p50 / p99 | non-2xx | CPU a report: API nodes | PostgreSQL | HAProxy | load | all |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.runs.map(
      (x) =>
        `| ${x.nodes} | ${fmt(x.submissions.reportsPerSecond)} | ${fmt(x.submissions.reportsPerSecond / one.submissions.reportsPerSecond, 2)} | ${fmt(x.submissions.p50)} / ${fmt(x.submissions.p99)} ms | ${fmt(x.submissions.non2xx + x.submissions.errors)} | ${cpu(x.submissions.cpu)} |`,
    ),
    '',
    "| API nodes | standby replay lag under submissions: median / max | WAL not yet replayed: median / max | primary killed → writes through the balancer | → the writer's first acknowledged batch |",
    '|---:|---:|---:|---:|---:|',
    ...r.runs.map(
      (x) =>
        `| ${x.nodes} | ${fmt(x.lag.medianMs, 1)} / ${fmt(x.lag.maxMs, 1)} ms (${x.lag.samples} samples) | ${fmt(x.lag.medianBytes / 1024, 0)} / ${fmt(x.lag.maxBytes / 1024, 0)} KiB | ${fmt(x.failover.toWritableMs / 1000, 1)} s | ${fmt(x.failover.firstWriteAfterKillMs / 1000, 1)} s |`,
    ),
    '',
    `Failover, median of the ${failovers.length} runs: ${fmt(median(failovers) / 1000, 1)} s from the primary's death to the writer's first acknowledged batch, with the monitor's timeouts at 1 to 5 s; pg_auto_failover's defaults (a node unhealthy after 20 s, 30 s for the old primary to demote itself) make it about 30 to 50 s.`,
  ];
}

/**
 * Production scale (issue 19, docs/deployment.md): an API node's memory for checks at 10
 * and 50 million flagged tokens, against the view before issue 19 (every summary in a Map)
 * measured in the same run; and where PostgreSQL writers meet (docs/citus.md).
 */
export function scaleSuite(): string {
  const sizes = quick ? [1_000_000, 5_000_000] : [10_000_000, 50_000_000];
  const cache = 100_000;
  const node = ['--expose-gc', '--max-old-space-size=4096'];
  const base = child<Memory>('check-memory.js', ['1000000', String(cache), 'map'], node);
  const runs = sizes.map((n) => child<Memory>('check-memory.js', [String(n), String(cache)], node));
  const mib = (bytes: number) => `${fmt(bytes / 2 ** 20, 0)} MiB`;
  const perToken = (m: Memory) => (m.heapUsed + m.arrayBuffers) / m.tokens;
  const last = runs.at(-1) as Memory;
  console.log(
    `scale: ${fmt(last.tokens / 1e6, 0)} M flagged tokens in ${mib(last.rss)} resident; checks of clear tokens ${fmt(last.clearPerSecond / 1e3, 0)} k/s`,
  );
  const row = (name: string, m: Memory) =>
    `| ${name} | ${fmt(m.tokens)} | ${fmt(m.cached)} | ${mib(m.rss)} | ${mib(m.heapUsed)} | ${mib(m.arrayBuffers)} | ${fmt(perToken(m), 1)} B | ${fmt(m.catchUpSeconds, 1)} s | ${fmt(m.clearPerSecond / 1e3, 0)} k/s | ${fmt(m.flaggedPerSecond / 1e3, 0)} k/s | ${fmt(m.cachedPerSecond / 1e3, 0)} k/s |`;
  return [
    ...sectionHead('Production scale: an API node’s memory for checks'),
    `A CheckView (\`platform/services/check-view.ts\`) catches up with N flagged tokens from a generated change feed (token i is change i, one report from one of 20 members; 32 random-looking bytes in base64url, as a real token) and the process's memory is read after a full collection (\`--expose-gc\`): resident (RSS), the JavaScript heap in use, and array buffers (the compact set's table). The view holds every flagged token in a set of 12-byte slots (three 31-bit hashes from a universal family, keyed at random) and the summaries of the ${fmt(cache)} most recently used in a cache; a flagged token not cached is read back from the store (here the generated feed, so the figure is the view's own work, not a database's). Checks, one token each, median of 5 rounds of 200,000: tokens nobody reported (the set answers), random flagged tokens (nearly all read back), and recently changed ones (cached). Baseline in the same run: the view before issue 19, every flagged token's summary in a Map, at ${fmt(base.tokens)} tokens (it grows with them: ${fmt(perToken(base), 0)} B a token, ${mib(perToken(base) * 50_000_000)} at 50 million). Goal: 50 million flagged tokens in ≤ 2 GB per API node.`,
    '',
    '| view | flagged tokens | summaries held | resident | heap used | array buffers | heap + buffers per token | catch-up | checks: clear | checks: flagged, read back | checks: flagged, cached |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    row('every summary in a Map (baseline)', base),
    ...runs.map((m) => row(`set + ${fmt(cache)} cached`, m)),
    ...serialisation(),
    ...topology(),
  ].join('\n');
}
