import type { LogEntry } from '@credence/core/log/entries';
import type { TokenizedLink, TokenizedReport } from '@credence/core/wire/tokenized-records';
import { describe, expect, it } from 'vitest';
import { type Harness, tok } from './harness.js';
import { harnessPerTest } from './harness-per-test.js';
import { type Backend, BACKENDS as backends } from './postgres.js';

/**
 * Appeals (issue 17, docs/appeals.md): a falsely reported identifier goes from `fraud` to
 * `clear` everywhere once an appeal is upheld, joint analysis drops it from its ring, and
 * only new evidence flags it again; each abuse is refused and changes nothing. Through
 * the API, on SQLite and (with CREDENCE_TEST_POSTGRES_URL) on PostgreSQL.
 */
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const json = <T = Record<string, unknown>>(r: { json: () => unknown }) => r.json() as T;
const phone = (n: string) => ({ kind: 'phone' as const, token: tok(n), keyId: 'k1' });

interface Answer {
  verdict: string;
  score: number;
  reporters: number;
  reports: Record<string, number>;
  explanation: string;
  ring: { id: string } | null;
  rank: unknown;
}
interface Appeal {
  id: number;
  token: string;
  kind: string;
  member: string;
  reason: string;
  status: string;
  ruledAt: string | null;
  ruledBy: string | null;
  rulingReason: string | null;
}
interface Problem {
  code: string;
  errors?: { field: string }[];
}

const openHarness = harnessPerTest();

for (const [name, backend] of backends)
  describe(`appeals (${name})`, () => {
    const now = Date.now();
    upheldClearsEverywhere(backend, now);
    refusesAbuse(backend);
  });

/**
 * A call centre's numbers p1..p3 share a handset; p1 is in fact a spoofed number (its
 * holder never called anyone): bank-a and telecom-a reported calls from it, the police
 * confirmed it. Its holder appeals through bank-b.
 */
async function plant(H: Harness, now: number): Promise<void> {
  const calls = (prefix: string): TokenizedReport[] =>
    ['p1', 'p2', 'p3'].map((p, i) => ({
      ref: `${prefix}-${p}`,
      type: 'victim_report',
      category: 'impersonate_authority',
      occurredAt: iso(now - (10 + i) * DAY),
      entities: [
        { role: 'caller', ...phone(p) },
        { role: 'victim', ...phone(`${prefix}-victim-${i}`) },
      ],
    }));
  expect((await H.reports(H.actors.bankA, calls('a'))).statusCode).toBe(200);
  expect((await H.reports(H.actors.telecom, calls('t'))).statusCode).toBe(200);
  const confirmed: TokenizedReport = {
    ref: 'police-p1',
    type: 'police_confirmed',
    category: 'impersonate_authority',
    occurredAt: iso(now - 9 * DAY),
    entities: [{ role: 'caller', ...phone('p1') }],
  };
  expect((await H.reports(H.actors.police, [confirmed])).statusCode).toBe(200);
  const handset: TokenizedLink[] = ['p1', 'p2', 'p3'].map((p) => ({
    link: 'login',
    from: phone(p),
    to: { kind: 'imei', token: tok('handset'), keyId: 'k1' },
    at: iso(now - 20 * DAY),
    count: 1,
  }));
  expect((await H.links(H.actors.telecom, handset)).statusCode).toBe(200);
}

function upheldClearsEverywhere(backend: Backend, now: number) {
  it('an upheld appeal clears the identifier everywhere, drops it from its ring, and new evidence counts', async () => {
    const H = await openHarness(backend);
    await plant(H, now);
    const check = async (token: string, after?: number): Promise<Answer> => {
      const res = await H.request(H.actors.bankB, 'POST', '/v1/check', {
        tokens: [token],
        ...(after === undefined ? {} : { after }),
      });
      expect(res.statusCode, res.body).toBe(200);
      return json<{ results: Answer[] }>(res).results[0] as Answer;
    };
    const analyse = async () => {
      const res = await H.request(H.actors.operator, 'POST', '/v1/analysis');
      expect(res.statusCode, res.body).toBe(200);
    };
    await analyse();
    const before = await check(tok('p1'));
    expect(before).toMatchObject({ verdict: 'fraud', reporters: 3 });
    expect(before.ring).not.toBeNull();

    // The person's bank opens the appeal: the platform learns the token and a reason code.
    const opened = await H.request(H.actors.bankB, 'POST', '/v1/appeals', {
      token: tok('p1'),
      reason: 'number_spoofed',
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const appeal = json<Appeal>(opened);
    expect(appeal).toMatchObject({
      id: 1,
      token: tok('p1'),
      kind: 'phone',
      member: 'bank-b',
      reason: 'number_spoofed',
      status: 'open',
    });
    // Open is not upheld: the answer stands meanwhile.
    expect((await check(tok('p1'))).verdict).toBe('fraud');

    const head = (await H.platform.store.logHead()).size;
    const upheld = await H.request(H.actors.operator, 'POST', '/v1/appeals/1/uphold');
    expect(upheld.statusCode, upheld.body).toBe(200);
    const ruling = json<{ appeal: Appeal; sequence: number; alerts: number }>(upheld);
    expect(ruling.appeal).toMatchObject({ status: 'upheld', ruledBy: 'ops', rulingReason: null });
    // Its reporters are told (bank-a, telecom-a, police-1).
    expect(ruling.alerts).toBe(3);
    const entries = (
      await H.platform.store.logEntries(head, (await H.platform.store.logHead()).size)
    ).map((t) => JSON.parse(t) as LogEntry);
    expect(entries.map((e) => [e.kind, e.member, e.subject])).toEqual([
      ['alerts', 'ops', 'alerts/3'],
      ['appeal_ruling', 'ops', 'appeal/1'],
    ]);
    const alerts = json<{ alerts: { token: string; source: string }[] }>(
      await H.request(H.actors.bankA, 'GET', '/v1/alerts'),
    ).alerts.filter((a) => a.source === 'appeal');
    expect(alerts.map((a) => a.token)).toEqual([tok('p1')]);

    // At once, with the ruling's sequence: clear, saying why; the ring found before the
    // ruling no longer raises it.
    const day = String(ruling.appeal.ruledAt).slice(0, 10);
    const after = await check(tok('p1'), ruling.sequence);
    expect(after).toMatchObject({
      verdict: 'clear',
      score: 0,
      reporters: 0,
      ring: null,
      rank: null,
    });
    expect(after.explanation).toBe(
      `No member has reported this identifier. Appeal upheld on ${day}; 3 earlier reports no longer count.`,
    );
    // Its accomplices' answers are untouched.
    expect((await check(tok('p2'))).reporters).toBe(2);

    // The next run leaves p1 out of the graph: no ring holds it; p2 and p3 keep theirs.
    await analyse();
    expect((await check(tok('p1'))).ring).toBeNull();
    const p2 = await check(tok('p2'));
    expect(p2.ring).not.toBeNull();
    const ring = json<{ tokens: { token: string }[] }>(
      await H.request(H.actors.police, 'GET', `/v1/rings/${p2.ring?.id}`),
    );
    expect(ring.tokens.map((t) => t.token)).not.toContain(tok('p1'));

    // The same evidence sent again (an event before the ruling) does not flag it again.
    const again = await H.reports(H.actors.bankA, [
      {
        ref: 'again-p1',
        type: 'confirmed_fraud',
        category: 'impersonate_authority',
        occurredAt: iso(now - 8 * DAY),
        entities: [{ role: 'caller', ...phone('p1') }],
      },
    ]);
    expect(again.statusCode).toBe(200);
    expect((await check(tok('p1'), json<{ sequence: number }>(again).sequence)).verdict).toBe(
      'clear',
    );
    // New evidence, of an event after the ruling, counts.
    const later = await H.reports(H.actors.telecom, [
      {
        ref: 'later-p1',
        type: 'suspected',
        category: 'impersonate_authority',
        occurredAt: iso(Date.now() + 1000),
        entities: [{ role: 'caller', ...phone('p1') }],
      },
    ]);
    expect(later.statusCode, later.body).toBe(200);
    const flagged = await check(tok('p1'), json<{ sequence: number }>(later).sequence);
    expect(flagged).toMatchObject({ reporters: 1, reports: { suspected: 1 } });
    expect(flagged.explanation).toContain(`Appeal upheld on ${day}`);

    // The ruling is final; bank-b sees its appeal ruled, bank-a sees none of its own.
    const twice = await H.request(H.actors.operator, 'POST', '/v1/appeals/1/uphold');
    expect(twice.statusCode).toBe(409);
    expect(json<Problem>(twice).code).toBe('appeal.ruled');
    expect(
      json<{ appeals: Appeal[] }>(await H.request(H.actors.bankB, 'GET', '/v1/appeals')).appeals,
    ).toMatchObject([{ id: 1, status: 'upheld' }]);
    expect(
      json<{ appeals: Appeal[] }>(await H.request(H.actors.bankA, 'GET', '/v1/appeals')).appeals,
    ).toEqual([]);
    expect(
      json<{ appeals: Appeal[] }>(
        await H.request(H.actors.auditor, 'GET', '/v1/appeals?status=upheld'),
      ).appeals,
    ).toHaveLength(1);
  });
}

function refusesAbuse(backend: Backend) {
  it('refuses an appeal for a token no member reported, a second open one, a ruling by a member; a rejection is logged', async () => {
    const H = await openHarness(backend);
    await plant(H, Date.now());
    const size = async () => (await H.platform.store.logHead()).size;
    const before = await size();

    const unknown = await H.request(H.actors.bankB, 'POST', '/v1/appeals', {
      token: tok('nobody'),
      reason: 'not_involved',
    });
    expect(unknown.statusCode).toBe(404);
    expect(json<Problem>(unknown)).toMatchObject({
      code: 'appeal.token_unknown',
      errors: [{ field: 'token' }],
    });
    expect(unknown.body).not.toContain(tok('nobody'));
    // A token only a link names (the handset) is no report's: nothing to appeal either.
    expect(
      (
        await H.request(H.actors.bankB, 'POST', '/v1/appeals', {
          token: tok('handset'),
          reason: 'not_involved',
        })
      ).statusCode,
    ).toBe(404);
    for (const body of [
      { token: tok('p2'), reason: 'because I say so' },
      { token: tok('p2') },
      { token: 'not a token', reason: 'not_involved' },
      { token: tok('p2'), reason: 'not_involved', story: 'my neighbour…' },
    ]) {
      const res = await H.request(H.actors.bankB, 'POST', '/v1/appeals', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
    }
    // Only members and the police open appeals; only the operator rules.
    for (const actor of [H.actors.operator, H.actors.auditor, H.actors.keyserver])
      expect(
        (
          await H.request(actor, 'POST', '/v1/appeals', {
            token: tok('p2'),
            reason: 'not_involved',
          })
        ).statusCode,
      ).toBe(403);
    expect(await size()).toBe(before);

    const opened = await H.request(H.actors.police, 'POST', '/v1/appeals', {
      token: tok('p2'),
      reason: 'identity_stolen',
    });
    expect(opened.statusCode).toBe(201);
    const pending = await H.request(H.actors.bankB, 'POST', '/v1/appeals', {
      token: tok('p2'),
      reason: 'not_involved',
    });
    expect(pending.statusCode).toBe(409);
    expect(json<Problem>(pending)).toMatchObject({
      code: 'appeal.pending',
      errors: [{ field: 'token' }],
    });
    for (const actor of [H.actors.bankA, H.actors.police, H.actors.auditor])
      expect((await H.request(actor, 'POST', '/v1/appeals/1/uphold')).statusCode).toBe(403);
    expect((await H.request(H.actors.operator, 'POST', '/v1/appeals/9/uphold')).statusCode).toBe(
      404,
    );
    expect(
      (await H.request(H.actors.operator, 'POST', '/v1/appeals/1/reject', { reason: 'nope' }))
        .statusCode,
    ).toBe(400);
    expect(await size()).toBe(before + 1);

    const rejected = await H.request(H.actors.operator, 'POST', '/v1/appeals/1/reject', {
      reason: 'evidence_stands',
    });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(json<{ appeal: Appeal; alerts: number }>(rejected)).toMatchObject({
      appeal: { status: 'rejected', rulingReason: 'evidence_stands' },
      alerts: 0,
    });
    // The rejection is logged with its reason (the record salted: the token is not guessable from the log).
    const last = (await size()) - 1;
    const [text] = await H.platform.store.logEntries(last, last + 1);
    const entry = JSON.parse(text as string) as LogEntry;
    expect([entry.kind, entry.member, entry.subject]).toEqual(['appeal_ruling', 'ops', 'appeal/1']);
    const [record] = await H.platform.store.auditRecords([{ ...entry, index: last }]);
    expect(record).toMatchObject({
      type: 'event',
      record: { ruling: 'rejected', reason: 'evidence_stands', token: tok('p2') },
    });
    // A rejection changes no answer, and a new appeal may be opened after it.
    const p2 = json<{ results: Answer[] }>(
      await H.request(H.actors.bankB, 'POST', '/v1/check', { tokens: [tok('p2')] }),
    ).results[0];
    expect(p2?.reporters).toBe(2);
    expect(p2?.explanation).not.toContain('Appeal');
    expect(
      (
        await H.request(H.actors.bankB, 'POST', '/v1/appeals', {
          token: tok('p2'),
          reason: 'not_involved',
        })
      ).statusCode,
    ).toBe(201);
  });
}
