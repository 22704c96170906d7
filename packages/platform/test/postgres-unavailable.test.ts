import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatform, type Platform } from '../src/server.js';
import { isUnavailable } from '../src/storage/postgres/unavailable.js';
import { tok } from './harness.js';
import { freshSchema, POSTGRES_URL, skipMessage } from './postgres.js';

/**
 * PostgreSQL out of reach (a restart, a failover: the multi-node suite in
 * bench/test/topology.test.ts does it for real): the platform answers 503
 * store.unavailable with Retry-After, which clients retry, and keeps running; its pooled
 * connections that died idle do not end the process; when the database is back, so are
 * the answers. The database is reached through a TCP relay that the test cuts.
 */
const suite = POSTGRES_URL === undefined ? describe.skip : describe;

/** A TCP relay to PostgreSQL that can be cut (every connection dropped, new ones refused) and restored. */
class Relay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    if (this.server !== undefined) return;
    const server = createServer((client) => {
      const upstream = createConnection(this.target);
      this.sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    const address = server.address();
    this.port = typeof address === 'object' && address !== null ? address.port : 0;
    this.server = server;
  }

  async cut(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
    this.server = undefined;
  }
}

let platform: Platform;
let schema: Awaited<ReturnType<typeof freshSchema>>;
let relay: Relay;
let credential = '';
const dir = mkdtempSync(join(tmpdir(), 'credence-unavailable-'));

suite(`PostgreSQL out of reach${POSTGRES_URL === undefined ? ` (${skipMessage()})` : ''}`, () => {
  beforeAll(async () => {
    schema = await freshSchema(POSTGRES_URL as string);
    const direct = new URL(schema.url);
    relay = new Relay({ host: direct.hostname, port: Number(direct.port || 5432) });
    await relay.open();
    const relayed = new URL(schema.url);
    relayed.hostname = '127.0.0.1';
    relayed.port = String(relay.port);
    platform = await createPlatform({
      db: relayed.toString(),
      keyFile: join(dir, 'key.json'),
      webhooks: false,
      syncIntervalMs: 60_000,
    });
    await platform.start();
    credential = (await platform.members.add({ id: 'bank-a', type: 'bank' })).credential;
  });

  afterAll(async () => {
    await relay.open();
    await platform.close();
    await schema.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const check = () =>
    platform.app.inject({
      method: 'GET',
      url: `/v1/check/${tok(7)}`,
      headers: { authorization: `Bearer ${credential}` },
    });
  const watch = () =>
    platform.app.inject({
      method: 'PUT',
      url: '/v1/watchlist',
      headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ tokens: [{ kind: 'phone', token: tok(7), keyId: 'k1' }] }),
    });

  it('answers 503 store.unavailable with Retry-After while the database is out of reach, and recovers', async () => {
    // Warm the pool, so that connections die idle when the relay is cut.
    expect((await watch()).statusCode).toBe(200);
    await relay.cut();
    await new Promise((r) => setTimeout(r, 50));
    for (const res of [await watch(), await check()]) {
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.json()).toMatchObject({ code: 'store.unavailable', status: 503 });
    }
    await relay.open();
    expect((await watch()).statusCode).toBe(200);
    expect((await check()).statusCode).toBe(200);
  });

  it('tells the server out of reach from a statement it refused', () => {
    expect(isUnavailable(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isUnavailable(Object.assign(new Error('x'), { code: '57P01' }))).toBe(true);
    expect(isUnavailable(Object.assign(new Error('x'), { code: '25006' }))).toBe(true);
    expect(isUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    // A constraint, a syntax error, a serialisation failure: the platform's to handle.
    expect(isUnavailable(Object.assign(new Error('x'), { code: '23505' }))).toBe(false);
    expect(isUnavailable(Object.assign(new Error('x'), { code: '42601' }))).toBe(false);
    expect(isUnavailable(Object.assign(new Error('x'), { code: '40001' }))).toBe(false);
  });
});
