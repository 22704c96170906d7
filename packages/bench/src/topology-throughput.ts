import { readdirSync, readFileSync } from 'node:fs';
import { generateEd25519 } from '@credence/core/signing/ed25519';
import autocannon from 'autocannon';
import pg from 'pg';
import { median, percentile } from './machine.js';
import { randomToken, signedBatchBody, syntheticReport } from './platform-fixtures.js';
import { send } from './topology/load.js';
import { Topology, topologyMissing } from './topology/topology.js';

/**
 * Checks and submissions through HAProxy with 1, 2 and 3 API nodes on PostgreSQL with a
 * synchronous hot standby (topology/), the CPU each part of the layout spent per request,
 * the standby's lag under submissions, and the failover time (the primary killed under a
 * writer's load). Usage: topology-throughput.js <seconds per run> <max nodes>. Prints one
 * JSON line, or {"skipped": why} when the machine lacks HAProxy or pg_auto_failover.
 */
const [secondsArg = '10', nodesArg = '3'] = process.argv.slice(2);
const seconds = Number(secondsArg);
const BATCH = 100;
const CHECK_CONNECTIONS = 32;
const SUBMIT_CONNECTIONS = 8;

const missing = topologyMissing();
if (missing !== undefined) {
  console.log(JSON.stringify({ skipped: missing }));
  process.exit(0);
}

const TICK = 100; // clock ticks a second on Linux (getconf CLK_TCK)
/** CPU seconds (user + system) a process has spent, from /proc. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICK;
  } catch {
    return 0;
  }
}
/** Every PostgreSQL server process on the machine (the topology's; the machine's own is idle). */
function postgresPids(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'postgres';
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** CPU seconds (or, per request, microseconds) of each part: the load generator is this process. */
export interface Cpu {
  api: number;
  postgres: number;
  haproxy: number;
  load: number;
  total: number;
}
/** The CPU the layout's parts spent while `work` ran, and what `work` answered. */
async function measured<T>(topology: Topology, work: () => Promise<T>): Promise<[T, Cpu]> {
  const api = topology.apiNodes.map((n) => n.process?.pid ?? 0);
  const haproxy = topology.haproxyPid;
  const pgBefore = new Map(postgresPids().map((p) => [p, cpuSeconds(p)] as const));
  const apiBefore = api.reduce((s, p) => s + cpuSeconds(p), 0);
  const haproxyBefore = cpuSeconds(haproxy);
  const own = process.cpuUsage();
  const result = await work();
  const spent = process.cpuUsage(own);
  // PostgreSQL backends come and go: one new since is counted from 0; one gone by the
  // end is missed after its last reading (a connection's worth at most).
  const postgres = postgresPids().reduce((s, p) => s + cpuSeconds(p) - (pgBefore.get(p) ?? 0), 0);
  const apiCpu = api.reduce((s, p) => s + cpuSeconds(p), 0) - apiBefore;
  const haproxyCpu = cpuSeconds(haproxy) - haproxyBefore;
  const loadCpu = (spent.user + spent.system) / 1e6;
  return [
    result,
    {
      api: apiCpu,
      postgres,
      haproxy: haproxyCpu,
      load: loadCpu,
      total: apiCpu + postgres + haproxyCpu + loadCpu,
    },
  ];
}

type Result = autocannon.Result;
const load = (
  url: string,
  credential: string,
  connections: number,
  request: { method: 'GET' | 'POST'; path: () => string; body?: () => string },
): Promise<Result> =>
  autocannon({
    url,
    connections,
    duration: seconds,
    headers: {
      authorization: `Bearer ${credential}`,
      ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    requests: [
      {
        method: request.method,
        setupRequest: (r) => ({
          ...r,
          path: request.path(),
          ...(request.body === undefined ? {} : { body: request.body() }),
        }),
      },
    ],
  });

/** Samples the standby's lag behind the primary every 100 ms until stopped. */
function sampleLag(primaryUrl: string): { stop(): Promise<{ ms: number[]; bytes: number[] }> } {
  const client = new pg.Client({ connectionString: primaryUrl });
  const ms: number[] = [];
  const bytes: number[] = [];
  let stopped = false;
  const running = (async () => {
    await client.connect();
    while (!stopped) {
      const { rows } = await client.query<{ ms: number | null; bytes: string | null }>(
        'SELECT EXTRACT(EPOCH FROM replay_lag) * 1000 AS ms, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) AS bytes FROM pg_stat_replication',
      );
      for (const r of rows) {
        ms.push(r.ms === null ? 0 : Number(r.ms));
        bytes.push(r.bytes === null ? 0 : Number(r.bytes));
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await client.end();
  })();
  return {
    stop: async () => {
      stopped = true;
      await running;
      return { ms, bytes };
    },
  };
}

export interface TopologyRun {
  nodes: number;
  checks: { rps: number; p50: number; p99: number; non2xx: number; errors: number; cpu: Cpu };
  submissions: {
    batchesPerSecond: number;
    reportsPerSecond: number;
    p50: number;
    p99: number;
    non2xx: number;
    errors: number;
    cpu: Cpu;
  };
  lag: { samples: number; medianMs: number; maxMs: number; medianBytes: number; maxBytes: number };
  failover: { toWritableMs: number; firstWriteAfterKillMs: number };
}

const runs: TopologyRun[] = [];
for (let nodes = 1; nodes <= Number(nodesArg); nodes++) {
  const topology = await Topology.start({
    apiNodes: nodes,
    replicas: 1,
    fastFailover: true,
    serveArgs: [
      ...['--check-rate', '0', '--read-rate', '0', '--write-rate', '0'],
      ...['--analysis-interval', '0', '--filter-interval', '0', '--log-level', 'error'],
    ],
  });
  try {
    const key = generateEd25519();
    const reporter = topology.addMember('bank-a', 'bank', key.publicKey);
    const checker = topology.addMember('bank-b', 'bank');
    // Batches signed before the run, so the load generator only sends them.
    const flagged: string[] = [];
    const bodies = Array.from({ length: 3000 }, (_, b) =>
      signedBatchBody(
        'bank-a',
        key,
        Array.from({ length: BATCH }, (_, i) => {
          const caller = randomToken();
          const account = randomToken();
          if (i === 0) flagged.push(caller);
          return syntheticReport(`r-${b}-${i}`, caller, account, b * BATCH + i);
        }),
      ),
    );
    let next = 0;
    const [submitted, submitCpu] = await measured(topology, async () => {
      const primary = await topology.postgres.primary();
      const lag = sampleLag(
        topology.postgres.urlOf(primary ?? (topology.postgres.nodes[0] as never)),
      );
      const r = await load(topology.url, reporter, SUBMIT_CONNECTIONS, {
        method: 'POST',
        path: () => '/v1/reports',
        body: () => bodies[next++ % bodies.length] as string,
      });
      return { r, lag: await lag.stop() };
    });
    const clear = Array.from({ length: 10_000 }, randomToken);
    const sent = flagged.slice(0, Math.min(flagged.length, Math.max(1, next)));
    const [checked, checkCpu] = await measured(topology, () =>
      load(topology.url, checker, CHECK_CONNECTIONS, {
        method: 'GET',
        path: () =>
          `/v1/check/${
            Math.random() < 0.05
              ? sent[Math.floor(Math.random() * sent.length)]
              : clear[Math.floor(Math.random() * clear.length)]
          }`,
      }),
    );
    // The failover, under one writer: kill to writable through the balancer, and to the
    // writer's first acknowledged batch after the kill.
    let stop = false;
    let firstAfter = 0;
    let killedAt = 0;
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        const body = JSON.parse(bodies[(next + i) % bodies.length] as string);
        const answer = await send(
          `${topology.url}/v1/reports`,
          { method: 'POST', credential: reporter, body },
          120_000,
        );
        if (killedAt > 0 && firstAfter === 0 && answer.status < 300)
          firstAfter = performance.now() - killedAt;
      }
    })();
    await new Promise((r) => setTimeout(r, 1000));
    killedAt = performance.now();
    const failover = await topology.killPrimary();
    while (firstAfter === 0) await new Promise((r) => setTimeout(r, 50));
    stop = true;
    await writer;
    const s = submitted.r;
    const ok = (r: Result) => r.requests.total - r.non2xx - r.errors;
    runs.push({
      nodes,
      checks: {
        rps: checked.requests.average,
        p50: checked.latency.p50,
        p99: checked.latency.p99,
        non2xx: checked.non2xx,
        errors: checked.errors,
        cpu: perRequest(checkCpu, ok(checked)),
      },
      submissions: {
        batchesPerSecond: ok(s) / seconds,
        reportsPerSecond: (ok(s) * BATCH) / seconds,
        p50: s.latency.p50,
        p99: s.latency.p99,
        non2xx: s.non2xx,
        errors: s.errors,
        cpu: perRequest(submitCpu, ok(s) * BATCH),
      },
      lag: {
        samples: submitted.lag.ms.length,
        medianMs: median(submitted.lag.ms),
        maxMs: Math.max(0, ...submitted.lag.ms),
        medianBytes: median(submitted.lag.bytes),
        maxBytes: Math.max(0, ...submitted.lag.bytes),
      },
      failover: { toWritableMs: failover.ms, firstWriteAfterKillMs: firstAfter },
    });
    console.error(
      `topology: ${nodes} API node(s): ${Math.round(checked.requests.average)} checks/s, ${Math.round((ok(s) * BATCH) / seconds)} reports/s, failover ${Math.round(failover.ms)} ms (p99 lag ${Math.round(percentile(submitted.lag.ms, 0.99))} ms)`,
    );
  } finally {
    topology.stop();
  }
}

/** CPU microseconds per unit of work (a check, a report). */
function perRequest(cpu: Cpu, units: number): Cpu {
  const us = (s: number) => (units === 0 ? 0 : (s * 1e6) / units);
  return {
    api: us(cpu.api),
    postgres: us(cpu.postgres),
    haproxy: us(cpu.haproxy),
    load: us(cpu.load),
    total: us(cpu.total),
  };
}

console.log(
  JSON.stringify({
    seconds,
    batch: BATCH,
    checkConnections: CHECK_CONNECTIONS,
    submitConnections: SUBMIT_CONNECTIONS,
    runs,
  }),
);
