import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Alert, followAlerts } from '../src/alerts.js';

/**
 * `member alerts --follow` against a stream that stops talking without closing (a proxy
 * holding the connection, a hung platform): it is taken for dead after the idle time and
 * opened again from the last alert, so nothing is missed and nothing repeated.
 */
describe('following the alert stream', () => {
  let server: Server;
  let url = '';
  const asked: (string | undefined)[] = [];
  const open: ServerResponse[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const last = req.headers['last-event-id'] as string | undefined;
      asked.push(last);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      open.push(res);
      // One alert after the cursor, then silence: no heartbeat, no end.
      const next = Number(last ?? '0') + 1;
      const alert = { id: `a${next}`, token: `t${next}` };
      res.write(`id: ${next}\ndata: ${JSON.stringify(alert)}\n\n`);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const res of open) res.destroy();
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  });

  it('opens a silent stream again from its cursor', async () => {
    const seen: string[] = [];
    const stop = new AbortController();
    const cursor = await followAlerts(
      { url, credential: 'crd_test-credential' },
      undefined,
      (alert: Alert) => {
        seen.push((alert as unknown as { token: string }).token);
        if (seen.length === 3) stop.abort();
      },
      { signal: stop.signal, idleMs: 150 },
    );
    // Three connections, each from where the one before stopped.
    expect(seen).toEqual(['t1', 't2', 't3']);
    expect(asked.slice(0, 3)).toEqual([undefined, '1', '2']);
    expect(cursor).toBe('3');
  });
});
