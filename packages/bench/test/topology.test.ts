import { execFileSync } from 'node:child_process';
import { type Alert, followAlerts } from '@credence/member/alerts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../src/processes.js';
import {
  type LoadResult,
  type Reporter,
  reporterKey,
  send,
  startLoad,
  token,
} from '../src/topology/load.js';
import { Topology, topologyMissing } from '../src/topology/topology.js';

/**
 * The production layout on one machine (topology/topology.ts): HAProxy in front of three
 * API nodes, PostgreSQL as a primary and a hot standby under pg_auto_failover. Under a
 * member's load through the balancer (one-report batches and checks, retried by the
 * client as a member's client does), an API node is killed, then the PostgreSQL primary:
 * no acknowledged write may be lost, no alert missed or repeated, and the log must pass
 * its audit. Runs where CREDENCE_TEST_TOPOLOGY is set (.ci/run sets it, installing
 * haproxy and pg_auto_failover from Debian's packages).
 */
const wanted = process.env.CREDENCE_TEST_TOPOLOGY !== undefined;
const missing = wanted ? topologyMissing() : undefined;
const suite = wanted && missing === undefined ? describe : describe.skip;
const why = !wanted
  ? 'skipped: set CREDENCE_TEST_TOPOLOGY=1 to run it (needs haproxy, pg_autoctl and PostgreSQL from Debian)'
  : missing === undefined
    ? ''
    : `skipped: ${missing}`;

/** Each request's deadline: longer than a failover. */
const DEADLINE_MS = 90_000;
/** Tokens the watcher watches; each load takes its own range of them. */
const WATCHED = 20_000;

let topology: Topology;
let reporter: Reporter;
let watcher = '';
let auditor = '';
const alerts: Alert[] = [];
const following = new AbortController();
let stream: Promise<unknown> = Promise.resolve();

suite(`the multi-node topology: HAProxy, 3 API nodes, PostgreSQL primary and standby under pg_auto_failover${why === '' ? '' : ` (${why})`}`, () => {
  beforeAll(async () => {
    topology = await Topology.start({
      apiNodes: 3,
      replicas: 1,
      fastFailover: true,
      readFromStandbys: true,
      // To keep the processes' logs and data after the run: a folder of your own.
      ...(process.env.CREDENCE_TOPOLOGY_DIR === undefined
        ? {}
        : { dir: process.env.CREDENCE_TOPOLOGY_DIR }),
      // Limits per member and node would turn the test's load into 429s; analysis and
      // filters are not what this test is about.
      serveArgs: [
        '--check-rate',
        '0',
        '--read-rate',
        '0',
        '--write-rate',
        '0',
        '--analysis-interval',
        '0',
        '--filter-interval',
        '0',
        '--checkpoint-interval',
        '1',
        // One summary held: checks of flagged tokens read their states back, from the
        // standby when it has replayed far enough (serve --db-read), else the primary.
        '--check-cache',
        '1',
      ],
    });
    const key = reporterKey();
    reporter = {
      id: 'bank-a',
      credential: topology.addMember('bank-a', 'bank', key.publicKey),
      key,
    };
    watcher = topology.addMember('bank-b', 'bank');
    auditor = topology.addMember('auditor', 'auditor');
    for (let from = 0; from < WATCHED; from += 5000) {
      const tokens = Array.from({ length: 5000 }, (_, i) => ({
        kind: 'phone',
        token: token(from + i),
        keyId: 'k1',
      }));
      const put = await send(
        `${topology.url}/v1/watchlist`,
        { method: 'PUT', credential: watcher, body: { tokens } },
        DEADLINE_MS,
      );
      expect(put.status).toBe(200);
    }
    // The watcher follows its alerts through the balancer, on whichever node it lands.
    stream = followAlerts(
      { url: topology.url, credential: watcher },
      undefined,
      (alert) => alerts.push(alert),
      { signal: following.signal, idleMs: 5_000 },
    ).catch((error: unknown) => error);
  }, 300_000);

  afterAll(async () => {
    following.abort();
    await stream;
    topology?.stop();
  });

  it('loses no acknowledged write and no alert while each API node is killed in turn and restarted', async () => {
    const load = loadOn(0, 10_000);
    // Every node is killed once, so whichever holds the alert stream loses it too.
    for (const node of topology.apiNodes) {
      await grows(load, 40);
      topology.killApiNode(node);
      await grows(load, 40);
      await topology.startApiNode(node);
    }
    await grows(load, 40);
    load.stop();
    const result = await load.done;
    console.log(
      `node kills: ${result.acknowledged.length} batches acknowledged, ${result.checks} checks answered, ${result.retries} requests sent again`,
    );
    await expectDurable(result, 'the node kills');
    // Checks of flagged tokens read their states back (one summary held), and some of
    // those reads were answered by the standby (serve --db-read; the rest by the primary,
    // when the standby had not replayed as far as the node had applied).
    const fromStandby = await Promise.all(
      topology.apiNodes.map(async (n) => {
        const text = await (await fetch(`${n.url}/metrics`)).text();
        return Number(/credence_standby_reads\{answered_by="standby"\} (\d+)/.exec(text)?.[1] ?? 0);
      }),
    );
    console.log(`reads answered by the standby, per node: ${fromStandby.join(', ')}`);
    expect(fromStandby.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  }, 300_000);

  it('fails over to the standby when the primary is killed: writes resume and nothing acknowledged is lost; the log audits', async () => {
    const load = loadOn(10_000, WATCHED);
    await grows(load, 100);
    const failover = await topology.killPrimary();
    const atFailover = load.acknowledged();
    // Writes resume on the new primary.
    await grows(load, 100);
    load.stop();
    const result = await load.done;
    expect(result.acknowledged.length).toBeGreaterThan(atFailover);
    expect(failover.now).not.toBe(failover.old);
    console.log(
      `failover: ${failover.old.name} killed, ${failover.now.name} took writes through the balancer after ${Math.round(failover.ms)} ms; ${result.acknowledged.length} batches acknowledged (${atFailover} before), ${result.checks} checks answered, ${result.retries} requests sent again`,
    );
    await expectDurable(result, 'the failover');
    // The log, read through the balancer from the new primary, passes its audit:
    // every entry, every checkpoint, and the store against the log.
    const audit = JSON.parse(
      execFileSync(
        process.execPath,
        [BIN, 'audit', '--log', topology.url, '--credential', auditor, '--json'],
        { encoding: 'utf8' },
      ),
    ) as { findings: unknown[] };
    expect(audit.findings).toEqual([]);
  }, 300_000);
});

/** Four writers of tokens first … last - 1 and two checkers, through the balancer. */
const loadOn = (first: number, last: number) =>
  startLoad({
    url: topology.url,
    reporter,
    checker: watcher,
    first,
    last,
    writers: 4,
    checkers: 2,
    deadlineMs: DEADLINE_MS,
  });

/** Waits until `by` more batches are acknowledged. */
async function grows(load: { acknowledged(): number }, by: number): Promise<void> {
  const target = load.acknowledged() + by;
  const end = Date.now() + DEADLINE_MS;
  while (load.acknowledged() < target) {
    if (Date.now() > end) throw new Error(`the load stalled at ${load.acknowledged()} batches`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Every request got an answer; every acknowledged report is in the reporter's own list
 * (read through the balancer), and raised exactly one alert at the watcher's stream.
 */
async function expectDurable(result: LoadResult, during: string): Promise<void> {
  expect(topology.crashedApiNodes(), `API nodes that crashed during ${during}`).toEqual([]);
  expect(result.failures, `requests that failed during ${during}`).toEqual([]);
  expect(result.checks).toBeGreaterThan(0);
  const stored = new Set<string>();
  for (let after: string | null = null; ; ) {
    const page = await send(
      `${topology.url}/v1/reports?limit=1000${after === null ? '' : `&after=${after}`}`,
      { method: 'GET', credential: reporter.credential },
      DEADLINE_MS,
    );
    const body = page.body as { reports: { ref: string }[]; next: string | null };
    for (const r of body.reports) stored.add(r.ref);
    if (body.next === null) break;
    after = body.next;
  }
  const lost = result.acknowledged.filter((n) => !stored.has(`ref-${n}`));
  expect(lost, `acknowledged reports missing after ${during}`).toEqual([]);
  const wanted = new Set(result.acknowledged.map(token));
  const end = Date.now() + 60_000;
  const arrived = () => alerts.filter((a) => a.source === 'report' && wanted.has(a.token));
  while (new Set(arrived().map((a) => a.token)).size < wanted.size && Date.now() < end)
    await new Promise((r) => setTimeout(r, 100));
  const tokens = arrived().map((a) => a.token);
  // The store's alerts, paged (not streamed): what the stream should have carried.
  const storedAlerts = new Set<string>();
  for (let after = '0.0'; ; ) {
    const page = await send(
      `${topology.url}/v1/alerts?limit=100&after=${after}`,
      { method: 'GET', credential: watcher },
      DEADLINE_MS,
    );
    const body = page.body as { alerts: Alert[]; next: string };
    for (const a of body.alerts) if (wanted.has(a.token)) storedAlerts.add(a.token);
    if (body.alerts.length === 0) break;
    after = body.next;
  }
  const streamed = new Set(tokens);
  expect(
    [...wanted].filter((t) => !storedAlerts.has(t)),
    `alerts not stored after ${during}`,
  ).toEqual([]);
  expect(
    [...wanted].filter((t) => !streamed.has(t)),
    `alerts stored but not streamed after ${during}`,
  ).toEqual([]);
  expect(tokens.length, `alerts repeated after ${during}`).toBe(wanted.size);
}
