import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attachItems, openCase, requestDisclosures } from '@credence/member/cases';
import { checkIdentifiers } from '@credence/member/checks';
import { listDisclosures } from '@credence/member/disclosures';
import { MemberSession } from '@credence/member/member-session';
import { reportByRef } from '@credence/member/own-reports';
import { SESSION_COOKIE } from '@credence/server-kit/web-session';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LogSource, verifyEntry, verifyHistory, verifyNewest } from '../app/src/log-verify.js';
import { type AgentUi, startAgentUi } from '../src/agent-ui.js';
import { AGENT_API } from '../src/api-schemas.js';
import { UiState } from '../src/ui-state.js';
import {
  call,
  type Demo,
  rawReportsOf,
  reportedIdentifier,
  startSmallDemo,
} from './demo-fixture.js';

/**
 * The dashboard as a member's agent serves it, over HTTP, on the demo: sign-in, sessions
 * and CSRF, each role's routes, the risk check (the same answer the CLI's check gives),
 * the log passed through for verification, and hostile requests. The browser suite
 * (dashboard-browser.test.ts) drives the same servers from Chromium.
 */

let demo: Demo;
const dir = mkdtempSync(join(tmpdir(), 'credence-agent-ui-'));
const agents: Record<string, { ui: AgentUi; state: UiState; session: MemberSession }> = {};

async function agent(member: string) {
  const session = await MemberSession.open(demo.config(member), { cache: false, threads: 0 });
  const state = UiState.open(join(dir, `${member}.sqlite`));
  const ui = await startAgentUi({
    session,
    state,
    host: '127.0.0.1',
    port: 0,
    ...(member === 'police-a' ? {} : { sealingKeys: (await session.sealingKeys()) as never }),
  });
  agents[member] = { ui, state, session };
}

beforeAll(async () => {
  demo = await startSmallDemo(join(dir, 'demo'));
  await agent('bank-a');
  await agent('police-a');
}, 120_000);

afterAll(async () => {
  for (const a of Object.values(agents)) {
    await a.ui.close();
    a.state.close();
    await a.session.close();
  }
  await demo?.stop();
});

const url = (member: string) => (agents[member] as { ui: AgentUi }).ui.url;

/** Signs in with a fresh one-time link; the cookie header and CSRF token that follow. */
async function signIn(member: string) {
  const a = agents[member] as { ui: AgentUi; state: UiState };
  const link = a.state.issueLoginLink(Date.now());
  const answer = await call(
    `${a.ui.url}/api/login`,
    'POST',
    {
      origin: a.ui.url,
      'content-type': 'application/json',
    },
    JSON.stringify({ link }),
  );
  expect(answer.status).toBe(200);
  const set = String(answer.headers['set-cookie']);
  const cookie = /^([^;]+)/.exec(set)?.[1] as string;
  const session = await call(`${a.ui.url}/api/session`, 'GET', { cookie });
  return { cookie, csrf: (JSON.parse(session.body) as { csrf: string }).csrf, set };
}

const json = (answer: { body: string }) => JSON.parse(answer.body) as Record<string, unknown>;

describe('signing in', () => {
  it('serves the app to anyone but every /api route only to a session', async () => {
    const page = await call(`${url('bank-a')}/`, 'GET');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="app">');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const api = await call(`${url('bank-a')}/api/session`, 'GET');
    expect(api.status).toBe(401);
    expect(json(api).code).toBe('session.missing');
    expect(api.headers['content-type']).toContain('application/problem+json');
  });

  it('spends a link once, from this site only, and sets a __Host- cookie that scripts cannot read', async () => {
    const a = agents['bank-a'] as { ui: AgentUi; state: UiState };
    const link = a.state.issueLoginLink(Date.now());
    const body = JSON.stringify({ link });
    const elsewhere = await call(
      `${a.ui.url}/api/login`,
      'POST',
      {
        origin: 'http://evil.example',
        'content-type': 'application/json',
      },
      body,
    );
    expect(elsewhere.status).toBe(403);
    expect(json(elsewhere).code).toBe('session.forbidden');
    const headers = { origin: a.ui.url, 'content-type': 'application/json' };
    const first = await call(`${a.ui.url}/api/login`, 'POST', headers, body);
    expect(first.status).toBe(200);
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43};`));
    for (const attribute of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/'])
      expect(cookie).toContain(attribute);
    const again = await call(`${a.ui.url}/api/login`, 'POST', headers, body);
    expect(again.status).toBe(401);
    expect(json(again).code).toBe('session.link_invalid');
  });

  it('refuses a request for another host name (DNS rebinding) before anything else', async () => {
    const answer = await call(`${url('bank-a')}/api/session`, 'GET', { host: 'evil.example:80' });
    expect(answer.status).toBe(421);
    const page = await call(`${url('bank-a')}/`, 'GET', { host: 'evil.example' });
    expect(page.status).toBe(421);
  });

  it("answers also at the origins it is told of (the member's TLS proxy in front)", async () => {
    const a = agents['bank-a'] as { session: MemberSession };
    const state = UiState.open(join(dir, 'proxied.sqlite'));
    const ui = await startAgentUi({
      session: a.session,
      state,
      host: '127.0.0.1',
      port: 0,
      origins: ['https://credence.bank.example'],
    });
    try {
      const page = await call(`${ui.url}/`, 'GET', { host: 'credence.bank.example' });
      expect(page.status).toBe(200);
      const login = await call(
        `${ui.url}/api/login`,
        'POST',
        {
          host: 'credence.bank.example',
          origin: 'https://credence.bank.example',
          'content-type': 'application/json',
        },
        JSON.stringify({ link: state.issueLoginLink(Date.now()) }),
      );
      expect(login.status).toBe(200);
      expect((await call(`${ui.url}/`, 'GET', { host: 'other.bank.example' })).status).toBe(421);
    } finally {
      await ui.close();
      state.close();
    }
  });

  it('ends the session at sign-out', async () => {
    const { cookie, csrf } = await signIn('bank-a');
    const out = await call(`${url('bank-a')}/api/logout`, 'POST', {
      cookie,
      origin: url('bank-a'),
      'x-credence-csrf': csrf,
    });
    expect(out.status).toBe(200);
    expect((await call(`${url('bank-a')}/api/session`, 'GET', { cookie })).status).toBe(401);
  });
});

describe('changes', () => {
  it("need this site's Origin and the session's CSRF token", async () => {
    const { cookie, csrf } = await signIn('bank-a');
    const body = JSON.stringify({ kind: 'phone', value: '13800138000' });
    const post = (headers: Record<string, string>) =>
      call(
        `${url('bank-a')}/api/check`,
        'POST',
        { cookie, 'content-type': 'application/json', ...headers },
        body,
      );
    const noToken = await post({ origin: url('bank-a') });
    expect([noToken.status, json(noToken).code]).toEqual([403, 'session.forbidden']);
    const wrongToken = await post({
      origin: url('bank-a'),
      'x-credence-csrf': `${csrf.slice(1)}0`,
    });
    expect(wrongToken.status).toBe(403);
    const noOrigin = await post({ 'x-credence-csrf': csrf });
    expect(noOrigin.status).toBe(403);
    const elsewhere = await post({ origin: 'http://127.0.0.1:1', 'x-credence-csrf': csrf });
    expect(elsewhere.status).toBe(403);
    expect((await post({ origin: url('bank-a'), 'x-credence-csrf': csrf })).status).toBe(200);
  });
});

describe('the risk check', () => {
  it('gives what the CLI’s check gives, for an identifier as a person types it', async () => {
    const { kind, value, typed } = reportedIdentifier(demo, 'bank-a');
    const { cookie, csrf } = await signIn('bank-a');
    const answer = await call(
      `${url('bank-a')}/api/check`,
      'POST',
      {
        cookie,
        origin: url('bank-a'),
        'x-credence-csrf': csrf,
        'content-type': 'application/json',
      },
      JSON.stringify({ kind, value: typed }),
    );
    expect(answer.status).toBe(200);
    const [ui] = json(answer).checks as {
      identifier: unknown;
      answer: { verdict: string; reporters: number };
    }[];
    const [direct] = await checkIdentifiers(
      (agents['bank-a'] as { session: MemberSession }).session,
      [{ kind, value }],
    );
    expect(ui?.identifier).toEqual({ kind, value });
    expect(ui?.answer.verdict).toBe(direct?.answer.verdict);
    expect(ui?.answer.reporters).toBeGreaterThan(0);
    // Nothing of what was typed is kept by the dashboard.
    const kept = readdirSync(dir)
      .filter((f) => f.startsWith('bank-a.sqlite'))
      .map((f) => readFileSync(join(dir, f)).toString('latin1'))
      .join('');
    expect(kept).not.toContain(value.slice(3));
  });

  it('answers a bad identifier with a problem naming the field, never echoing it', async () => {
    const { cookie, csrf } = await signIn('bank-a');
    const headers = {
      cookie,
      origin: url('bank-a'),
      'x-credence-csrf': csrf,
      'content-type': 'application/json',
    };
    const bad = await call(
      `${url('bank-a')}/api/check`,
      'POST',
      headers,
      JSON.stringify({ kind: 'phone', value: 'call 12 secret-9931' }),
    );
    expect(bad.status).toBe(400);
    expect(json(bad).errors).toEqual([expect.objectContaining({ field: 'value' })]);
    expect(bad.body).not.toContain('secret-9931');
    const kind = await call(
      `${url('bank-a')}/api/check`,
      'POST',
      headers,
      JSON.stringify({ kind: 'passport', value: 'x' }),
    );
    expect([kind.status, (json(kind).errors as { field: string }[])[0]?.field]).toEqual([
      400,
      'kind',
    ]);
    const proto = await call(
      `${url('bank-a')}/api/check`,
      'POST',
      headers,
      '{"kind":"phone","value":"13800138000","__proto__":{"admin":true}}',
    );
    expect(proto.status).toBe(400);
    const gb18030 = await call(
      `${url('bank-a')}/api/check`,
      'POST',
      { ...headers, 'content-type': 'application/json; charset=gb18030' },
      Buffer.from([0x7b, 0x22, 0xc4, 0xe3, 0x22, 0x7d]),
    );
    expect(gb18030.status).toBeGreaterThanOrEqual(400);
    expect(gb18030.status).toBeLessThan(500);
  });

  it('refuses a 15 MB body from nobody without reading it into a 500', async () => {
    const big = Buffer.alloc(15 * 1024 * 1024, 0x61);
    const answer = await call(
      `${url('bank-a')}/api/check`,
      'POST',
      { origin: url('bank-a'), 'content-type': 'application/json' },
      big,
    );
    if (answer.status !== -1) {
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
    }
    const { cookie, csrf } = await signIn('bank-a');
    const signedIn = await call(
      `${url('bank-a')}/api/check`,
      'POST',
      {
        cookie,
        origin: url('bank-a'),
        'x-credence-csrf': csrf,
        'content-type': 'application/json',
      },
      big,
    );
    if (signedIn.status !== -1) expect(signedIn.status).toBe(413);
  });
});

describe('roles', () => {
  it("keeps a police agent out of a member's disclosures, and lists a member's own", async () => {
    const police = await signIn('police-a');
    const refused = await call(`${url('police-a')}/api/disclosures`, 'GET', {
      cookie: police.cookie,
    });
    expect([refused.status, json(refused).code]).toEqual([403, 'role.forbidden']);
    expect(
      json(await call(`${url('police-a')}/api/session`, 'GET', { cookie: police.cookie })).role,
    ).toBe('police');
    const bank = await signIn('bank-a');
    const list = json(
      await call(`${url('bank-a')}/api/disclosures?status=requested`, 'GET', {
        cookie: bank.cookie,
      }),
    );
    const rows = list.disclosures as { id: string; ref: string | null; status: string }[];
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.every((r) => r.status === 'requested' && r.ref?.startsWith('bank-a-'))).toBe(true);
  });

  it('approves (re-sealed at the agent) and denies (with a reason) in one batch, refusing what it cannot grant', async () => {
    const bank = (agents['bank-a'] as { session: MemberSession }).session;
    const police = (agents['police-a'] as { session: MemberSession }).session;
    // A report bank-a sent without a sealed detail (a suspicion: no narrative, no loss),
    // asked for in a case of its own: its data key cannot be re-sealed.
    const bare = rawReportsOf(demo, 'bank-a').find(
      (r) => r.narrative === undefined && r.lossCny === undefined,
    );
    if (bare === undefined) throw new Error('the demo has no bank-a report without a detail');
    const report = await reportByRef(bank.platform, bare.ref);
    const investigator = (await police.sealingKeys()) as { publicKey: string };
    const c = await openCase(
      police.platform,
      {
        type: 'court_order',
        caseNumber: 'TEST-1',
        statute: 'Criminal Law art. 266 (fraud)',
        approvedBy: 'a judge',
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      },
      investigator.publicKey,
    );
    await attachItems(police.platform, c.id, [
      { kind: 'report', id: report?.id as string, member: 'bank-a' },
    ]);
    const [unsealed] = (await requestDisclosures(police.platform, c.id)).disclosures;
    // Two requests of the demo's case whose reports have sealed details.
    const waiting = await listDisclosures(bank.platform, { status: 'requested' });
    const sealed = waiting.filter((d) => d.record?.sealed !== undefined && d.case !== c.id);
    const [first, second] = sealed as unknown as [{ id: string }, { id: string }];
    expect(second).toBeDefined();

    const { cookie, csrf } = await signIn('bank-a');
    const headers = {
      cookie,
      origin: url('bank-a'),
      'x-credence-csrf': csrf,
      'content-type': 'application/json',
    };
    const post = (body: unknown) =>
      call(`${url('bank-a')}/api/disclosures/decisions`, 'POST', headers, JSON.stringify(body));
    const noReason = await post({ deny: [second.id] });
    expect([noReason.status, (json(noReason).errors as { field: string }[])[0]?.field]).toEqual([
      400,
      'reason',
    ]);
    const decided = await post({
      approve: [first.id, unsealed?.id],
      deny: [second.id],
      reason: 'not this one',
    });
    expect(decided.status).toBe(200);
    expect(json(decided).results).toEqual([
      { id: first.id, status: 'granted' },
      { id: unsealed?.id, status: 'refused', code: 'member.disclosure' },
      { id: second.id, status: 'denied' },
    ]);
    const again = await post({ deny: [first.id], reason: 'changed my mind' });
    expect((json(again).results as { status: string; code: string }[])[0]).toMatchObject({
      status: 'refused',
      code: 'disclosure.decided',
    });
  });
});

describe('the log', () => {
  it("passes the platform's checkpoint and proofs through, for the browser's verifier, with the member's own log key", async () => {
    const { cookie } = await signIn('bank-a');
    const get = async (path: string) => {
      const answer = await call(`${url('bank-a')}${path}`, 'GET', { cookie });
      expect(answer.status, path).toBe(200);
      return answer.headers['content-type']?.toString().startsWith('text/plain')
        ? answer.body
        : JSON.parse(answer.body);
    };
    const source: LogSource = {
      trust: () => get('/api/log/trust'),
      checkpoint: (k) => get(`/api/log/checkpoint?cosigned=${k}`),
      consistency: (from, to) => get(`/api/log/proof/consistency?from=${from}&to=${to}`),
      entries: (start, end) => get(`/api/log/entries?start=${start}&end=${end}`),
      inclusion: (index, size) => get(`/api/log/proof/inclusion?index=${index}&size=${size}`),
      checkpoints: (from) => get(`/api/log/checkpoints?from=${from}`),
    };
    expect((await source.trust()).source).toBe('configuration');
    const first = await verifyNewest(source, undefined);
    expect(first.size).toBeGreaterThan(100);
    expect((await verifyEntry(source, first, 7)).included).toBe(true);
    const history = await verifyHistory(source, 0);
    expect(history.length).toBeGreaterThan(0);
    expect(history.every((h) => h.verified)).toBe(true);
    const later = await verifyNewest(source, { origin: first.origin, size: 50, root: 'AAAA' });
    expect(later.history.state).toBe('forked');
    const bad = await call(`${url('bank-a')}/api/log/proof/inclusion?index=x&size=3`, 'GET', {
      cookie,
    });
    expect([bad.status, (json(bad).errors as { field: string }[])[0]?.field]).toEqual([
      400,
      'index',
    ]);
  });
});

describe("the API's table (api-schemas.ts): routes, document and answers", () => {
  /** The agent's /api routes as Fastify lists them (its tree read back): "GET /api/rings/{id}", … */
  const registered = (member: string) => {
    const text = (agents[member] as { ui: AgentUi }).ui.app.printRoutes({ commonPrefix: false });
    const stack: string[] = [];
    const routes: string[] = [];
    for (const line of text.split('\n')) {
      const m = /^([│ ]*)[├└]── (\S+) \(([A-Z, ]+)\)$/.exec(line);
      if (m === null) continue;
      const depth = (m[1] as string).length / 4;
      stack.length = depth;
      stack.push(m[2] as string);
      const path = stack.join('').replace(/:([a-z]+)/g, '{$1}');
      if (!path.startsWith('/api/')) continue;
      for (const method of (m[3] as string).split(', '))
        if (method !== 'HEAD') routes.push(`${method} ${path}`);
    }
    return routes.sort();
  };

  it('registers exactly the routes of the table, at a member agent and a police agent', () => {
    const table = Object.keys(AGENT_API).sort();
    expect(registered('bank-a')).toEqual(table);
    expect(registered('police-a')).toEqual(table);
  });

  it('serves the table as an OpenAPI 3.1 document, each JSON route with its answer', async () => {
    const answer = await call(`${url('bank-a')}/openapi.json`, 'GET');
    expect(answer.status).toBe(200);
    const doc = json(answer) as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, { content: object }> }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    for (const [route, spec] of Object.entries(AGENT_API)) {
      const [method, path] = route.split(' ') as [string, string];
      const op = doc.paths[path]?.[method.toLowerCase()];
      expect(op, route).toBeDefined();
      const content = op?.responses['200']?.content as Record<string, { schema: object }>;
      if ('response' in spec) expect(content['application/json']?.schema).toEqual(spec.response);
      else expect(Object.keys(content)).toEqual([spec.produces]);
    }
  });

  it("answers by the table's schemas (validated here with Ajv, apart from Fastify's writer)", async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const valid = (route: keyof typeof AGENT_API, body: string) => {
      const spec = AGENT_API[route] as { response?: object };
      const check = ajv.compile(spec.response as object);
      const ok = check(JSON.parse(body));
      return ok ? 'valid' : JSON.stringify(check.errors);
    };
    const bank = await signIn('bank-a');
    const get = async (member: string, cookie: string, path: string) => {
      const answer = await call(`${url(member)}${path}`, 'GET', { cookie });
      expect(answer.status, path).toBe(200);
      return answer.body;
    };
    for (const route of [
      'GET /api/session',
      'GET /api/overview',
      'GET /api/rings',
      'GET /api/campaigns',
      'GET /api/disclosures',
      'GET /api/log/trust',
    ] as const) {
      const path = route.split(' ')[1] as string;
      expect(valid(route, await get('bank-a', bank.cookie, path)), route).toBe('valid');
    }
    const rings = JSON.parse(await get('bank-a', bank.cookie, '/api/rings?limit=1')) as {
      rings: { id: string }[];
    };
    const ring = rings.rings[0]?.id as string;
    const graph = await get('bank-a', bank.cookie, `/api/rings/${ring}`);
    expect(valid('GET /api/rings/{id}', graph)).toBe('valid');
    expect(JSON.parse(graph).nodes.length).toBeGreaterThan(0);
    // What the agent passes on is the platform's answer whole: its schemas drop nothing.
    const config = JSON.parse(readFileSync(demo.config('bank-a'), 'utf8')) as {
      platform: { url: string; credential: string };
    };
    for (const path of ['/rings?limit=5', '/campaigns?limit=5']) {
      const direct = await fetch(`${config.platform.url}/v1${path}`, {
        headers: { authorization: `Bearer ${config.platform.credential}` },
      });
      expect(direct.status).toBe(200);
      expect(JSON.parse(await get('bank-a', bank.cookie, `/api${path}`)), path).toEqual(
        await direct.json(),
      );
    }
    const police = await signIn('police-a');
    expect(valid('GET /api/cases', await get('police-a', police.cookie, '/api/cases'))).toBe(
      'valid',
    );
  });
});
