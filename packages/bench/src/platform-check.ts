import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServiceProcess, spawnService } from '@credence/cli/commands/service-process';
import autocannon from 'autocannon';
import { median } from './machine.js';
import { enroll, fillReports, randomToken, servePlatform } from './platform-fixtures.js';

/**
 * Risk checks over HTTP against `credence serve` on SQLite holding `reports` reports (two
 * flagged tokens each): single checks, 95 % of them of tokens nobody reported and 5 % of
 * flagged ones, against a bare Fastify route returning a constant JSON of the same size,
 * alternating, on the same machine with the same load generator (autocannon, in this
 * process); then the latency at half the platform's throughput; then batches of 100
 * tokens. Usage: platform-check.js <reports> <seconds per run>. Prints one JSON line.
 */
const [reportsArg = '250000', secondsArg = '10'] = process.argv.slice(2);
const reportCount = Number(reportsArg);
const seconds = Number(secondsArg);
const CONNECTIONS = 32;
const here = import.meta.dirname;
const work = mkdtempSync(join(tmpdir(), 'credence-bench-check-'));
const db = join(work, 'platform.sqlite');

// The store, filled directly (the ingestion benchmark measures ingestion).
const { credential } = await enroll(db, 'bench-bank');
const flagged: string[] = [];
await fillReports(db, reportCount, { each: (caller, account) => flagged.push(caller, account) });
const clear = Array.from({ length: 100_000 }, randomToken);
/** 95 % clear, 5 % flagged. */
const pick = () =>
  Math.random() < 0.05
    ? (flagged[Math.floor(Math.random() * flagged.length)] as string)
    : (clear[Math.floor(Math.random() * clear.length)] as string);

type Result = autocannon.Result;
const summary = (r: Result) => ({
  rps: r.requests.average,
  p50: r.latency.p50,
  p99: r.latency.p99,
  non2xx: r.non2xx,
  errors: r.errors,
});

function load(
  url: string,
  path: () => string,
  options: { method?: 'GET' | 'POST'; body?: () => string; overallRate?: number } = {},
): Promise<Result> {
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    ...(options.overallRate === undefined ? {} : { overallRate: options.overallRate }),
    headers: {
      authorization: `Bearer ${credential}`,
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    requests: [
      {
        method: options.method ?? 'GET',
        setupRequest: (request) => ({
          ...request,
          path: path(),
          ...(options.body === undefined ? {} : { body: options.body() }),
        }),
      },
    ],
  });
}

let platform: ServiceProcess | undefined;
let bare: ServiceProcess | undefined;
try {
  bare = await spawnService('bare Fastify', [], { script: join(here, 'bare-fastify.js') });
  platform = await servePlatform(db, join(work, 'key.json'));
  const platformUrl = platform.url;
  const bareUrl = bare.url;
  // Warm both up, then alternate five runs of each.
  await load(bareUrl, () => `/constant/${pick()}`);
  await load(platformUrl, () => `/v1/check/${pick()}`);
  const bareRuns: Result[] = [];
  const checkRuns: Result[] = [];
  for (let i = 0; i < 5; i++) {
    bareRuns.push(await load(bareUrl, () => `/constant/${pick()}`));
    checkRuns.push(await load(platformUrl, () => `/v1/check/${pick()}`));
  }
  const checkRps = median(checkRuns.map((r) => r.requests.average));
  const half = await load(platformUrl, () => `/v1/check/${pick()}`, {
    overallRate: Math.round(checkRps / 2),
  });
  const bodies = Array.from({ length: 500 }, () =>
    JSON.stringify({ tokens: Array.from({ length: 100 }, pick) }),
  );
  let next = 0;
  const batchRuns: Result[] = [];
  for (let i = 0; i < 3; i++)
    batchRuns.push(
      await load(platformUrl, () => '/v1/check', {
        method: 'POST',
        body: () => bodies[next++ % bodies.length] as string,
      }),
    );
  const metrics = await (await fetch(`${platformUrl}/metrics`)).text();
  const rss = Number(/^process_resident_memory_bytes (\d+)/m.exec(metrics)?.[1] ?? 0);
  console.log(
    JSON.stringify({
      reports: reportCount,
      flaggedTokens: new Set(flagged).size,
      seconds,
      connections: CONNECTIONS,
      bare: bareRuns.map(summary),
      check: checkRuns.map(summary),
      half: summary(half),
      halfRate: Math.round(checkRps / 2),
      batch: batchRuns.map(summary),
      rssMb: rss / 2 ** 20,
    }),
  );
} finally {
  await Promise.all([bare?.stop(), platform?.stop()]);
  rmSync(work, { recursive: true, force: true });
}
