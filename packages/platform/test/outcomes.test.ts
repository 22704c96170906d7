import { decodeBase64url, encodeBase64url } from '@credence/core/encoding/base64url';
import type { LogEntry } from '@credence/core/log/entries';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckIds, summarizeOutcomes } from '../src/services/outcomes.js';
import { type Actor, type Harness, harness, report, tok } from './harness.js';

/** Outcomes (issue 17, docs/outcomes.md): what members did with answers and alerts, and the measures. */

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.close();
});

interface Answer {
  token: string;
  verdict: string;
  checkId: string;
}
interface Problem {
  code: string;
  errors?: { field: string; message: string }[];
}

const check = async (actor: Actor, n: number): Promise<Answer> =>
  (await h.request(actor, 'GET', `/v1/check/${tok(n)}`)).json() as Answer;

const send = (actor: Actor, outcomes: unknown[]) =>
  h.request(actor, 'POST', '/v1/outcomes', { outcomes });

const logSize = async () => (await h.platform.store.logHead()).size;

const inFiveMinutes = () => new Date(Date.now() + 3 * 60_000).toISOString();

describe('check ids', () => {
  const ids = new CheckIds(new Uint8Array(32).fill(7));
  const answer = {
    token: tok(1),
    verdict: 'fraud' as const,
    basis: { checkedAt: 1_764_000_000_123 },
  };

  it('open only for the member that was answered, about that token, as made', () => {
    const id = ids.make('bank-a', answer);
    expect(id).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(ids.open('bank-a', tok(1), id)).toEqual({
      checkedAt: 1_764_000_000_123,
      verdict: 'fraud',
    });
    expect(ids.open('bank-b', tok(1), id)).toBeUndefined();
    expect(ids.open('bank-a', tok(2), id)).toBeUndefined();
    expect(new CheckIds(new Uint8Array(32).fill(8)).open('bank-a', tok(1), id)).toBeUndefined();
  });

  it('refuses an id whose verdict or time was changed, and any that is not an id', () => {
    const bytes = decodeBase64url(ids.make('bank-a', answer)) as Uint8Array;
    for (const at of [7, 6]) {
      const changed = bytes.slice();
      changed[at] = (changed[at] as number) ^ 1;
      expect(ids.open('bank-a', tok(1), encodeBase64url(changed))).toBeUndefined();
    }
    for (const junk of ['', 'x', '!'.repeat(32), encodeBase64url(new Uint8Array(24))])
      expect(ids.open('bank-a', tok(1), junk)).toBeUndefined();
  });
});

describe('POST /v1/outcomes', () => {
  it('records an outcome against the answer it followed, logs it, and takes a repeat as a duplicate', async () => {
    await h.reports(h.actors.police, [report('p1', [1], { type: 'police_confirmed' })]);
    const answer = await check(h.actors.bankA, 1);
    expect(answer.verdict).toBe('fraud');
    expect(answer.checkId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const before = await logSize();
    const res = await send(h.actors.bankA, [
      { token: tok(1), outcome: 'account_frozen', checkId: answer.checkId },
      { token: tok(1), outcome: 'payment_held', checkId: answer.checkId, amount: '10k-100k' },
    ]);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      results: [
        { index: 0, status: 'recorded', id: 1 },
        { index: 1, status: 'recorded', id: 2 },
      ],
    });
    expect(await logSize()).toBe(before + 2);
    const entries = (
      (await h.request(h.actors.auditor, 'GET', `/v1/log/entries?start=${before}`)).json() as {
        entries: string[];
      }
    ).entries.map((e) => JSON.parse(e) as LogEntry);
    expect(entries.map((e) => [e.kind, e.member, e.subject])).toEqual([
      ['outcome', 'bank-a', 'outcome/1'],
      ['outcome', 'bank-a', 'outcome/2'],
    ]);
    // What the member last said about the token, said again, is a duplicate; an earlier
    // word said again is its latest word now, and recorded.
    const again = await send(h.actors.bankA, [
      { token: tok(1), outcome: 'payment_held', checkId: answer.checkId, amount: '10k-100k' },
    ]);
    expect(again.json()).toEqual({ results: [{ index: 0, status: 'duplicate', id: 2 }] });
    expect(await logSize()).toBe(before + 2);
    const changed = await send(h.actors.bankA, [
      { token: tok(1), outcome: 'account_frozen', checkId: answer.checkId },
    ]);
    expect(changed.json()).toEqual({ results: [{ index: 0, status: 'recorded', id: 3 }] });
  });

  it("refuses an outcome for another member's check, or for another token, and changes nothing", async () => {
    await h.reports(h.actors.police, [report('p1', [1], { type: 'police_confirmed' })]);
    const theirs = await check(h.actors.bankA, 1);
    const other = await check(h.actors.bankB, 2);
    const before = await logSize();
    for (const [actor, body] of [
      [h.actors.bankB, { token: tok(1), outcome: 'account_frozen', checkId: theirs.checkId }],
      [h.actors.bankB, { token: tok(1), outcome: 'account_frozen', checkId: other.checkId }],
      [h.actors.police, { token: tok(1), outcome: 'case_opened', checkId: theirs.checkId }],
    ] as const) {
      const res = await send(actor, [
        { token: tok(3), outcome: 'call_blocked', checkId: other.checkId },
        body,
      ]);
      expect(res.statusCode).toBe(400);
      const problem = res.json() as Problem;
      expect(problem.code).toBe('outcome.check_unknown');
      expect(problem.errors?.map((e) => e.field)).toEqual([
        'outcomes[0].checkId',
        'outcomes[1].checkId',
      ]);
      expect(res.body).not.toContain(tok(1));
      expect(res.body).not.toContain(theirs.checkId);
    }
    expect(await logSize()).toBe(before);
    expect((await h.platform.store.outcomeRows()).byOutcome).toEqual([]);
  });

  it('takes an outcome without a check id only for a token the member watches', async () => {
    await h.reports(h.actors.bankB, [report('b1', [4], { type: 'confirmed_fraud' })]);
    const unwatched = await send(h.actors.bankA, [{ token: tok(4), outcome: 'account_frozen' }]);
    expect(unwatched.statusCode).toBe(400);
    expect(unwatched.json()).toMatchObject({
      code: 'outcome.token_unwatched',
      errors: [{ field: 'outcomes[0].token' }],
    });
    await h.request(h.actors.bankA, 'PUT', '/v1/watchlist', {
      tokens: [{ kind: 'phone', token: tok(4), keyId: 'k1' }],
    });
    const watched = await send(h.actors.bankA, [{ token: tok(4), outcome: 'account_frozen' }]);
    expect(watched.json()).toEqual({ results: [{ index: 0, status: 'recorded', id: 1 }] });
    const last = (await logSize()) - 1;
    const [text] = await h.platform.store.logEntries(last, last + 1);
    const records = await h.platform.store.auditRecords([
      { ...(JSON.parse(text as string) as LogEntry), index: last },
    ]);
    expect(records[0]).toMatchObject({
      type: 'event',
      record: { basis: 'watch', verdict: null, checkedAt: null, token: tok(4) },
    });
  });

  it('names the field at fault: amounts, times, outcomes, ids; each refusal changes nothing', async () => {
    const answer = await check(h.actors.bankA, 1);
    const before = await logSize();
    const cases: [unknown, string][] = [
      [{ token: tok(1), outcome: 'payment_held', checkId: answer.checkId }, 'outcomes[0].amount'],
      [
        { token: tok(1), outcome: 'false_positive', checkId: answer.checkId, amount: 'lt1k' },
        'outcomes[0].amount',
      ],
      [
        {
          token: tok(1),
          outcome: 'account_frozen',
          checkId: answer.checkId,
          at: '9999-01-01T00:00:00Z',
        },
        'outcomes[0].at',
      ],
      [
        {
          token: tok(1),
          outcome: 'account_frozen',
          checkId: answer.checkId,
          at: '2020-01-01T00:00:00Z',
        },
        'outcomes[0].at',
      ],
      [
        {
          token: tok(1),
          outcome: 'account_frozen',
          checkId: answer.checkId,
          at: '2026-02-30T00:00:00Z',
        },
        'outcomes[0].at',
      ],
    ];
    for (const [item, field] of cases) {
      const res = await send(h.actors.bankA, [item]);
      expect(res.statusCode, JSON.stringify(item)).toBe(400);
      const problem = res.json() as Problem;
      expect(
        problem.errors?.map((e) => e.field),
        JSON.stringify(item),
      ).toContain(field);
      expect(res.body).not.toContain(answer.checkId);
    }
    for (const item of [
      { token: tok(1), outcome: 'sim_swapped', checkId: answer.checkId },
      { token: tok(1), outcome: 'account_frozen', checkId: 'short' },
      { token: 'not-a-token', outcome: 'account_frozen', checkId: answer.checkId },
      { token: tok(1), outcome: 'account_frozen', checkId: answer.checkId, extra: 1 },
    ]) {
      const res = await send(h.actors.bankA, [item]);
      expect(res.statusCode, JSON.stringify(item)).toBe(400);
    }
    expect((await send(h.actors.bankA, [])).statusCode).toBe(400);
    // A key named __proto__ is a field like any other: not one of an outcome's.
    const proto = await h.request(
      h.actors.bankA,
      'POST',
      '/v1/outcomes',
      `{"outcomes":[{"token":"${tok(1)}","outcome":"account_frozen","__proto__":{"checkId":"${answer.checkId}"}}]}`,
    );
    expect(proto.statusCode).toBe(400);
    expect(await logSize()).toBe(before);
  });

  it('is for members and the police; the measures for the operator and auditors', async () => {
    const answer = await check(h.actors.bankA, 1);
    const body = [{ token: tok(1), outcome: 'false_positive', checkId: answer.checkId }];
    expect((await send(h.actors.auditor, body)).statusCode).toBe(403);
    expect((await send(h.actors.operator, body)).statusCode).toBe(403);
    expect(
      (await h.request(undefined, 'POST', '/v1/outcomes', { outcomes: body })).statusCode,
    ).toBe(401);
    for (const actor of [h.actors.bankA, h.actors.police])
      expect((await h.request(actor, 'GET', '/v1/outcomes/summary')).statusCode).toBe(403);
    for (const actor of [h.actors.operator, h.actors.auditor])
      expect((await h.request(actor, 'GET', '/v1/outcomes/summary')).statusCode).toBe(200);
  });
});

describe('GET /v1/outcomes/summary', () => {
  it('measures warning precision by category and member type, misses, time to freeze and amounts', async () => {
    await h.reports(h.actors.police, [
      report('p1', [1], { type: 'police_confirmed', category: 'fake_investment' }),
    ]);
    await h.reports(h.actors.bankA, [
      report('a2', [2], { type: 'suspected', category: 'romance' }),
    ]);
    const bankB1 = await check(h.actors.bankB, 1);
    const telecom2 = await check(h.actors.telecom, 2);
    const bankB3 = await check(h.actors.bankB, 3);
    expect([bankB1.verdict, telecom2.verdict, bankB3.verdict]).toEqual(['fraud', 'clear', 'clear']);
    // tok 2 is `clear` (one suspected report): a warning needs a suspicious answer.
    await h.reports(h.actors.bankB, [
      report('b2', [2], { type: 'victim_report', category: 'romance' }),
    ]);
    const telecom2b = await check(h.actors.telecom, 2);
    expect(telecom2b.verdict).toBe('suspicious');
    await h.request(h.actors.bankA, 'PUT', '/v1/watchlist', {
      tokens: [{ kind: 'phone', token: tok(1), keyId: 'k1' }],
    });
    const at = inFiveMinutes();
    const ok = async (actor: Actor, outcomes: unknown[]) =>
      expect((await send(actor, outcomes)).statusCode).toBe(200);
    await ok(h.actors.bankB, [
      { token: tok(1), outcome: 'account_frozen', checkId: bankB1.checkId, at },
      { token: tok(3), outcome: 'account_frozen', checkId: bankB3.checkId, at },
    ]);
    await ok(h.actors.telecom, [
      { token: tok(2), outcome: 'false_positive', checkId: telecom2b.checkId },
    ]);
    await ok(h.actors.bankA, [{ token: tok(1), outcome: 'funds_recovered', amount: 'ge10m' }]);
    const summary = (
      await h.request(h.actors.operator, 'GET', '/v1/outcomes/summary')
    ).json() as ReturnType<typeof summarizeOutcomes>;
    expect(summary.outcomes).toEqual({ account_frozen: 2, false_positive: 1, funds_recovered: 1 });
    expect(summary.precision).toMatchObject({ warnings: 3, falsePositives: 1, precision: 0.6667 });
    expect(summary.precision.byCategory).toEqual([
      { category: 'fake_investment', warnings: 2, falsePositives: 0, precision: 1 },
      { category: 'romance', warnings: 1, falsePositives: 1, precision: 0 },
    ]);
    expect(summary.precision.byMemberType).toEqual([
      { memberType: 'bank', warnings: 2, falsePositives: 0, precision: 1 },
      { memberType: 'telecom', warnings: 1, falsePositives: 1, precision: 0 },
    ]);
    // bank-b froze tok 3 though the answer was clear: the platform missed it.
    expect(summary.missed).toBe(1);
    expect(summary.timeToFreeze.tokens).toBe(1);
    expect(summary.timeToFreeze.frozenBeforeAnyReport).toBe(1);
    expect(summary.timeToFreeze.medianHours).toBeGreaterThan(0);
    expect(summary.timeToFreeze.medianHours).toBeLessThanOrEqual(0.09);
    expect(summary.amounts).toEqual([
      { outcome: 'funds_recovered', bands: { ge10m: 1 }, atLeastCny: 10_000_000, atMostCny: null },
    ]);
    // telecom-a's false positive judged both reporters of tok 2 (the version then written);
    // bank-b's freeze before it went the police's way. bank-a's recovery after it moved
    // no weight (the police's stays 1), so no version holds it.
    expect(summary.quality).toMatchObject({
      version: 1,
      members: {
        'bank-a': { weight: 0.91, outcomes: 1, falsePositives: 1 },
        'bank-b': { weight: 0.91, outcomes: 1, falsePositives: 1 },
        'police-1': { weight: 1, outcomes: 1, falsePositives: 0 },
      },
    });
    // Every member's weight is the operator's and auditors' to read, not a member's: the
    // version is logged in the platform's name, so no member's own records show it.
    for (const actor of [h.actors.telecom, h.actors.bankA, h.actors.bankB]) {
      const records = await h.request(actor, 'GET', '/v1/me/records?start=0');
      expect(records.statusCode).toBe(200);
      expect(records.body).not.toContain('falsePositives');
    }
  });

  it('sums amounts within their bands and takes the median of an even count as the mean of the middle two', () => {
    const s = summarizeOutcomes({
      byOutcome: [],
      warned: [],
      missed: 0,
      freezes: [
        { frozenAt: 10 * 3_600_000, firstReportAt: 0 },
        { frozenAt: 4 * 3_600_000, firstReportAt: 0 },
        { frozenAt: 2 * 3_600_000, firstReportAt: 0 },
        { frozenAt: 1 * 3_600_000, firstReportAt: 0 },
        { frozenAt: 0, firstReportAt: 5 },
      ],
      amounts: [
        { outcome: 'payment_held', amount: 'lt1k', count: 3 },
        { outcome: 'payment_held', amount: '1k-10k', count: 2 },
      ],
    });
    expect(s.timeToFreeze).toEqual({ tokens: 4, medianHours: 3, frozenBeforeAnyReport: 1 });
    expect(s.amounts).toEqual([
      {
        outcome: 'payment_held',
        bands: { lt1k: 3, '1k-10k': 2 },
        atLeastCny: 2_000,
        atMostCny: 23_000,
      },
    ]);
    expect(s.precision).toMatchObject({ warnings: 0, precision: null, byCategory: [] });
  });
});
