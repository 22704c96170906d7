import type { TokenizedReport } from '@credence/core/wire/tokenized-records';
import { describe, expect, it } from 'vitest';
import { bundleId, indicatorId } from '../src/interop/stix.js';
import { type Harness, tok } from './harness.js';
import { harnessPerTest } from './harness-per-test.js';
import { day, muleRing, phone } from './mule-ring.js';
import { BACKENDS as backends } from './postgres.js';
import { stixBundleErrors } from './stix-schemas.js';
import { type ObjectsPage, type StixObject, TaxiiClient, TaxiiError } from './taxii/client.js';

/**
 * The TAXII 2.1 server (issue 18, docs/interop.md) on SQLite and (with
 * CREDENCE_TEST_POSTGRES_URL) PostgreSQL, driven by a client written from the TAXII 2.1
 * specification alone (taxii/client.ts, which holds every answer to it): discovery, the
 * API root, each collection paged through, the manifest, an object and its versions,
 * added_after, and the refusals; every object passes the OASIS STIX 2.1 schemas.
 */
const openHarness = harnessPerTest();
/** Epochs of a millisecond, over at once: each batch is dated by its own (tests of paging). */
const FINE = { taxiiEpochs: { epochMs: 1, graceMs: 0 } };
/** Numbers reported one batch each, so that each moves the sequence on its own; their ids. */
async function reportPhones(H: Harness, from: number, to: number): Promise<string[]> {
  const ids: string[] = [];
  for (let n = from; n <= to; n++) {
    const r: TokenizedReport = {
      ref: `phone-${n}`,
      type: n % 2 === 0 ? 'victim_report' : 'suspected',
      category: 'fake_customer_service',
      occurredAt: day,
      entities: [{ role: 'caller', ...phone(n) }],
    };
    const sent = await H.reports(H.actors.bankB, [r]);
    expect(sent.statusCode).toBe(200);
    ids.push((sent.json() as { results: { id: string }[] }).results[0]?.id as string);
  }
  return ids;
}

async function all(
  pages: AsyncGenerator<ObjectsPage>,
): Promise<{ pages: number; objects: StixObject[] }> {
  let count = 0;
  const objects: StixObject[] = [];
  for await (const page of pages) {
    count++;
    objects.push(...(page.envelope.objects ?? []));
  }
  return { pages: count, objects };
}

for (const [name, backend] of backends)
  describe(`the TAXII 2.1 server (${name})`, () => {
    it('serves every collection to a client written from the specification, page by page, as valid STIX', async () => {
      const H = await openHarness(backend, FINE);
      await muleRing(H);
      await reportPhones(H, 1, 12);
      expect((await H.request(H.actors.operator, 'POST', '/v1/analysis')).statusCode).toBe(200);
      const url = await H.platform.app.listen({ host: '127.0.0.1', port: 0 });
      const client = new TaxiiClient({
        discoveryUrl: `${url}/taxii2/`,
        credential: H.actors.bankB.credential,
      });

      const discovery = await client.discovery();
      const [root] = client.apiRootUrls(discovery);
      expect(root).toBe(`${url}/taxii2/credence/`);
      const apiRoot = await client.apiRoot(root as string);
      expect(apiRoot.versions).toContain('application/taxii+json;version=2.1');
      const { collections = [] } = await client.collections(root as string);
      expect(collections.map((c) => c.alias)).toEqual(['flagged-tokens', 'rings', 'campaigns']);

      // Flagged tokens: the platform, the token type's definition, an indicator per token.
      const flagged = collections[0]?.id as string;
      expect((await client.collection(root as string, flagged)).can_write).toBe(false);
      const tokens = await all(client.allObjects(root as string, flagged, { limit: 5 }));
      const indicators = tokens.objects.filter((o) => o.type === 'indicator');
      // c10 reported at bank-a, p1..p12 at bank-b; not the victims' own cards c1..c3 (named
      // as payers: known, not flagged), nor the linked c11, c12, p11 nobody reported.
      expect(indicators).toHaveLength(13);
      expect(tokens.objects.slice(0, 2).map((o) => o.type)).toEqual([
        'identity',
        'extension-definition',
      ]);
      expect(tokens.pages).toBe(3);
      expect(new Set(tokens.objects.map((o) => o.id)).size).toBe(tokens.objects.length);
      const c10 = indicators.find((o) => o.id === indicatorId(tok('c10'))) as StixObject;
      expect(c10).toMatchObject({
        pattern: `[x-credence-token:token = '${tok('c10')}' AND x-credence-token:key_id = 'k1']`,
        labels: ['fake_investment'],
        x_credence_identifier_kind: 'bank_card',
      });
      // Its confidence is its score as a check answers it (the same day).
      const check = (
        await H.request(H.actors.bankB, 'POST', '/v1/check', { tokens: [tok('c10')] })
      ).json() as {
        results: { score: number }[];
      };
      expect(c10.confidence).toBe(Math.round((check.results[0]?.score ?? -1) * 100));
      expect(stixBundleErrors({ type: 'bundle', id: bundleId(), objects: tokens.objects })).toEqual(
        [],
      );

      // The manifest pages the same objects, in the same order, with their versions.
      let manifest: { id: string; version: string }[] = [];
      for await (const page of client.allManifest(root as string, flagged, { limit: 7 }))
        manifest = manifest.concat(page.manifest.objects ?? []);
      expect(manifest.map((m) => m.id)).toEqual(tokens.objects.map((o) => o.id));
      expect(manifest.find((m) => m.id === c10.id)?.version).toBe(c10.modified);

      // One object, and its versions (one: the latest); by id, also through match[id].
      const one = await client.object(root as string, flagged, c10.id);
      expect(one.envelope.objects).toEqual([c10]);
      const versions = await client.versions(root as string, flagged, c10.id);
      expect(versions.versions.versions).toEqual([c10.modified]);
      const matched = await client.objects(root as string, flagged, {
        match: { id: `${c10.id},${indicatorId(tok('p3'))}` },
      });
      expect(matched.envelope.objects?.map((o) => o.id).sort()).toEqual(
        [c10.id, indicatorId(tok('p3'))].sort(),
      );
      const onlyIdentity = await client.objects(root as string, flagged, {
        match: { type: 'identity' },
      });
      expect(onlyIdentity.envelope.objects?.map((o) => o.type)).toEqual(['identity']);

      // Added after the last page's time: nothing; a new report: its indicator alone.
      const head = await client.objects(root as string, flagged, { limit: 1000 });
      const last = head.dateAddedLast as string;
      const none = await client.objects(root as string, flagged, { addedAfter: last });
      expect(none.envelope.objects).toBeUndefined();
      const [p13] = await reportPhones(H, 13, 13);
      const since = await all(client.allObjects(root as string, flagged, { addedAfter: last }));
      expect(since.objects.map((o) => o.id)).toEqual([indicatorId(tok('p13'))]);
      // Reported again: a newer version, later, created when it was first known.
      const p5 = indicators.find((o) => o.id === indicatorId(tok('p5'))) as StixObject;
      const again = await H.reports(H.actors.bankA, [
        {
          ref: 'again-5',
          type: 'confirmed_fraud',
          category: 'fake_customer_service',
          occurredAt: day,
          entities: [{ role: 'caller', ...phone(5) }],
        },
      ]);
      expect(again.statusCode).toBe(200);
      const moved = await all(
        client.allObjects(root as string, flagged, {
          addedAfter: since.objects[0]?.modified as string,
        }),
      );
      expect(moved.objects.map((o) => [o.id, o.created])).toEqual([[p5.id, p5.created]]);
      expect(Date.parse(moved.objects[0]?.modified as string)).toBeGreaterThan(
        Date.parse(p5.modified as string),
      );
      expect(since.objects[0]).not.toHaveProperty('revoked');
      // Retracted, its only report: no longer flagged, no longer served.
      const retracted = await H.request(H.actors.bankB, 'POST', `/v1/reports/${p13}/retract`, {
        reason: 'false_positive',
      });
      expect(retracted.statusCode).toBe(200);
      const whole = await all(client.allObjects(root as string, flagged, { limit: 1000 }));
      expect(whole.objects.map((o) => o.id)).not.toContain(indicatorId(tok('p13')));
      expect(whole.objects).toHaveLength(15);
      await expect(client.object(root as string, flagged, indicatorId(tok('p13')))).rejects.toThrow(
        TaxiiError,
      );

      // Rings: the ring as infrastructure consisting of its tokens, reported or not.
      const rings = await all(
        client.allObjects(root as string, collections[1]?.id as string, { limit: 2 }),
      );
      const infrastructure = rings.objects.filter((o) => o.type === 'infrastructure');
      expect(infrastructure).toHaveLength(1);
      const observables = rings.objects.filter((o) => o.type === 'x-credence-token');
      expect(observables.map((o) => o.token).sort()).toEqual(
        [tok('c10'), tok('c11'), tok('c12'), tok('p11')].sort(),
      );
      const consists = rings.objects.filter((o) => o.type === 'relationship');
      expect(consists.map((r) => [r.relationship_type, r.source_ref])).toEqual(
        observables.map(() => ['consists-of', infrastructure[0]?.id]),
      );
      expect(consists.map((r) => r.target_ref).sort()).toEqual(observables.map((o) => o.id).sort());
      expect(stixBundleErrors({ type: 'bundle', id: bundleId(), objects: rings.objects })).toEqual(
        [],
      );
      const campaigns = await all(client.allObjects(root as string, collections[2]?.id as string));
      expect(campaigns.objects.map((o) => o.type)).toEqual(['identity']);
    });

    it('dates the flagged tokens by the day, serves a day once it is over, in the tokens’ order, not the batches’', async () => {
      let clock = Date.now();
      const H = await openHarness(backend, {
        taxiiEpochs: { epochMs: 86_400_000, graceMs: 60_000 },
        taxiiClock: () => clock,
      });
      // Batches in an order that is not the tokens'.
      for (const n of [7, 2, 9, 4]) await reportPhones(H, n, n);
      const url = await H.platform.app.listen({ host: '127.0.0.1', port: 0 });
      const client = new TaxiiClient({
        discoveryUrl: `${url}/taxii2/`,
        credential: H.actors.bankA.credential,
      });
      const root = `${url}/taxii2/credence/`;
      const flagged = ((await client.collections(root)).collections ?? [])[0]?.id as string;
      // The day is not over: nothing yet, not even by id.
      expect((await client.objects(root, flagged)).envelope.objects).toBeUndefined();
      await expect(client.object(root, flagged, indicatorId(tok('p7')))).rejects.toThrow(
        TaxiiError,
      );
      // A day and a minute later: served, every token dated by the day's end.
      const end = (Math.floor(clock / 86_400_000) + 1) * 86_400_000;
      clock = end + 60_000;
      const page = await client.objects(root, flagged);
      const indicators = (page.envelope.objects ?? []).filter((o) => o.type === 'indicator');
      expect(indicators.map((o) => o.id)).toEqual(
        [7, 2, 9, 4]
          .map((n) => tok(`p${n}`))
          .sort()
          .map(indicatorId),
      );
      const day = new Date(end).toISOString();
      expect(new Set(indicators.flatMap((o) => [o.modified, o.created]))).toEqual(new Set([day]));
      expect(page.dateAddedLast).toBe(day.replace('Z', '000Z'));
    });

    it('refuses, as TAXII errors, who may not read, what is not there, and what it does not speak', async () => {
      const H = await openHarness(backend, FINE);
      await reportPhones(H, 1, 2);
      const url = await H.platform.app.listen({ host: '127.0.0.1', port: 0 });
      const as = (credential: string) =>
        new TaxiiClient({ discoveryUrl: `${url}/taxii2/`, credential });
      const root = `${url}/taxii2/credence/`;
      const member = as(H.actors.bankA.credential);
      const flagged = ((await member.collections(root)).collections ?? [])[0]?.id as string;
      const refused = async (p: Promise<unknown>) => {
        const e = await p.then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(e).toBeInstanceOf(TaxiiError);
        return e as TaxiiError;
      };

      const unknown = await refused(as('not-a-credential').discovery());
      expect(unknown.status).toBe(401);
      expect(unknown.headers.get('www-authenticate')).toBe('Bearer');
      // The auditor reads rings and campaigns, not the flagged tokens.
      const auditor = as(H.actors.auditor.credential);
      expect(((await auditor.collections(root)).collections ?? []).map((c) => c.alias)).toEqual([
        'rings',
        'campaigns',
      ]);
      expect((await refused(auditor.objects(root, flagged))).status).toBe(403);
      expect((await refused(member.collection(root, 'no-such-collection'))).status).toBe(404);
      expect((await refused(member.objects(root, flagged, { next: 'garbage' }))).status).toBe(400);
      expect(
        (await refused(member.objects(root, flagged, { addedAfter: '9999-99-99' }))).status,
      ).toBe(400);
      expect((await refused(member.objects(root, flagged, { limit: 0 }))).status).toBe(400);
      expect(
        (
          await refused(
            member.objects(root, flagged, {
              limit: 1,
              match: { id: `${indicatorId(tok('p1'))},${indicatorId(tok('p2'))}` },
            }),
          )
        ).status,
      ).toBe(400);
      expect((await refused(member.object(root, flagged, indicatorId(tok('p99'))))).status).toBe(
        404,
      );
      expect(
        (await refused(member.status(root, '2d086da7-4bdc-4f91-900e-d77486753710'))).status,
      ).toBe(404);

      // What it does not speak, and what it does not take: TAXII errors still.
      const raw = (path: string, init: RequestInit = {}) =>
        fetch(`${url}${path}`, {
          ...init,
          headers: { authorization: `Bearer ${H.actors.bankA.credential}`, ...init.headers },
        });
      const json = await raw('/taxii2/', { headers: { accept: 'application/json' } });
      expect(json.status).toBe(406);
      expect(json.headers.get('content-type')).toBe('application/taxii+json;version=2.1');
      expect(((await json.json()) as { http_status: string }).http_status).toBe('406');
      const post = await raw(`/taxii2/credence/collections/${flagged}/objects/`, {
        method: 'POST',
        headers: { 'content-type': 'application/taxii+json;version=2.1' },
        body: JSON.stringify({ objects: [] }),
      });
      expect(post.status).toBe(403);
      expect(post.headers.get('content-type')).toBe('application/taxii+json;version=2.1');
      const big = await fetch(`${url}/taxii2/credence/collections/${flagged}/objects/`, {
        method: 'POST',
        headers: { 'content-type': 'application/taxii+json;version=2.1' },
        body: 'x'.repeat(15 * 1024 * 1024),
      });
      expect(big.status).toBe(401);
      // The problem documents of the rest of the API stay as they were.
      expect((await raw('/v1/nothing-here')).headers.get('content-type')).toContain(
        'application/problem+json',
      );
    });
  });
