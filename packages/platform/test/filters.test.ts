import { randomBytes } from 'node:crypto';
import { decodeBase64url } from '@credence/core/encoding/base64url';
import { FilterLayers } from '@credence/core/filters/filter-layers';
import {
  FilterRefused,
  type FilterRelease,
  filterEntry,
  verifyFilter,
} from '@credence/core/filters/filter-release';
import { type AuditRecord, recordDigestOf } from '@credence/core/log/audit-records';
import { verifyCheckpoint } from '@credence/core/log/checkpoint';
import { describe, expect, it } from 'vitest';
import { buildFilters, buildFiltersInThread } from '../src/services/filter-build.js';
import { FilterService } from '../src/services/filters.js';
import { report, tok } from './harness.js';
import { harnessPerTest } from './harness-per-test.js';
import { BACKENDS as backends } from './postgres.js';

/**
 * Compact filters (issue 18, docs/filters.md), through the API on SQLite and (with
 * CREDENCE_TEST_POSTGRES_URL) PostgreSQL: published per key id and width, logged, served
 * to those who may check, verified against the log as a member would, republished only
 * when the flagged tokens moved; every abuse refused.
 */
const json = <T = Record<string, unknown>>(r: { json: () => unknown }) => r.json() as T;
type Listed = { release: FilterRelease; logIndex: number };

const openHarness = harnessPerTest();

for (const [name, backend] of backends)
  describe(`compact filters (${name})`, () => {
    it('publishes a filter of the flagged tokens that a member verifies against the log and checks locally', async () => {
      const H = await openHarness(backend);
      expect((await H.reports(H.actors.bankA, [report('r1', [1, 2, 3])])).statusCode).toBe(200);
      const publish = await H.request(H.actors.operator, 'POST', '/v1/filters/publish');
      expect(publish.statusCode, publish.body).toBe(200);
      const published = json<{ published: FilterRelease[] }>(publish).published;
      expect(published.map((r) => [r.keyId, r.bits, r.version, r.tokens])).toEqual([
        ['k1', 8, 1, 3],
        ['k1', 16, 1, 3],
      ]);

      // A member (and the police) list them, fetch one and verify it as the member side does.
      const listed = json<{ filters: Listed[] }>(
        await H.request(H.actors.bankB, 'GET', '/v1/filters'),
      ).filters;
      expect(listed.map((f) => f.release)).toEqual(published);
      expect((await H.request(H.actors.police, 'GET', '/v1/filters')).statusCode).toBe(200);
      const verified = async (f: Listed, bytes?: Uint8Array) => {
        const got = await H.request(
          H.actors.bankB,
          'GET',
          `/v1/filters/${f.release.keyId}/${f.release.bits}/${f.release.version}`,
        );
        expect(got.statusCode).toBe(200);
        expect(got.headers['content-type']).toBe('application/octet-stream');
        const { vkey } = json<{ vkey: string }>(
          await H.request(H.actors.bankB, 'GET', '/v1/log/key'),
        );
        const note = (await H.request(H.actors.bankB, 'GET', '/v1/log/checkpoint')).body;
        const checkpoint = verifyCheckpoint(note, { logKey: vkey }).checkpoint;
        const { proof } = json<{ proof: string[] }>(
          await H.request(
            H.actors.bankB,
            'GET',
            `/v1/log/proof/inclusion?index=${f.logIndex}&size=${checkpoint.size}`,
          ),
        );
        return verifyFilter(
          bytes ?? new Uint8Array(got.rawPayload),
          f.release,
          { index: f.logIndex, proof: proof.map((h) => decodeBase64url(h) as Uint8Array) },
          checkpoint,
        );
      };
      for (const f of listed) {
        const filter = await verified(f);
        expect([1, 2, 3].map((n) => filter.has(tok(n)))).toEqual([true, true, true]);
        if (f.release.bits === 16) expect(filter.has(tok(99))).toBe(false);
      }

      // Not its bytes, not its release: refused, saying why.
      const eight = listed[0] as Listed;
      const bytes = new Uint8Array(
        (await H.request(H.actors.bankB, 'GET', `/v1/filters/k1/8/1`)).rawPayload,
      );
      const flipped = bytes.slice();
      flipped[40] = (flipped[40] as number) ^ 1;
      await expect(verified(eight, flipped)).rejects.toThrow(/not the ones its release names/);
      await expect(
        verified({ ...eight, release: { ...eight.release, tokens: 4 } }),
      ).rejects.toThrow(FilterRefused);
      await expect(verified({ ...eight, logIndex: eight.logIndex - 1 })).rejects.toThrow(
        /not entry/,
      );

      // The entry is the platform's, its record the release, as an auditor recomputes it.
      const [text] = await H.platform.store.logEntries(eight.logIndex, eight.logIndex + 1);
      expect(JSON.parse(text as string)).toEqual(filterEntry(eight.release));
      const entry = { ...filterEntry(eight.release), index: eight.logIndex };
      const [record] = await H.platform.store.auditRecords([entry]);
      expect(recordDigestOf(entry, record as AuditRecord)).toEqual({ digest: entry.digest });
      expect((await H.platform.store.auditCounts()).filters).toBe(2);

      // Nothing moved: nothing published, nothing logged. A new flagged token: version 2.
      const size = (await H.platform.store.logHead()).size;
      expect(json(await H.request(H.actors.operator, 'POST', '/v1/filters/publish'))).toEqual({
        published: [],
      });
      expect((await H.platform.store.logHead()).size).toBe(size);
      await H.reports(H.actors.bankB, [report('r2', [4])]);
      const next = json<{ published: FilterRelease[] }>(
        await H.request(H.actors.operator, 'POST', '/v1/filters/publish'),
      ).published;
      expect(next.map((r) => [r.bits, r.version, r.tokens])).toEqual([
        [8, 2, 4],
        [16, 2, 4],
      ]);
      const newest = json<{ filters: Listed[] }>(
        await H.request(H.actors.bankB, 'GET', '/v1/filters'),
      ).filters;
      expect(newest.map((f) => f.release.version)).toEqual([2, 2]);
      expect((await verified(newest[1] as Listed)).has(tok(4))).toBe(true);
      // The first version stays to be fetched (by a member that verified it before).
      expect((await H.request(H.actors.bankB, 'GET', '/v1/filters/k1/8/1')).statusCode).toBe(200);
    });

    it('publishes additions over a base between bases, and a new base when it is old or what moved passes its share', async () => {
      const H = await openHarness(backend);
      let clock = Date.parse('2026-12-07T00:00:00Z');
      const service = new FilterService(H.platform.store, () => clock, {
        baseMaxAgeMs: 86_400_000,
        rebaseShare: 0.25,
      });
      const summary = (rs: FilterRelease[]) => rs.map((r) => [r.bits, r.version, r.base, r.tokens]);
      const listed = async () =>
        json<{ filters: Listed[] }>(await H.request(H.actors.bankB, 'GET', '/v1/filters')).filters;
      const layers = async (bits: 8 | 16) => {
        const of = (await listed()).filter((f) => f.release.bits === bits);
        const bytes = async (f: Listed) =>
          new Uint8Array(
            (await H.request(H.actors.bankB, 'GET', `/v1/filters/k1/${bits}/${f.release.version}`))
              .rawPayload,
          );
        const { BinaryFuseFilter } = await import('@credence/core/filters/binary-fuse');
        const [base, additions] = of;
        return new FilterLayers(
          BinaryFuseFilter.fromBytes(await bytes(base as Listed)),
          additions === undefined ? undefined : BinaryFuseFilter.fromBytes(await bytes(additions)),
        );
      };
      const tokens = Array.from({ length: 12 }, (_, i) => i + 1);
      await H.reports(H.actors.bankA, [report('r1', tokens)]);
      expect(summary(await service.publish())).toEqual([
        [8, 1, undefined, 12],
        [16, 1, undefined, 12],
      ]);

      // Two new tokens, under a quarter of the base: additions over base 1, holding them only.
      await H.reports(H.actors.bankB, [report('r2', [13, 14])]);
      expect(summary(await service.publish())).toEqual([
        [8, 2, 1, 2],
        [16, 2, 1, 2],
      ]);
      expect(await service.publish()).toEqual([]);
      // The list holds the base and the additions over it; together they hold every token.
      expect((await listed()).map((f) => [f.release.bits, f.release.version])).toEqual([
        [8, 1],
        [8, 2],
        [16, 1],
        [16, 2],
      ]);
      const sixteen = await layers(16);
      expect([...tokens, 13, 14].every((n) => sixteen.has(tok(n)))).toBe(true);
      expect(sixteen.base.has(tok(13))).toBe(false);
      expect(sixteen.has(tok(99))).toBe(false);

      // One more: the next additions hold the three flagged since the base.
      await H.reports(H.actors.bankB, [report('r3', [15])]);
      expect(summary(await service.publish())).toEqual([
        [8, 3, 1, 3],
        [16, 3, 1, 3],
      ]);
      // An additions filter over a base that is no longer the newest is not recorded (two
      // processes publishing at once): a new base, then a late additions over base 1.
      clock += 86_400_000;
      await H.reports(H.actors.bankB, [report('r4', [16])]);
      expect(summary(await service.publish())).toEqual([
        [8, 4, undefined, 16],
        [16, 4, undefined, 16],
      ]);
      const late = await H.platform.store.recordFilter(
        {
          keyId: 'k1',
          bits: 8,
          tokens: 1,
          tokensDigest: 'late',
          seq: 0,
          base: 1,
          bytes: new Uint8Array(40),
        },
        clock,
      );
      expect(late).toBeUndefined();
      expect((await listed()).map((f) => [f.release.bits, f.release.version])).toEqual([
        [8, 4],
        [16, 4],
      ]);
      expect((await layers(8)).additions).toBeUndefined();

      // Past a quarter of the base added since it: a base again, not additions.
      await H.reports(H.actors.bankA, [report('r5', [17, 18, 19, 20, 21])]);
      expect(summary(await service.publish())).toEqual([
        [8, 5, undefined, 21],
        [16, 5, undefined, 21],
      ]);
      expect((await H.platform.store.auditCounts()).filters).toBe(10);
    });

    it('refuses those who may not check, and what is not a filter', async () => {
      const H = await openHarness(backend);
      await H.reports(H.actors.bankA, [report('r1', [1])]);
      await H.request(H.actors.operator, 'POST', '/v1/filters/publish');
      const status = async (
        actor: (typeof H.actors)['bankA'] | undefined,
        method: 'GET' | 'POST',
        path: string,
      ) => {
        const r = await H.request(actor, method, path);
        return [r.statusCode, json<{ code?: string }>(r).code];
      };
      expect(await status(H.actors.operator, 'GET', '/v1/filters')).toEqual([
        403,
        'role.forbidden',
      ]);
      expect(await status(H.actors.auditor, 'GET', '/v1/filters/k1/8/1')).toEqual([
        403,
        'role.forbidden',
      ]);
      expect(await status(undefined, 'GET', '/v1/filters')).toEqual([401, 'auth.missing']);
      expect(await status(H.actors.bankA, 'POST', '/v1/filters/publish')).toEqual([
        403,
        'role.forbidden',
      ]);
      expect(await status(H.actors.bankA, 'GET', '/v1/filters/k1/8/9')).toEqual([
        404,
        'filter.not_found',
      ]);
      expect(await status(H.actors.bankA, 'GET', '/v1/filters/k1/12/1')).toEqual([
        400,
        'request.invalid',
      ]);
      expect(await status(H.actors.bankA, 'GET', '/v1/filters/k1/8/0')).toEqual([
        400,
        'request.invalid',
      ]);
      expect(await status(H.actors.bankA, 'GET', '/v1/filters/__proto__/8/1')).toEqual([
        404,
        'filter.not_found',
      ]);
    });
  });

describe('filter builds', () => {
  it('build on a thread of their own what they build here: the same digest, every token held', async () => {
    // Tokens as the key servers make them, uniformly random (the harness's tok(n) differ
    // in a few bits only, which the filter's layout, made for random keys, cannot place).
    const tokens = Array.from({ length: 60_000 }, () => randomBytes(32).toString('base64url'));
    const job = {
      tokens,
      builds: [{ bits: 8 as const }, { bits: 16 as const, unlessDigest: 'x' }],
    };
    const here = buildFilters(job);
    const there = await buildFiltersInThread(job);
    expect(there.digest).toBe(here.digest);
    expect(there.built.map((b) => [b.bits, b.tokens])).toEqual([
      [8, 60_000],
      [16, 60_000],
    ]);
    const { BinaryFuseFilter } = await import('@credence/core/filters/binary-fuse');
    for (const b of there.built) {
      const filter = BinaryFuseFilter.fromBytes(b.bytes);
      expect(tokens.every((t) => filter.has(t))).toBe(true);
    }
    // A width whose last version holds the same tokens is not built again.
    const again = await buildFiltersInThread({
      tokens,
      builds: [{ bits: 8, unlessDigest: here.digest }],
    });
    expect(again).toEqual({ digest: here.digest, built: [] });
  }, 60_000);
});
