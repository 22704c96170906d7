import type { TokenizedLink, TokenizedReport } from '@credence/core/wire/tokenized-records';
import { describe, expect, it } from 'vitest';
import { tok } from './harness.js';
import { harnessPerTest } from './harness-per-test.js';
import { type Backend, BACKENDS as backends } from './postgres.js';

/**
 * Issue 12: a recycled number's new holder is not flagged through its former holder's
 * ring or reports once a member reports the reassignment. Through the API, on SQLite and
 * (with CREDENCE_TEST_POSTGRES_URL) on PostgreSQL.
 */
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const json = <T = Record<string, unknown>>(r: { json: () => unknown }) => r.json() as T;
const phone = (n: string) => ({ kind: 'phone' as const, token: tok(n), keyId: 'k1' });
const ident = (n: string) => ({ kind: 'id_number' as const, token: tok(n), keyId: 'k1' });

interface Answer {
  verdict: string;
  score: number;
  reporters: number;
  reports: Record<string, number>;
  explanation: string;
  ring: { id: string } | null;
}

const openHarness = harnessPerTest();

for (const [name, backend] of backends)
  describe(`a number given to a new holder (${name})`, () => {
    const now = Date.now();
    const given = now - 20 * DAY;

    keepsTheNewHolderOut(backend, now, given);
  });

/** The test, declared in each backend's describe (a function of its own, as it is long). */
function keepsTheNewHolderOut(backend: Backend, now: number, given: number) {
  it("keeps the new holder out of the former holder's ring and reports", async () => {
    const H = await openHarness(backend);
    // A call centre: numbers p1..p3 in one handset, reported by two members 40 days ago.
    const reports = (prefix: string): TokenizedReport[] =>
      ['p1', 'p2', 'p3'].map((p, i) => ({
        ref: `${prefix}-${p}`,
        type: 'victim_report',
        category: 'impersonate_authority',
        occurredAt: iso(now - (40 + i) * DAY),
        entities: [
          { role: 'caller', ...phone(p) },
          { role: 'victim', ...phone(`${prefix}-victim-${i}`) },
        ],
      }));
    expect((await H.reports(H.actors.bankA, reports('a'))).statusCode).toBe(200);
    expect((await H.reports(H.actors.telecom, reports('t'))).statusCode).toBe(200);
    const ring: TokenizedLink[] = [
      ...['p1', 'p2', 'p3'].map((p) => ({
        link: 'login' as const,
        from: phone(p),
        to: { kind: 'imei' as const, token: tok('handset'), keyId: 'k1' },
        at: iso(now - 60 * DAY),
        count: 1,
      })),
      {
        link: 'registered_with',
        from: phone('p1'),
        to: ident('ring-id'),
        at: iso(now - 90 * DAY),
        count: 1,
      },
    ];
    expect((await H.links(H.actors.telecom, ring)).statusCode).toBe(200);
    // The new holder's card, registered with the number after it changed hands.
    const card = { kind: 'bank_card' as const, token: tok('new-card'), keyId: 'k1' };
    const registered = await H.links(H.actors.bankB, [
      { link: 'registered_with', from: card, to: phone('p1'), at: iso(now - 10 * DAY), count: 1 },
    ]);
    expect(registered.statusCode).toBe(200);

    const check = async (token: string, after?: number): Promise<Answer> => {
      const res = await H.request(H.actors.bankB, 'POST', '/v1/check', {
        tokens: [token],
        ...(after === undefined ? {} : { after }),
      });
      expect(res.statusCode, res.body).toBe(200);
      return (json<{ results: Answer[] }>(res).results[0] as Answer) ?? ({} as Answer);
    };
    const analyse = async () => {
      const res = await H.request(H.actors.operator, 'POST', '/v1/analysis');
      expect(res.statusCode, res.body).toBe(200);
    };

    // Before the reassignment is known: the number is reported, the card is the ring's.
    await analyse();
    const before = await check(tok('p1'));
    expect(before.verdict).not.toBe('clear');
    expect(before.reporters).toBe(2);
    const cardBefore = await check(tok('new-card'));
    expect(cardBefore.verdict).toBe('suspicious');
    expect(cardBefore.ring?.id).toBe(before.ring?.id);

    // The operator reports the reassignment.
    const res = await H.links(H.actors.telecom, [
      { link: 'reassigned', from: phone('p1'), to: ident('new-id'), at: iso(given), count: 1 },
    ]);
    expect(res.statusCode, res.body).toBe(200);
    const { seq } = json<{ seq: number }>(res);
    // Checks count no report of the former holder at once; the ring found before the
    // reassignment was known still names the number until the next run.
    const words = `Given to a new holder on ${iso(given).slice(0, 10)}; 2 earlier reports concern the earlier holder.`;
    const after = await check(tok('p1'), seq);
    expect(after).toMatchObject({ reporters: 0, reports: { victim_report: 0 } });
    expect(after.explanation).toContain(words);
    expect(after.ring?.id).toBe(before.ring?.id);

    // The next run keeps the former holder's epoch in the ring, not the number today.
    await analyse();
    const today = await check(tok('p1'));
    expect(today).toMatchObject({ verdict: 'clear', score: 0, reporters: 0, ring: null });
    expect(today.explanation).toBe(`No member has reported this identifier. ${words}`);
    for (const t of ['p1', 'new-card', 'new-id']) {
      const a = await check(tok(t));
      expect(a.verdict, t).toBe('clear');
      expect(a.ring, t).toBeNull();
    }
    const p2 = await check(tok('p2'));
    expect(p2.ring).not.toBeNull();
    const detail = json<{ tokens: { token: string; former?: boolean }[] }>(
      await H.request(H.actors.police, 'GET', `/v1/rings/${p2.ring?.id}`),
    );
    const former = detail.tokens.filter((t) => t.former === true).map((t) => t.token);
    expect(former).toEqual([`${tok('p1')}@${Date.parse(iso(given))}`]);
    expect(detail.tokens.map((t) => t.token)).not.toContain(tok('p1'));
    expect(detail.tokens.map((t) => t.token)).not.toContain(tok('new-card'));

    // A report of the new holder's time counts; the earlier ones still do not.
    expect(
      (
        await H.reports(H.actors.bankA, [
          {
            ref: 'later',
            type: 'suspected',
            category: 'impersonate_authority',
            occurredAt: iso(now - 2 * DAY),
            entities: [{ role: 'caller', ...phone('p1') }],
          },
        ])
      ).statusCode,
    ).toBe(200);
    const later = await check(tok('p1'));
    expect(later.reporters).toBe(1);
    expect(later.reports).toMatchObject({ suspected: 1, victim_report: 0 });
    expect(later.explanation).toContain('2 earlier reports concern the earlier holder.');
  });
}
