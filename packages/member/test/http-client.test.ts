import { execFile } from 'node:child_process';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpClient } from '../src/http-client.js';
import { certificateRefused, networkProblem } from '../src/network-errors.js';

/**
 * The member side's HTTP client (issue 13 §6: start-up): what the key server and platform
 * clients rely on — bodies, statuses, headers, timeouts that end a request or the reading
 * of its body, system errors said in words, and kept-alive connections that do not keep
 * a one-shot command from ending.
 */

// One server for every test below, answering by path.
let server: Server;
let url = '';
const stalled: ServerResponse[] = [];
let connections = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      if (req.url === '/echo') {
        res.setHeader('X-Seen-Length', req.headers['content-length'] ?? 'none');
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ method: req.method, auth: req.headers.authorization, body }));
      } else if (req.url === '/missing') {
        res.statusCode = 404;
        res.end('{"code":"not_found"}');
      } else if (req.url === '/silent') {
        stalled.push(res); // never answers
      } else if (req.url === '/half') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('a beginning'); // and never the end
        stalled.push(res);
      } else if (req.url === '/stream') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('one\n');
        setTimeout(() => res.end('two\n'), 20);
      }
    });
  });
  // Idle connections stay open a minute on this side: only the client can end them.
  server.keepAliveTimeout = 60_000;
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const res of stalled) res.destroy();
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
});

describe('the member HTTP client', () => {
  it('sends the method, headers and body, and reads status, headers and JSON', async () => {
    const http = httpClient();
    const answer = await http(`${url}/echo`, {
      method: 'POST',
      headers: { authorization: 'Bearer x', 'content-type': 'application/json' },
      body: '{"tokens":["é"]}',
    });
    expect(answer.status).toBe(200);
    expect(answer.ok).toBe(true);
    // The whole body in one: its length is said (in bytes, é is two).
    expect(answer.headers.get('x-seen-length')).toBe('17');
    expect(answer.headers.get('Content-Type')).toBe('application/json');
    expect(answer.headers.get('x-absent')).toBeNull();
    expect(await answer.json()).toEqual({
      method: 'POST',
      auth: 'Bearer x',
      body: '{"tokens":["é"]}',
    });
    // A DELETE with a body (member watch --remove) says its length too.
    const removed = await http(`${url}/echo`, {
      method: 'DELETE',
      headers: { 'content-type': 'application/json' },
      body: '{"tokens":["a"]}',
    });
    expect(removed.headers.get('x-seen-length')).toBe('16');
    expect(await removed.json()).toMatchObject({ method: 'DELETE', body: '{"tokens":["a"]}' });
    const missing = await http(`${url}/missing`);
    expect([missing.status, missing.ok]).toEqual([404, false]);
    expect(await missing.text()).toBe('{"code":"not_found"}');
    // text() and json() read the same body once.
    expect(await missing.json()).toEqual({ code: 'not_found' });
  });

  it('hands on a body as it arrives', async () => {
    const answer = await httpClient()(`${url}/stream`);
    const chunks: string[] = [];
    for await (const chunk of answer.body) chunks.push(Buffer.from(chunk).toString('utf8'));
    expect(chunks.join('')).toBe('one\ntwo\n');
    expect(chunks.length).toBeGreaterThan(1);
  });
});

describe('the member HTTP client when there is no answer', () => {
  it('ends a request that gets no answer, and a body that never ends, with the timeout', async () => {
    const http = httpClient();
    const silent = await http(`${url}/silent`, { signal: AbortSignal.timeout(100) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(networkProblem(silent)).toBe('no answer in time');
    const half = await http(`${url}/half`, { signal: AbortSignal.timeout(100) });
    expect(half.status).toBe(200);
    const body = await half.text().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(networkProblem(body)).toBe('no answer in time');
    const before = new AbortController();
    before.abort(new DOMException('gone', 'TimeoutError'));
    await expect(http(`${url}/echo`, { signal: before.signal })).rejects.toThrow('gone');
  });

  it('says why there was no answer, and speaks only http and https', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    const refused = await httpClient()(`http://127.0.0.1:${port}/`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(networkProblem(refused)).toBe('connection refused (ECONNREFUSED)');
    // https:// at a port that speaks plain HTTP: said so, and not worth a retry.
    const plain = await httpClient()(`${url.replace('http:', 'https:')}/echo`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(networkProblem(plain)).toContain('it does not speak HTTPS there');
    expect(certificateRefused(plain)).toBe(true);
    await expect(httpClient()('ftp://127.0.0.1/')).rejects.toThrow('only http and https');
  });
});

describe('the member HTTP client and kept-alive connections', () => {
  it('keeps connections alive without keeping a finished process from exiting', async () => {
    // A child process asks twice over one kept-alive connection, then has nothing left
    // to do: it must end by itself (a held socket would keep it running a minute, past
    // the 20 s that fail the test).
    const client = resolve(import.meta.dirname, '../dist/http-client.js');
    const script = `
      const { httpClient } = await import(${JSON.stringify(client)});
      const http = httpClient();
      const a = await (await http(${JSON.stringify(`${url}/echo`)})).json();
      const b = await (await http(${JSON.stringify(`${url}/echo`)})).json();
      console.log(a.method, b.method);`;
    const before = connections;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', script],
      { timeout: 20_000 },
    );
    expect(stdout.trim()).toBe('GET GET');
    expect(connections - before).toBe(1);
  });
});
