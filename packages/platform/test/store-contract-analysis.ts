import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import type { AnalysisParts, IngestLink } from '../src/domain/types.js';
import { analysisRecord } from '../src/storage/analysis-rows.js';
import { batch, link, report, type StoreUnderTest, T0, tok } from './store-contract-fixtures.js';

/**
 * The storage contract (store-contract.ts) for joint analysis: the evidence it reads,
 * the runs it keeps, and the policy answers are scored under.
 */

/** The evidence and the reassignments analysis reads, page by page. */
export function describeAnalysisInputs(subject: StoreUnderTest) {
  it('reads the evidence for analysis page by page, leaving out retracted reports', async () => {
    const r = await subject.store.ingestReports(batch('bank-a', 'reports', 3), [
      report('r1', [1, 2]),
      report('r2', [3]),
      report('r3', [4]),
    ]);
    await subject.store.ingestReports(batch('bank-b', 'reports', 1), [report('r1', [5])]);
    await subject.store.retractReport('bank-a', r.outcomes[1]?.id as string, 'other', T0);
    await subject.store.ingestLinks(batch('telecom-a', 'links', 3), [
      link(9, 7),
      link(1, 2),
      link(3, 4),
    ]);
    const reports: unknown[] = [];
    let after: { memberId: string; id: string } | undefined;
    for (;;) {
      const page = await subject.store.reportEvidence(after, 2);
      reports.push(...page);
      const last = page.at(-1);
      if (last === undefined) break;
      after = { memberId: last.memberId, id: last.id };
    }
    expect(reports).toHaveLength(3);
    expect(reports).toContainEqual({
      memberId: 'bank-a',
      id: r.outcomes[0]?.id,
      type: 'victim_report',
      category: 'fake_loan',
      occurredAt: T0,
      entities: report('r1', [1, 2]).entities,
    });
    expect(reports.map((x) => (x as { memberId: string }).memberId)).toEqual([
      'bank-a',
      'bank-a',
      'bank-b',
    ]);
    const links = [
      ...(await subject.store.linkEvidence(undefined, 2)),
      ...(await subject.store.linkEvidence({ fromToken: tok(3), id: '~' }, 2)),
    ];
    expect(links.map((l) => [l.from.token, l.to.token, l.link, l.memberId, l.count, l.at])).toEqual(
      [
        [tok(1), tok(2), 'call', 'telecom-a', 1, T0],
        [tok(3), tok(4), 'call', 'telecom-a', 1, T0],
        [tok(9), tok(7), 'call', 'telecom-a', 1, T0],
      ],
    );
  });

  it('reads reassignments page by page and moves the sequence for a reported token given to a new holder', async () => {
    const given = (from: number, to: number, at: number): IngestLink => ({
      ...link(from, to, at),
      link: 'reassigned',
      to: { token: tok(to), kind: 'id_number', keyId: 'k1' },
      contentHash: `g-${from}-${to}-${at}`,
    });
    // Token 1 is reported; token 5 is not (yet).
    await subject.store.ingestReports(batch('bank-a', 'reports', 1), [report('r1', [1, 2])]);
    const before = await subject.store.currentSeq();
    const r = await subject.store.ingestLinks(batch('telecom-a', 'links', 3), [
      given(1, 11, T0 + 1000),
      link(1, 3),
      given(5, 15, T0 + 2000),
    ]);
    // Nobody watches, but token 1's checks change: the sequence moves, with token 1 in it.
    expect(r.seq).toBeGreaterThan(before);
    const changes = await subject.store.changesSince(before, 100);
    expect(changes.map((c) => [c.token, c.reassignedAt, c.flagged])).toEqual([
      [tok(1), T0 + 1000, true],
    ]);
    expect(changes[0]?.logSize).toBe(r.log?.size);
    // A later, earlier-dated reassignment does not move the latest back.
    await subject.store.ingestLinks(batch('telecom-a', 'links', 1), [given(1, 12, T0 + 500)]);
    const later = await subject.store.changesSince(r.seq, 100);
    expect(later.map((c) => [c.token, c.reassignedAt])).toEqual([[tok(1), T0 + 1000]]);
    // A report naming token 5 for the first time says when it was given.
    const first = await subject.store.ingestReports(batch('bank-b', 'reports', 1), [
      report('r9', [5, 6]),
    ]);
    expect(first.reassigned).toEqual({ [tok(5)]: T0 + 2000 });
    const named = await subject.store.changesSince(first.seq - 1, 100);
    expect(named.find((c) => c.token === tok(5))?.reassignedAt).toBe(T0 + 2000);
    expect(named.find((c) => c.token === tok(6))?.reassignedAt).toBeUndefined();
    const pages = [
      ...(await subject.store.reassignments(undefined, 2)),
      ...(await subject.store.reassignments({ fromToken: tok(1), id: '~' }, 2)),
    ];
    // In (from token, id) order; ids order a token's links among themselves.
    expect(pages.map((l) => l.from.token)).toEqual([tok(1), tok(1), tok(5)]);
    expect(pages.map((l) => [l.from.token, l.to.token, l.to.kind, l.link, l.at]).sort()).toEqual([
      [tok(1), tok(11), 'id_number', 'reassigned', T0 + 1000],
      [tok(1), tok(12), 'id_number', 'reassigned', T0 + 500],
      [tok(5), tok(15), 'id_number', 'reassigned', T0 + 2000],
    ]);
  });
}

/** Analysis runs kept, logged, and alerting the watchers of tokens that join a ring. */
export function describeAnalysisRuns(subject: StoreUnderTest) {
  it('gives a timed job one turn an interval, on data not covered yet, to one process of those that claim at once', async () => {
    const { store } = subject;
    expect(await store.takeTurn('analysis', T0, 500, 1)).toBe(true);
    // Too soon, whatever the data.
    expect(await store.takeTurn('analysis', T0 + 499, 500, 2)).toBe(false);
    // Late enough, but on data the last turn covered.
    expect(await store.takeTurn('analysis', T0 + 600, 500, 1)).toBe(false);
    expect(await store.takeTurn('analysis', T0 + 600, 500, 2)).toBe(true);
    // Another job has turns of its own.
    expect(await store.takeTurn('filters', T0 + 600, 500, 2)).toBe(true);
    // Several processes claiming the same turn at once (PostgreSQL: separate connections).
    const claims = await Promise.all(
      Array.from({ length: 6 }, () => store.takeTurn('analysis', T0 + 2000, 500, 3)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('keeps analysis runs, alerts watchers of tokens that join a ring, and logs each run', async () => {
    expect(await subject.store.latestAnalysis()).toBeUndefined();
    await subject.store.addWatch('bank-b', [{ token: tok(1), kind: 'phone', keyId: 'k1' }], T0);
    const head = await subject.store.logHead();
    const first = await subject.store.saveAnalysis({
      createdAt: T0,
      createdBy: 'ops',
      ...run('{"rings":1}', [
        { token: tok(1), kind: 'phone', ringId: 'ring-a' },
        { token: tok(2), kind: 'phone', ringId: 'ring-a' },
      ]),
    });
    expect(first).toMatchObject({ id: 1, alerts: 1 });
    // The commitment to the alert it raised comes first, then the run's own entry.
    expect(first.log).toMatchObject({ first: head.size + 1, count: 1 });
    const [commitment, entry] = await subject.store.logEntries(head.size, head.size + 2);
    expect(JSON.parse(commitment as string)).toMatchObject({
      kind: 'alerts',
      member: 'ops',
      subject: 'alerts/1',
    });
    expect(JSON.parse(entry as string)).toMatchObject({
      kind: 'analysis',
      member: 'ops',
      subject: 'analysis/1',
    });
    const [alert] = await subject.store.listAlerts('bank-b', undefined, 10);
    expect(alert).toMatchObject({
      token: tok(1),
      source: 'ring',
      ringId: 'ring-a',
      seq: first.seq,
    });
    // The same ring again: no alert; another ring: an alert.
    expect(
      (
        await subject.store.saveAnalysis({
          createdAt: T0 + 1,
          createdBy: 'ops',
          ...run('{}', [{ token: tok(1), kind: 'phone', ringId: 'ring-a' }]),
        })
      ).alerts,
    ).toBe(0);
    // Moved to another ring (or its id changed): no alert; a token new to any ring: one.
    await subject.store.addWatch('bank-b', [{ token: tok(3), kind: 'phone', keyId: 'k1' }], T0);
    const third = await subject.store.saveAnalysis({
      createdAt: T0 + 2,
      createdBy: 'ops',
      ...run('{"rings":2}', [
        { token: tok(1), kind: 'phone', ringId: 'ring-b' },
        { token: tok(3), kind: 'phone', ringId: 'ring-b' },
      ]),
    });
    expect(third).toMatchObject({ id: 3, alerts: 1 });
    // A run does not move the change sequence; its alerts list after the earlier ones.
    expect(third.seq).toBe(await subject.store.currentSeq());
    const after = await subject.store.listAlerts(
      'bank-b',
      { seq: alert?.seq ?? 0, id: alert?.id ?? 0 },
      10,
    );
    expect(after.map((a) => [a.token, a.ringId])).toEqual([[tok(3), 'ring-b']]);
    expect(await subject.store.latestAnalysis()).toEqual({
      id: 3,
      createdAt: T0 + 2,
      body: '{"rings":2}',
    });
    expect(await subject.store.latestAnalysis(3)).toBeUndefined();
  });

  it("keeps a run's ranks as rows for the latest run and the one before, and its summary with the whole document's digest", async () => {
    const { store } = subject;
    expect(await store.latestAnalysisHead()).toBeUndefined();
    const ranked = (n: number, score: number) => ({
      token: tok(n),
      score,
      percentile: score / 2,
      near: n,
      via: n % 2 === 0 ? 'call' : null,
    });
    // Scores that a decimal round trip would change in the last digit.
    const first = [ranked(1, 0.1 + 0.2), ranked(2, 1 / 3), ranked(3, 0.000001)];
    const body1 = '{"run":1,"ranking":{"tokens":["every one"]}}';
    const filter = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) % 256);
    await store.saveAnalysis({
      createdAt: T0,
      createdBy: 'ops',
      ...run(body1, [], first),
      rankFilter: filter,
    });
    expect(await store.latestAnalysisHead()).toEqual({
      id: 1,
      createdAt: T0,
      resultSha256: createHash('sha256').update(body1).digest('hex'),
      summary: 'summary of {"run":1,"ranking":{"tokens":["every one"]}}',
      ranked: true,
      rankFilter: filter,
      ranksKept: true,
    });
    expect(await store.latestAnalysisHead(1)).toBeUndefined();
    // In the order asked, with the tokens it did not rank (or asked twice) as they come.
    expect(await store.analysisRanks(1, [tok(3), tok(9), tok(1), tok(2), tok(3)])).toEqual([
      first[2],
      undefined,
      first[0],
      first[1],
      first[2],
    ]);
    // More tokens than one statement names.
    const many = Array.from({ length: 1_200 }, (_, i) => ranked(100 + i, i / 1_200));
    await store.saveAnalysis({
      createdAt: T0 + 1,
      createdBy: 'ops',
      ...run('{"run":2}', [], many),
    });
    const asked = [...many.map((r) => r.token)].reverse();
    expect(await store.analysisRanks(2, asked)).toEqual([...many].reverse());
    // The run before is still there; the one before that goes with the third run.
    expect(await store.analysisRanks(1, [tok(1)])).toEqual([first[0]]);
    await store.saveAnalysis({ createdAt: T0 + 2, createdBy: 'ops', ...run('{"run":3}', [], []) });
    expect(await store.analysisRanks(1, [tok(1)])).toEqual([undefined]);
    expect((await store.analysisRanks(2, [tok(100)]))[0]).toEqual(many[0]);
    // A run that ranked nothing keeps no rank, and has none to put back.
    expect(await store.analysisRanks(3, [tok(1), tok(100)])).toEqual([undefined, undefined]);
    expect(await store.latestAnalysisHead(2)).toMatchObject({
      id: 3,
      ranked: true,
      rankFilter: null,
      ranksKept: true,
    });
    // Ranks put back (as after a crash lost PostgreSQL's unlogged rows): those there stay,
    // the others come back, and twice is once.
    const columns = run('{}', [], many).ranks;
    await store.restoreRanks(2, columns);
    await store.restoreRanks(2, columns);
    expect(await store.analysisRanks(2, asked)).toEqual([...many].reverse());
  });
}

/** A run's parts as the analysis thread makes them: a summary that says what it is of, and the ranks as columns. */
function run(
  body: string,
  ringTokens: AnalysisParts['ringTokens'],
  ranks: readonly {
    token: string;
    score: number;
    percentile: number;
    near: number;
    via: string | null;
  }[] = [],
): AnalysisParts {
  return {
    body,
    resultSha256: analysisRecord(body).resultSha256,
    summary: `summary of ${body}`,
    ringTokens,
    ranks: {
      tokens: ranks.map((r) => r.token),
      score: Float64Array.from(ranks, (r) => r.score),
      percentile: Float64Array.from(ranks, (r) => r.percentile),
      near: Int32Array.from(ranks, (r) => r.near),
      via: ranks.map((r) => r.via),
    },
    rankFilter: null,
  };
}

/** Versions of the policy. */
export function describePolicies(subject: StoreUnderTest) {
  it('keeps versions of the policy', async () => {
    expect(await subject.store.latestPolicy()).toBeUndefined();
    expect(await subject.store.putPolicy({ a: 1 }, 'ops', T0)).toBe(1);
    expect(await subject.store.putPolicy({ a: 2 }, 'ops', T0 + 1)).toBe(2);
    expect(await subject.store.latestPolicy()).toEqual({
      version: 2,
      body: { a: 2 },
      createdAt: T0 + 1,
      createdBy: 'ops',
    });
    expect(await subject.store.policyVersions()).toEqual([
      { version: 2, createdAt: T0 + 1, createdBy: 'ops' },
      { version: 1, createdAt: T0, createdBy: 'ops' },
    ]);
  });
}

/** The platform dashboard's sign-in links and sessions (http/ui.ts). */
export function describeWebSessions(subject: StoreUnderTest) {
  it('spends a sign-in link once, and keeps sessions until they end', async () => {
    const s = subject.store;
    await s.putUiLink('h1', 'bank-a', T0 + 600_000, T0);
    expect(await s.takeUiLink('h1')).toEqual({ member: 'bank-a', expiresAt: T0 + 600_000 });
    expect(await s.takeUiLink('h1')).toBeUndefined();
    // Links and sessions past their time are swept when the next is made.
    await s.putUiLink('h2', 'bank-a', T0 + 10, T0);
    await s.putUiLink('h3', 'bank-b', T0 + 600_000, T0 + 20);
    expect(await s.takeUiLink('h2')).toBeUndefined();
    await s.putUiSession('c1', 'bank-b', T0 + 1000, T0);
    expect(await s.uiSession('c1')).toEqual({ member: 'bank-b', expiresAt: T0 + 1000 });
    await s.endUiSession('c1');
    expect(await s.uiSession('c1')).toBeUndefined();
  });

  it("sums key servers' evaluations per day", async () => {
    await subject.store.recordOprfUsage(
      [
        {
          reporter: 'ks-1',
          keyId: 'k',
          shareIndex: 1,
          day: '2026-12-01',
          member: 'bank-a',
          evaluations: 5,
        },
        {
          reporter: 'ks-1',
          keyId: 'k',
          shareIndex: 1,
          day: '2026-12-01',
          member: 'bank-b',
          evaluations: 7,
        },
        {
          reporter: 'ks-1',
          keyId: 'k',
          shareIndex: 1,
          day: '2026-12-02',
          member: 'bank-a',
          evaluations: 1,
        },
        {
          reporter: 'ks-1',
          keyId: 'k',
          shareIndex: 1,
          day: '2026-11-01',
          member: 'bank-a',
          evaluations: 9,
        },
      ],
      T0,
    );
    expect(await subject.store.oprfUsageByDay('2026-11-20')).toEqual([
      { reporter: 'ks-1', shareIndex: 1, day: '2026-12-02', evaluations: 1 },
      { reporter: 'ks-1', shareIndex: 1, day: '2026-12-01', evaluations: 12 },
    ]);
  });
}
