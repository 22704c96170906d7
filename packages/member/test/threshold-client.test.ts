import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toHex, utf8 } from '@credence/core/encoding/bytes';
import { loadRistretto255, type Ristretto255 } from '@credence/core/oprf/ristretto255';
import { recoverSecret } from '@credence/core/oprf/threshold';
import { createSuite, evaluate, MODE_VOPRF } from '@credence/core/oprf/voprf';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MemberError } from '../src/member-error.js';
import { ThresholdOprfClient } from '../src/threshold-client.js';
import { type Cluster, startCluster } from './harness.js';

let group: Ristretto255;
const clusters: Cluster[] = [];
beforeAll(async () => {
  group = await loadRistretto255();
});
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.close();
});

const cluster = async (options: Parameters<typeof startCluster>[1] = {}) => {
  const c = await startCluster(group, options);
  clusters.push(c);
  return c;
};

/** The error a promise fails with; a test failure if it succeeds. */
async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

const FAST = { timeoutMs: 2000, retries: 1, backoffMs: 10, maxRetryAfterMs: 100 };
const inputs = [
  'phone\u0000+8613800138000',
  'bank_card\u00006222021234567890128',
  'ip\u00008.8.8.8',
].map(utf8);

/** What the single key k (recovered from the shares) gives for the inputs. */
function expected(c: Cluster): string[] {
  const k = recoverSecret(group, c.set.shares.slice(0, c.set.group.threshold));
  const suite = createSuite(group, MODE_VOPRF);
  return inputs.map((i) => toHex(evaluate(suite, k, i)));
}

describe('ThresholdOprfClient against real key servers', () => {
  it('gives exactly the single-key VOPRF outputs under k', async () => {
    const c = await cluster();
    const client = new ThresholdOprfClient({
      group,
      key: c.set.group,
      servers: c.endpoints,
      retry: FAST,
    });
    const first = (await client.evaluate(inputs)).map(toHex);
    expect(first).toEqual(expected(c));
    // The next batch starts at another server: a different pair, the same outputs.
    expect((await client.evaluate(inputs)).map(toHex)).toEqual(expected(c));
  });

  it('tolerates n − t key servers being down', async () => {
    const c = await cluster();
    await c.apps[0]?.close();
    const client = new ThresholdOprfClient({
      group,
      key: c.set.group,
      servers: c.endpoints,
      retry: FAST,
    });
    for (let i = 0; i < 3; i++)
      expect((await client.evaluate(inputs)).map(toHex)).toEqual(expected(c));
  });

  it('fails, naming each server, when fewer than t answer', async () => {
    const c = await cluster();
    await c.apps[0]?.close();
    await c.apps[1]?.close();
    const client = new ThresholdOprfClient({
      group,
      key: c.set.group,
      servers: c.endpoints,
      retry: FAST,
    });
    const error = await failure(client.evaluate(inputs));
    expect(error).toMatchObject({ code: 'member.not_enough_keyservers' });
    expect(error.message).toContain('key server #1');
    expect(error.message).toContain('key server #2');
  });

  it('refuses configurations that cannot work', async () => {
    const c = await cluster();
    expect(
      () => new ThresholdOprfClient({ group, key: c.set.group, servers: c.endpoints.slice(0, 1) }),
    ).toThrow(/threshold/);
    expect(
      () =>
        new ThresholdOprfClient({
          group,
          key: c.set.group,
          servers: [
            ...c.endpoints.slice(0, 2),
            { ...(c.endpoints[0] as Cluster['endpoints'][number]) },
          ],
        }),
    ).toThrow(/same share/);
    expect(
      () =>
        new ThresholdOprfClient({
          group,
          key: c.set.group,
          servers: [{ index: 9, url: 'http://127.0.0.1:1', token: 'cks_xxxxxxxx' }, ...c.endpoints],
        }),
    ).toThrow(/not a share/);
  });
});

describe('ThresholdOprfClient and a key server with the wrong key', () => {
  it('detects a key server that evaluates with the wrong key, names it, and goes on with the others', async () => {
    const c = await cluster({ tamper: 2 });
    const warnings: MemberError[] = [];
    const client = new ThresholdOprfClient({
      group,
      key: c.set.group,
      servers: c.endpoints,
      retry: FAST,
      onWarning: (w) => warnings.push(w),
    });
    for (let i = 0; i < 3; i++)
      expect((await client.evaluate(inputs)).map(toHex)).toEqual(expected(c));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ code: 'member.keyserver_wrong_key' });
    expect(warnings[0]?.message).toContain(`key server #2 (${c.endpoints[1]?.url})`);
  });

  it('gives up with the wrong-key server named when the others cannot make up the threshold', async () => {
    const c = await cluster({ tamper: 1, threshold: 2, shares: 2 });
    const client = new ThresholdOprfClient({
      group,
      key: c.set.group,
      servers: c.endpoints,
      retry: FAST,
    });
    const error = await failure(client.evaluate(inputs));
    expect(error).toMatchObject({ code: 'member.not_enough_keyservers' });
    expect(error.message).toContain('evaluated with a key other than its published share');
    expect(error.message).toContain('key server #1');
  });
});

describe('ThresholdOprfClient and a slow, over-quota or size-limited key server', () => {
  it('times out a key server that does not answer and asks another', async () => {
    const c = await cluster();
    const silent: Server = createServer(() => {
      /* never answers */
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    try {
      const servers = c.endpoints.map((e) =>
        e.index === 1 ? { ...e, url: `http://127.0.0.1:${port}` } : e,
      );
      const client = new ThresholdOprfClient({
        group,
        key: c.set.group,
        servers,
        retry: { ...FAST, timeoutMs: 200, retries: 0 },
      });
      expect((await client.evaluate(inputs)).map(toHex)).toEqual(expected(c));
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('moves on to another server when one refuses with 429 (quota used up)', async () => {
    const c = await cluster({ quotaPerDay: 2 });
    const client = new ThresholdOprfClient({
      group,
      key: c.set.group,
      servers: c.endpoints,
      retry: FAST,
    });
    // Each server allows two evaluations a day; three inputs exceed every quota.
    const error = await failure(client.evaluate(inputs));
    expect(error).toMatchObject({ code: 'member.not_enough_keyservers' });
    expect(error.message).toContain('429 quota.exceeded');
  });

  it('splits its batch for a key server that takes fewer elements at once, and gets the same outputs', async () => {
    // Each time a key server reads its clock a minute has passed: its rate of two a
    // minute never makes the parts wait, only the size of one request is at stake.
    let now = Date.parse('2026-11-25T08:00:00Z');
    const c = await cluster({ ratePerMinute: 2, clock: { now: () => (now += 60_000) } });
    const client = new ThresholdOprfClient({
      group,
      key: c.set.group,
      servers: c.endpoints,
      retry: FAST,
    });
    // Three inputs, and the servers take two at once.
    expect((await client.evaluate(inputs)).map(toHex)).toEqual(expected(c));
    expect((await client.evaluate(inputs)).map(toHex)).toEqual(expected(c));
    await client.close();
    // Every server asked counted each input once: no part was evaluated twice.
    const used = await Promise.all(
      c.endpoints.map(async (e) => {
        const res = await fetch(`${e.url}/v1/oprf/usage`, {
          headers: { authorization: `Bearer ${e.token}` },
        });
        return ((await res.json()) as { used: number }).used;
      }),
    );
    expect(used.sort()).toEqual([3, 3, 6]);
  });

  it('fails, naming the server and its limit, when a key server takes fewer elements than a batch and says not how many', async () => {
    const c = await cluster();
    const tight: Server = createServer((_req, res) => {
      res.writeHead(413, { 'content-type': 'application/problem+json' });
      res.end(
        JSON.stringify({
          code: 'elements.over_limit',
          status: 413,
          detail: 'at most 2 elements at once: your rate is 2 evaluations a minute',
        }),
      );
    });
    await new Promise<void>((resolve) => tight.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(tight.address() as AddressInfo).port}`;
    try {
      const client = new ThresholdOprfClient({
        group,
        key: c.set.group,
        servers: c.endpoints.map((e) => ({ ...e, url })),
        retry: FAST,
      });
      const error = await failure(client.evaluate(inputs));
      expect(error).toMatchObject({ code: 'member.not_enough_keyservers' });
      expect(error.message).toContain(`key server #1 (${url}) answered 413 elements.over_limit`);
      expect(error.message).toContain('at most 2 elements at once');
      await client.close();
    } finally {
      tight.closeAllConnections();
      tight.close();
    }
  });
});

describe('ThresholdOprfClient and a key server that refuses the credential', () => {
  /** A client whose credential for key server #refused is one the server does not know. */
  const refusedBy = (c: Cluster, refused: number, warnings: MemberError[]) =>
    new ThresholdOprfClient({
      group,
      key: c.set.group,
      servers: c.endpoints.map((e) => (e.index === refused ? { ...e, token: 'cks_revoked' } : e)),
      retry: FAST,
      onWarning: (w) => warnings.push(w),
    });

  it('names a key server that refuses the credential, once, even when the others make up the threshold', async () => {
    const c = await cluster();
    const warnings: MemberError[] = [];
    const client = refusedBy(c, 2, warnings);
    for (let i = 0; i < 3; i++)
      expect((await client.evaluate(inputs)).map(toHex)).toEqual(expected(c));
    await client.close();
    expect(warnings.map((w) => w.code)).toEqual(['member.keyserver_credential_refused']);
    expect(warnings[0]?.message).toContain(`key server #2 (${c.endpoints[1]?.url})`);
    expect(warnings[0]?.message).toContain('401');
  });

  it('names a key server that refuses the credential even when the run never needed it', async () => {
    const c = await cluster();
    const warnings: MemberError[] = [];
    const client = refusedBy(c, 3, warnings);
    // One batch: servers #1 and #2 answer it; #3 is not asked to evaluate.
    expect((await client.evaluate(inputs)).map(toHex)).toEqual(expected(c));
    await client.close();
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringContaining(`key server #3 (${c.endpoints[2]?.url}) answered 401`),
    ]);
    // Nothing is said about servers whose credential is good.
    const good = new ThresholdOprfClient({
      group,
      key: c.set.group,
      servers: c.endpoints,
      retry: FAST,
      onWarning: (w) => warnings.push(w),
    });
    await good.evaluate(inputs);
    await good.close();
    expect(warnings).toHaveLength(1);
  });
});

describe('a key server that cannot be reached', () => {
  it('is named with the reason in words, not a TypeError', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => probe.once('listening', r));
    const { port } = probe.address() as AddressInfo;
    await new Promise((r) => probe.close(r));
    const { evaluateOnServer } = await import('../src/keyserver-client.js');
    const url = `http://127.0.0.1:${port}`;
    const error = await evaluateOnServer(
      { index: 2, url, token: 'x' },
      'k1',
      [new Uint8Array(32)],
      {
        retries: 0,
        timeoutMs: 2000,
        backoffMs: 1,
        maxRetryAfterMs: 1,
      },
    ).catch((e: MemberError) => e);
    expect((error as MemberError).code).toBe('member.keyserver_unreachable');
    expect((error as MemberError).message).toBe(
      `a key server could not be reached or did not answer in time: key server #2 (${url}): connection refused (ECONNREFUSED)`,
    );
  });
});
