import { privateKeyFromJwk } from '@credence/core/signing/ed25519';
import { type LinkBatch, type ReportBatch, signBatch } from '@credence/core/wire/batches';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, callLink, type Harness, harness, report } from './harness.js';

/**
 * Hostile input to the routes of issue 11, on a store: every one answers a 4xx problem
 * document naming the field, never a 500, and changes nothing. Run on SQLite always and
 * on PostgreSQL when it is there (whose text refuses what SQLite keeps).
 */
export function describeHostileInputs(name: string, db: () => Promise<string | undefined>) {
  describe(`hostile input to the audit, script and batch routes (${name})`, () => {
    let h: Harness;
    let batches = 0;
    beforeAll(async () => {
      const url = await db();
      h = await harness(url === undefined ? {} : { db: url });
    });
    afterAll(async () => h.close());

    const refused = async (res: { statusCode: number; json(): unknown }, field: string) => {
      expect(res.statusCode, JSON.stringify(res.json())).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect((res.json() as { errors?: { field: string }[] }).errors?.[0]?.field).toBe(field);
    };
    const signed = <B>(actor: Actor, batch: B) =>
      signBatch(batch, privateKeyFromJwk(actor.key.privateJwk), actor.key.publicKey);

    it('refuses a report id PostgreSQL cannot hold (NUL), naming it (found by the OpenAPI fuzz)', async () => {
      for (const [method, url, field] of [
        ['GET', '/v1/reports/a%00b', 'id'],
        ['PUT', '/v1/reports/a%00b/files/1', 'id'],
        ['GET', '/v1/reports?after=a%00b', 'after'],
      ] as const) {
        const res = await h.request(h.actors.bankA, method, url);
        await refused(res, field);
      }
    });

    it('refuses a cursor the table cannot hold', async () => {
      for (const [table, after] of [
        ['token-stats', ['\u0000', 'x', 'y']],
        ['token-stats', ['a', 'b']],
        ['oprf-usage', ['a', 'b', 'notanumber', 'd', 'e']],
        ['oprf-usage', ['a', 'b', 1e300, 'd', 'e']],
        ['members', [{}]],
      ] as const) {
        const res = await h.request(
          h.actors.auditor,
          'GET',
          `/v1/audit/state/${table}?after=${encodeURIComponent(JSON.stringify(after))}`,
        );
        await refused(res, 'after');
      }
      const ok = await h.request(
        h.actors.auditor,
        'GET',
        `/v1/audit/state/oprf-usage?after=${encodeURIComponent(JSON.stringify(['a', 'b', 1, 'd', 'e']))}`,
      );
      expect(ok.statusCode).toBe(200);
    });

    it('refuses a script with a NUL or a lone surrogate, changing nothing', async () => {
      const { size } = await h.platform.store.logHead();
      // Unsigned (a lone surrogate has no canonical JSON to sign): refused before that.
      const body = (batch: object) =>
        JSON.stringify({
          batch,
          publicKey: h.actors.bankA.key.publicKey,
          signature: 'A'.repeat(86),
        });
      for (const script of ['a\u0000b', 'a\udc00b', 'x\ud800']) {
        const common = { member: 'bank-a', createdAt: new Date().toISOString() };
        const shared = await h.request(
          h.actors.bankA,
          'POST',
          '/v1/reports/scripts',
          body({ ...common, batchId: `h${++batches}`, scripts: [{ ref: 'r-1', script }] }),
        );
        await refused(shared, 'batch.scripts[0].script');
        const sent = await h.request(
          h.actors.bankA,
          'POST',
          '/v1/reports',
          body({
            ...common,
            batchId: `h${++batches}`,
            reports: [report(`h-${batches}`, [1], { script })],
          }),
        );
        expect(sent.statusCode).toBe(400);
      }
      expect((await h.platform.store.logHead()).size).toBe(size);
    });

    it('refuses a sealed detail of another suite, size or alphabet, naming it and changing nothing', async () => {
      const { size } = await h.platform.store.logHead();
      const good = {
        suite: 'X25519-SHA256-ChaCha20Poly1305',
        enc: 'E'.repeat(43),
        salt: 'S'.repeat(22),
        ciphertext: 'C'.repeat(64),
      };
      for (const sealed of [
        { ...good, suite: 'X25519-SHA256-AES128GCM' },
        { ...good, enc: 'E'.repeat(44) },
        { ...good, salt: 'S+/'.repeat(7).slice(0, 22) },
        // One past the largest detail: a 20,000-character narrative and twenty files' names.
        { ...good, ciphertext: 'C'.repeat(207_401) },
        { ...good, key: 'A'.repeat(43) },
        { ...good, ciphertext: undefined },
        // The list of sealed evidence files: empty, a file shorter than its tag, too many,
        // a digest of another size, a field it does not have.
        { ...good, files: [] },
        { ...good, files: [{ size: 15, sha256: 'F'.repeat(43) }] },
        {
          ...good,
          files: Array.from({ length: 21 }, () => ({ size: 20, sha256: 'F'.repeat(43) })),
        },
        { ...good, files: [{ size: 20, sha256: 'F'.repeat(44) }] },
        { ...good, files: [{ size: 20, sha256: 'F'.repeat(43), name: 'a.png' }] },
      ]) {
        const batch = signed<ReportBatch>(h.actors.bankA, {
          member: 'bank-a',
          batchId: `h${++batches}`,
          createdAt: new Date().toISOString(),
          reports: [report(`h-${batches}`, [1], { sealed } as never)],
        });
        const res = await h.request(h.actors.bankA, 'POST', '/v1/reports', batch);
        expect(res.statusCode, JSON.stringify(sealed).slice(0, 80)).toBe(400);
        expect(JSON.stringify(res.json())).toContain('batch.reports[0].sealed');
      }
      expect((await h.platform.store.logHead()).size).toBe(size);
    });

    it('refuses a batch id used before for another batch, and takes the same batch again', async () => {
      const batch = (links: LinkBatch['links']) =>
        signed<LinkBatch>(h.actors.bankA, {
          member: 'bank-a',
          batchId: 'once',
          createdAt: new Date().toISOString(),
          links,
        });
      const first = batch([callLink(1, 2)]);
      expect((await h.request(h.actors.bankA, 'POST', '/v1/links', first)).statusCode).toBe(200);
      const { size } = await h.platform.store.logHead();
      expect((await h.request(h.actors.bankA, 'POST', '/v1/links', first)).statusCode).toBe(200);
      const other = await h.request(h.actors.bankA, 'POST', '/v1/links', batch([callLink(3, 4)]));
      expect(other.statusCode).toBe(409);
      await refused(other, 'batch.batchId');
      expect((await h.platform.store.logHead()).size).toBe(size);
    });
  });
}
