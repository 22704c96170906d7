import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, harness, report, tok } from './harness.js';

/** Who may call what: each endpoint for each role, and the operations endpoints. */

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.close();
});

const json = <T = Record<string, unknown>>(r: { json: () => unknown }) => r.json() as T;

/** Who calls: each role, and no one. */
type Who = 'operator' | 'bankA' | 'telecom' | 'police' | 'auditor' | 'keyserver' | 'none';
const WHO: Who[] = ['operator', 'bankA', 'telecom', 'police', 'auditor', 'keyserver', 'none'];
/** Each endpoint: its method, its URL, the body it is sent, and who may call it. */
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
  ['GET', '/v1/cases', () => undefined, ['operator', 'police', 'auditor']],
  ['GET', '/v1/disclosures', () => undefined, ['bankA', 'telecom', 'police']],
  [
    'POST',
    '/v1/disclosures/decisions',
    () => ({ decisions: [{ id: '1', reason: 'not ours to give' }] }),
    ['bankA', 'telecom', 'police'],
  ],
  ['GET', '/v1/audit/state/members', () => undefined, ['operator', 'auditor']],
  ['GET', '/v1/outcomes/summary', () => undefined, ['operator', 'auditor']],
  ['GET', '/v1/appeals', () => undefined, ['operator', 'bankA', 'telecom', 'police', 'auditor']],
  ['GET', '/v1/exposures', () => undefined, ['operator', 'police', 'auditor']],
  [
    'POST',
    '/v1/exposures',
    () => ({
      list: 'seized-1',
      part: 0,
      seizedAt: '2026-11-01T00:00:00Z',
      tokens: [{ kind: 'phone', token: tok(9), keyId: 'k1' }],
    }),
    ['police'],
  ],
  ['GET', '/v1/filters', () => undefined, ['bankA', 'telecom', 'police']],
  ['POST', '/v1/filters/publish', () => undefined, ['operator']],
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

describe("the role matrix: each endpoint, each role, and another member's data", () => {
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
        // A write that makes something answers 201 (an upload of a seized list).
        const done = method === 'POST' && url === '/v1/exposures' ? 201 : 200;
        const expected = who === 'none' ? 401 : allowed.includes(who) ? done : 403;
        expect(res.statusCode, `${who}: ${res.body}`).toBe(expected);
        if (who === 'operator' && url.endsWith('/disable'))
          await h.request(h.actors.operator, 'POST', '/v1/members/bank-b/enable', {});
      }
    });
  }

  it('answers GET /v1/stats to every role and to no credential (public statistics)', async () => {
    for (const who of WHO) {
      const res = await h.request(who === 'none' ? undefined : h.actors[who], 'GET', '/v1/stats');
      expect(res.statusCode, `${who}: ${res.body}`).toBe(200);
      expect(Object.keys(json(res))).toEqual(['releases', 'budget']);
    }
  });

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
});

describe('enrolment by the operator: shares, races, and disabling', () => {
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

describe('operations', () => {
  it('declares the answer of every route, so that only what is declared leaves', async () => {
    const spec = json<{ paths: Record<string, Record<string, { responses?: object }>> }>(
      await h.request(undefined, 'GET', '/v1/openapi.json'),
    );
    // TAXII's writes only ever refuse (every collection is read-only): they declare their 403.
    const refusals = new Set([
      'post /taxii2/credence/collections/{collection}/objects/',
      'delete /taxii2/credence/collections/{collection}/objects/{object}/',
    ]);
    const undeclared = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([method]) => !refusals.has(`${method} ${path}`))
        .filter(([, op]) => !Object.keys(op.responses ?? {}).some((code) => /^2\d\d$/.test(code)))
        .map(([method]) => `${method} ${path}`),
    );
    expect(undeclared).toEqual([]);
  });

  it('says who may call each route and how each refuses', async () => {
    type Op = {
      security?: unknown[];
      'x-credence-roles'?: string[];
      responses: Record<string, { content?: Record<string, unknown> }>;
    };
    const spec = json<{ paths: Record<string, Record<string, Op>> }>(
      await h.request(undefined, 'GET', '/v1/openapi.json'),
    );
    const ops = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ name: `${method} ${path}`, op })),
    );
    for (const { name, op } of ops) {
      const roles = op['x-credence-roles'];
      // Public (no credential) or the roles that may call it, never neither.
      const publicRoute = op.security !== undefined && op.security.length === 0;
      expect(roles !== undefined || publicRoute ? 'ok' : name).toBe('ok');
      if (roles !== undefined)
        expect(Object.keys(op.responses), name).toEqual(
          expect.arrayContaining(['401', '403', '429']),
        );
      for (const [status, answer] of Object.entries(op.responses))
        if (Number(status) >= 400)
          expect(Object.keys(answer.content ?? {}), `${name} ${status}`).toContain(
            name.includes('/taxii2/')
              ? 'application/taxii+json;version=2.1'
              : 'application/problem+json',
          );
    }
    expect(ops.find((o) => o.name === 'post /v1/check')?.op['x-credence-roles']).toEqual([
      'member',
      'police',
    ]);
    expect(ops.find((o) => o.name === 'get /v1/platform')?.op.security).toEqual([]);
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
