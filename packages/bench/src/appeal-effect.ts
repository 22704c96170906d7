import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TokenizedReport } from '@credence/core/wire/tokenized-records';
import { createPlatform, type Platform } from '@credence/platform/server';
import { median } from './machine.js';
import {
  enroll,
  KEY_ID,
  postgresSchema,
  randomToken,
  signedBatchBody,
} from './platform-fixtures.js';

/**
 * An appeal's effect (issue 17, docs/appeals.md): `node appeal-effect.js POSTGRES_URL
 * ROUNDS`. Two API processes on one PostgreSQL schema (each with its own store pool,
 * view of flagged tokens and NOTIFY listener, as two processes have; here in one Node
 * process). Each round: bank-a confirms fraud about a new token on process A; bank-b
 * opens an appeal on B; the operator upholds it on A. Measured: the uphold's answer
 * time; whether B's very next check, asked at the ruling's sequence (`?after=`), answers
 * `clear` (one change-sequence poll); and, without the sequence, how long B takes to
 * answer `clear` on its own (its NOTIFY listener). Baseline in the same run: a check on B
 * of a token nobody appealed.
 */

const [url, roundsText] = process.argv.slice(2) as [string, string];
const rounds = Number(roundsText);
const schema = await postgresSchema(url);
if (schema === undefined) {
  console.log(JSON.stringify({ skipped: 'PostgreSQL did not answer' }));
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), 'credence-bench-appeal-'));
const bankA = await enroll(schema.url, 'bank-a');
const bankB = await enroll(schema.url, 'bank-b');
const ops = await enroll(schema.url, 'ops', 'operator');
const open = () =>
  createPlatform({
    db: schema.url,
    keyFile: join(dir, 'key.json'),
    webhooks: false,
    syncIntervalMs: 60_000,
  });
const a: Platform = await open();
const b: Platform = await open();
await a.start();
await b.start();

const call = async (
  p: Platform,
  credential: string,
  method: string,
  url: string,
  body?: string,
) => {
  const res = await p.app.inject({
    method: method as 'GET' | 'POST',
    url,
    headers: {
      authorization: `Bearer ${credential}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { payload: body }),
  });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json() as Record<string, unknown>;
};
const verdictOnB = async (token: string, after?: number) =>
  (
    await call(
      b,
      bankB.credential,
      'GET',
      `/v1/check/${token}${after === undefined ? '' : `?after=${after}`}`,
    )
  ).verdict as string;

const upholdMs: number[] = [];
const pollMs: number[] = [];
const followMs: number[] = [];
const baselineMs: number[] = [];
let clearAtFirstPoll = 0;
try {
  for (let i = 0; i < rounds; i++) {
    const token = randomToken();
    const report: TokenizedReport = {
      ref: `appeal-${i}`,
      type: 'confirmed_fraud',
      category: 'impersonate_authority',
      occurredAt: new Date(Date.now() - 86_400_000).toISOString(),
      entities: [{ role: 'caller', kind: 'phone', token, keyId: KEY_ID }],
    };
    const sent = await call(
      a,
      bankA.credential,
      'POST',
      '/v1/reports',
      signedBatchBody('bank-a', bankA.key, [report]),
    );
    if ((await verdictOnB(token, sent.sequence as number)) === 'clear')
      throw new Error('the reported token was clear before the appeal');
    const other = randomToken();
    const start = performance.now();
    await verdictOnB(other);
    baselineMs.push(performance.now() - start);

    const appeal = await call(
      b,
      bankB.credential,
      'POST',
      '/v1/appeals',
      JSON.stringify({ token, reason: 'number_spoofed' }),
    );
    const t0 = performance.now();
    const ruled = await call(a, ops.credential, 'POST', `/v1/appeals/${appeal.id}/uphold`, '{}');
    const t1 = performance.now();
    upholdMs.push(t1 - t0);
    // Alternate rounds: B told the ruling's sequence, or left to find out by itself.
    if (i % 2 === 0) {
      const verdict = await verdictOnB(token, ruled.sequence as number);
      pollMs.push(performance.now() - t1);
      if (verdict === 'clear') clearAtFirstPoll += 1;
    } else {
      for (;;) {
        if ((await verdictOnB(token)) === 'clear') break;
        if (performance.now() - t1 > 10_000) throw new Error('B never answered clear');
        await new Promise((r) => setTimeout(r, 1));
      }
      followMs.push(performance.now() - t1);
    }
  }
} finally {
  await a.close();
  await b.close();
  await schema.drop();
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  JSON.stringify({
    rounds,
    polls: pollMs.length,
    clearAtFirstPoll,
    upholdMs: median(upholdMs),
    pollMs: median(pollMs),
    followMs: median(followMs),
    followMaxMs: Math.max(...followMs),
    baselineMs: median(baselineMs),
  }),
);
