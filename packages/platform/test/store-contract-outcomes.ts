import { recordDigestOf } from '@credence/core/log/audit-records';
import type { LogEntry } from '@credence/core/log/entries';
import { DEFAULT_POLICY } from '@credence/core/risk/policy';
import { DEFAULT_QUALITY } from '@credence/core/risk/quality';
import { expect, it } from 'vitest';
import type { NewOutcome } from '../src/storage/sql/outcomes.js';
import { batch, report, type StoreUnderTest, T0, tok } from './store-contract-fixtures.js';

/** The storage contract (store-contract.ts) for outcomes: kept, logged, and read for the measures. */

const HOUR = 3_600_000;
const POLICY = { version: 0, rule: DEFAULT_QUALITY };

const outcome = (n: number, o: Partial<NewOutcome> = {}): NewOutcome => ({
  token: tok(n),
  outcome: 'account_frozen',
  basis: 'check',
  verdict: 'fraud',
  checkedAt: T0,
  amount: null,
  categories: 1,
  at: T0 + HOUR,
  ...o,
});

export function describeOutcomes(subject: StoreUnderTest) {
  it('keeps and logs each new outcome, salted; a repeat of one is a duplicate and logs nothing', async () => {
    const first = await subject.store.recordOutcomes(
      'bank-a',
      [outcome(1), outcome(2, { outcome: 'payment_held', amount: '10k-100k' })],
      T0 + 2 * HOUR,
      POLICY,
    );
    expect(first).toEqual([
      { status: 'recorded', id: 1 },
      { status: 'recorded', id: 2 },
    ]);
    const again = await subject.store.recordOutcomes(
      'bank-a',
      [outcome(1, { at: T0 + 5 * HOUR }), outcome(3)],
      T0 + 6 * HOUR,
      POLICY,
    );
    expect(again).toEqual([
      { status: 'duplicate', id: 1 },
      { status: 'recorded', id: 3 },
    ]);
    const head = await subject.store.logHead();
    const texts = await subject.store.logEntries(0, head.size);
    const entries = texts.map((t) => JSON.parse(t) as LogEntry);
    const logged = entries.filter((e) => e.kind === 'outcome');
    expect(logged.map((e) => [e.member, e.subject])).toEqual([
      ['bank-a', 'outcome/1'],
      ['bank-a', 'outcome/2'],
      ['bank-a', 'outcome/3'],
    ]);
    // The log itself names no token; the record beside it does, with a salt, and matches.
    for (const text of texts) expect(text).not.toContain(tok(1));
    const records = await subject.store.auditRecords(
      entries.map((e, index) => ({ ...e, index })).filter((e) => e.kind === 'outcome'),
    );
    records.forEach((record, i) => {
      if (record === null || record === undefined) throw new Error(`no record for outcome ${i}`);
      expect(recordDigestOf(logged[i] as LogEntry, record)).toEqual({ digest: logged[i]?.digest });
    });
    expect(records[1]).toMatchObject({
      type: 'event',
      record: {
        event: 'outcome',
        id: 2,
        token: tok(2),
        outcome: 'payment_held',
        amount: '10k-100k',
      },
    });
    const salts = records.map((r) =>
      r?.type === 'event' ? (r.record as { salt: string }).salt : '',
    );
    expect(new Set(salts).size).toBe(3);
  });

  it('gives the rows of the measures: the latest outcome per member and token, misses, freezes, amounts', async () => {
    await subject.store.ingestReports(batch('bank-b', 'reports', 1), [
      report('r1', [1], { contentHash: 'a' }),
    ]);
    await subject.store.addWatch('bank-a', [{ token: tok(4), kind: 'phone', keyId: 'k1' }], T0);
    expect(await subject.store.outcomesWatched('bank-a', [tok(4), tok(5)])).toEqual(
      new Set([tok(4)]),
    );
    await subject.store.recordOutcomes(
      'bank-a',
      [
        // bank-a froze tok 1 after a fraud answer, then said it was a false positive.
        outcome(1, { at: T0 + HOUR }),
        outcome(1, { outcome: 'false_positive', at: T0 + 3 * HOUR }),
        // An answer `clear` that was fraud after all: a miss, not a warning.
        outcome(2, { verdict: 'clear' }),
        // An alert about a watched token, acted on.
        outcome(4, {
          outcome: 'payment_held',
          basis: 'watch',
          verdict: null,
          checkedAt: null,
          amount: 'ge10m',
          categories: 0,
        }),
      ],
      T0 + 4 * HOUR,
      POLICY,
    );
    await subject.store.recordOutcomes(
      'telecom-a',
      [outcome(1, { outcome: 'call_blocked', verdict: 'suspicious', categories: 3 })],
      T0 + 4 * HOUR,
      POLICY,
    );
    const rows = await subject.store.outcomeRows();
    expect(rows.byOutcome).toEqual([
      { outcome: 'account_frozen', count: 2 },
      { outcome: 'call_blocked', count: 1 },
      { outcome: 'false_positive', count: 1 },
      { outcome: 'payment_held', count: 1 },
    ]);
    const key = (w: (typeof rows.warned)[number]) =>
      `${w.memberType}/${w.categories}/${w.falsePositive}`;
    expect(rows.warned.map((w) => `${key(w)}:${w.count}`).sort()).toEqual([
      'bank/0/false:1',
      'bank/1/true:1',
      'telecom/3/false:1',
    ]);
    expect(rows.missed).toBe(1);
    // tok 1 frozen at T0 + 1 h; tok 2 frozen with no report of it at all.
    const firstReport = (await subject.store.listReports('bank-b', undefined, 1))[0]?.createdAt;
    expect(
      rows.freezes
        .map((f) => ({ ...f }))
        .sort((a, b) => (a.firstReportAt ?? 0) - (b.firstReportAt ?? 0)),
    ).toEqual(
      [
        { frozenAt: T0 + HOUR, firstReportAt: null },
        { frozenAt: T0 + HOUR, firstReportAt: firstReport },
      ].sort((a, b) => (a.firstReportAt ?? 0) - (b.firstReportAt ?? 0)),
    );
    expect(rows.amounts).toEqual([{ outcome: 'payment_held', amount: 'ge10m', count: 1 }]);
  });

  it("weighs contributors by others' latest outcomes: a version kept and logged each time a weight changes", async () => {
    await subject.store.ingestReports(batch('bank-b', 'reports', 2), [
      report('r1', [1], { contentHash: 'a' }),
      report('r2', [2], { contentHash: 'b' }),
    ]);
    expect(await subject.store.latestQuality()).toBeUndefined();
    // Outcomes about a token nobody reported judge no one: no version.
    await subject.store.recordOutcomes(
      'telecom-a',
      [outcome(9, { outcome: 'false_positive' })],
      T0,
      POLICY,
    );
    expect(await subject.store.latestQuality()).toBeUndefined();
    // bank-a finds bank-b's report of tok 1 a false positive: 1 − 1/(1 + 10) → 0.91.
    const head = (await subject.store.logHead()).size;
    await subject.store.recordOutcomes(
      'bank-a',
      [outcome(1, { outcome: 'false_positive' })],
      T0,
      POLICY,
    );
    const first = await subject.store.latestQuality();
    expect(first).toEqual({
      version: 1,
      policyVersion: 0,
      rule: DEFAULT_QUALITY,
      members: { 'bank-b': { weight: 0.91, outcomes: 1, falsePositives: 1 } },
    });
    const texts = await subject.store.logEntries(head, (await subject.store.logHead()).size);
    const entries = texts.map((t) => JSON.parse(t) as LogEntry);
    expect(entries.map((e) => [e.kind, e.member, e.subject])).toEqual([
      ['outcome', 'bank-a', 'outcome/2'],
      ['quality_weights', 'platform', 'quality/1'],
    ]);
    const [, record] = await subject.store.auditRecords(
      entries.map((e, i) => ({ ...e, index: head + i })),
    );
    expect(record).toEqual({ type: 'event', record: first });
    expect(recordDigestOf(entries[1] as LogEntry, record as NonNullable<typeof record>)).toEqual({
      digest: entries[1]?.digest,
    });
    // Its own outcome judges no member itself; bank-a's freeze of tok 2 goes bank-b's way.
    await subject.store.recordOutcomes(
      'bank-b',
      [outcome(1, { outcome: 'false_positive' })],
      T0,
      POLICY,
    );
    expect((await subject.store.latestQuality())?.version).toBe(1);
    await subject.store.recordOutcomes('bank-a', [outcome(2)], T0, POLICY);
    expect(await subject.store.latestQuality()).toMatchObject({
      version: 2,
      members: { 'bank-b': { weight: 0.92, outcomes: 2, falsePositives: 1 } },
    });
    // bank-a changes its mind about tok 1 (its latest outcome counts): a weight moves again.
    await subject.store.recordOutcomes(
      'bank-a',
      [outcome(1, { outcome: 'funds_recovered', amount: 'lt1k' })],
      T0,
      POLICY,
    );
    expect(await subject.store.latestQuality()).toMatchObject({
      version: 3,
      members: { 'bank-b': { weight: 1, outcomes: 2, falsePositives: 0 } },
    });
    expect(await subject.store.latestQuality(3)).toBeUndefined();
    // Its latest word counts: going back to a word it said before is recorded (it differs from
    // the latest), saying the latest again is a duplicate.
    const falsePositive = () =>
      subject.store.recordOutcomes(
        'bank-a',
        [outcome(1, { outcome: 'false_positive' })],
        T0,
        POLICY,
      );
    expect(await falsePositive()).toEqual([{ status: 'recorded', id: 6 }]);
    expect(await falsePositive()).toEqual([{ status: 'duplicate', id: 6 }]);
    // A new policy's rule weighs the contributors again, logged after the policy.
    const policy = { ...DEFAULT_POLICY, quality: { floor: 1, prior: 10 } };
    await subject.store.putPolicy(policy, 'ops', T0, policy.quality);
    expect(await subject.store.latestQuality()).toMatchObject({
      version: 5,
      policyVersion: 1,
      members: { 'bank-b': { weight: 1, outcomes: 2, falsePositives: 1 } },
    });
  });
}
