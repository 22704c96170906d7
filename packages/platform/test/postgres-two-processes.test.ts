import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateEd25519, privateKeyFromJwk } from '@credence/core/signing/ed25519';
import { signBatch } from '@credence/core/wire/batches';
import { signKeyStatement } from '@credence/core/wire/key-statements';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Member } from '../src/domain/types.js';
import { createPlatform, type Platform } from '../src/server.js';
import { backgroundFailures, report, tok } from './harness.js';
import { freshSchema, POSTGRES_URL, skipMessage } from './postgres.js';

/**
 * Two API processes on one PostgreSQL (each with its own store pool, view of flagged
 * tokens, NOTIFY listener and caches, as separate processes would have) must give
 * identical answers right after a write or a retraction, the second holding one flagged
 * token's summary in memory and reading the others back.
 */
const suite = POSTGRES_URL === undefined ? describe.skip : describe;

// What every test shares: two processes on one fresh schema (set up once, by the suite
// below), the directory of their key file, and the two banks' credentials.
let a: Platform;
let b: Platform;
let schema: Awaited<ReturnType<typeof freshSchema>>;
const dir = mkdtempSync(join(tmpdir(), 'credence-two-'));
const key = generateEd25519();
let bank = '';
let other = '';

suite(`two API processes on one PostgreSQL${POSTGRES_URL === undefined ? ` (${skipMessage()})` : ''}`, () => {
  beforeAll(async () => {
    schema = await freshSchema(POSTGRES_URL as string);
    a = await createPlatform({
      db: schema.url,
      keyFile: join(dir, 'key.json'),
      webhooks: false,
      syncIntervalMs: 60_000,
    });
    // b keeps a single flagged token's summary in memory (issue 19): its answers stand on
    // summaries read back from the store, and must still be a's.
    b = await createPlatform({
      db: schema.url,
      keyFile: join(dir, 'key.json'),
      webhooks: false,
      syncIntervalMs: 60_000,
      checkCacheSize: 1,
    });
    await a.start();
    await b.start();
    bank = (await a.members.add({ id: 'bank-a', type: 'bank', publicKey: key.publicKey }))
      .credential;
    other = (await a.members.add({ id: 'bank-b', type: 'bank' })).credential;
  });

  afterAll(async () => {
    await a.close();
    await b.close();
    await schema.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  answersOnBothProcesses();
  membersChangedOnTheOther();
});

const check = async (p: Platform, token: string, after?: number) => {
  const res = await p.app.inject({
    method: 'GET',
    url: `/v1/check/${token}${after === undefined ? '' : `?after=${after}`}`,
    headers: { authorization: `Bearer ${other}` },
  });
  expect(res.statusCode).toBe(200);
  // Both processes answer alike, on the same basis; only the time of the check differs,
  // and with it the check id, a MAC over that time (docs/outcomes.md).
  const {
    basis: { checkedAt: _, ...basis },
    checkId,
    ...answer
  } = res.json() as {
    verdict: string;
    score: number;
    reporters: number;
    checkId: string;
    basis: { checkedAt: string; logSize: number };
  };
  expect(checkId).toMatch(/^[A-Za-z0-9_-]{32}$/);
  return { ...answer, basis };
};

/** bank-a's confirmed fraud against token n, sent to process p. */
const confirm = (p: Platform, batchId: string, n: number) =>
  p.app.inject({
    method: 'POST',
    url: '/v1/reports',
    headers: { authorization: `Bearer ${bank}`, 'content-type': 'application/json' },
    payload: JSON.stringify(
      signBatch(
        {
          member: 'bank-a',
          batchId,
          createdAt: new Date().toISOString(),
          reports: [report(batchId, [n], { type: 'confirmed_fraud' })],
        },
        privateKeyFromJwk(key.privateJwk),
        key.publicKey,
      ),
    ),
  });

function answersOnBothProcesses() {
  describe('answers on both processes, after writes and a cut listener', () => {
    it('answers alike for flagged tokens whose summaries b reads back from the store', async () => {
      let sequence = 0;
      for (let n = 20; n < 26; n++)
        sequence = ((await confirm(a, `many-${n}`, n)).json() as { sequence: number }).sequence;
      await check(b, tok(20), sequence);
      // b holds one summary (tok(25)'s, the last change, or tok(20)'s, checked last): the
      // others are read back, and every answer is a's.
      for (let n = 20; n < 27; n++) {
        const onB = await check(b, tok(n));
        expect(onB).toEqual(await check(a, tok(n)));
        expect(onB.verdict).toBe(n < 26 ? 'suspicious' : 'clear');
      }
      const batch = (p: Platform) =>
        p.app.inject({
          method: 'POST',
          url: '/v1/check',
          headers: { authorization: `Bearer ${other}`, 'content-type': 'application/json' },
          payload: JSON.stringify({ tokens: [26, 21, 22, 23, 24, 25, 20].map((n) => tok(n)) }),
        });
      const answers = (r: { json: () => unknown }) =>
        (
          r.json() as { results: { token: string; verdict: string; reporters: number }[] }
        ).results.map(({ token, verdict, reporters }) => ({ token, verdict, reporters }));
      const onB = answers(await batch(b));
      expect(onB).toEqual(answers(await batch(a)));
      expect(onB.filter((x) => x.verdict === 'suspicious')).toHaveLength(6);
    });

    it('answers the same right after a write, on the process that did not take it', async () => {
      const write = await confirm(a, 'r1', 1);
      const { sequence, results } = write.json() as { sequence: number; results: { id: string }[] };
      const onB = await check(b, tok(1), sequence);
      // One bank's confirmed fraud alone: suspicious (police_confirmed is the police's to send).
      expect(onB).toMatchObject({ verdict: 'suspicious', reporters: 1 });
      expect(onB).toEqual(await check(a, tok(1)));

      const retract = await a.app.inject({
        method: 'POST',
        url: `/v1/reports/${results[0]?.id}/retract`,
        headers: { authorization: `Bearer ${bank}`, 'content-type': 'application/json' },
        payload: '{"reason":"appeal_upheld"}',
      });
      const { sequence: after } = retract.json() as { sequence: number };
      const cleared = await check(b, tok(1), after);
      expect(cleared).toMatchObject({ verdict: 'clear', reporters: 0 });
      expect(cleared).toEqual(await check(a, tok(1)));
    });

    it("clears a token on the other process once an appeal is upheld, at the ruling's sequence", async () => {
      const write = await confirm(a, 'r7', 7);
      const before = await check(b, tok(7), (write.json() as { sequence: number }).sequence);
      expect(before).toMatchObject({ verdict: 'suspicious', reporters: 1 });
      const ops = (await a.members.add({ id: 'ops-2', type: 'operator' })).credential;
      const opened = await b.app.inject({
        method: 'POST',
        url: '/v1/appeals',
        headers: { authorization: `Bearer ${other}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ token: tok(7), reason: 'number_spoofed' }),
      });
      expect(opened.statusCode).toBe(201);
      const { id } = opened.json() as { id: number };
      const ruled = await a.app.inject({
        method: 'POST',
        url: `/v1/appeals/${id}/uphold`,
        headers: { authorization: `Bearer ${ops}`, 'content-type': 'application/json' },
        payload: '{}',
      });
      expect(ruled.statusCode).toBe(200);
      const { sequence } = ruled.json() as { sequence: number };
      // The process that did not take the ruling answers clear when asked at its sequence.
      const onB = await check(b, tok(7), sequence);
      expect(onB).toMatchObject({ verdict: 'clear', reporters: 0 });
      expect(onB).toEqual(await check(a, tok(7)));
    });

    it('follows the other process without being told the sequence, through NOTIFY', async () => {
      await confirm(a, 'r2', 2);
      const deadline = Date.now() + 2000;
      let answer = await check(b, tok(2));
      while (answer.verdict === 'clear' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 5));
        answer = await check(b, tok(2));
      }
      expect(answer).toEqual(await check(a, tok(2)));
    });

    it('listens again when its NOTIFY connection is cut, and says so in its metrics', async () => {
      // A third process whose connections are named, so that only its listener is cut.
      const name = `credence-cut-${process.pid}`;
      const url = new URL(schema.url);
      url.searchParams.set('application_name', name);
      const c = await createPlatform({
        db: url.toString(),
        keyFile: join(dir, 'key.json'),
        webhooks: false,
        syncIntervalMs: 60_000,
      });
      await c.start();
      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      try {
        const cut = await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'",
          [name],
        );
        expect(cut.rowCount).toBe(1);
        await vi.waitFor(
          async () => expect(await backgroundFailures(c.app, 'listen')).toBeGreaterThan(0),
          { timeout: 5000, interval: 50 },
        );
        // A write on a, after the cut: c learns of it by NOTIFY again (its poll is a minute).
        await vi.waitFor(
          async () => {
            const { rows } = await admin.query(
              "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'",
              [name],
            );
            expect(rows[0].n).toBe(1);
          },
          { timeout: 10_000, interval: 50 },
        );
        const write = await confirm(a, 'cut-1', 77);
        expect(write.statusCode).toBe(200);
        await vi.waitFor(async () => expect((await check(c, tok(77))).verdict).toBe('suspicious'), {
          timeout: 5000,
          interval: 20,
        });
      } finally {
        await admin.end();
        await c.close();
      }
    });
  });
}

function membersChangedOnTheOther() {
  describe('members disabled or rotated on the other process', () => {
    it('stops a member disabled or rotated on one process on the other, through NOTIFY', async () => {
      // The clock stands still: cached credentials and keys never grow old, so only the
      // member version announced by the other process can drop them (its poll is a minute).
      vi.useFakeTimers({ toFake: ['Date'] });
      try {
        let credential = bank;
        let signer = key;
        let n = 0;
        const me = async (p: Platform) =>
          (
            await p.app.inject({
              method: 'GET',
              url: '/v1/me',
              headers: { authorization: `Bearer ${credential}` },
            })
          ).statusCode;
        const write = async (p: Platform) => {
          const signed = signBatch(
            {
              member: 'bank-a',
              batchId: `c${++n}`,
              createdAt: new Date().toISOString(),
              reports: [report(`c${n}`, [100 + n])],
            },
            privateKeyFromJwk(signer.privateJwk),
            signer.publicKey,
          );
          const res = await p.app.inject({
            method: 'POST',
            url: '/v1/reports',
            headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' },
            payload: JSON.stringify(signed),
          });
          return res.statusCode === 200 ? 200 : `${res.statusCode} ${res.json().code}`;
        };
        const becomes = <T>(read: () => Promise<T>, expected: T) =>
          vi.waitFor(async () => expect(await read()).toBe(expected), {
            timeout: 3000,
            interval: 20,
          });
        expect(await write(b)).toBe(200); // b has the credential and the key cached
        await a.members.disable('bank-a');
        await becomes(() => me(b), 401);
        expect(await write(b)).toBe('401 auth.invalid');
        await a.members.enable('bank-a');
        await becomes(() => me(b), 200);

        // The member's own new key, taken on a: the old one stops on b within a poll.
        const next = generateEd25519();
        expect(await write(b)).toBe(200);
        await a.members.changeKeys(
          (await a.store.getMember('bank-a')) as Member,
          signKeyStatement(
            {
              action: 'add_signing_key',
              member: 'bank-a',
              publicKey: next.publicKey,
              replace: true,
              at: new Date().toISOString(),
            },
            privateKeyFromJwk(signer.privateJwk),
            signer.publicKey,
          ),
        );
        await becomes(() => write(b), '400 batch.unknown_key');
        signer = next;
        expect(await write(b)).toBe(200);

        const rotated = (await a.members.rotate('bank-a', { credential: true })).credential;
        await becomes(() => me(b), 401);
        credential = rotated as string;
        expect(await me(b)).toBe(200);
      } finally {
        vi.useRealTimers();
      }
    });
  });
}
