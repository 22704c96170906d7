import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatform } from '../src/server.js';
import { type Harness, harness } from './harness.js';

/**
 * The platform's dashboard (/ui/): one-time links for the operator's and auditors'
 * people, sessions kept in the store (any API node knows them), the session's Origin and
 * CSRF token on changes, and the API's bearer credentials untouched by any of it. The
 * built app is a page of its own here: what is tested is who gets in, not the app (the
 * dashboard's browser suite drives the real one).
 */

const dir = mkdtempSync(join(tmpdir(), 'credence-ui-'));
const folder = join(dir, 'app');
mkdirSync(join(folder, 'assets'), { recursive: true });
writeFileSync(join(folder, 'index.html'), '<!doctype html><title>app</title><div id="app"></div>');
writeFileSync(join(folder, 'assets', 'index-abc.js'), 'console.log(1)');
const ORIGIN = 'https://credence.example';
const db = join(dir, 'platform.sqlite');

let h: Harness;
beforeAll(async () => {
  h = await harness({ db, config: { ui: { folder, origins: [ORIGIN] } } });
});
afterAll(async () => h?.close());

const ui = (method: string, url: string, headers: Record<string, string> = {}, payload?: unknown) =>
  h.platform.app.inject({
    method: method as 'GET',
    url,
    headers: {
      host: 'credence.example',
      ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
  });

/** A link for `actor` (POST /v1/ui/links), spent: the session's cookie header and CSRF token. */
async function signIn(actor: 'operator' | 'auditor') {
  const issued = await h.request(h.actors[actor], 'POST', '/v1/ui/links');
  expect(issued.statusCode).toBe(201);
  const { token, path } = issued.json() as { token: string; path: string };
  expect(path).toBe(`/ui/#login=${token}`);
  const login = await ui('POST', '/ui/api/login', { origin: ORIGIN }, { link: token });
  expect(login.statusCode).toBe(200);
  const cookie = String(login.headers['set-cookie']).split(';')[0] as string;
  const session = await ui('GET', '/ui/api/session', { cookie });
  return {
    cookie,
    token,
    csrf: (session.json() as { csrf: string }).csrf,
    session: session.json(),
  };
}

describe("the platform's dashboard", () => {
  it("gives links to the operator's and auditors' people only", async () => {
    for (const actor of ['bankA', 'police', 'keyserver'] as const)
      expect((await h.request(h.actors[actor], 'POST', '/v1/ui/links')).statusCode).toBe(403);
    expect((await h.request(undefined, 'POST', '/v1/ui/links')).statusCode).toBe(401);
    const op = await signIn('operator');
    expect(op.session).toMatchObject({ member: { id: 'ops' }, role: 'operator' });
    const auditor = await signIn('auditor');
    expect(auditor.session).toMatchObject({ member: { id: 'audit-1' }, role: 'auditor' });
  });

  it('spends a link once, from its own origin only', async () => {
    const { token } = (await h.request(h.actors.operator, 'POST', '/v1/ui/links')).json() as {
      token: string;
    };
    const elsewhere = await ui(
      'POST',
      '/ui/api/login',
      { origin: 'https://evil.example' },
      { link: token },
    );
    expect(elsewhere.statusCode).toBe(403);
    expect(
      (await ui('POST', '/ui/api/login', { origin: ORIGIN }, { link: token })).statusCode,
    ).toBe(200);
    const again = await ui('POST', '/ui/api/login', { origin: ORIGIN }, { link: token });
    expect([again.statusCode, (again.json() as { code: string }).code]).toEqual([
      401,
      'session.link_invalid',
    ]);
  });

  it('shows members, key servers and health; refuses without a session', async () => {
    const { cookie } = await signIn('operator');
    const members = await ui('GET', '/ui/api/members', { cookie });
    expect(members.statusCode).toBe(200);
    expect((members.json() as { members: { id: string }[] }).members.map((m) => m.id)).toContain(
      'bank-a',
    );
    const health = await ui('GET', '/ui/api/health', { cookie });
    expect(health.json()).toMatchObject({ store: 'sqlite', policy: { version: 0 } });
    expect((await ui('GET', '/ui/api/members')).statusCode).toBe(401);
    expect((await ui('GET', '/ui/api/members', { cookie: `${cookie}x` })).statusCode).toBe(401);
  });

  it("ends a session's use when its member is disabled", async () => {
    const { cookie } = await signIn('auditor');
    expect((await ui('GET', '/ui/api/health', { cookie })).statusCode).toBe(200);
    await h.platform.members.disable('audit-1');
    const refused = await ui('GET', '/ui/api/health', { cookie });
    expect([refused.statusCode, (refused.json() as { code: string }).code]).toEqual([
      403,
      'role.forbidden',
    ]);
    await h.platform.members.enable('audit-1');
  });

  it("needs the session's CSRF token and this site's Origin to change anything", async () => {
    const { cookie, csrf } = await signIn('operator');
    expect((await ui('POST', '/ui/api/logout', { cookie, origin: ORIGIN })).statusCode).toBe(403);
    expect(
      (await ui('POST', '/ui/api/logout', { cookie, 'x-credence-csrf': csrf })).statusCode,
    ).toBe(403);
    expect(
      (await ui('POST', '/ui/api/logout', { cookie, origin: ORIGIN, 'x-credence-csrf': csrf }))
        .statusCode,
    ).toBe(200);
    expect((await ui('GET', '/ui/api/session', { cookie })).statusCode).toBe(401);
  });

  it('serves the app under /ui/ for its own host only, and leaves the API as it was', async () => {
    const page = await ui('GET', '/ui/members');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<div id="app">');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect((await ui('GET', '/ui/assets/index-abc.js')).body).toBe('console.log(1)');
    expect((await ui('GET', '/ui/../package.json')).statusCode).toBe(404);
    expect((await ui('GET', '/ui/members', { host: 'evil.example' })).statusCode).toBe(421);
    // The API: bearer credentials, no CSP, any host (a proxy's name).
    const api = await h.platform.app.inject({
      method: 'GET',
      url: '/v1/me',
      headers: { host: 'api.internal:8080', authorization: `Bearer ${h.actors.bankA.credential}` },
    });
    expect(api.statusCode).toBe(200);
    expect(api.headers['content-security-policy']).toBeUndefined();
  });

  it('keeps sessions in the store, as hashes only: another API process knows them', async () => {
    const { cookie, token } = await signIn('operator');
    const other = await createPlatform({
      db,
      keyFile: h.keyFile,
      webhooks: false,
      ui: { folder, origins: [ORIGIN] },
    });
    try {
      const answer = await other.app.inject({
        method: 'GET',
        url: '/ui/api/session',
        headers: { host: 'credence.example', cookie },
      });
      expect(answer.statusCode).toBe(200);
    } finally {
      await other.close();
    }
    const value = cookie.split('=')[1] as string;
    const bytes = readdirSync(dir)
      .filter((f) => f.startsWith('platform.sqlite'))
      .map((f) => readFileSync(join(dir, f)).toString('latin1'))
      .join('');
    expect(bytes).not.toContain(value);
    expect(bytes).not.toContain(token);
  });
});
