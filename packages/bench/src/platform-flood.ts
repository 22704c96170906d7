import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceProcess } from '@credence/cli/commands/service-process';
import autocannon from 'autocannon';
import { enroll, randomToken, servePlatform } from './platform-fixtures.js';

/**
 * What unauthenticated clients can do to a member's checks (issue 11, §3): a member
 * checks single tokens over one connection against `credence serve` on SQLite, first
 * alone, then while `flooders` clients (in a process of their own, as an attacker's
 * would be) each post, again and again, a body of `mib` MiB
 * (`{"batch":{"reports":[{},{},…]}}`, under the 16 MiB limit every route had) to
 * POST /v1/reports with no Authorization header. Prints one JSON line: the checks
 * answered and their latency in both phases, and how the flood requests were answered.
 * Usage: platform-flood.js <seconds per phase> <flooders> <mib>.
 */
const [secondsArg = '10', floodersArg = '4', mibArg = '15', floodUrl] = process.argv.slice(2);
const seconds = Number(secondsArg);
const flooders = Number(floodersArg);

/** One flooding client: posts the body, waits for the answer (or the reset), again. */
async function flooder(url: string, body: Buffer, until: number, statuses: Map<string, number>) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const count = (key: string) => statuses.set(key, (statuses.get(key) ?? 0) + 1);
  while (Date.now() < until) {
    await new Promise<void>((done) => {
      let answered = false;
      const req = request(
        `${url}/v1/reports`,
        { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
        (res) => {
          answered = true;
          count(String(res.statusCode));
          res.resume();
          res.on('end', done);
          res.on('error', done);
        },
      );
      // A server that answers before the body is sent closes the connection under it.
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (!answered) count(error.code ?? 'error');
        done();
      });
      req.end(body);
    });
  }
  agent.destroy();
}

if (floodUrl !== undefined) {
  // The flooding process: {"batch":{"reports":[{},{},…,{}]}} of about `mib` MiB.
  const items = Math.floor((Number(mibArg) * 2 ** 20 - 30) / 3);
  const body = Buffer.from(`{"batch":{"reports":[${'{},'.repeat(items - 1)}{}]}}`);
  const statuses = new Map<string, number>();
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: flooders }, () => flooder(floodUrl, body, until, statuses)),
  );
  console.log(JSON.stringify({ floodBytes: body.length, answers: Object.fromEntries(statuses) }));
} else {
  const work = mkdtempSync(join(tmpdir(), 'credence-bench-flood-'));
  const db = join(work, 'platform.sqlite');
  const { credential } = await enroll(db, 'bench-bank');

  const checks = (url: string) =>
    autocannon({
      url,
      connections: 1,
      duration: seconds,
      headers: { authorization: `Bearer ${credential}` },
      requests: [
        { method: 'GET', setupRequest: (r) => ({ ...r, path: `/v1/check/${randomToken()}` }) },
      ],
    });
  const summary = (r: autocannon.Result) => ({
    checks: r.requests.total,
    p50: r.latency.p50,
    p99: r.latency.p99,
    mean: r.latency.average,
    max: r.latency.max,
    non2xx: r.non2xx,
    errors: r.errors,
  });

  let platform: ServiceProcess | undefined;
  try {
    platform = await servePlatform(db, join(work, 'key.json'));
    const url = platform.url;
    await checks(url); // warm-up
    const alone = await checks(url);
    const flood = new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        // A second longer than the checks, which begin half a second in.
        [process.argv[1] as string, String(seconds + 1), floodersArg, mibArg, url],
        { maxBuffer: 1 << 20 },
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      ),
    );
    // The flooders start their bodies within a moment; the checks run meanwhile.
    await new Promise((r) => setTimeout(r, 500));
    const flooded = await checks(url);
    const flooding = JSON.parse((await flood).trim()) as Record<string, unknown>;
    console.log(
      JSON.stringify({
        seconds,
        flooders,
        ...flooding,
        alone: summary(alone),
        flooded: summary(flooded),
      }),
    );
  } finally {
    await platform?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
