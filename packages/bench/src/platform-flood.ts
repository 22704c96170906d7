import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceProcess } from '@credence/cli/commands/service-process';
import { enroll, randomToken, servePlatform } from './platform-fixtures.js';

/**
 * What unauthenticated clients can do to a member's checks (issue 11, §3): a member
 * checks a single token every 20 ms (50 a second, whether or not earlier ones were
 * answered, so a stall shows in the latencies rather than hiding in fewer samples)
 * against `credence serve` on SQLite, first alone, then while `flooders` clients (in a
 * process of their own, as an attacker's would be) each post, again and again, a body of
 * `mib` MiB (`{"batch":{"reports":[{},{},…]}}`, under the 16 MiB limit every route had)
 * to POST /v1/reports with no Authorization header. Prints one JSON line: the check
 * latencies (ms, from when each was due) in both phases, and how the flood requests were
 * answered. Usage: platform-flood.js <seconds per phase> <flooders> <mib>.
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

  /** Checks due every 20 ms for `seconds`; each one's latency from when it was due. */
  const checks = async (url: string) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    const latencies: number[] = [];
    let failed = 0;
    const one = (due: number) =>
      new Promise<void>((done) => {
        const req = request(
          `${url}/v1/check/${randomToken()}`,
          { agent, headers: { authorization: `Bearer ${credential}` } },
          (res) => {
            res.resume();
            res.on('end', () => {
              if (res.statusCode === 200) latencies.push(performance.now() - due);
              else failed++;
              done();
            });
          },
        );
        req.on('error', () => {
          failed++;
          done();
        });
        req.end();
      });
    const pending: Promise<void>[] = [];
    const start = performance.now();
    for (let i = 0; i < seconds * 50; i++) {
      const due = start + i * 20;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      pending.push(one(due));
    }
    await Promise.all(pending);
    agent.destroy();
    latencies.sort((a, b) => a - b);
    const at = (q: number) =>
      Math.round(
        (latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0) * 10,
      ) / 10;
    return { checks: latencies.length, failed, p50: at(0.5), p99: at(0.99), max: at(1) };
  };

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
        alone,
        flooded,
      }),
    );
  } finally {
    await platform?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
