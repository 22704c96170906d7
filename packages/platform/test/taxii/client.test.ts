import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isTaxii21MediaType,
  isTaxiiTimestamp,
  type ObjectsPage,
  TaxiiClient,
  TaxiiConformanceError,
  TaxiiError,
} from './client.js';

/**
 * The TAXII 2.1 test client against a small TAXII server written here from the same
 * specification (OASIS Standard, 10 June 2021), not from the platform: one API Root with
 * one collection of five STIX objects (one of them in two versions), plus API Roots that
 * misbehave on purpose (a JSON Content-Type, a wrongly typed field, `next` values that
 * repeat or never end) to show the client catches them.
 */

const MEDIA_TYPE = 'application/taxii+json;version=2.1';
const CREDENTIAL = 'test-credential';
const COLLECTION = '91a7b528-80eb-42ed-a74d-c6fbd5a26116';
const STATUS = '2d086da7-4bdc-4f91-900e-d77486753710';

const A = 'indicator--c410e480-e42b-47d1-9476-85307c12bcbf';
const B = 'malware--664fa29d-bf65-4f28-a667-bdb76f29ec98';
const C = 'indicator--252c7c11-daf2-42bd-843b-be65edca9f61';
const D = 'indicator--29aba82c-5393-42a8-9edb-6a2cb1df070b';
const E = 'malware--ef0b28e1-308c-4a30-8770-9b4851b260a5';

interface Stored {
  added: string;
  object: { type: string; id: string; modified: string; [property: string]: unknown };
}

/** The collection, in the order it was added (3.3); A's second version came last. */
const STORE: Stored[] = [
  stored(A, '2024-01-01T00:00:00.000Z', '2024-02-01T00:00:00.000000Z'),
  stored(B, '2024-01-02T00:00:00.000Z', '2024-02-02T00:00:00.000000Z'),
  stored(C, '2024-01-03T00:00:00.000Z', '2024-02-03T00:00:00.000000Z'),
  stored(D, '2024-01-04T00:00:00.000Z', '2024-02-04T00:00:00.000000Z'),
  stored(E, '2024-01-05T00:00:00.000Z', '2024-02-05T00:00:00.000000Z'),
  stored(A, '2024-01-10T00:00:00.000Z', '2024-02-06T00:00:00.000000Z'),
];

function stored(id: string, modified: string, added: string): Stored {
  const type = id.slice(0, id.indexOf('--'));
  const object = { type, spec_version: '2.1', id, created: '2024-01-01T00:00:00.000Z', modified };
  return { added, object };
}

const collection = (extra: Record<string, unknown> = {}) => ({
  id: COLLECTION,
  title: 'Fixture',
  can_read: true,
  can_write: false,
  media_types: ['application/stix+json;version=2.1'],
  ...extra,
});

type Send = (status: number, body: unknown, headers?: Record<string, string>) => void;

interface Selection {
  page: Stored[];
  more: boolean;
  next?: string;
}

/**
 * The answer to a query of 3.4 over the store, with the `next` of 3.5 an offset; or
 * nothing, once a malformed query has been answered 400 (3.4).
 */
function select(params: URLSearchParams, send: Send, only?: string): Selection | undefined {
  const limit = params.get('limit');
  const next = params.get('next');
  const after = params.get('added_after');
  const malformed =
    (limit !== null && !/^[1-9]\d*$/.test(limit)) ||
    (next !== null && !/^\d+$/.test(next)) ||
    (after !== null && !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(after));
  if (malformed) {
    send(400, { title: 'Bad query', http_status: '400' });
    return undefined;
  }
  let rows = STORE.filter((r) => only === undefined || r.object.id === only);
  if (params.get('match[version]') !== 'all') {
    rows = rows.filter((r, i) => !STORE.slice(i + 1).some((s) => s.object.id === r.object.id));
  }
  if (after !== null) rows = rows.filter((r) => r.added > after);
  for (const field of ['id', 'type']) {
    const wanted = params.get(`match[${field}]`)?.split(',');
    if (wanted !== undefined) rows = rows.filter((r) => wanted.includes(String(r.object[field])));
  }
  const offset = Number(next ?? 0);
  const page = rows.slice(offset, offset + Number(limit ?? rows.length));
  const more = offset + page.length < rows.length;
  return { page, more, ...(more ? { next: String(offset + page.length) } : {}) };
}

function dateAdded(page: Stored[]): Record<string, string> {
  const first = page[0];
  const last = page[page.length - 1];
  if (first === undefined || last === undefined) return {};
  return { 'X-TAXII-Date-Added-First': first.added, 'X-TAXII-Date-Added-Last': last.added };
}

/** The objects endpoints (5.4, 5.6) of the good API Root. */
function objects(params: URLSearchParams, send: Send, only?: string) {
  if (only !== undefined && !STORE.some((r) => r.object.id === only)) {
    return send(404, { title: 'No such object', http_status: '404' });
  }
  const answer = select(params, send, only);
  if (answer === undefined) return;
  const { page, ...paging } = answer;
  const envelope = page.length > 0 ? { ...paging, objects: page.map((r) => r.object) } : paging;
  send(200, envelope, dateAdded(page));
}

function manifest(params: URLSearchParams, send: Send) {
  const answer = select(params, send);
  if (answer === undefined) return;
  const { page, ...paging } = answer;
  const records = page.map((r) => ({
    id: r.object.id,
    date_added: r.added,
    version: r.object.modified,
    media_type: 'application/stix+json;version=2.1',
  }));
  send(200, records.length > 0 ? { ...paging, objects: records } : paging, dateAdded(page));
}

function versions(params: URLSearchParams, send: Send, only: string) {
  params.set('match[version]', 'all');
  const answer = select(params, send, only);
  if (answer === undefined) return;
  const { page, ...paging } = answer;
  send(200, { ...paging, versions: page.map((r) => r.object.modified) }, dateAdded(page));
}

/** API Roots that break the specification, each in one way. */
function misbehave(root: string, rest: string[], params: URLSearchParams, send: Send): boolean {
  const one = STORE[1] as Stored;
  const headers = dateAdded([one]);
  if (root === 'json' && rest.length === 0) {
    send(
      200,
      { title: 'JSON', versions: [MEDIA_TYPE], max_content_length: 1 },
      {
        'Content-Type': 'application/json',
      },
    );
  } else if (root === 'shape' && rest.join('/') === 'collections') {
    send(200, { collections: [collection({ can_read: 'yes' })] });
  } else if (root === 'loop' && rest.at(-1) === 'objects') {
    send(200, { more: true, next: 'again', objects: [one.object] }, headers);
  } else if (root === 'forever' && rest.at(-1) === 'objects') {
    const next = String(Number(params.get('next') ?? 0) + 1);
    send(200, { more: true, next, objects: [one.object] }, headers);
  } else {
    return false;
  }
  return true;
}

function route(path: string[], params: URLSearchParams, send: Send) {
  const [root = '', ...rest] = path;
  const notFound = () => send(404, { title: 'Not found', http_status: '404' });
  if (root === 'taxii2' && rest.length === 0) {
    const roots = ['/api1/', '/json/', '/shape/', '/loop/', '/forever/'];
    return send(200, { title: 'Fixture TAXII', default: '/api1/', api_roots: roots });
  }
  if (misbehave(root, rest, params, send)) return;
  const [kind, id, what, objectId, versionsSegment, ...beyond] = rest;
  if (beyond.length > 0) return notFound();
  if (kind === undefined) {
    return send(200, { title: root, versions: [MEDIA_TYPE], max_content_length: 1048576 });
  }
  if (kind === 'status' && id === STATUS && what === undefined) {
    const counts = { total_count: 1, success_count: 1, failure_count: 0, pending_count: 0 };
    const successes = [{ id: A, version: '2024-01-10T00:00:00.000Z' }];
    return send(200, { id: STATUS, status: 'complete', ...counts, successes });
  }
  if (kind !== 'collections') return notFound();
  if (id === undefined) return send(200, { collections: [collection()] });
  if (id !== COLLECTION) return notFound();
  if (what === undefined) return send(200, collection());
  if (what === 'manifest' && objectId === undefined) return manifest(params, send);
  if (what !== 'objects') return notFound();
  if (versionsSegment === 'versions' && objectId !== undefined) {
    return versions(params, send, objectId);
  }
  if (versionsSegment !== undefined) return notFound();
  return objects(params, send, objectId);
}

/** What the server was asked: each request's URL and headers, for tests to look at. */
const requests: IncomingMessage[] = [];

function handle(req: IncomingMessage, res: ServerResponse) {
  requests.push(req);
  const send: Send = (status, body, headers = {}) => {
    res.writeHead(status, { 'Content-Type': MEDIA_TYPE, ...headers }).end(JSON.stringify(body));
  };
  if (req.headers.authorization !== `Bearer ${CREDENTIAL}`) {
    return send(
      401,
      { title: 'Unauthorized', http_status: '401' },
      { 'WWW-Authenticate': 'Bearer' },
    );
  }
  if (!req.headers.accept?.includes('application/taxii+json')) {
    return send(406, { title: 'Not Acceptable', http_status: '406' });
  }
  const url = new URL(req.url ?? '/', 'http://fixture');
  route(url.pathname.split('/').filter(Boolean).map(decodeURIComponent), url.searchParams, send);
}

let server: Server;
let base: string;
let client: TaxiiClient;

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = new TaxiiClient({ discoveryUrl: `${base}/taxii2/`, credential: CREDENTIAL });
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function collect<P>(pages: AsyncGenerator<P>): Promise<P[]> {
  const all: P[] = [];
  for await (const page of pages) all.push(page);
  return all;
}

const ids = (page: ObjectsPage) => (page.envelope.objects ?? []).map((o) => o.id);

describe('TaxiiClient against a TAXII 2.1 server written from the specification', () => {
  it('discovers, resolving a relative API Root against the discovery URL', async () => {
    const discovery = await client.discovery();
    expect(client.apiRootUrls(discovery)).toContain(`${base}/api1/`);
    const root = await client.apiRoot('/api1/');
    expect(root.versions).toEqual([MEDIA_TYPE]);
    const asked = requests.at(-1);
    expect(asked?.url).toBe('/api1/');
    expect(asked?.headers.accept).toBe(MEDIA_TYPE);
    expect(asked?.headers.authorization).toBe(`Bearer ${CREDENTIAL}`);
  });

  it('reads the collections and a collection', async () => {
    const { collections } = await client.collections('/api1/');
    expect(collections?.map((c) => c.id)).toEqual([COLLECTION]);
    expect((await client.collection('/api1/', COLLECTION)).can_read).toBe(true);
  });

  it('pages with limit and next until more is false', async () => {
    const pages = await collect(client.allObjects('/api1/', COLLECTION, { limit: 2 }));
    expect(pages.map(ids)).toEqual([[B, C], [D, E], [A]]);
    expect(pages.map((p) => p.envelope.more)).toEqual([true, true, false]);
    expect(pages[0]?.dateAddedFirst).toBe('2024-02-02T00:00:00.000000Z');
    expect(pages[2]?.dateAddedLast).toBe('2024-02-06T00:00:00.000000Z');
    expect(requests.slice(-3).map((r) => r.url)).toEqual([
      `/api1/collections/${COLLECTION}/objects/?limit=2`,
      `/api1/collections/${COLLECTION}/objects/?limit=2&next=2`,
      `/api1/collections/${COLLECTION}/objects/?limit=2&next=4`,
    ]);
  });

  it('filters with added_after and match[type]', async () => {
    const addedAfter = '2024-02-03T00:00:00.000000Z';
    expect(ids(await client.objects('/api1/', COLLECTION, { addedAfter }))).toEqual([D, E, A]);
    const malware = await client.objects('/api1/', COLLECTION, { match: { type: 'malware' } });
    expect(ids(malware)).toEqual([B, E]);
  });

  it('pages the manifest, and reads an object, its versions and a status', async () => {
    const manifest = await collect(client.allManifest('/api1/', COLLECTION, { limit: 3 }));
    expect(manifest.flatMap((p) => p.manifest.objects?.map((r) => r.id))).toEqual([B, C, D, E, A]);
    const all = { match: { version: 'all' } };
    expect(ids(await client.object('/api1/', COLLECTION, A, all))).toEqual([A, A]);
    const { versions } = await client.versions('/api1/', COLLECTION, A);
    expect(versions.versions).toEqual(['2024-01-01T00:00:00.000Z', '2024-01-10T00:00:00.000Z']);
    expect((await client.status('/api1/', STATUS)).status).toBe('complete');
  });

  it('rejects an answer whose Content-Type is not the TAXII 2.1 media type', async () => {
    await expect(client.apiRoot('/json/')).rejects.toMatchObject({
      name: 'TaxiiConformanceError',
      resource: 'api-root',
      field: 'Content-Type',
    });
  });

  it('names the resource and field of a wrongly typed property', async () => {
    const failure = await client.collections('/shape/').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TaxiiConformanceError);
    expect(failure).toMatchObject({ resource: 'collections', field: 'collections[0].can_read' });
  });

  it('parses an error message into a TaxiiError', async () => {
    const missing = await client.collection('/api1/', STATUS).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(TaxiiError);
    expect(missing).toMatchObject({
      status: 404,
      error: { title: 'Not found', http_status: '404' },
    });
    const stranger = new TaxiiClient({ discoveryUrl: `${base}/taxii2/`, credential: 'wrong' });
    await expect(stranger.discovery()).rejects.toMatchObject({ name: 'TaxiiError', status: 401 });
    const malformed = client.objects('/api1/', COLLECTION, { addedAfter: 'yesterday' });
    await expect(malformed).rejects.toMatchObject({ status: 400 });
  });

  it('catches a server whose next never ends', async () => {
    const loop = collect(client.allObjects('/loop/', COLLECTION));
    await expect(loop).rejects.toMatchObject({ resource: 'envelope', field: 'next' });
    const bounded = new TaxiiClient({
      discoveryUrl: `${base}/taxii2/`,
      credential: CREDENTIAL,
      maxPages: 5,
    });
    const forever = collect(bounded.allObjects('/forever/', COLLECTION));
    await expect(forever).rejects.toMatchObject({ resource: 'envelope', field: 'more' });
    expect(requests.at(-1)?.url).toBe(`/forever/collections/${COLLECTION}/objects/?next=4`);
  });
});

describe('the formats the client holds answers to', () => {
  it('takes the TAXII 2.1 media type in its equivalent spellings only', () => {
    expect(isTaxii21MediaType('application/taxii+json;version=2.1')).toBe(true);
    expect(isTaxii21MediaType('Application/TAXII+JSON; version="2.1"; charset=utf-8')).toBe(true);
    expect(isTaxii21MediaType('application/taxii+json')).toBe(false);
    expect(isTaxii21MediaType('application/taxii+json;version=2.0')).toBe(false);
    expect(isTaxii21MediaType('application/json')).toBe(false);
  });

  it('takes timestamps with microseconds in UTC only', () => {
    expect(isTaxiiTimestamp('2016-11-02T12:34:34.123456Z')).toBe(true);
    expect(isTaxiiTimestamp('2016-11-02T12:34:34.123Z')).toBe(false);
    expect(isTaxiiTimestamp('2016-11-02T12:34:34.123456+00:00')).toBe(false);
    expect(isTaxiiTimestamp('2016-02-30T12:34:34.123456Z')).toBe(false);
  });
});
