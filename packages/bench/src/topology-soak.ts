import { readFileSync } from 'node:fs';
import { generateEd25519 } from '@credence/core/signing/ed25519';
import { followAlerts } from '@credence/member/alerts';
import { percentile } from './machine.js';
import { randomToken, signedBatchBody, syntheticReport } from './platform-fixtures.js';
import { send } from './topology/load.js';
import { Topology, topologyMissing } from './topology/topology.js';

/**
 * The soak (issue 19, part 6): the multi-node layout (topology/) under a steady mixed load
 * for `minutes`: checks and report batches sent on a fixed schedule (open loop: a request
 * is sent when it is due whether or not earlier ones were answered, and its latency runs
 * from when it was due, so a stall shows in the latencies instead of hiding in fewer
 * requests), a watcher following its alerts through the balancer (one watched token in
 * every batch), and the joint analysis every minute. Nothing is sent again: every answer
 * that is not a 2xx counts as an error. Per minute: requests, errors, p50 and p99, and each
 * API node's resident memory. Usage: topology-soak.js <minutes> <API nodes> <checks/s>
 * <batches/s> <reports a batch>. Prints one JSON line, or {"skipped": why}.
 */
const [minutesArg = '10', nodesArg = '3', checksArg = '300', batchesArg = '4', sizeArg = '50'] =
  process.argv.slice(2);
const minutes = Number(minutesArg);
const checkRate = Number(checksArg);
const batchRate = Number(batchesArg);
const batchSize = Number(sizeArg);

const missing = topologyMissing();
if (missing !== undefined) {
  console.log(JSON.stringify({ skipped: missing }));
  process.exit(0);
}

/** A node's resident memory in MiB (VmRSS), 0 when it is gone. */
function rssMiB(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

export interface Minute {
  minute: number;
  checks: number;
  checkErrors: number;
  checkP50: number;
  checkP99: number;
  batches: number;
  batchErrors: number;
  batchP50: number;
  batchP99: number;
  rssMiB: number[];
}

const topology = await Topology.start({
  // CREDENCE_TOPOLOGY_DIR keeps the layout's folder, with every process's log.
  ...(process.env.CREDENCE_TOPOLOGY_DIR === undefined
    ? {}
    : { dir: process.env.CREDENCE_TOPOLOGY_DIR }),
  apiNodes: Number(nodesArg),
  replicas: 1,
  serveArgs: [
    ...['--check-rate', '0', '--read-rate', '0', '--write-rate', '0'],
    ...['--analysis-interval', '60', '--filter-interval', '0', '--log-level', 'error'],
  ],
});
try {
  const key = generateEd25519();
  const reporter = topology.addMember('bank-a', 'bank', key.publicKey);
  const watcher = topology.addMember('bank-b', 'bank');
  // Tokens the watcher watches: one goes into every batch.
  const total = Math.ceil(minutes * 60 * batchRate) + 10;
  const watched = Array.from({ length: total }, randomToken);
  for (let i = 0; i < watched.length; i += 5000) {
    const tokens = watched
      .slice(i, i + 5000)
      .map((token) => ({ kind: 'phone', token, keyId: 'kBench' }));
    const put = await send(
      `${topology.url}/v1/watchlist`,
      { method: 'PUT', credential: watcher, body: { tokens } },
      30_000,
    );
    if (put.status !== 200) throw new Error(`watchlist: ${put.status}`);
  }
  const alerts = new Set<string>();
  const following = new AbortController();
  const stream = followAlerts(
    { url: topology.url, credential: watcher },
    undefined,
    (a) => {
      if (a.source === 'report') alerts.add(a.token);
    },
    { signal: following.signal },
  ).catch((error: unknown) => error);

  const flagged: string[] = [];
  const clear = Array.from({ length: 10_000 }, randomToken);
  let batchesSent = 0;
  const acknowledged = new Set<string>();
  const perMinute: Minute[] = [];
  let current = { checks: [] as number[], checkErrors: 0, batches: [] as number[], batchErrors: 0 };

  const timed = async (
    due: number,
    work: () => Promise<Response>,
    ok: (ms: number) => void,
    fail: () => void,
  ) => {
    try {
      const response = await work();
      await response.arrayBuffer();
      if (response.ok) ok(performance.now() - due);
      else fail();
    } catch {
      fail();
    }
  };
  const check = (due: number) => {
    const token =
      flagged.length > 0 && Math.random() < 0.05
        ? flagged[Math.floor(Math.random() * flagged.length)]
        : clear[Math.floor(Math.random() * clear.length)];
    const bucket = current;
    void timed(
      due,
      () =>
        fetch(`${topology.url}/v1/check/${token}`, {
          headers: { authorization: `Bearer ${watcher}` },
        }),
      (ms) => bucket.checks.push(ms),
      () => bucket.checkErrors++,
    );
  };
  const batch = (due: number) => {
    const b = batchesSent++;
    const mine = watched[b] as string;
    const reports = Array.from({ length: batchSize }, (_, i) =>
      syntheticReport(
        `s-${b}-${i}`,
        i === 0 ? mine : randomToken(),
        randomToken(),
        b * batchSize + i,
      ),
    );
    const bucket = current;
    void timed(
      due,
      () =>
        fetch(`${topology.url}/v1/reports`, {
          method: 'POST',
          headers: { authorization: `Bearer ${reporter}`, 'content-type': 'application/json' },
          body: signedBatchBody('bank-a', key, reports),
        }),
      (ms) => {
        bucket.batches.push(ms);
        acknowledged.add(mine);
        flagged.push(mine);
      },
      () => bucket.batchErrors++,
    );
  };

  /** A minute ends: its requests go on being answered into its bucket; memory is read now. */
  const buckets: { bucket: typeof current; rssMiB: number[] }[] = [];
  const closeMinute = () => {
    const ended = current;
    buckets.push({ bucket: ended, rssMiB: topology.apiNodes.map((n) => rssMiB(n.process?.pid)) });
    current = { checks: [], checkErrors: 0, batches: [], batchErrors: 0 };
    // Answered so far (late answers still come into the minute's bucket).
    console.error(
      `soak: minute ${buckets.length}, ${ended.checks.length} checks answered (${ended.checkErrors} errors), ${ended.batches.length} batches (${ended.batchErrors} errors), memory ${buckets
        .at(-1)
        ?.rssMiB.map((m) => Math.round(m))
        .join(', ')} MiB, pids ${topology.apiNodes.map((n) => n.process?.pid ?? '-').join(', ')}`,
    );
  };

  // The schedule: every 5 ms, send what is due.
  const start = performance.now();
  const end = start + minutes * 60_000;
  let checksSent = 0;
  let nextMinute = start + 60_000;
  while (performance.now() < end) {
    const now = performance.now();
    const elapsed = (now - start) / 1000;
    while (checksSent < elapsed * checkRate) check(start + (checksSent++ / checkRate) * 1000);
    while (batchesSent < elapsed * batchRate) batch(start + (batchesSent / batchRate) * 1000);
    if (now >= nextMinute) {
      closeMinute();
      nextMinute += 60_000;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  // The last minute's answers, then the alerts of every acknowledged batch.
  await new Promise((r) => setTimeout(r, 5000));
  closeMinute();
  const settle = Date.now() + 30_000;
  while ([...acknowledged].some((t) => !alerts.has(t)) && Date.now() < settle)
    await new Promise((r) => setTimeout(r, 200));
  following.abort();
  await stream;
  for (const [i, { bucket: c, rssMiB: rss }] of buckets.entries())
    perMinute.push({
      minute: i + 1,
      checks: c.checks.length,
      checkErrors: c.checkErrors,
      checkP50: percentile(c.checks, 0.5),
      checkP99: percentile(c.checks, 0.99),
      batches: c.batches.length,
      batchErrors: c.batchErrors,
      batchP50: percentile(c.batches, 0.5),
      batchP99: percentile(c.batches, 0.99),
      rssMiB: rss,
    });
  const missed = [...acknowledged].filter((t) => !alerts.has(t)).length;
  // An overloaded layout may not answer even this: the minutes are still the result.
  const analysis = await send(
    `${topology.url}/v1/analysis`,
    { method: 'GET', credential: watcher },
    10_000,
  ).catch((error: unknown) => ({
    body: { unanswered: error instanceof Error ? error.message : String(error) },
  }));
  console.log(
    JSON.stringify({
      minutes,
      nodes: topology.apiNodes.length,
      checkRate,
      batchRate,
      batchSize,
      perMinute,
      batchesAcknowledged: acknowledged.size,
      alertsMissed: missed,
      crashed: topology.crashedApiNodes(),
      lastAnalysis: analysis.body,
    }),
  );
} finally {
  topology.stop();
}
