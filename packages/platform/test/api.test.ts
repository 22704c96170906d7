import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { verifyEd25519 } from '@credence/core/signing/ed25519';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callLink, type Harness, harness, report, tok } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.close();
});

const json = <T = Record<string, unknown>>(r: { json: () => unknown }) => r.json() as T;
const reportCount = async () =>
  (await h.platform.store.listReports('bank-a', undefined, 10_000)).length;

describe('ingestion of signed batches', () => {
  it('accepts a signed batch and answers per item, idempotently by ref', async () => {
    const first = await h.reports(h.actors.bankA, [report('r1', [1, 2]), report('r2', [3])]);
    expect(first.statusCode).toBe(200);
    const body = json<{
      accepted: number;
      sequence: number;
      results: { ref: string; status: string; id: string }[];
    }>(first);
    expect(body).toMatchObject({ accepted: 2, duplicates: 0, conflicts: 0 });
    expect(body.results.map((r) => [r.ref, r.status])).toEqual([
      ['r1', 'accepted'],
      ['r2', 'accepted'],
    ]);
    const again = json<{
      results: { status: string; id: string; code?: string }[];
      sequence: number;
    }>(await h.reports(h.actors.bankA, [report('r1', [1, 2]), report('r2', [4])]));
    expect(again.results.map((r) => r.status)).toEqual(['duplicate', 'conflict']);
    expect(again.results[1]).toMatchObject({ code: 'item.conflict' });
    expect(again.results[0]?.id).toBe(body.results[0]?.id);
    expect(again.sequence).toBe(body.sequence);
  });

  it('treats a replayed signed batch as repeats: nothing changes', async () => {
    const batch = report('r1', [1]);
    // The same signed batch, byte for byte (a retry after a lost answer).
    const same = { batchId: 'fixed', createdAt: new Date().toISOString() };
    const signedOnce = await h.reports(h.actors.bankA, [batch], same);
    const replay = await h.reports(h.actors.bankA, [batch], same);
    expect(json(replay)).toMatchObject({
      accepted: 0,
      duplicates: 1,
      sequence: json<{ sequence: number }>(signedOnce).sequence,
    });
    expect(await reportCount()).toBe(1);
  });

  it.each([
    [
      'a signature by another key',
      (b: Record<string, unknown>) => ({ ...b, signature: `${'A'.repeat(85)}Q` }),
      400,
      'batch.signature_invalid',
      'signature',
    ],
    [
      'a changed item',
      (b: { batch: { reports: unknown[] } }) => ({
        ...b,
        batch: { ...b.batch, reports: [report('r1', [9])] },
      }),
      400,
      'batch.signature_invalid',
      'signature',
    ],
    [
      'an unregistered key',
      (b: Record<string, unknown>) => ({
        ...b,
        publicKey: tok('unregistered').replace(/^t0/, 'AB'),
      }),
      400,
      'batch.unknown_key',
      'publicKey',
    ],
  ])('refuses %s', async (_, tamper, status, code, field) => {
    const good = await h.request(h.actors.bankA, 'GET', '/v1/me');
    expect(good.statusCode).toBe(200);
    const { signBatch } = await import('@credence/core/wire/batches');
    const { privateKeyFromJwk } = await import('@credence/core/signing/ed25519');
    const signed = signBatch(
      {
        member: 'bank-a',
        batchId: 'x',
        createdAt: new Date().toISOString(),
        reports: [report('r1', [1])],
      },
      privateKeyFromJwk(h.actors.bankA.key.privateJwk),
      h.actors.bankA.key.publicKey,
    );
    const res = await h.request(h.actors.bankA, 'POST', '/v1/reports', tamper(signed as never));
    expect(res.statusCode).toBe(status);
    expect(json(res)).toMatchObject({ code, errors: [{ field }] });
    expect(await reportCount()).toBe(0);
  });

  it('refuses a batch signed for another member, and a stale one', async () => {
    const other = await h.reports(h.actors.bankA, [report('r1', [1])], { member: 'bank-b' });
    expect(json(other)).toMatchObject({
      status: 403,
      code: 'batch.member_mismatch',
      errors: [{ field: 'batch.member' }],
    });
    const stale = await h.reports(h.actors.bankA, [report('r1', [1])], {
      createdAt: '2020-01-01T00:00:00Z',
    });
    expect(json(stale)).toMatchObject({
      status: 400,
      code: 'batch.stale',
      errors: [{ field: 'batch.createdAt' }],
    });
    expect(await reportCount()).toBe(0);
  });

  it.each([
    ['not JSON', '{"batch":', 'request.malformed_json', '(body)'],
    [
      'no signature',
      {
        batch: {
          member: 'bank-a',
          batchId: 'x',
          createdAt: '2026-11-25T00:00:00Z',
          reports: [report('r1', [1])],
        },
        publicKey: tok(1),
      },
      'request.invalid',
      'signature',
    ],
    [
      'a bad token',
      {
        batch: {
          member: 'bank-a',
          batchId: 'x',
          createdAt: '2026-11-25T00:00:00Z',
          reports: [
            {
              ...report('r1', [1]),
              entities: [
                { role: 'caller', kind: 'phone', token: 'raw+8613800138000', keyId: 'k1' },
              ],
            },
          ],
        },
        publicKey: tok(1),
        signature: 'A'.repeat(86),
      },
      'request.invalid',
      'batch.reports[0].entities[0].token',
    ],
    [
      'an unknown category',
      {
        batch: {
          member: 'bank-a',
          batchId: 'x',
          createdAt: '2026-11-25T00:00:00Z',
          reports: [{ ...report('r1', [1]), category: 'gossip' }],
        },
        publicKey: tok(1),
        signature: 'A'.repeat(86),
      },
      'request.invalid',
      'batch.reports[0].category',
    ],
    [
      'a narrative',
      {
        batch: {
          member: 'bank-a',
          batchId: 'x',
          createdAt: '2026-11-25T00:00:00Z',
          reports: [{ ...report('r1', [1]), narrative: 'he said' }],
        },
        publicKey: tok(1),
        signature: 'A'.repeat(86),
      },
      'request.invalid',
      'batch.reports[0].narrative',
    ],
    [
      'a report that happened in the 13th month',
      {
        batch: {
          member: 'bank-a',
          batchId: 'x',
          createdAt: '2026-11-25T00:00:00Z',
          reports: [{ ...report('r1', [1]), occurredAt: '2026-13-01T00:00:00Z' }],
        },
        publicKey: tok(1),
        signature: 'A'.repeat(86),
      },
      'request.invalid',
      'batch.reports[0].occurredAt',
    ],
    [
      '5,001 reports',
      {
        batch: {
          member: 'bank-a',
          batchId: 'x',
          createdAt: '2026-11-25T00:00:00Z',
          reports: Array.from({ length: 5001 }, (_, i) => report(`r${i}`, [i])),
        },
        publicKey: tok(1),
        signature: 'A'.repeat(86),
      },
      'request.invalid',
      'batch.reports',
    ],
  ])(
    'refuses %s with a 4xx naming the field, and changes nothing',
    async (_, body, code, field) => {
      const res = await h.request(h.actors.bankA, 'POST', '/v1/reports', body);
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(json(res)).toMatchObject({ code });
      expect(json<{ errors: { field: string }[] }>(res).errors.map((e) => e.field)).toContain(
        field,
      );
      expect(await reportCount()).toBe(0);
    },
  );
});

describe('the times of reports and links (wire/date-time, the rule the member applies too)', () => {
  const hourAhead = () => new Date(Date.now() + 3600_000).toISOString();
  it.each([
    ['the end of time', () => '9999-12-31T23:59:59Z'],
    ['an hour ahead of the clock', hourAhead],
    ['30 February', () => '2026-02-30T10:00:00Z'],
    ['hour 24', () => '2026-11-20T24:00:00Z'],
    ['1989', () => '1989-06-01T00:00:00Z'],
  ])('refuses a report that happened at %s, naming it, and changes nothing', async (_, time) => {
    const seq = await h.platform.store.currentSeq();
    const res = await h.reports(h.actors.bankA, [
      report('r1', [1]),
      report('r2', [2], { occurredAt: time() }),
    ]);
    expect(res.statusCode).toBe(400);
    expect(json(res)).toMatchObject({
      code: 'request.invalid',
      errors: [{ field: 'batch.reports[1].occurredAt' }],
    });
    expect(await reportCount()).toBe(0);
    const link = await h.links(h.actors.bankA, [callLink(1, 2), { ...callLink(2, 3), at: time() }]);
    expect(link.statusCode).toBe(400);
    expect(json(link)).toMatchObject({
      code: 'request.invalid',
      errors: [{ field: 'batch.links[1].at' }],
    });
    // Nothing was written: no change in the platform's sequence.
    expect(await h.platform.store.currentSeq()).toBe(seq);
  });

  it('refuses a batch signed on a day that does not exist', async () => {
    const res = await h.reports(h.actors.bankA, [report('r1', [1])], {
      createdAt: '2026-02-30T10:00:00Z',
    });
    // Not stale (Date.parse would read it as 2 March): not a date at all.
    expect(json(res)).toMatchObject({
      status: 400,
      code: 'request.invalid',
      errors: [{ field: 'batch.createdAt' }],
    });
    expect(await reportCount()).toBe(0);
  });

  it('takes a time within the clock skew, and an offset', async () => {
    const soon = new Date(Date.now() + 60_000).toISOString();
    const res = await h.reports(h.actors.bankA, [
      report('r1', [1], { occurredAt: soon }),
      report('r2', [2], { occurredAt: '2024-02-29T23:30:00+08:00' }),
    ]);
    expect(json(res)).toMatchObject({ accepted: 2 });
    const [, leap] = (await h.platform.store.listReports('bank-a', undefined, 10)).sort((a, b) =>
      a.ref.localeCompare(b.ref),
    );
    expect(leap?.occurredAt).toBe(Date.UTC(2024, 1, 29, 15, 30));
  });
});

describe('risk checks', () => {
  it('answers clear for a token nobody reported, and scores reported ones by distinct members', async () => {
    const clear = json(await h.request(h.actors.bankA, 'GET', `/v1/check/${tok(99)}`));
    expect(clear).toMatchObject({
      verdict: 'clear',
      score: 0,
      reporters: 0,
      ring: null,
      firstSeen: null,
      policyVersion: 0,
    });
    await h.reports(h.actors.bankA, [report('r1', [1]), report('r2', [1], { type: 'suspected' })]);
    const one = json<{
      verdict: string;
      score: number;
      reporters: number;
      reports: Record<string, number>;
    }>(await h.request(h.actors.bankB, 'GET', `/v1/check/${tok(1)}`));
    expect(one.reporters).toBe(1);
    expect(one.reports).toMatchObject({ victim_report: 1, suspected: 1 });
    expect(one.verdict).toBe('suspicious');
    await h.reports(h.actors.police, [report('t1', [1], { type: 'police_confirmed' })]);
    const two = json<{
      verdict: string;
      score: number;
      reporters: number;
      explanation: string;
      categories: string[];
    }>(
      await h
        .request(h.actors.police, 'POST', '/v1/check', { tokens: [tok(1), tok(99)] })
        .then((r) => ({ json: () => (r.json() as { results: unknown[] }).results[0] })),
    );
    expect(two.reporters).toBe(2);
    expect(two.verdict).toBe('fraud');
    expect(two.score).toBeGreaterThan(one.score);
    expect(two.categories).toEqual(['impersonate_authority']);
    expect(two.explanation).toContain('Reported by 2 members');
    for (const id of ['bank-a', 'police-1']) expect(JSON.stringify(two)).not.toContain(id);
  });

  it('takes police_confirmed from police members only, refusing the whole batch otherwise', async () => {
    const before = await h.platform.store.logHead();
    const refused = await h.reports(h.actors.bankA, [
      report('ok-1', [7]),
      report('told-by-police', [8], { type: 'police_confirmed' }),
    ]);
    expect(refused.statusCode).toBe(403);
    expect(json(refused)).toMatchObject({
      code: 'role.forbidden',
      errors: [{ field: 'batch.reports[1].type' }],
    });
    // Nothing of the batch was kept, the good report included.
    expect((await h.platform.store.logHead()).size).toBe(before.size);
    expect(json(await h.request(h.actors.bankB, 'GET', `/v1/check/${tok(7)}`))).toMatchObject({
      verdict: 'clear',
    });
    // The bank reports the case as confirmed fraud; the police, as police-confirmed.
    expect(
      (
        await h.reports(h.actors.bankA, [
          report('told-by-police', [8], { type: 'confirmed_fraud' }),
        ])
      ).statusCode,
    ).toBe(200);
    expect(
      (await h.reports(h.actors.police, [report('case-8', [8], { type: 'police_confirmed' })]))
        .statusCode,
    ).toBe(200);
  });

  it('takes reports from the police, as from members', async () => {
    const sent = await h.reports(h.actors.police, [
      report('case-1', [4], { type: 'police_confirmed' }),
    ]);
    expect(sent.statusCode, sent.body).toBe(200);
    expect(json(sent)).toMatchObject({ results: [{ status: 'accepted' }] });
    // One police confirmation alone answers fraud.
    expect(json(await h.request(h.actors.bankB, 'GET', `/v1/check/${tok(4)}`))).toMatchObject({
      verdict: 'fraud',
      reporters: 1,
      reports: { police_confirmed: 1 },
    });
    expect(
      json<{ reports: unknown[] }>(await h.request(h.actors.police, 'GET', '/v1/reports')).reports,
    ).toHaveLength(1);
    // Its own reports only: a bank's are not the police's to read.
    expect(
      json<{ reports: unknown[] }>(await h.request(h.actors.bankA, 'GET', '/v1/reports')).reports,
    ).toHaveLength(0);
  });

  it('takes a retraction into account at once', async () => {
    const r = json<{ results: { id: string }[] }>(
      await h.reports(h.actors.police, [report('r1', [1], { type: 'police_confirmed' })]),
    );
    expect(json(await h.request(h.actors.bankB, 'GET', `/v1/check/${tok(1)}`))).toMatchObject({
      verdict: 'fraud',
    });
    const retract = await h.request(
      h.actors.police,
      'POST',
      `/v1/reports/${r.results[0]?.id}/retract`,
      { reason: 'false_positive' },
    );
    expect(retract.statusCode).toBe(200);
    expect(json(await h.request(h.actors.bankB, 'GET', `/v1/check/${tok(1)}`))).toMatchObject({
      verdict: 'clear',
      reporters: 0,
    });
    const again = await h.request(
      h.actors.police,
      'POST',
      `/v1/reports/${r.results[0]?.id}/retract`,
      { reason: 'false_positive' },
    );
    expect(json(again)).toMatchObject({ status: 409, code: 'report.already_retracted' });
  });

  it("finds one of the member's own reports by its ref, and never another's", async () => {
    const r = json<{ results: { id: string }[] }>(
      await h.reports(h.actors.bankA, [report('r1', [1]), report('r2', [2])]),
    );
    const byRef = (actor: typeof h.actors.bankA, ref: string) =>
      h.request(actor, 'GET', `/v1/reports?ref=${encodeURIComponent(ref)}`);
    const found = json<{ reports: { id: string; ref: string }[]; next: null }>(
      await byRef(h.actors.bankA, 'r2'),
    );
    expect(found.reports.map((x) => [x.id, x.ref])).toEqual([[r.results[1]?.id, 'r2']]);
    expect(found.next).toBeNull();
    expect(json(await byRef(h.actors.bankB, 'r2'))).toEqual({ reports: [], next: null });
    expect(json(await byRef(h.actors.bankA, 'r9'))).toEqual({ reports: [], next: null });
    const bad = await byRef(h.actors.bankA, 'r 2');
    expect(bad.statusCode).toBe(400);
    expect(json(bad)).toMatchObject({ code: 'request.invalid' });
  });

  it('follows the policy the operator sets', async () => {
    await h.reports(h.actors.bankA, [report('r1', [1], { type: 'suspected' })]);
    expect(json(await h.request(h.actors.bankB, 'GET', `/v1/check/${tok(1)}`))).toMatchObject({
      verdict: 'clear',
      policyVersion: 0,
    });
    const policy = json<{ policy: { weights: Record<string, number> } }>(
      await h.request(h.actors.bankB, 'GET', '/v1/policy'),
    ).policy;
    const stricter = { ...policy, weights: { ...policy.weights, suspected: 0.6 } };
    expect(json(await h.request(h.actors.bankA, 'PUT', '/v1/policy', stricter))).toMatchObject({
      status: 403,
      code: 'role.forbidden',
    });
    // One member's report alone never makes fraud (issue 12): a weight at or above the
    // fraud threshold is refused, and nothing changes.
    const brandsAlone = { ...policy, weights: { ...policy.weights, suspected: 0.9 } };
    expect(
      json(await h.request(h.actors.operator, 'PUT', '/v1/policy', brandsAlone)),
    ).toMatchObject({
      status: 400,
      code: 'policy.invalid',
      errors: [{ field: 'weights.suspected' }],
    });
    expect(json(await h.request(h.actors.operator, 'PUT', '/v1/policy', stricter))).toEqual({
      version: 1,
    });
    expect(json(await h.request(h.actors.bankB, 'GET', `/v1/check/${tok(1)}`))).toMatchObject({
      verdict: 'suspicious',
      policyVersion: 1,
    });
    const bad = await h.request(h.actors.operator, 'PUT', '/v1/policy', {
      ...stricter,
      thresholds: { suspicious: 0.9, fraud: 0.1 },
    });
    expect(json(bad)).toMatchObject({
      status: 400,
      code: 'policy.invalid',
      errors: [{ field: 'thresholds.fraud' }],
    });
  });

  it('refuses more than 1,000 tokens and malformed tokens', async () => {
    const many = await h.request(h.actors.bankA, 'POST', '/v1/check', {
      tokens: Array.from({ length: 1001 }, (_, i) => tok(i)),
    });
    expect(json(many)).toMatchObject({ status: 400, errors: [{ field: 'tokens' }] });
    expect((await h.request(h.actors.bankA, 'GET', '/v1/check/not-a-token')).statusCode).toBe(400);
  });
});

describe("the role matrix: each endpoint, each role, and another member's data", () => {
  type Who = 'operator' | 'bankA' | 'telecom' | 'police' | 'auditor' | 'keyserver' | 'none';
  const WHO: Who[] = ['operator', 'bankA', 'telecom', 'police', 'auditor', 'keyserver', 'none'];
  const endpoints: [string, string, () => unknown, Who[]][] = [
    ['GET', '/v1/me', () => undefined, ['operator', 'bankA', 'telecom', 'police', 'auditor']],

    ['GET', '/v1/policy', () => undefined, ['operator', 'bankA', 'telecom', 'police', 'auditor']],
    ['POST', '/v1/analysis', () => undefined, ['operator']],
    ['GET', '/v1/analysis', () => undefined, ['operator', 'bankA', 'telecom', 'police', 'auditor']],
    ['GET', '/v1/rings', () => undefined, ['operator', 'bankA', 'telecom', 'police', 'auditor']],
    ['GET', `/v1/check/${tok(1)}`, () => undefined, ['bankA', 'telecom', 'police']],
    ['POST', '/v1/check', () => ({ tokens: [tok(1)] }), ['bankA', 'telecom', 'police']],
    ['GET', '/v1/reports', () => undefined, ['bankA', 'telecom', 'police']],
    ['GET', '/v1/watchlist', () => undefined, ['bankA', 'telecom']],
    [
      'PUT',
      '/v1/watchlist',
      () => ({ tokens: [{ kind: 'phone', token: tok(5), keyId: 'k1' }] }),
      ['bankA', 'telecom'],
    ],
    ['GET', '/v1/alerts', () => undefined, ['bankA', 'telecom']],
    ['GET', '/v1/webhook', () => undefined, ['bankA', 'telecom']],
    ['GET', '/v1/members', () => undefined, ['operator']],
    ['POST', '/v1/members/bank-b/disable', () => ({}), ['operator']],
    ['POST', '/v1/members/keyserver-1/share', () => ({ shareIndex: 1 }), ['operator']],
    ['GET', '/v1/log/key', () => undefined, ['operator', 'bankA', 'telecom', 'police', 'auditor']],
    [
      'GET',
      '/v1/log/checkpoint',
      () => undefined,
      ['operator', 'bankA', 'telecom', 'police', 'auditor'],
    ],
    [
      'GET',
      '/v1/log/entries?start=0',
      () => undefined,
      ['operator', 'bankA', 'telecom', 'police', 'auditor'],
    ],
    [
      'GET',
      '/v1/log/proof/inclusion?index=0&size=1',
      () => undefined,
      ['operator', 'bankA', 'telecom', 'police', 'auditor'],
    ],
    ['GET', '/v1/audit/entries?start=0', () => undefined, ['operator', 'auditor']],
    ['GET', '/v1/audit/counts', () => undefined, ['operator', 'auditor']],
    ['GET', '/v1/audit/state/members', () => undefined, ['operator', 'auditor']],
    ['GET', '/v1/audit/state/token-stats?limit=10', () => undefined, ['operator', 'auditor']],
    ['GET', '/v1/me/keys', () => undefined, ['bankA', 'telecom', 'police']],
    [
      'GET',
      '/v1/me/records?start=0',
      () => undefined,
      ['operator', 'bankA', 'telecom', 'police', 'auditor'],
    ],
    [
      'POST',
      '/v1/log/oprf-usage',
      () => ({ keyId: 'k1', shareIndex: 1, day: '2026-11-20', counts: [] }),
      ['keyserver'],
    ],
  ];
  for (const [method, url, body, allowed] of endpoints) {
    it(`${method} ${url}`, async () => {
      // There is an analysis to read once one has run.
      if (method === 'GET' && url === '/v1/analysis')
        await h.request(h.actors.operator, 'POST', '/v1/analysis');
      for (const who of WHO) {
        const res = await h.request(
          who === 'none' ? undefined : h.actors[who],
          method,
          url,
          body(),
        );
        const expected = who === 'none' ? 401 : allowed.includes(who) ? 200 : 403;
        expect(res.statusCode, `${who}: ${res.body}`).toBe(expected);
        if (who === 'operator' && url.endsWith('/disable'))
          await h.request(h.actors.operator, 'POST', '/v1/members/bank-b/enable', {});
      }
    });
  }

  it("never shows one member another member's reports, watchlist or alerts", async () => {
    const r = json<{ results: { id: string }[] }>(
      await h.reports(h.actors.bankA, [report('r1', [1])]),
    );
    const id = r.results[0]?.id as string;
    expect((await h.request(h.actors.bankB, 'GET', `/v1/reports/${id}`)).statusCode).toBe(404);
    expect(
      (await h.request(h.actors.bankB, 'POST', `/v1/reports/${id}/retract`, { reason: 'other' }))
        .statusCode,
    ).toBe(404);
    expect(
      json<{ reports: unknown[] }>(await h.request(h.actors.bankB, 'GET', '/v1/reports')).reports,
    ).toEqual([]);
    await h.request(h.actors.bankA, 'PUT', '/v1/watchlist', {
      tokens: [{ kind: 'phone', token: tok(7), keyId: 'k1' }],
    });
    expect(
      json<{ tokens: unknown[] }>(await h.request(h.actors.bankB, 'GET', '/v1/watchlist')).tokens,
    ).toEqual([]);
    await h.reports(h.actors.telecom, [report('t1', [7])]);
    expect(
      json<{ alerts: unknown[] }>(await h.request(h.actors.bankA, 'GET', '/v1/alerts')).alerts,
    ).toHaveLength(1);
    expect(
      json<{ alerts: unknown[] }>(await h.request(h.actors.bankB, 'GET', '/v1/alerts')).alerts,
    ).toEqual([]);
  });

  it('enrols a key server with its share, one key server per share, and no share for others', async () => {
    const add = (body: Record<string, unknown>) =>
      h.request(h.actors.operator, 'POST', '/v1/members', body);
    const added = await add({ id: 'keyserver-2', type: 'keyserver', shareIndex: 2 });
    expect(added.statusCode).toBe(201);
    expect(json(added)).toMatchObject({ member: { id: 'keyserver-2', shareIndex: 2 } });
    const listed = json<{ members: { id: string; shareIndex?: number }[] }>(
      await h.request(h.actors.operator, 'GET', '/v1/members'),
    ).members;
    expect(listed.filter((m) => m.shareIndex !== undefined)).toEqual([
      expect.objectContaining({ id: 'keyserver-1', shareIndex: 1 }),
      expect.objectContaining({ id: 'keyserver-2', shareIndex: 2 }),
    ]);
    for (const [body, status, code] of [
      [{ id: 'keyserver-3', type: 'keyserver', shareIndex: 1 }, 409, 'member.share_taken'],
      [{ id: 'bank-c', type: 'bank', shareIndex: 3 }, 400, 'request.invalid'],
      [{ id: 'keyserver-3', type: 'keyserver', shareIndex: 0 }, 400, 'request.invalid'],
    ] as const) {
      const res = await add(body);
      expect(res.statusCode, res.body).toBe(status);
      expect(json(res)).toMatchObject({ code, errors: [{ field: 'shareIndex' }] });
    }
    // Nothing of the refused ones was made.
    expect(listed.length).toBe(
      json<{ members: unknown[] }>(await h.request(h.actors.operator, 'GET', '/v1/members')).members
        .length,
    );
    const bind = (id: string, shareIndex: number) =>
      h.request(h.actors.operator, 'POST', `/v1/members/${id}/share`, { shareIndex });
    expect(json(await bind('keyserver-2', 1))).toMatchObject({ code: 'member.share_taken' });
    expect(json(await bind('bank-a', 3))).toMatchObject({ errors: [{ field: 'shareIndex' }] });
    expect((await bind('nobody', 3)).statusCode).toBe(404);
    expect(json(await bind('keyserver-2', 3))).toEqual({ shareIndex: 3 });
  });

  it('enrols a member once when the operator asks several times at once, and a refused enrolment leaves nothing', async () => {
    const add = (body: Record<string, unknown>) =>
      h.request(h.actors.operator, 'POST', '/v1/members', body);
    const listed = async () =>
      json<{ members: { id: string }[] }>(await h.request(h.actors.operator, 'GET', '/v1/members'))
        .members;
    const before = (await listed()).length;
    const same = await Promise.all(
      Array.from({ length: 6 }, () => add({ id: 'bank-race', type: 'bank' })),
    );
    expect(same.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    for (const r of same.filter((x) => x.statusCode === 409))
      expect(json(r)).toMatchObject({ code: 'member.exists' });
    // Two key servers asking for one share at once: one is enrolled, the other is refused
    // and not made at all (not a member without its share).
    const share = await Promise.all([
      add({ id: 'keyserver-7', type: 'keyserver', shareIndex: 7 }),
      add({ id: 'keyserver-8', type: 'keyserver', shareIndex: 7 }),
    ]);
    expect(share.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    const refused = share.find((r) => r.statusCode === 409);
    expect(json(refused as NonNullable<typeof refused>)).toMatchObject({
      code: 'member.share_taken',
      errors: [{ field: 'shareIndex' }],
    });
    expect((await listed()).length).toBe(before + 2);
    // The one credential issued for the raced member works; it has exactly one.
    const made = same.find((r) => r.statusCode === 201);
    const { credential } = json<{ credential: string }>(made as NonNullable<typeof made>);
    const me = await h.request({ ...h.actors.bankA, credential }, 'GET', '/v1/me');
    expect(json(me)).toMatchObject({ id: 'bank-race' });
  });

  it('stops a disabled member at once', async () => {
    expect(
      (await h.request(h.actors.operator, 'POST', '/v1/members/bank-b/disable', {})).statusCode,
    ).toBe(200);
    expect(json(await h.request(h.actors.bankB, 'GET', '/v1/me'))).toMatchObject({
      status: 401,
      code: 'auth.invalid',
    });
  });
});

describe('watchlists and alerts', () => {
  it("alerts a member when another member's report or link touches a watched token, never naming who", async () => {
    await h.request(h.actors.bankB, 'PUT', '/v1/watchlist', {
      tokens: [
        { kind: 'phone', token: tok(1), keyId: 'k1' },
        { kind: 'phone', token: tok(5), keyId: 'k1' },
      ],
    });
    await h.reports(h.actors.bankB, [report('own', [1])]);
    expect(
      json<{ alerts: unknown[] }>(await h.request(h.actors.bankB, 'GET', '/v1/alerts')).alerts,
    ).toEqual([]);
    const r = json<{ alerts: number }>(
      await h.reports(h.actors.bankA, [report('r1', [1], { type: 'confirmed_fraud' })]),
    );
    expect(r.alerts).toBe(1);
    const first = json<{
      alerts: { cursor: string; token: string; source: string; reportType: string }[];
      next: string;
    }>(await h.request(h.actors.bankB, 'GET', '/v1/alerts'));
    expect(first.alerts).toEqual([
      expect.objectContaining({
        token: tok(1),
        source: 'report',
        reportType: 'confirmed_fraud',
        kind: 'phone',
      }),
    ]);
    expect(JSON.stringify(first)).not.toContain('bank-a');
    await h.links(h.actors.telecom, [callLink(5, 6)]);
    const next = json<{ alerts: { token: string; source: string; linkType: string }[] }>(
      await h.request(h.actors.bankB, 'GET', `/v1/alerts?after=${first.next}`),
    );
    expect(next.alerts).toEqual([
      expect.objectContaining({ token: tok(5), source: 'link', linkType: 'call' }),
    ]);
  });

  it('streams alerts as server-sent events', async () => {
    await h.request(h.actors.bankB, 'PUT', '/v1/watchlist', {
      tokens: [{ kind: 'phone', token: tok(1), keyId: 'k1' }],
    });
    const url = await h.platform.app.listen({ host: '127.0.0.1', port: 0 });
    const controller = new AbortController();
    const response = await fetch(`${url}/v1/alerts/stream`, {
      headers: { authorization: `Bearer ${h.actors.bankB.credential}` },
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await h.reports(h.actors.bankA, [report('r1', [1])]);
    let text = '';
    while (!text.includes('event: alert'))
      text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toMatch(/id: \d+\.\d+\nevent: alert\ndata: \{.*"token":"t0+1"/);
    controller.abort();
  });

  it('delivers alerts to webhooks, signed by the platform, with an idempotency key, retrying failures', async () => {
    const clock = { now: Date.now() + 60_000 }; // after the alert is queued
    await h.close();
    // A receiver on loopback, which only an operator's allowance opens to webhooks.
    h = await harness({ clock: () => clock.now, config: { webhookAllow: ['127.0.0.1/32'] } });
    const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
    let fail = true;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.statusCode = fail ? 500 : 200;
        fail = false;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      await h.request(h.actors.bankB, 'PUT', '/v1/webhook', {
        url: `http://127.0.0.1:${port}/hook`,
      });
      await h.request(h.actors.bankB, 'PUT', '/v1/watchlist', {
        tokens: [{ kind: 'phone', token: tok(1), keyId: 'k1' }],
      });
      await h.reports(h.actors.bankA, [report('r1', [1])]);
      const dispatcher = h.platform.webhooks;
      const key = h.platform.publicKey;
      expect(await dispatcher.tick()).toBe(0); // the first attempt fails (500)
      clock.now += 10_000;
      expect(await dispatcher.tick()).toBe(1);
      expect(await dispatcher.tick()).toBe(0);
      expect(received).toHaveLength(2);
      const [a, b] = received;
      expect(a?.headers['idempotency-key']).toBe(b?.headers['idempotency-key']);
      const signature = String(b?.headers['credence-signature']);
      const m = /^t=(\d+),ed25519=([A-Za-z0-9_-]+)$/.exec(signature);
      expect(m).not.toBeNull();
      expect(
        verifyEd25519(key, new TextEncoder().encode(`${m?.[1]}.${b?.body}`), m?.[2] ?? ''),
      ).toBe(true);
      expect(JSON.parse(b?.body ?? '{}')).toMatchObject({ token: tok(1), source: 'report' });
    } finally {
      server.close();
    }
  });
});

describe('operations', () => {
  it('declares the answer of every route, so that only what is declared leaves', async () => {
    const spec = json<{ paths: Record<string, Record<string, { responses?: object }>> }>(
      await h.request(undefined, 'GET', '/v1/openapi.json'),
    );
    // Text and event streams are not JSON: their answers are not serialized by a schema.
    const notJson = new Set(['get /v1/log/checkpoint', 'get /v1/alerts/stream']);
    const undeclared = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([method]) => !notJson.has(`${method} ${path}`))
        .filter(([, op]) => !Object.keys(op.responses ?? {}).some((code) => /^2\d\d$/.test(code)))
        .map(([method]) => `${method} ${path}`),
    );
    expect(undeclared).toEqual([]);
  });

  it('serves OpenAPI 3.1, health and metrics', async () => {
    const spec = json<{ openapi: string; paths: Record<string, unknown> }>(
      await h.request(undefined, 'GET', '/v1/openapi.json'),
    );
    expect(spec.openapi).toBe('3.1.0');
    for (const path of [
      '/v1/reports',
      '/v1/links',
      '/v1/check',
      '/v1/check/{token}',
      '/v1/watchlist',
      '/v1/alerts',
      '/v1/members',
    ])
      expect(Object.keys(spec.paths)).toContain(path);
    expect(json(await h.request(undefined, 'GET', '/healthz'))).toMatchObject({ status: 'ok' });
    await h.request(h.actors.bankA, 'GET', `/v1/check/${tok(1)}`);
    const metrics = (await h.request(undefined, 'GET', '/metrics')).body;
    expect(metrics).toContain('credence_checks_total{verdict="clear"} 1');
    expect(metrics).not.toContain(tok(1));
  });

  it('keeps credentials and tokens out of the logs', async () => {
    await h.close();
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _e, done) {
        lines.push(String(chunk));
        done();
      },
    });
    h = await harness({ logger: { level: 'info', stream } });
    await h.reports(h.actors.bankA, [report('r1', [1])]);
    await h.request(h.actors.bankA, 'GET', `/v1/check/${tok(1)}`);
    await h.request(h.actors.bankA, 'POST', '/v1/reports', '{"broken":');
    await h.request({ ...h.actors.bankA, credential: 'no-such-key' }, 'GET', `/v1/check/${tok(1)}`);
    const log = lines.join('');
    // Refusals are logged by route template; the URL (with its token) never is.
    expect(log).toContain('"route":"/v1/reports","status":400');
    expect(log).toContain('"route":"/v1/check/:token","status":401');
    expect(log).not.toContain(tok(1));
    for (const secret of [...Object.values(h.actors).map((a) => a.credential), 'no-such-key'])
      expect(log).not.toContain(secret);
  });
});
