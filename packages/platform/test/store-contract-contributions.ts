import { expect, it } from 'vitest';
import { batch, report, type StoreUnderTest, T0, tok } from './store-contract-fixtures.js';

/**
 * The storage contract (store-contract.ts) for what members contribute: reports and
 * links ingested, the per-token statistics they make, retractions, and restarts.
 */

/** Batches ingested idempotently, concurrently, and against a racing retraction. */
export function describeIngestion(subject: StoreUnderTest) {
  it('ingests reports idempotently by ref: accepted, duplicate, conflict', async () => {
    const b1 = batch('bank-a', 'reports', 2);
    const first = await subject.store.ingestReports(b1, [report('r1', [1, 2]), report('r2', [3])]);
    expect(first.outcomes.map((o) => o.status)).toEqual(['accepted', 'accepted']);
    expect(first.seq).toBeGreaterThan(0);
    const b2 = batch('bank-a', 'reports', 3);
    const again = await subject.store.ingestReports(b2, [
      report('r1', [1, 2]),
      report('r2', [4]),
      report('r3', [5]),
      report('r3', [5]),
      report('r3', [6]),
    ]);
    expect(again.outcomes.map((o) => o.status)).toEqual([
      'duplicate',
      'conflict',
      'accepted',
      'duplicate',
      'conflict',
    ]);
    expect(again.outcomes[0]?.id).toBe(first.outcomes[0]?.id);
    // A repeat names the batch that first brought it, in this batch or before.
    expect(again.outcomes[0]?.batchId).toBe(b1.batchId);
    expect(again.outcomes[3]).toMatchObject({ id: again.outcomes[2]?.id, batchId: b2.batchId });
    expect(again.outcomes[4]?.id).toBe(again.outcomes[2]?.id);
    expect(again.seq).toBeGreaterThan(first.seq);
    // Another member may use the same ref.
    const other = await subject.store.ingestReports(batch('bank-b', 'reports', 1), [
      report('r1', [1]),
    ]);
    expect(other.outcomes[0]?.status).toBe('accepted');
    const stored = await subject.store.getReport('bank-a', first.outcomes[0]?.id ?? '');
    expect(stored).toMatchObject({
      ref: 'r1',
      type: 'victim_report',
      category: 'fake_loan',
      loss: '1k-10k',
      occurredAt: T0,
    });
    expect(stored?.entities.map((e) => e.role)).toEqual(['caller', 'victim']);
    expect(await subject.store.getReport('bank-b', first.outcomes[0]?.id ?? '')).toBeUndefined();
    expect(
      (await subject.store.listReports('bank-a', undefined, 10)).map((r) => r.ref).sort(),
    ).toEqual(['r1', 'r2', 'r3']);
  });

  it('commits concurrent batches that touch the same tokens in opposite orders', async () => {
    const tokens = Array.from({ length: 300 }, (_, i) => i);
    const rounds = 4;
    for (let round = 0; round < rounds; round++) {
      const forward = tokens.map((t) => report(`f${round}-${t}`, [t, (t + 1) % 300]));
      const backward = tokens
        .slice()
        .reverse()
        .map((t) => report(`b${round}-${t}`, [t, (t + 7) % 300]));
      const results = await Promise.all([
        subject.store.ingestReports(batch('bank-a', 'reports', 300), forward),
        subject.store.ingestReports(batch('bank-b', 'reports', 300), backward),
        subject.store.ingestReports(
          batch('bank-a', 'reports', 300),
          backward.map((r) => ({ ...r, ref: `a${r.ref}` })),
        ),
      ]);
      for (const r of results) expect(r.outcomes.every((o) => o.status === 'accepted')).toBe(true);
    }
    // Every token was named by 2 forward, 2 backward reports of bank-a per round (its
    // own and its neighbour's), and by 2 of bank-b; as the caller in half of them, and
    // the victim's side takes no risk (issue 17): 2 of bank-a's count, 1 of bank-b's.
    const changes = await subject.store.changesSince(0, 100_000);
    const t5 = changes.filter((c) => c.token === tok(5)).at(-1);
    const count = (member: string) =>
      t5?.stats.filter((s) => s.memberId === member).reduce((n, s) => n + s.reports, 0);
    expect(count('bank-a')).toBe(2 * rounds);
    expect(count('bank-b')).toBe(rounds);
  });

  it("counts every standing report when a retraction races an ingest of the member's same token", async () => {
    for (let round = 0; round < 60; round++) {
      const first = await subject.store.ingestReports(batch('bank-a', 'reports', 1), [
        report(`race-a-${round}`, [900 + round]),
      ]);
      await Promise.all([
        subject.store.retractReport(
          'bank-a',
          first.outcomes[0]?.id as string,
          'false_positive',
          T0,
        ),
        subject.store.ingestReports(batch('bank-a', 'reports', 1), [
          report(`race-b-${round}`, [900 + round]),
        ]),
      ]);
      // One report stands: the summary counts exactly it.
      const change = (await subject.store.changesSince(0, 100_000))
        .filter((c) => c.token === tok(900 + round))
        .at(-1);
      expect(
        change?.stats.reduce((n, s) => n + s.reports, 0),
        `round ${round}`,
      ).toBe(1);
    }
  });

  it('changes nothing for a batch of repeats', async () => {
    const first = await subject.store.ingestReports(batch('bank-a', 'reports', 1), [
      report('r1', [1]),
    ]);
    const again = await subject.store.ingestReports(batch('bank-a', 'reports', 1), [
      report('r1', [1]),
    ]);
    expect(again.seq).toBe(first.seq);
    expect(await subject.store.changesSince(first.seq, 100)).toEqual([]);
  });
}

/** Per-token statistics, the changes they are paged by, and retractions recounting them. */
export function describeTokenStatistics(subject: StoreUnderTest) {
  it('keeps per-token statistics per member and report type, and reports changes by sequence', async () => {
    const a = await subject.store.ingestReports(batch('bank-a', 'reports', 2), [
      report('r1', [1, 2], { occurredAt: T0 - 86_400_000 }),
      report('r2', [1], {
        type: 'police_confirmed',
        category: 'impersonate_authority',
        contentHash: 'x',
      }),
    ]);
    await subject.store.ingestReports(batch('bank-b', 'reports', 1), [
      report('r1', [1], { occurredAt: T0 + 5 }),
    ]);
    const changes = await subject.store.changesSince(0, 100);
    const t1 = changes.filter((c) => c.token === tok(1)).at(-1);
    expect(t1).toMatchObject({ flagged: true, kind: 'phone', keyId: 'k1' });
    const stats = [...(t1?.stats ?? [])].sort((x, y) =>
      `${x.memberId}${x.type}`.localeCompare(`${y.memberId}${y.type}`),
    );
    expect(stats).toEqual([
      {
        memberId: 'bank-a',
        type: 'police_confirmed',
        reports: 1,
        firstSeen: T0,
        lastSeen: T0,
        categories: 1 << 4,
      },
      {
        memberId: 'bank-a',
        type: 'victim_report',
        reports: 1,
        firstSeen: T0 - 86_400_000,
        lastSeen: T0 - 86_400_000,
        categories: 1 << 2,
      },
      {
        memberId: 'bank-b',
        type: 'victim_report',
        reports: 1,
        firstSeen: T0 + 5,
        lastSeen: T0 + 5,
        categories: 1 << 2,
      },
    ]);
    expect((await subject.store.changesSince(a.seq, 100)).map((c) => c.token)).toEqual([tok(1)]);
    // A token's current state read by token is its last change, as the view reads back a
    // summary it does not hold (issue 19); a token never changed is absent.
    const states = await subject.store.tokenStates([tok(2), tok(1), tok(77)]);
    const byToken = <C extends { token: string }>(cs: readonly C[]) =>
      [...cs].sort((x, y) => x.token.localeCompare(y.token));
    const sorted = (c: (typeof changes)[number] | undefined) =>
      c === undefined
        ? undefined
        : {
            ...c,
            stats: [...c.stats].sort((x, y) =>
              `${x.memberId}${x.type}`.localeCompare(`${y.memberId}${y.type}`),
            ),
          };
    expect(byToken(states).map(sorted)).toEqual(
      [t1, changes.filter((c) => c.token === tok(2)).at(-1)].map(sorted),
    );
    expect(await subject.store.tokenStates([])).toEqual([]);
    // Retracted away: the state says not flagged, with no statistics.
    const mine = await subject.store.listReports('bank-b', undefined, 10);
    await subject.store.retractReport('bank-b', mine[0]?.id as string, 'false_positive', T0);
    const retracted = await subject.store.listReports('bank-a', undefined, 10);
    for (const r of retracted)
      await subject.store.retractReport('bank-a', r.id, 'false_positive', T0);
    const [gone] = await subject.store.tokenStates([tok(1)]);
    expect(gone).toMatchObject({ token: tok(1), flagged: false, stats: [] });
    expect(gone?.seq).toBe((await subject.store.changesSince(0, 100)).at(-1)?.seq);
  });

  it("widens a member's statistics of a token across batches: counts add, sightings stretch, categories join", async () => {
    const day = 86_400_000;
    const batches = [
      [report('m1', [1], { occurredAt: T0 })],
      [report('m2', [1], { occurredAt: T0 - 3 * day, category: 'fake_investment' })],
      [report('m3', [1, 2], { occurredAt: T0 + 2 * day }), report('m4', [1], { occurredAt: T0 })],
    ];
    for (const reports of batches)
      await subject.store.ingestReports(batch('bank-a', 'reports', reports.length), reports);
    const t1 = (await subject.store.changesSince(0, 100)).filter((c) => c.token === tok(1)).at(-1);
    expect(t1?.stats).toEqual([
      {
        memberId: 'bank-a',
        type: 'victim_report',
        reports: 4,
        firstSeen: T0 - 3 * day,
        lastSeen: T0 + 2 * day,
        categories: (1 << 2) | (1 << 1),
      },
    ]);
  });

  it('keeps a sealed detail as sent, and none where none was sent', async () => {
    const sealed = {
      suite: 'X25519-SHA256-ChaCha20Poly1305' as const,
      enc: 'E'.repeat(43),
      salt: 'S'.repeat(22),
      ciphertext: 'C'.repeat(64),
    };
    const r = await subject.store.ingestReports(batch('bank-a', 'reports', 2), [
      report('s1', [1], { sealed }),
      report('s2', [2]),
    ]);
    const [withDetail, without] = await Promise.all(
      r.outcomes.map((o) => subject.store.getReport('bank-a', o.id)),
    );
    expect(withDetail?.sealed).toEqual(sealed);
    expect(without?.sealed).toBeUndefined();
  });

  it('returns whole sequence groups when it pages changes', async () => {
    const a = await subject.store.ingestReports(batch('bank-a', 'reports', 1), [
      report('r1', [1, 2, 3]),
    ]);
    await subject.store.ingestReports(batch('bank-a', 'reports', 1), [report('r2', [4, 5])]);
    const page = await subject.store.changesSince(0, 2);
    expect(page.map((c) => c.token).sort()).toEqual([tok(1), tok(2), tok(3)]);
    expect(page.every((c) => c.seq === a.seq)).toBe(true);
    expect((await subject.store.changesSince(a.seq, 2)).map((c) => c.token).sort()).toEqual([
      tok(4),
      tok(5),
    ]);
  });

  it('retracts a report: statistics are recounted, a token with no report left is no longer flagged', async () => {
    const a = await subject.store.ingestReports(batch('bank-a', 'reports', 2), [
      report('r1', [1, 2]),
      report('r2', [1], { type: 'suspected', contentHash: 'y' }),
    ]);
    const id = a.outcomes[0]?.id ?? '';
    expect((await subject.store.retractReport('bank-b', id, 'false_positive', T0)).status).toBe(
      'not_found',
    );
    const r = await subject.store.retractReport('bank-a', id, 'false_positive', T0 + 10);
    expect(r.status).toBe('retracted');
    expect(r.seq).toBeGreaterThan(a.seq);
    expect((await subject.store.retractReport('bank-a', id, 'again', T0)).status).toBe('already');
    const changes = await subject.store.changesSince(a.seq, 100);
    expect(changes.find((c) => c.token === tok(2))).toMatchObject({ flagged: false, stats: [] });
    expect(changes.find((c) => c.token === tok(1))).toMatchObject({
      flagged: true,
      stats: [{ memberId: 'bank-a', type: 'suspected', reports: 1 }],
    });
    expect(await subject.store.getReport('bank-a', id)).toMatchObject({
      retractedAt: T0 + 10,
      retractReason: 'false_positive',
    });
  });

  it("gives a victim's own identifiers no risk: known, not flagged, and a retraction recounts likewise", async () => {
    // tok 2 is the victim of both reports; tok 3 the victim's own device in a victim's
    // report (the victim's side), the suspect's in a confirmed case (at risk).
    const device = (n: number, type: 'victim_report' | 'confirmed_fraud', ref: string) =>
      report(ref, [1, 2], {
        type,
        contentHash: ref,
        entities: [
          ...report(ref, [1, 2]).entities,
          { token: tok(n), kind: 'device_id', keyId: 'k1', role: 'device' },
        ],
      });
    await subject.store.ingestReports(batch('bank-a', 'reports', 1), [
      device(3, 'victim_report', 'v1'),
    ]);
    const state = async () => {
      const changes = await subject.store.changesSince(0, 100);
      return new Map(changes.map((c) => [c.token, c]));
    };
    let now = await state();
    expect(now.get(tok(1))).toMatchObject({ flagged: true });
    for (const n of [2, 3]) {
      expect(now.get(tok(n))?.flagged, `tok ${n}`).toBe(false);
      expect(now.get(tok(n))?.stats, `tok ${n}`).toEqual([]);
    }
    await subject.store.ingestReports(batch('bank-b', 'reports', 1), [
      device(3, 'confirmed_fraud', 'c1'),
    ]);
    now = await state();
    expect(now.get(tok(3))).toMatchObject({ flagged: true, stats: [{ memberId: 'bank-b' }] });
    expect(now.get(tok(2))?.flagged).toBe(false);
    // bank-a's retraction recounts its rows of every token the report named: none of the victim's.
    const [v1] = await subject.store.listReports('bank-a', undefined, 1);
    await subject.store.retractReport('bank-a', v1?.id as string, 'test', T0 + 1);
    now = await state();
    expect(now.get(tok(1))).toMatchObject({ stats: [{ memberId: 'bank-b' }] });
    expect(now.get(tok(3))?.stats.map((s) => s.memberId)).toEqual(['bank-b']);
    expect(now.get(tok(2))?.flagged).toBe(false);
  });
}

/** What was acknowledged survives a restart. */
export function describeRestart(subject: StoreUnderTest) {
  it('loses nothing acknowledged across a restart', async () => {
    const r = await subject.store.ingestReports(batch('bank-a', 'reports', 1), [report('r1', [1])]);
    await subject.store.close();
    subject.store = await subject.harness.reopen();
    await subject.store.migrate();
    expect(await subject.store.currentSeq()).toBe(r.seq);
    expect((await subject.store.getReport('bank-a', r.outcomes[0]?.id ?? ''))?.ref).toBe('r1');
    expect((await subject.store.changesSince(0, 10)).map((c) => c.token)).toEqual([tok(1)]);
  });
}
