import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type AuditRecord, recordDigestOf } from '@credence/core/log/audit-records';
import {
  type AlertRecord,
  alertsDigest,
  type LogEntry,
  recordDigest,
} from '@credence/core/log/entries';
import { describe, expect, it } from 'vitest';
import { tok } from './harness.js';
import { harnessPerTest } from './harness-per-test.js';
import { BACKENDS as backends } from './postgres.js';

/**
 * Exposure warnings (issue 17, docs/exposures.md), through the API on SQLite and (with
 * CREDENCE_TEST_POSTGRES_URL) PostgreSQL: the police upload a seized list's tokens; each
 * member watching one gets an `exposed` alert about its own customer and nothing else;
 * the log and the police's answer hold counts only; the listed tokens are not kept and
 * checks answer as before; a repeat changes nothing, and every abuse is refused.
 */
const json = <T = Record<string, unknown>>(r: { json: () => unknown }) => r.json() as T;
const ref = (kind: string, n: string | number) => ({ kind, token: tok(n), keyId: 'k1' });

interface Exposure {
  id: number;
  member: string;
  list: string;
  part: number;
  seizedAt: string;
  tokens: number;
  matched: number;
  alerts: Record<string, number>;
}
interface Alert {
  token: string;
  kind: string;
  source: string;
  occurredAt: string;
}

const openHarness = harnessPerTest();

for (const [name, backend] of backends)
  describe(`exposure warnings (${name})`, () => {
    async function setUp() {
      const H = await openHarness(backend);
      // bank-a watches its customers c1, c2 (card) and c3 (phone); bank-b watches c2's
      // phone (another token) and c4; the telecom watches c3's phone and c5.
      const watch = async (actor: (typeof H.actors)['bankA'], tokens: object[]) =>
        expect((await H.request(actor, 'PUT', '/v1/watchlist', { tokens })).statusCode).toBe(200);
      await watch(H.actors.bankA, [
        ref('bank_card', 'c1'),
        ref('bank_card', 'c2'),
        ref('phone', 'c3'),
      ]);
      await watch(H.actors.bankB, [ref('phone', 'c2p'), ref('phone', 'c4')]);
      await watch(H.actors.telecom, [ref('phone', 'c3'), ref('phone', 'c5')]);
      return H;
    }
    const upload = (body: Record<string, unknown>) => ({
      list: 'case-2026-0815-list-a',
      part: 0,
      seizedAt: '2026-11-20T08:00:00+08:00',
      ...body,
    });

    it('alerts each watcher about its own customers only, and logs counts only', async () => {
      const H = await setUp();
      const alertsOf = async (actor: (typeof H.actors)['bankA']) =>
        json<{ alerts: Alert[] }>(await H.request(actor, 'GET', '/v1/alerts')).alerts;
      const before = {
        a: await alertsOf(H.actors.bankA),
        b: await alertsOf(H.actors.bankB),
        t: await alertsOf(H.actors.telecom),
      };
      const checkBefore = json(await H.request(H.actors.bankB, 'GET', `/v1/check/${tok('c1')}`));
      const head = (await H.platform.store.logHead()).size;
      // The list: c1, c3 (twice), c4, and three people nobody watches.
      const tokens = [
        ref('bank_card', 'c1'),
        ref('phone', 'c3'),
        ref('phone', 'c3'),
        ref('phone', 'c4'),
        ref('phone', 'x1'),
        ref('id_number', 'x2'),
        ref('bank_card', 'x3'),
      ];
      const res = await H.request(H.actors.police, 'POST', '/v1/exposures', upload({ tokens }));
      expect(res.statusCode).toBe(201);
      const answer = json<{ exposure: Exposure; repeat: boolean; log: { count: number } }>(res);
      expect(answer.repeat).toBe(false);
      // The uploader learns what it sent was taken, not how much of it some member watches
      // (one real identifier among made-up ones would tell whether that person is a
      // customer): no count, no token.
      expect(answer.exposure).toEqual({
        id: expect.any(Number),
        member: 'police-1',
        list: 'case-2026-0815-list-a',
        part: 0,
        seizedAt: '2026-11-20T00:00:00.000Z',
        tokens: 6,
        createdAt: expect.any(String),
      });
      for (const t of tokens) expect(JSON.stringify(answer)).not.toContain(t.token);

      // Each watcher, its own: bank-a c1 and c3, bank-b c4, the telecom c3; when seized.
      const after = async (actor: (typeof H.actors)['bankA'], had: Alert[]) =>
        (await alertsOf(actor))
          .slice(had.length)
          .map((a) => [a.source, a.kind, a.token, a.occurredAt]);
      const seized = '2026-11-20T00:00:00.000Z';
      expect(await after(H.actors.bankA, before.a)).toEqual([
        ['exposed', 'bank_card', tok('c1'), seized],
        ['exposed', 'phone', tok('c3'), seized],
      ]);
      expect(await after(H.actors.bankB, before.b)).toEqual([
        ['exposed', 'phone', tok('c4'), seized],
      ]);
      expect(await after(H.actors.telecom, before.t)).toEqual([
        ['exposed', 'phone', tok('c3'), seized],
      ]);

      // The log, in the platform's name: one entry, the upload's counts with who uploaded,
      // salted, committing to the alerts it raised; no token. Not the police's to read,
      // nor the watchers'.
      const size = (await H.platform.store.logHead()).size;
      const entries = (await H.platform.store.logEntries(head, size)).map(
        (t) => JSON.parse(t) as LogEntry,
      );
      expect(entries.map((e) => [e.kind, e.member, e.subject])).toEqual([
        ['exposure', 'platform', `exposure/${answer.exposure.id}`],
      ]);
      for (const actor of [H.actors.police, H.actors.bankA]) {
        const mine = json<{ records: { index: number }[] }>(
          await H.request(actor, 'GET', `/v1/me/records?start=${head}`),
        ).records;
        expect(mine).toEqual([]);
      }
      const entry = entries[0] as LogEntry;
      const [record] = await H.platform.store.auditRecords([{ ...entry, index: head }]);
      const served = record as { record: Record<string, unknown>; alerts: readonly AlertRecord[] };
      expect(served.record).toEqual({
        event: 'exposure',
        id: answer.exposure.id,
        police: 'police-1',
        list: 'case-2026-0815-list-a',
        part: 0,
        seizedAt: seized,
        tokens: 6,
        matched: 3,
        alerts: { bank: 3, payment: 0, telecom: 1, internet: 0 },
        salt: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
        alertsDigest: alertsDigest(String(served.record.salt), served.alerts),
      });
      // The four alerts, each its watcher's, are what the record commits to, and what an
      // auditor recomputes the entry's digest from.
      expect(served.alerts.map((a) => [a.member, a.token]).sort()).toEqual(
        [
          ['bank-a', tok('c1')],
          ['bank-a', tok('c3')],
          ['bank-b', tok('c4')],
          ['telecom-a', tok('c3')],
        ].sort(),
      );
      expect(recordDigestOf(entry, record as AuditRecord)).toEqual({ digest: entry.digest });
      expect(JSON.stringify(record)).not.toContain(tok('x1'));
      expect((await H.platform.store.auditCounts()).exposures).toBe(1);

      // The listed are likely victims, not suspects: checks answer as before, and the
      // tokens nobody watches are kept nowhere.
      expect(json(await H.request(H.actors.bankB, 'GET', `/v1/check/${tok('c1')}`))).toMatchObject({
        verdict: (checkBefore as { verdict: string }).verdict,
      });
      if (name === 'SQLite') {
        // The store's bytes (the database and its write-ahead log): the watched tokens are
        // there (watchlists, alerts), the rest of the list nowhere.
        const db = join(dirname(H.keyFile), 'platform.sqlite');
        const bytes = [db, `${db}-wal`]
          .filter((f) => existsSync(f))
          .map((f) => readFileSync(f).toString('latin1'))
          .join('');
        expect(bytes).toContain(tok('c4'));
        for (const n of ['x1', 'x2', 'x3']) expect(bytes).not.toContain(tok(n));
      }

      // Read back: the operator and auditors every one, with its counts; the police their
      // own, without.
      const counted = {
        ...answer.exposure,
        matched: 3,
        alerts: { bank: 3, telecom: 1, payment: 0, internet: 0 },
      };
      for (const actor of [H.actors.auditor, H.actors.operator])
        expect(
          json<{ exposures: Exposure[] }>(await H.request(actor, 'GET', '/v1/exposures')).exposures,
        ).toEqual([counted]);
      expect(
        json<{ exposures: Exposure[] }>(await H.request(H.actors.police, 'GET', '/v1/exposures'))
          .exposures,
      ).toEqual([answer.exposure]);

      // The same part again (a retry): answered as it was, nothing raised or logged again.
      const again = await H.request(H.actors.police, 'POST', '/v1/exposures', upload({ tokens }));
      expect(again.statusCode).toBe(200);
      expect(json<{ repeat: boolean; exposure: Exposure }>(again)).toMatchObject({
        repeat: true,
        exposure: answer.exposure,
      });
      expect((await H.platform.store.logHead()).size).toBe(size);
      expect(await after(H.actors.bankA, before.a)).toHaveLength(2);
    });

    it('shows its uploader nothing that depends on whether a listed person is watched', async () => {
      const H = await setUp();
      // A police member pads a list with made-up identifiers around one real one: c4,
      // which bank-b watches, or someone nobody watches. What it can see of the two
      // uploads (its answer, its uploads, the change sequence, the log's entries and their
      // digests) must not tell them apart.
      const seen = async (list: string, real: string) => {
        const tokens = [...Array.from({ length: 20 }, (_, i) => ref('phone', `${list}-${i}`))];
        tokens.splice(7, 0, ref('phone', real));
        const head = (await H.platform.store.logHead()).size;
        // The change sequence, which the answer to any member's next write names.
        const sequence = () => H.platform.store.currentSeq();
        const sequenceBefore = await sequence();
        const res = await H.request(
          H.actors.police,
          'POST',
          '/v1/exposures',
          upload({ list, tokens }),
        );
        const answer = json<{ exposure: Record<string, unknown>; log: Record<string, unknown> }>(
          res,
        );
        const size = (await H.platform.store.logHead()).size;
        const entries = (await H.platform.store.logEntries(head, size)).map(
          (t) => JSON.parse(t) as LogEntry,
        );
        const own = json<{ exposures: Record<string, unknown>[] }>(
          await H.request(H.actors.police, 'GET', '/v1/exposures'),
        ).exposures.at(-1);
        const { id, list: _list, createdAt, ...exposure } = answer.exposure;
        return {
          view: {
            status: res.statusCode,
            answer: Object.keys(answer).sort(),
            exposure,
            receipt: Object.keys(answer.log).sort(),
            entries: answer.log.count,
            own: Object.keys(own ?? {}).sort(),
            logGrew: size - head,
            sequenceMoved: (await sequence()) - sequenceBefore,
            logged: entries.map((e) => [e.kind, e.member, e.subject.replace(String(id), 'N')]),
          },
          entry: { ...(entries[0] as LogEntry), index: head },
          id,
        };
      };
      // bank-b has a webhook: its alert is queued for delivery too.
      await H.platform.store.setWebhook('bank-b', 'https://bank-b.example/hook', 'n', 0);
      const watched = await seen('padded-a', 'c4');
      const unwatched = await seen('padded-b', 'nobody');
      expect(watched.view).toEqual(unwatched.view);
      expect(watched.view).toMatchObject({ status: 201, logGrew: 1, sequenceMoved: 1 });
      // bank-b was warned all the same.
      expect(
        json<{ alerts: Alert[] }>(await H.request(H.actors.bankB, 'GET', '/v1/alerts'))
          .alerts.filter((a) => a.source === 'exposed')
          .map((a) => a.token),
      ).toEqual([tok('c4')]);
      const queued = await H.platform.store.claimDeliveries(Date.now() + 86_400_000, 1000, 100);
      expect(queued.map((d) => [d.memberId, d.alert.source, d.alert.token])).toEqual([
        ['bank-b', 'exposed', tok('c4')],
      ]);

      // Nor can the uploader recompute the entry's digest from the counts it would guess
      // ("nothing matched"): only the record's salt, which auditors alone read, stands
      // between the guess and the digest.
      const [record] = await H.platform.store.auditRecords([unwatched.entry]);
      const served = (record as { record: { salt: string } }).record;
      const guess = {
        event: 'exposure',
        id: unwatched.id,
        police: 'police-1',
        list: 'padded-b',
        part: 0,
        seizedAt: '2026-11-20T00:00:00.000Z',
        tokens: 21,
        matched: 0,
        alerts: { bank: 0, payment: 0, telecom: 0, internet: 0 },
      };
      expect(recordDigest(guess)).not.toBe(unwatched.entry.digest);
      expect(recordDigest({ ...guess, salt: served.salt })).toBe(unwatched.entry.digest);
    });

    it('refuses abuse, naming the field; nothing changes', async () => {
      const H = await setUp();
      const first = await H.request(
        H.actors.police,
        'POST',
        '/v1/exposures',
        upload({ tokens: [ref('phone', 'c5')] }),
      );
      expect(first.statusCode).toBe(201);
      const state = async () => [
        (await H.platform.store.logHead()).size,
        json(await H.request(H.actors.telecom, 'GET', '/v1/alerts')),
        json(await H.request(H.actors.operator, 'GET', '/v1/exposures')),
      ];
      const before = await state();
      const tokens = [ref('phone', 'c3')];
      const refusals: [string, Record<string, unknown>, number, string, string?][] = [
        // Only the police upload: a bank, the operator, an auditor, nobody.
        ['bankA', upload({ tokens, list: 'l2' }), 403, 'role.forbidden'],
        ['operator', upload({ tokens, list: 'l2' }), 403, 'role.forbidden'],
        ['auditor', upload({ tokens, list: 'l2' }), 403, 'role.forbidden'],
        ['none', upload({ tokens, list: 'l2' }), 401, 'auth.missing'],
        // The same part of the same list with other tokens, or seized at another time.
        ['police', upload({ tokens }), 409, 'exposure.conflict', 'part'],
        [
          'police',
          upload({ tokens: [ref('phone', 'c5')], seizedAt: '2026-11-21T08:00:00+08:00' }),
          409,
          'exposure.conflict',
          'part',
        ],
        // Malformed: no tokens, a token that is not one, a date in 9999 or before 1990,
        // a list name that is not a ref, a part that is not a whole number, an extra field.
        ['police', upload({ tokens: [], list: 'l3' }), 400, 'request.invalid', 'tokens'],
        [
          'police',
          upload({ tokens: [{ kind: 'phone', token: '+8613800138000', keyId: 'k1' }], list: 'l3' }),
          400,
          'request.invalid',
          'tokens[0].token',
        ],
        [
          'police',
          upload({ tokens, list: 'l3', seizedAt: '9999-12-31T00:00:00Z' }),
          400,
          'request.invalid',
          'seizedAt',
        ],
        [
          'police',
          upload({ tokens, list: 'l3', seizedAt: '1989-12-31T00:00:00Z' }),
          400,
          'request.invalid',
          'seizedAt',
        ],
        ['police', upload({ tokens, list: '__proto__ list' }), 400, 'request.invalid', 'list'],
        ['police', upload({ tokens, list: 'l3', part: 1.5 }), 400, 'request.invalid', 'part'],
        ['police', upload({ tokens, list: 'l3', names: ['张三'] }), 400, 'request.invalid'],
      ];
      for (const [who, body, status, code, field] of refusals) {
        const actor = who === 'none' ? undefined : H.actors[who as 'police'];
        const res = await H.request(actor, 'POST', '/v1/exposures', body);
        expect([who, JSON.stringify(body).slice(0, 60), res.statusCode, json(res).code]).toEqual([
          who,
          JSON.stringify(body).slice(0, 60),
          status,
          code,
        ]);
        if (field !== undefined) expect(JSON.stringify(json(res).errors ?? [])).toContain(field);
        expect(JSON.stringify(json(res))).not.toContain('张三');
      }
      // Members may not read the uploads either.
      expect((await H.request(H.actors.bankA, 'GET', '/v1/exposures')).statusCode).toBe(403);
      expect(await state()).toEqual(before);
    });
  });
