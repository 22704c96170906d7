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

/** Batches malformed one way each: what is wrong, the body, the code and the field named. */
const MALFORMED_BATCHES: [string, unknown, string, string][] = [
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
            entities: [{ role: 'caller', kind: 'phone', token: 'raw+8613800138000', keyId: 'k1' }],
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
];

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

  it.each(MALFORMED_BATCHES)(
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
