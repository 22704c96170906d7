import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  isInternalAddress,
  type Resolve,
  WebhookTargets,
} from '../src/services/webhook-targets.js';
import { type Harness, harness, report, tok } from './harness.js';
import { verifiedAsymmetric, verifiedByLibrary } from './standard-webhooks.js';

/**
 * Webhooks cannot be aimed inside the operator's network (issue 11 §4): refused when set
 * and again at delivery, after resolving the name, with the connection pinned to the
 * address checked and no redirect followed; the operator's allowances open exceptions.
 */

let h: Harness | undefined;
const servers: Server[] = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
  for (const s of servers.splice(0)) s.close();
});

const json = <T = Record<string, unknown>>(r: { json: () => unknown }) => r.json() as T;

/** A receiver on 127.0.0.1 that records what it was sent and answers `status`. */
async function receiver(status = 200, headers: Record<string, string> = {}) {
  const received: { headers: IncomingHttpHeaders; body: string; local: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body, local: req.socket.localAddress ?? '' });
      res.writeHead(status, headers).end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { received, port: (server.address() as AddressInfo).port };
}

/** A TCP port on 127.0.0.1 that counts the connections made to it. */
async function listener() {
  const seen = { connections: 0 };
  const server = createTcpServer((socket) => {
    seen.connections++;
    socket.destroy();
  });
  servers.push(server as unknown as Server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { seen, port: (server.address() as AddressInfo).port };
}

/** DNS as the test says: each name's answers in turn (the last one repeats). */
function dns(names: Record<string, string[]>) {
  const asked: string[] = [];
  const resolve: Resolve = async (hostname) => {
    asked.push(hostname);
    const answers = names[hostname];
    if (answers === undefined) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    const address = answers.length > 1 ? (answers.shift() as string) : (answers[0] as string);
    return [{ address, family: address.includes(':') ? 6 : 4 }];
  };
  return { resolve, asked };
}

/** bank-b watches a token with a webhook at url; bank-a reports it; the delivery is due. */
async function alertTo(platform: Harness, url: string) {
  const put = await platform.request(platform.actors.bankB, 'PUT', '/v1/webhook', { url });
  expect(put.statusCode, put.body).toBe(200);
  await platform.request(platform.actors.bankB, 'PUT', '/v1/watchlist', {
    tokens: [{ kind: 'phone', token: tok(1), keyId: 'k1' }],
  });
  await platform.reports(platform.actors.bankA, [report('r1', [1])]);
}

describe('setting a webhook', () => {
  it('refuses every address form the review used, and http:, and user information', async () => {
    h = await harness();
    for (const url of [
      'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'https://169.254.169.254/latest/meta-data/',
      'https://10.0.0.1/hook',
      'https://[::1]/hook',
      'https://localhost:9300/hook',
      'http://localhost:9300/hook',
      'http://127.0.0.1:9399/internal/admin',
      'https://127.0.0.1:9399/internal/admin',
      'https://2130706433/hook', // 127.0.0.1 as one number
      'https://0x7f.1/hook',
      'https://[::ffff:127.0.0.1]/hook',
      'https://[::ffff:a9fe:a9fe]/hook', // 169.254.169.254
      'https://[fd12:3456::1]/hook',
      'https://[fe80::1]/hook',
      'https://100.64.0.1/hook',
      'https://192.168.1.10/hook',
      'https://172.16.0.1/hook',
      'https://0.0.0.0/hook',
      'https://[::]/hook',
      'https://224.0.0.1/hook',
      'https://[64:ff9b::a00:1]/hook', // NAT64 of 10.0.0.1
      'https://[2002:a00:1::1]/hook', // 6to4 of 10.0.0.1
      'http://hooks.example.org/alerts',
      'https://user:secret@hooks.example.org/alerts',
      'ftp://hooks.example.org/alerts',
    ]) {
      const res = await h.request(h.actors.bankB, 'PUT', '/v1/webhook', { url });
      expect(res.statusCode, url).toBe(400);
      expect(json(res), url).toMatchObject({
        code: 'request.invalid',
        errors: [{ field: 'url' }],
      });
      expect(res.body).not.toContain(url.replace(/^\w+:\/\//, ''));
    }
    expect(json(await h.request(h.actors.bankB, 'GET', '/v1/webhook'))).toEqual({ url: null });
    const ok = await h.request(h.actors.bankB, 'PUT', '/v1/webhook', {
      url: 'https://hooks.example.org/alerts',
    });
    expect(ok.statusCode).toBe(200);
  });

  it('takes what the operator allowed, http: included', async () => {
    h = await harness({ config: { webhookAllow: ['127.0.0.1:9300', '10.20.0.0/16'] } });
    for (const url of [
      'http://127.0.0.1:9300/hook',
      'https://127.0.0.1:9300/hook',
      'http://10.20.1.2/hook',
      'https://10.20.1.2:8443/hook',
    ])
      expect((await h.request(h.actors.bankB, 'PUT', '/v1/webhook', { url })).statusCode, url).toBe(
        200,
      );
    for (const url of ['http://127.0.0.1:9301/hook', 'https://10.21.0.1/hook'])
      expect((await h.request(h.actors.bankB, 'PUT', '/v1/webhook', { url })).statusCode, url).toBe(
        400,
      );
  });

  it('knows which addresses stay inside the operator network', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '169.254.169.254',
      '100.100.100.100',
      '::1',
      '::',
      '::ffff:10.0.0.1',
      'fd00::1',
      'fe80::1',
      'fec0::1',
      'ff02::1',
      '64:ff9b::7f00:1',
      '64:ff9b:1::1',
      '2002:c0a8:101::1',
      '2001::1',
      '2001:db8::1',
      'not an address',
    ])
      expect(isInternalAddress(a), a).toBe(true);
    for (const a of [
      '8.8.8.8',
      '1.1.1.1',
      '2606:4700:4700::1111',
      '64:ff9b::808:808',
      '::ffff:8.8.8.8',
    ])
      expect(isInternalAddress(a), a).toBe(false);
  });

  it('refuses allowances it cannot read', () => {
    for (const entry of ['10.0.0.0/33', 'localhost', 'host:99999', 'http://x:1', ''])
      expect(() => new WebhookTargets([entry]), entry).toThrow(/webhook allowance/);
  });
});

describe('delivering a webhook', () => {
  const later = () => {
    const clock = { now: Date.now() + 60_000 }; // after the alert is queued
    return { clock, now: () => clock.now };
  };

  it('refuses a name that resolves inside the network, without connecting', async () => {
    const { seen, port } = await listener();
    const names = dns({ 'hooks.example.org': ['127.0.0.1'] });
    const { now } = later();
    h = await harness({ clock: now, config: { webhookResolve: names.resolve } });
    await alertTo(h, `https://hooks.example.org:${port}/alerts`);
    expect(await h.platform.webhooks.tick()).toBe(0);
    expect(names.asked).toEqual(['hooks.example.org']);
    expect(seen.connections).toBe(0);
  });

  it('refuses a URL stored before the rule, as the review found it delivered', async () => {
    const { seen, port } = await listener();
    const { now } = later();
    h = await harness({ clock: now });
    await h.platform.store.setWebhook('bank-b', `http://127.0.0.1:${port}/internal/admin`, 'n', 0);
    await h.request(h.actors.bankB, 'PUT', '/v1/watchlist', {
      tokens: [{ kind: 'phone', token: tok(1), keyId: 'k1' }],
    });
    expect(json(await h.reports(h.actors.bankA, [report('r1', [1])]))).toMatchObject({
      alerts: 1,
    });
    expect(await h.platform.webhooks.tick()).toBe(0);
    expect(seen.connections).toBe(0);
  });

  it('delivers to an allowed receiver at the address it checked, keeping the name', async () => {
    const hook = await receiver();
    // The name resolves to the receiver for the check, and elsewhere afterwards: the
    // delivery reaches the receiver only if it connects to the address it checked.
    const names = dns({ 'receiver.internal': ['127.0.0.1', '127.0.0.2'] });
    const { now } = later();
    h = await harness({
      clock: now,
      config: { webhookAllow: [`receiver.internal:${hook.port}`], webhookResolve: names.resolve },
    });
    await alertTo(h, `http://receiver.internal:${hook.port}/alerts`);
    expect(await h.platform.webhooks.tick()).toBe(1);
    expect(names.asked).toEqual(['receiver.internal']);
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]?.headers.host).toBe(`receiver.internal:${hook.port}`);
    expect(hook.received[0]?.local).toBe('127.0.0.1');
    expect(JSON.parse(hook.received[0]?.body ?? '{}')).toMatchObject({ token: tok(1) });
  });

  it('does not follow a redirect: a 3xx is a failed delivery, tried again later', async () => {
    const target = await receiver();
    const hook = await receiver(302, { location: `http://127.0.0.1:${target.port}/elsewhere` });
    const { clock, now } = later();
    h = await harness({ clock: now, config: { webhookAllow: ['127.0.0.1/32'] } });
    await alertTo(h, `http://127.0.0.1:${hook.port}/alerts`);
    expect(await h.platform.webhooks.tick()).toBe(0);
    expect(hook.received).toHaveLength(1);
    expect(target.received).toHaveLength(0);
    clock.now += 10_000;
    expect(await h.platform.webhooks.tick()).toBe(0);
    expect(hook.received).toHaveLength(2);
    expect(target.received).toHaveLength(0);
  });

  it('removes a webhook whose receiver answers 410 Gone, and keeps its alerts to pull', async () => {
    const gone = await receiver(410);
    const { clock, now } = later();
    h = await harness({ clock: now, config: { webhookAllow: ['127.0.0.1/32'] } });
    await alertTo(h, `http://127.0.0.1:${gone.port}/alerts`);
    expect(await h.platform.webhooks.tick()).toBe(0);
    expect(gone.received).toHaveLength(1);
    expect(json(await h.request(h.actors.bankB, 'GET', '/v1/webhook'))).toEqual({ url: null });
    clock.now += 3_600_000;
    expect(await h.platform.webhooks.tick()).toBe(0);
    expect(gone.received).toHaveLength(1);
    expect(
      json<{ alerts: unknown[] }>(await h.request(h.actors.bankB, 'GET', '/v1/alerts')).alerts,
    ).toHaveLength(1);
    // Set again, the alert waiting is delivered.
    const back = await receiver();
    await h.request(h.actors.bankB, 'PUT', '/v1/webhook', {
      url: `http://127.0.0.1:${back.port}/alerts`,
    });
    clock.now += 3_600_000;
    expect(await h.platform.webhooks.tick()).toBe(1);
    expect(JSON.parse(back.received[0]?.body ?? '{}')).toMatchObject({ token: tok(1) });
  });

  it('keeps a webhook moved elsewhere while a delivery to its old address answered 410', async () => {
    const gone = await receiver(410);
    const { now } = later();
    h = await harness({ clock: now, config: { webhookAllow: ['127.0.0.1/32'] } });
    await alertTo(h, `http://127.0.0.1:${gone.port}/alerts`);
    const [due] = await h.platform.store.claimDeliveries(now() + 1, 60_000, 10);
    const moved = `http://127.0.0.1:${gone.port}/elsewhere`;
    await h.request(h.actors.bankB, 'PUT', '/v1/webhook', { url: moved });
    expect(await h.platform.store.deleteWebhook('bank-b', due?.url)).toBe(false);
    expect(json(await h.request(h.actors.bankB, 'GET', '/v1/webhook'))).toMatchObject({
      url: moved,
    });
  });
});

describe('a test delivery (POST /v1/webhook/test)', () => {
  it('is sent now, signed as alerts are, says how it went, and stores nothing', async () => {
    h = await harness({ config: { webhookAllow: ['127.0.0.1/32'] } });
    const none = await h.request(h.actors.bankB, 'POST', '/v1/webhook/test');
    expect(none.statusCode).toBe(404);
    expect(json(none)).toMatchObject({ code: 'webhook.none' });

    const hook = await receiver();
    const url = `http://127.0.0.1:${hook.port}/alerts`;
    const put = json<{ url: string; secret: string }>(
      await h.request(h.actors.bankB, 'PUT', '/v1/webhook', { url }),
    );
    expect(put).toEqual({ url, secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/) });
    // The member reads its secret back; another member's webhook has its own.
    expect(json(await h.request(h.actors.bankB, 'GET', '/v1/webhook'))).toEqual(put);
    const other = json<{ secret: string }>(
      await h.request(h.actors.bankA, 'PUT', '/v1/webhook', { url }),
    );
    expect(other.secret).not.toBe(put.secret);
    const sent = await h.request(h.actors.bankB, 'POST', '/v1/webhook/test');
    expect(sent.statusCode, sent.body).toBe(200);
    expect(json(sent)).toEqual({ url, delivered: true, status: 200 });
    expect(hook.received).toHaveLength(1);
    const got = hook.received[0] as { headers: IncomingHttpHeaders; body: string };
    expect(got.headers['webhook-id']).toMatch(/^test_\d+$/);
    // A Standard Webhooks library verifies it with the secret (v1), and anyone with the
    // platform's key verifies the v1a signature; neither with another secret, nor with a
    // byte of the body changed.
    expect(verifiedByLibrary(put.secret, got)).toMatchObject({ test: true });
    const { webhookVerificationKey } = json<{ webhookVerificationKey: string }>(
      await h.request(undefined, 'GET', '/v1/platform'),
    );
    expect(verifiedAsymmetric(webhookVerificationKey, got)).toBe(true);
    expect(() => verifiedByLibrary(other.secret, got)).toThrow(/No matching signature/);
    const altered = { ...got, body: got.body.replace('true', 'false') };
    expect(() => verifiedByLibrary(put.secret, altered)).toThrow(/No matching signature/);
    expect(verifiedAsymmetric(webhookVerificationKey, altered)).toBe(false);
    // Registering again rotates the secret: the next delivery verifies with the new one only.
    const again = json<{ secret: string }>(
      await h.request(h.actors.bankB, 'PUT', '/v1/webhook', { url }),
    );
    expect(again.secret).not.toBe(put.secret);
    await h.request(h.actors.bankB, 'POST', '/v1/webhook/test');
    const next = hook.received[1] as { headers: IncomingHttpHeaders; body: string };
    expect(verifiedByLibrary(again.secret, next)).toMatchObject({ test: true });
    expect(() => verifiedByLibrary(put.secret, next)).toThrow(/No matching signature/);
    // The secret is kept nowhere: derived when a delivery is signed. The store's bytes
    // (the database and its write-ahead log) hold none of the three.
    const db = join(dirname(h.keyFile), 'platform.sqlite');
    const bytes = [db, `${db}-wal`]
      .filter((f) => existsSync(f))
      .map((f) => readFileSync(f))
      .reduce((all, b) => Buffer.concat([all, b]), Buffer.alloc(0));
    expect(bytes.includes(Buffer.from(url))).toBe(true);
    for (const secret of [put.secret, other.secret, again.secret]) {
      const raw = Buffer.from(secret.slice('whsec_'.length), 'base64');
      expect(bytes.includes(raw)).toBe(false);
      expect(bytes.includes(Buffer.from(secret))).toBe(false);
    }
    // Nothing waits to be retried.
    expect(await h.platform.webhooks.tick()).toBe(0);

    // A receiver that fails: said, with the status.
    const failing = await receiver(503);
    await h.request(h.actors.bankB, 'PUT', '/v1/webhook', {
      url: `http://127.0.0.1:${failing.port}/alerts`,
    });
    expect(json(await h.request(h.actors.bankB, 'POST', '/v1/webhook/test'))).toMatchObject({
      delivered: false,
      error: 'HTTP 503',
    });
    // Only members have webhooks.
    expect((await h.request(h.actors.operator, 'POST', '/v1/webhook/test')).statusCode).toBe(403);
  });
});
