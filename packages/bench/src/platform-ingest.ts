import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServiceProcess, spawnService } from '@credence/cli/commands/service-process';
import { type Ed25519KeyPair, generateEd25519 } from '@credence/core/signing/ed25519';
import { median } from './machine.js';
import {
  enroll,
  postgresSchema,
  randomToken,
  servePlatform,
  signedBatchBody,
  syntheticReport,
} from './platform-fixtures.js';

/**
 * Ingestion over HTTP: a `credence serve` process on SQLite or PostgreSQL takes signed
 * batches of 5,000 tokenized reports as `credence member submit` sends them, one after
 * another (verifying each signature, storing atomically, keeping per-token summaries);
 * once with one member submitting, once with two members submitting at the same time.
 * Each measurement starts from an empty database. The baseline is the same bodies posted
 * to a bare Fastify route that only parses them.
 * Usage: platform-ingest.js sqlite|<postgres url> <reports>. Prints one JSON line.
 */
const [target = 'sqlite', countArg = '100000'] = process.argv.slice(2);
const count = Number(countArg);
const BATCH = 5000;
const here = import.meta.dirname;
const work = mkdtempSync(join(tmpdir(), 'credence-bench-ingest-'));

interface Member {
  readonly id: string;
  readonly credential: string;
  readonly key: Ed25519KeyPair;
}

/** An empty database: a new SQLite file, or a new PostgreSQL schema. */
async function freshDatabase(n: number): Promise<{ db: string; drop: () => Promise<void> }> {
  if (target === 'sqlite')
    return { db: join(work, `platform-${n}.sqlite`), drop: async () => undefined };
  const schema = await postgresSchema(target);
  if (schema === undefined) {
    console.log(JSON.stringify({ skipped: `PostgreSQL at ${target} does not answer` }));
    process.exit(0);
  }
  return { db: schema.url, drop: schema.drop };
}

/** `count` new reports in batches, dealt to the members in turn; tokens repeat, as real ones do. */
function batches(members: readonly Member[]): { body: string; member: Member }[][] {
  const pool = Array.from({ length: Math.max(1000, count / 2) }, randomToken);
  const pick = () => pool[Math.floor(Math.random() * pool.length)] as string;
  const lanes = members.map(() => [] as { body: string; member: Member }[]);
  for (let b = 0; b * BATCH < count; b++) {
    const member = members[b % members.length] as Member;
    const reports = Array.from({ length: Math.min(BATCH, count - b * BATCH) }, (_, i) =>
      syntheticReport(`r-${b}-${i}`, pick(), pick(), b * BATCH + i),
    );
    lanes[b % members.length]?.push({
      body: signedBatchBody(member.id, member.key, reports),
      member,
    });
  }
  return lanes;
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  await response.arrayBuffer();
}

/**
 * Each member posts its batches with `inFlight` at once (as `credence member submit`
 * does, 2 by default), the members at the same time: reports/s, and the median of
 * per-batch rates.
 */
async function submit(
  url: string,
  lanes: { body: string; member: Member }[][],
  auth: boolean,
  inFlight: number,
) {
  const perBatch: number[] = [];
  const started = performance.now();
  const streams = lanes.flatMap((lane) =>
    Array.from({ length: inFlight }, (_, k) => lane.filter((_, i) => i % inFlight === k)),
  );
  await Promise.all(
    streams.map(async (stream) => {
      for (const { body, member } of stream) {
        const t = performance.now();
        await post(url, body, auth ? { authorization: `Bearer ${member.credential}` } : {});
        perBatch.push(BATCH / ((performance.now() - t) / 1000));
      }
    }),
  );
  return {
    perSecond: count / ((performance.now() - started) / 1000),
    batchMedian: median(perBatch),
  };
}

async function measure(submitters: number, inFlight: number, n: number) {
  const { db, drop } = await freshDatabase(n);
  const members: Member[] = [];
  for (let i = 0; i < submitters; i++) {
    const id = `bench-${i}`;
    members.push({ id, ...(await enroll(db, id)) });
  }
  const lanes = batches(members);
  let platform: ServiceProcess | undefined;
  try {
    platform = await servePlatform(db, join(work, 'key.json'));
    return await submit(`${platform.url}/v1/reports`, lanes, true, inFlight);
  } finally {
    await platform?.stop();
    await drop();
  }
}

try {
  const bare = await spawnService('bare Fastify', [], { script: join(here, 'bare-fastify.js') });
  const anyone = { id: 'bench-0', credential: '', key: generateEd25519() };
  const baseline = await submit(`${bare.url}/batch`, batches([anyone]), false, 1).finally(() =>
    bare.stop(),
  );
  const sequential = await measure(1, 1, 1);
  const one = await measure(1, 2, 2);
  const two = await measure(2, 2, 3);
  console.log(
    JSON.stringify({
      dialect: target === 'sqlite' ? 'sqlite' : 'postgres',
      reports: count,
      batch: BATCH,
      sequential,
      one,
      two,
      baseline,
    }),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
