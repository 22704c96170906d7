import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { generateEd25519, privateKeyFromJwk } from '@credence/core/signing/ed25519';
import { signBatch } from '@credence/core/wire/batches';
import { signKeyStatement } from '@credence/core/wire/key-statements';
import { credentialHash } from '@credence/server-kit/bearer';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openStore } from '../src/server.js';
import { CredentialCache } from '../src/services/credentials.js';
import { MemberService } from '../src/services/members.js';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import type { Store } from '../src/storage/store.js';
import { type Actor, type Harness, harness, report } from './harness.js';

/**
 * Disabling a member, or rotating its credential or signing key, takes effect at once on
 * the process that did it, and within one poll of the member version on the others,
 * including `credence members` working on the database directly (issue 11 §7).
 */

let h: Harness | undefined;
const dirs: string[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await h?.close();
  h = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const status = async (actor: Actor) =>
  (await (h as Harness).request(actor, 'GET', '/v1/me')).statusCode;
let refs = 0;
const write = async (actor: Actor) => {
  const res = await (h as Harness).reports(actor, [report(`w${++refs}`, [refs])]);
  return res.statusCode === 200 ? 200 : `${res.statusCode} ${res.json().code}`;
};
/** Waits (a poll or two) until what `read` answers is `expected`. */
const becomes = <T>(read: () => Promise<T>, expected: T) =>
  vi.waitFor(async () => expect(await read()).toBe(expected), { timeout: 3000, interval: 20 });

describe('in the process that made the change: requests, and a write in flight', () => {
  it('refuses a disabled member, an old credential and an old key at once, writes included', async () => {
    h = await harness();
    const { bankB, operator } = h.actors;
    expect(await write(bankB)).toBe(200); // credential and key cached
    await h.request(operator, 'POST', '/v1/members/bank-b/disable', {});
    expect(await write(bankB)).toBe('401 auth.invalid');
    await h.request(operator, 'POST', '/v1/members/bank-b/enable', {});
    expect(await write(bankB)).toBe(200);

    // The member's own new key (its statement, signed with the old one, replaces it).
    const key = generateEd25519();
    const changed = await h.request(
      bankB,
      'POST',
      '/v1/me/keys',
      signKeyStatement(
        {
          action: 'add_signing_key',
          member: 'bank-b',
          publicKey: key.publicKey,
          replace: true,
          at: new Date().toISOString(),
        },
        privateKeyFromJwk(bankB.key.privateJwk),
        bankB.key.publicKey,
      ),
    );
    expect(changed.statusCode, changed.body).toBe(200);
    expect(await write(bankB)).toBe('400 batch.unknown_key');
    const rotated = { ...bankB, key };
    expect(await write(rotated)).toBe(200);

    const { credential } = (
      await h.request(operator, 'POST', '/v1/members/bank-b/rotate', { credential: true })
    ).json() as { credential: string };
    expect(await write(rotated)).toBe('401 auth.invalid');
    expect(await write({ ...rotated, credential })).toBe(200);
  });

  it('refuses a write whose member was disabled while its body came in', async () => {
    h = await harness();
    const { bankB, operator } = h.actors;
    const body = JSON.stringify(
      signBatch(
        {
          member: 'bank-b',
          batchId: 'slow',
          createdAt: new Date().toISOString(),
          reports: [report('slow', [1])],
        },
        privateKeyFromJwk(bankB.key.privateJwk),
        bankB.key.publicKey,
      ),
    );
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started: () => void = () => undefined;
    const reading = new Promise<void>((resolve) => {
      started = resolve;
    });
    let half = 0;
    const stream = new Readable({
      read() {
        if (half++ === 0) {
          this.push(body.slice(0, 10));
          started();
        } else
          void held.then(() => {
            this.push(body.slice(10));
            this.push(null);
          });
      },
    });
    const pending = h.platform.app.inject({
      method: 'POST',
      url: '/v1/reports',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bankB.credential}` },
      payload: stream,
    });
    await reading;
    await h.request(operator, 'POST', '/v1/members/bank-b/disable', {});
    release();
    const res = await pending;
    expect(res.json()).toMatchObject({ status: 401, code: 'auth.invalid' });
    expect(await h.platform.store.listReports('bank-b', undefined, 10)).toEqual([]);
  });
});

describe('in the process that made the change: a credential lookup in flight', () => {
  it('does not keep what a lookup read before a change it overlapped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'credence-cache-'));
    dirs.push(dir);
    const store = new SqliteStore(join(dir, 'p.sqlite'));
    await store.migrate();
    await store.createMember({ id: 'bank-a', name: 'A', type: 'bank', createdAt: 0 });
    await store.issueCredential('bank-a', credentialHash('crd_x'), 0, {
      by: 'operator',
      replace: false,
    });
    // The lookup reads the member, then waits before answering, while it is disabled.
    let release: (() => void) | undefined;
    const slow = new Proxy(store, {
      get(target, property, receiver) {
        if (property !== 'memberByCredential') return Reflect.get(target, property, receiver);
        return async (sha256: string) => {
          const found = await target.memberByCredential(sha256);
          await new Promise<void>((resolve) => {
            release = resolve;
          });
          return found;
        };
      },
    }) as Store;
    const cache = new CredentialCache(slow, 60_000);
    const answer = async () => {
      await vi.waitFor(() => expect(release).toBeDefined());
      const r = release as () => void;
      release = undefined;
      r();
    };
    const inFlight = cache.authenticate('crd_x');
    await vi.waitFor(() => expect(release).toBeDefined());
    await store.setMemberStatus('bank-a', 'disabled');
    cache.invalidate();
    await answer();
    expect((await inFlight)?.id).toBe('bank-a'); // read before the change: that request only
    const next = cache.authenticate('crd_x');
    await answer();
    expect(await next).toBeUndefined();
    await store.close();
  });
});

describe('made on the database by another process (credence members)', () => {
  it('refuses a disabled member, an old credential and an old key within a poll', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'credence-members-'));
    dirs.push(dir);
    const db = join(dir, 'platform.sqlite');
    // The clock stands still: cached credentials and keys never grow old here, so only
    // following the store's member version can drop them.
    vi.useFakeTimers({ toFake: ['Date'] });
    h = await harness({ db, config: { syncIntervalMs: 50, checkpointIntervalMs: 0 } });
    await h.platform.start();
    const { bankB } = h.actors;
    // What `credence members` does: the store opened on the file, beside the server.
    // (A key it announces starts at once here: the operator set no waiting period.)
    const operate = async (work: (m: MemberService) => Promise<unknown>) => {
      const store = openStore(db);
      try {
        return await work(
          new MemberService(store, new CredentialCache(store), { keyWaitingMs: 0 }),
        );
      } finally {
        await store.close();
      }
    };
    expect(await status(bankB)).toBe(200);
    expect(await write(bankB)).toBe(200);
    await operate((m) => m.disable('bank-b'));
    await becomes(() => status(bankB), 401);
    expect(await write(bankB)).toBe('401 auth.invalid');
    await operate((m) => m.enable('bank-b'));
    await becomes(() => status(bankB), 200);

    const key = generateEd25519();
    expect(await write(bankB)).toBe(200);
    await operate((m) => m.rotate('bank-b', { credential: false, publicKey: key.publicKey }));
    await becomes(() => write(bankB), '400 batch.unknown_key');
    expect(await write({ ...bankB, key })).toBe(200);

    const { credential } = (await operate((m) => m.rotate('bank-b', { credential: true }))) as {
      credential: string;
    };
    await becomes(() => status(bankB), 401);
    expect(await status({ ...bankB, credential })).toBe(200);
  });
});
