import type { LogEntry } from '@credence/core/log/entries';
import { DEFAULT_POLICY } from '@credence/core/risk/policy';
import { mondayOf } from '@credence/core/wire/statistics';
import type { TokenizedReport } from '@credence/core/wire/tokenized-records';
import { describe, expect, it } from 'vitest';
import { tok } from './harness.js';
import { harnessPerTest } from './harness-per-test.js';
import { BACKENDS as backends } from './postgres.js';

/**
 * Public statistics (issue 17, docs/statistics.md), through the API on SQLite and (with
 * CREDENCE_TEST_POSTGRES_URL) PostgreSQL: the operator releases a closed week's counts,
 * noised; anyone reads them with no credential; a release is made once, logged, and
 * refused without spending anything when it would overspend the budget.
 */
const DAY = 86_400_000;
const json = <T = Record<string, unknown>>(r: { json: () => unknown }) => r.json() as T;

const openHarness = harnessPerTest();

const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10);

interface Release {
  week: string;
  cut: string;
  epsilon: number;
  threshold: number;
  cells: { key: string; count: number | null }[];
}
const cell = (r: Release, key: string) => r.cells.find((c) => c.key === key)?.count;

for (const [name, backend] of backends)
  describe(`public statistics (${name})`, () => {
    /** A week that ended more than the release lag ago, and the one after it. */
    const week = mondayOf(Date.now() - 30 * DAY);
    const report = (
      ref: string,
      category: string,
      at: number,
      loss?: string,
      region?: string,
    ): TokenizedReport =>
      ({
        ref,
        type: 'victim_report',
        category,
        occurredAt: new Date(at).toISOString().replace(/\.\d+Z$/, 'Z'),
        ...(loss === undefined ? {} : { loss }),
        ...(region === undefined ? {} : { region }),
        entities: [{ role: 'caller', kind: 'phone', token: tok(ref), keyId: 'k1' }],
      }) as TokenizedReport;

    async function setUp(statistics: object) {
      const H = await openHarness(backend);
      const put = await H.request(H.actors.operator, 'PUT', '/v1/policy', {
        ...DEFAULT_POLICY,
        statistics,
      });
      expect(put.statusCode).toBe(200);
      // In the week: 3 of one category (one with a loss band), 2 of another, 3 retracted;
      // the next week's report and one of the week before are not the week's. Regions:
      // two in Guangdong, one in Beijing, one abroad, one unknown (and the retracted and
      // other weeks' in Guangdong, not to be counted).
      const sent = await H.reports(H.actors.bankA, [
        report('a1', 'impersonate_authority', week + 1 * DAY, '10k-100k', 'CN-GD'),
        report('a2', 'impersonate_authority', week + 2 * DAY, undefined, 'CN-GD'),
        report('a3', 'impersonate_authority', week + 6 * DAY + 23 * 3_600_000),
        report('b1', 'fake_investment', week + 3 * DAY, undefined, 'US-CA'),
        report('b2', 'fake_investment', week + 4 * DAY, undefined, 'CN-BJ'),
        report('x1', 'fake_investment', week + 1 * DAY, undefined, 'CN-GD'),
        report('x2', 'fake_investment', week + 1 * DAY, undefined, 'CN-GD'),
        report('x3', 'fake_investment', week + 1 * DAY),
        report('n1', 'impersonate_authority', week + 7 * DAY, undefined, 'CN-GD'),
        report('p1', 'impersonate_authority', week - 1, undefined, 'CN-GD'),
      ]);
      expect(sent.statusCode).toBe(200);
      const ids = json<{ results: { ref: string; id: string }[] }>(sent).results;
      for (const ref of ['x1', 'x2', 'x3']) {
        const id = ids.find((r) => r.ref === ref)?.id as string;
        const out = await H.request(H.actors.bankA, 'POST', `/v1/reports/${id}/retract`, {
          reason: 'duplicate',
        });
        expect(out.statusCode).toBe(200);
      }
      return H;
    }

    it('releases a closed week once, noised, logged; anyone reads it without a credential', async () => {
      // ε = 10: the noise is 0 but for about one cell in 10,000, and never 2 or more.
      const H = await setUp({ epsilonPerWeek: 10, epsilonTotal: 15, threshold: 0 });
      const head = (await H.platform.store.logHead()).size;
      const made = await H.request(H.actors.operator, 'POST', '/v1/stats/releases', {
        week: ymd(week),
        cut: 'category',
        epsilon: 10,
      });
      expect(made.statusCode).toBe(201);
      const { release, spent } = json<{ release: Release; spent: object }>(made);
      expect(spent).toEqual({ week: 10, total: 10 });
      expect(release).toMatchObject({ week: ymd(week), cut: 'category', epsilon: 10 });
      // Every category is a cell (an absent one would say it was empty).
      expect(release.cells.length).toBeGreaterThan(5);
      expect(Math.abs((cell(release, 'impersonate_authority') ?? -99) - 3)).toBeLessThanOrEqual(1);
      expect(Math.abs((cell(release, 'fake_investment') ?? -99) - 2)).toBeLessThanOrEqual(1);

      // Logged in the operator's name, with the cells and the budget spent.
      const size = (await H.platform.store.logHead()).size;
      const entries = (await H.platform.store.logEntries(head, size)).map(
        (t) => JSON.parse(t) as LogEntry,
      );
      expect(entries.map((e) => [e.kind, e.member, e.subject])).toEqual([
        ['stats_release', 'ops', `stats/${ymd(week)}/category`],
      ]);
      const [record] = await H.platform.store.auditRecords([
        { ...(entries[0] as LogEntry), index: head },
      ]);
      expect(record).toMatchObject({
        record: { event: 'stats_release', cells: release.cells, spentWeek: 10, spentTotal: 10 },
      });
      expect((await H.platform.store.auditCounts()).statsReleases).toBe(1);

      // Public: no credential, the release as made, and the budget.
      const read = await H.request(undefined, 'GET', '/v1/stats');
      expect(read.statusCode).toBe(200);
      const answer = json<{ releases: Release[]; budget: Record<string, number> }>(read);
      expect(answer.releases).toEqual([expect.objectContaining({ cells: release.cells })]);
      expect(answer.budget).toEqual({
        epsilonPerWeek: 10,
        epsilonTotal: 15,
        spentTotal: 10,
        threshold: 0,
      });
      expect(
        json<{ releases: Release[] }>(
          await H.request(undefined, 'GET', `/v1/stats?cut=loss&from=${ymd(week)}`),
        ).releases,
      ).toEqual([]);
      // The week before, by loss band: newest first; the sums of ε exact.
      const earlier = await H.request(H.actors.operator, 'POST', '/v1/stats/releases', {
        week: ymd(week - 7 * DAY),
        cut: 'loss',
        epsilon: 4.9,
      });
      expect(json(earlier).spent).toEqual({ week: 4.9, total: 14.9 });
      const both = json<{ releases: Release[] }>(await H.request(undefined, 'GET', '/v1/stats'));
      expect(both.releases.map((r) => [r.week, r.cut])).toEqual([
        [ymd(week), 'category'],
        [ymd(week - 7 * DAY), 'loss'],
      ]);
      const over = await H.request(H.actors.operator, 'POST', '/v1/stats/releases', {
        week: ymd(week - 14 * DAY),
        cut: 'loss',
        epsilon: 0.2,
      });
      expect(json<{ detail: string }>(over).detail).toContain('the total to 15.1 (budget 15)');
    });

    it('cuts by region and by category and region: provinces, other countries, unknown', async () => {
      // ε 10 each, the most a week may spend: one platform per cut.
      let H = await setUp({ epsilonPerWeek: 10, epsilonTotal: 10, threshold: 0 });
      const release = async (cut: string) => {
        const made = await H.request(H.actors.operator, 'POST', '/v1/stats/releases', {
          week: ymd(week),
          cut,
          epsilon: 10,
        });
        expect(made.statusCode).toBe(201);
        return json<{ release: Release }>(made).release;
      };
      // Within one of the truth at ε 10 (the noise is 0 but for about one cell in 10,000).
      const near = (r: Release, key: string, n: number) =>
        expect(Math.abs((cell(r, key) ?? -99) - n), key).toBeLessThanOrEqual(1);
      const byRegion = await release('region');
      // The 34 provincial-level divisions, other countries and unknown: every one a cell.
      expect(byRegion.cells).toHaveLength(36);
      near(byRegion, 'CN-GD', 2);
      near(byRegion, 'CN-BJ', 1);
      near(byRegion, 'other', 1);
      near(byRegion, 'unknown', 1);
      near(byRegion, 'CN-SH', 0);
      H = await setUp({ epsilonPerWeek: 10, epsilonTotal: 10, threshold: 0 });
      const both = await release('category_region');
      expect(both.cells).toHaveLength(14 * 36);
      near(both, 'impersonate_authority:CN-GD', 2);
      near(both, 'impersonate_authority:unknown', 1);
      near(both, 'fake_investment:other', 1);
      near(both, 'fake_investment:CN-BJ', 1);
      near(both, 'fake_investment:CN-GD', 0);
      // The report keeps its region, and its member reads it back.
      const mine = await H.request(H.actors.bankA, 'GET', '/v1/reports?limit=100');
      const stored = json<{ reports: { ref: string; region?: string }[] }>(mine).reports;
      expect(stored.find((r) => r.ref === 'a1')?.region).toBe('CN-GD');
      expect(stored.find((r) => r.ref === 'a3')).not.toHaveProperty('region');
    });

    it('refuses a report whose region is not ISO 3166-2, naming the field; nothing changes', async () => {
      const H = await openHarness(backend);
      const head = (await H.platform.store.logHead()).size;
      for (const region of ['CN-XX', 'cn-gd', 'Guangdong', 'CN-44', '__proto__', 'GD', ''])
        for (const at of [0, 1]) {
          const reports = [
            report('ok', 'fake_loan', week + DAY, undefined, 'CN-GD'),
            report('bad', 'fake_loan', week + DAY, undefined, region),
          ];
          const res = await H.reports(H.actors.bankA, at === 0 ? reports.reverse() : reports);
          expect([region, res.statusCode, json(res).code]).toEqual([
            region,
            400,
            'request.invalid',
          ]);
          expect(JSON.stringify(json(res).errors)).toContain(`reports[${at}].region`);
          expect(JSON.stringify(json(res))).not.toContain('Guangdong');
        }
      expect((await H.platform.store.logHead()).size).toBe(head);
    });

    it('refuses what would overspend, a second noising, an open week; nothing changes', async () => {
      const H = await setUp({ epsilonPerWeek: 1, epsilonTotal: 1.5, threshold: 5 });
      const post = (actor: typeof H.actors.operator | undefined, body: object) =>
        H.request(actor, 'POST', '/v1/stats/releases', body);
      const first = await post(H.actors.operator, { week: ymd(week), cut: 'category' });
      expect(first.statusCode).toBe(201);
      // The policy's ε per week when none is asked; counts below the threshold are null.
      const release = json<{ release: Release }>(first).release;
      expect(release.epsilon).toBe(1);
      expect(release.cells.some((c) => c.count === null)).toBe(true);
      const head = (await H.platform.store.logHead()).size;
      const state = async () => [
        (await H.platform.store.logHead()).size,
        json(await H.request(undefined, 'GET', '/v1/stats')),
      ];
      const before = await state();
      const refusals: [object, typeof H.actors.operator | undefined, number, string, string?][] = [
        // The week's budget is spent: another cut of it.
        [
          { week: ymd(week), cut: 'loss', epsilon: 0.1 },
          H.actors.operator,
          403,
          'stats.budget_exhausted',
          'epsilon',
        ],
        // The same cut again: never noised twice.
        [{ week: ymd(week), cut: 'category' }, H.actors.operator, 409, 'stats.released', 'week'],
        // Another week, past the total budget.
        [
          { week: ymd(week - 7 * DAY), cut: 'category', epsilon: 1 },
          H.actors.operator,
          403,
          'stats.budget_exhausted',
          'epsilon',
        ],
        // A week whose reports are not all in yet.
        [
          { week: ymd(mondayOf(Date.now())), cut: 'category', epsilon: 0.1 },
          H.actors.operator,
          400,
          'stats.week_open',
          'week',
        ],
        // Not a Monday; a cut that does not exist; an ε out of range.
        [
          { week: ymd(week + DAY), cut: 'category', epsilon: 0.1 },
          H.actors.operator,
          400,
          'request.invalid',
          'week',
        ],
        [
          { week: ymd(week), cut: 'narrative', epsilon: 0.1 },
          H.actors.operator,
          400,
          'request.invalid',
          'cut',
        ],
        [
          { week: ymd(week), cut: 'loss', epsilon: 0 },
          H.actors.operator,
          400,
          'request.invalid',
          'epsilon',
        ],
        [
          { week: ymd(week), cut: 'loss', epsilon: 0.0015 },
          H.actors.operator,
          400,
          'request.invalid',
          'epsilon',
        ],
        // Within 1e-9 of a thousandth is not a thousandth: the sampler's own test decides.
        [
          { week: ymd(week), cut: 'loss', epsilon: 0.128999999999 },
          H.actors.operator,
          400,
          'request.invalid',
          'epsilon',
        ],
        [
          { week: ymd(week), cut: 'loss', epsilon: 'one' },
          H.actors.operator,
          400,
          'request.invalid',
          'epsilon',
        ],
        // A week in 9999 has not ended; no report is of one in year 1.
        [
          { week: '9999-12-27', cut: 'loss', epsilon: 0.1 },
          H.actors.operator,
          400,
          'stats.week_open',
          'week',
        ],
        [
          { week: '0001-01-01', cut: 'loss', epsilon: 0.1 },
          H.actors.operator,
          400,
          'request.invalid',
          'week',
        ],
        // Only the operator releases; nobody anonymously.
        [{ week: ymd(week), cut: 'loss', epsilon: 0.1 }, H.actors.bankA, 403, 'role.forbidden'],
        [{ week: ymd(week), cut: 'loss', epsilon: 0.1 }, H.actors.auditor, 403, 'role.forbidden'],
        [{ week: ymd(week), cut: 'loss', epsilon: 0.1 }, undefined, 401, 'auth.missing'],
      ];
      for (const [body, actor, status, code, field] of refusals) {
        const res = await post(actor, body);
        expect([JSON.stringify(body), res.statusCode, json(res).code]).toEqual([
          JSON.stringify(body),
          status,
          code,
        ]);
        if (field !== undefined)
          expect((json<{ errors: { field: string }[] }>(res).errors ?? [])[0]?.field).toBe(field);
      }
      // A policy whose ε the sampler cannot take is refused when it is set.
      for (const statistics of [
        { epsilonPerWeek: 0.0015, epsilonTotal: 1, threshold: 5 },
        { epsilonPerWeek: 1, epsilonTotal: 1, threshold: 2.5 },
      ]) {
        const res = await H.request(H.actors.operator, 'PUT', '/v1/policy', {
          ...DEFAULT_POLICY,
          statistics,
        });
        expect([res.statusCode, json(res).code]).toEqual([400, 'policy.invalid']);
      }
      expect(await state()).toEqual(before);
      expect((await H.platform.store.logHead()).size).toBe(head);
    });
  });
