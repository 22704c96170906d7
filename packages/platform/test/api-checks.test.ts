import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callLink, type Harness, harness, report, tok } from './harness.js';
import { verifiedAsymmetric, verifiedByLibrary } from './standard-webhooks.js';

/** The members' side of the API: risk checks, and the alerts of watched tokens. */

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.close();
});

const json = <T = Record<string, unknown>>(r: { json: () => unknown }) => r.json() as T;

describe('risk checks: verdicts, and reports from the police', () => {
  it('answers clear for a token nobody reported, and scores reported ones by distinct members', async () => {
    const clear = json(await h.request(h.actors.bankA, 'GET', `/v1/check/${tok(99)}`));
    expect(clear).toMatchObject({
      verdict: 'clear',
      score: 0,
      reporters: 0,
      ring: null,
      firstSeen: null,
      policyVersion: 0,
    });
    await h.reports(h.actors.bankA, [report('r1', [1]), report('r2', [1], { type: 'suspected' })]);
    const one = json<{
      verdict: string;
      score: number;
      reporters: number;
      reports: Record<string, number>;
    }>(await h.request(h.actors.bankB, 'GET', `/v1/check/${tok(1)}`));
    expect(one.reporters).toBe(1);
    expect(one.reports).toMatchObject({ victim_report: 1, suspected: 1 });
    expect(one.verdict).toBe('suspicious');
    await h.reports(h.actors.police, [report('t1', [1], { type: 'police_confirmed' })]);
    const two = json<{
      verdict: string;
      score: number;
      reporters: number;
      explanation: string;
      categories: string[];
    }>(
      await h
        .request(h.actors.police, 'POST', '/v1/check', { tokens: [tok(1), tok(99)] })
        .then((r) => ({ json: () => (r.json() as { results: unknown[] }).results[0] })),
    );
    expect(two.reporters).toBe(2);
    expect(two.verdict).toBe('fraud');
    expect(two.score).toBeGreaterThan(one.score);
    expect(two.categories).toEqual(['impersonate_authority']);
    expect(two.explanation).toContain('Reported by 2 members');
    for (const id of ['bank-a', 'police-1']) expect(JSON.stringify(two)).not.toContain(id);
  });

  it('takes police_confirmed from police members only, refusing the whole batch otherwise', async () => {
    const before = await h.platform.store.logHead();
    const refused = await h.reports(h.actors.bankA, [
      report('ok-1', [7]),
      report('told-by-police', [8], { type: 'police_confirmed' }),
    ]);
    expect(refused.statusCode).toBe(403);
    expect(json(refused)).toMatchObject({
      code: 'role.forbidden',
      errors: [{ field: 'batch.reports[1].type' }],
    });
    // Nothing of the batch was kept, the good report included.
    expect((await h.platform.store.logHead()).size).toBe(before.size);
    expect(json(await h.request(h.actors.bankB, 'GET', `/v1/check/${tok(7)}`))).toMatchObject({
      verdict: 'clear',
    });
    // The bank reports the case as confirmed fraud; the police, as police-confirmed.
    expect(
      (
        await h.reports(h.actors.bankA, [
          report('told-by-police', [8], { type: 'confirmed_fraud' }),
        ])
      ).statusCode,
    ).toBe(200);
    expect(
      (await h.reports(h.actors.police, [report('case-8', [8], { type: 'police_confirmed' })]))
        .statusCode,
    ).toBe(200);
  });

  it('takes reports from the police, as from members', async () => {
    const sent = await h.reports(h.actors.police, [
      report('case-1', [4], { type: 'police_confirmed' }),
    ]);
    expect(sent.statusCode, sent.body).toBe(200);
    expect(json(sent)).toMatchObject({ results: [{ status: 'accepted' }] });
    // One police confirmation alone answers fraud.
    expect(json(await h.request(h.actors.bankB, 'GET', `/v1/check/${tok(4)}`))).toMatchObject({
      verdict: 'fraud',
      reporters: 1,
      reports: { police_confirmed: 1 },
    });
    expect(
      json<{ reports: unknown[] }>(await h.request(h.actors.police, 'GET', '/v1/reports')).reports,
    ).toHaveLength(1);
    // Its own reports only: a bank's are not the police's to read.
    expect(
      json<{ reports: unknown[] }>(await h.request(h.actors.bankA, 'GET', '/v1/reports')).reports,
    ).toHaveLength(0);
  });
});

describe('risk checks: retractions, refs, the policy and malformed requests', () => {
  it('takes a retraction into account at once', async () => {
    const r = json<{ results: { id: string }[] }>(
      await h.reports(h.actors.police, [report('r1', [1], { type: 'police_confirmed' })]),
    );
    expect(json(await h.request(h.actors.bankB, 'GET', `/v1/check/${tok(1)}`))).toMatchObject({
      verdict: 'fraud',
    });
    const retract = await h.request(
      h.actors.police,
      'POST',
      `/v1/reports/${r.results[0]?.id}/retract`,
      { reason: 'false_positive' },
    );
    expect(retract.statusCode).toBe(200);
    expect(json(await h.request(h.actors.bankB, 'GET', `/v1/check/${tok(1)}`))).toMatchObject({
      verdict: 'clear',
      reporters: 0,
    });
    const again = await h.request(
      h.actors.police,
      'POST',
      `/v1/reports/${r.results[0]?.id}/retract`,
      { reason: 'false_positive' },
    );
    expect(json(again)).toMatchObject({ status: 409, code: 'report.already_retracted' });
  });

  it("finds one of the member's own reports by its ref, and never another's", async () => {
    const r = json<{ results: { id: string }[] }>(
      await h.reports(h.actors.bankA, [report('r1', [1]), report('r2', [2])]),
    );
    const byRef = (actor: typeof h.actors.bankA, ref: string) =>
      h.request(actor, 'GET', `/v1/reports?ref=${encodeURIComponent(ref)}`);
    const found = json<{ reports: { id: string; ref: string }[]; next: null }>(
      await byRef(h.actors.bankA, 'r2'),
    );
    expect(found.reports.map((x) => [x.id, x.ref])).toEqual([[r.results[1]?.id, 'r2']]);
    expect(found.next).toBeNull();
    expect(json(await byRef(h.actors.bankB, 'r2'))).toEqual({ reports: [], next: null });
    expect(json(await byRef(h.actors.bankA, 'r9'))).toEqual({ reports: [], next: null });
    const bad = await byRef(h.actors.bankA, 'r 2');
    expect(bad.statusCode).toBe(400);
    expect(json(bad)).toMatchObject({ code: 'request.invalid' });
  });

  it('follows the policy the operator sets', async () => {
    await h.reports(h.actors.bankA, [report('r1', [1], { type: 'suspected' })]);
    expect(json(await h.request(h.actors.bankB, 'GET', `/v1/check/${tok(1)}`))).toMatchObject({
      verdict: 'clear',
      policyVersion: 0,
    });
    const policy = json<{ policy: { weights: Record<string, number> } }>(
      await h.request(h.actors.bankB, 'GET', '/v1/policy'),
    ).policy;
    const stricter = { ...policy, weights: { ...policy.weights, suspected: 0.6 } };
    expect(json(await h.request(h.actors.bankA, 'PUT', '/v1/policy', stricter))).toMatchObject({
      status: 403,
      code: 'role.forbidden',
    });
    // One member's report alone never makes fraud (issue 12): a weight at or above the
    // fraud threshold is refused, and nothing changes.
    const brandsAlone = { ...policy, weights: { ...policy.weights, suspected: 0.9 } };
    expect(
      json(await h.request(h.actors.operator, 'PUT', '/v1/policy', brandsAlone)),
    ).toMatchObject({
      status: 400,
      code: 'policy.invalid',
      errors: [{ field: 'weights.suspected' }],
    });
    expect(json(await h.request(h.actors.operator, 'PUT', '/v1/policy', stricter))).toEqual({
      version: 1,
    });
    expect(json(await h.request(h.actors.bankB, 'GET', `/v1/check/${tok(1)}`))).toMatchObject({
      verdict: 'suspicious',
      policyVersion: 1,
    });
    const bad = await h.request(h.actors.operator, 'PUT', '/v1/policy', {
      ...stricter,
      thresholds: { suspicious: 0.9, fraud: 0.1 },
    });
    expect(json(bad)).toMatchObject({
      status: 400,
      code: 'policy.invalid',
      errors: [{ field: 'thresholds.fraud' }],
    });
  });

  it('refuses more than 1,000 tokens and malformed tokens', async () => {
    const many = await h.request(h.actors.bankA, 'POST', '/v1/check', {
      tokens: Array.from({ length: 1001 }, (_, i) => tok(i)),
    });
    expect(json(many)).toMatchObject({ status: 400, errors: [{ field: 'tokens' }] });
    expect((await h.request(h.actors.bankA, 'GET', '/v1/check/not-a-token')).statusCode).toBe(400);
  });
});

describe('watchlists and alerts', () => {
  it("alerts a member when another member's report or link touches a watched token, never naming who", async () => {
    await h.request(h.actors.bankB, 'PUT', '/v1/watchlist', {
      tokens: [
        { kind: 'phone', token: tok(1), keyId: 'k1' },
        { kind: 'phone', token: tok(5), keyId: 'k1' },
      ],
    });
    await h.reports(h.actors.bankB, [report('own', [1])]);
    expect(
      json<{ alerts: unknown[] }>(await h.request(h.actors.bankB, 'GET', '/v1/alerts')).alerts,
    ).toEqual([]);
    const r = json<{ alerts: number }>(
      await h.reports(h.actors.bankA, [report('r1', [1], { type: 'confirmed_fraud' })]),
    );
    expect(r.alerts).toBe(1);
    const first = json<{
      alerts: { cursor: string; token: string; source: string; reportType: string }[];
      next: string;
    }>(await h.request(h.actors.bankB, 'GET', '/v1/alerts'));
    expect(first.alerts).toEqual([
      expect.objectContaining({
        token: tok(1),
        source: 'report',
        reportType: 'confirmed_fraud',
        kind: 'phone',
      }),
    ]);
    expect(JSON.stringify(first)).not.toContain('bank-a');
    await h.links(h.actors.telecom, [callLink(5, 6)]);
    const next = json<{ alerts: { token: string; source: string; linkType: string }[] }>(
      await h.request(h.actors.bankB, 'GET', `/v1/alerts?after=${first.next}`),
    );
    expect(next.alerts).toEqual([
      expect.objectContaining({ token: tok(5), source: 'link', linkType: 'call' }),
    ]);
  });

  it('streams alerts as server-sent events', async () => {
    await h.request(h.actors.bankB, 'PUT', '/v1/watchlist', {
      tokens: [{ kind: 'phone', token: tok(1), keyId: 'k1' }],
    });
    const url = await h.platform.app.listen({ host: '127.0.0.1', port: 0 });
    const controller = new AbortController();
    const response = await fetch(`${url}/v1/alerts/stream`, {
      headers: { authorization: `Bearer ${h.actors.bankB.credential}` },
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await h.reports(h.actors.bankA, [report('r1', [1])]);
    let text = '';
    while (!text.includes('event: alert'))
      text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toMatch(/id: \d+\.\d+\nevent: alert\ndata: \{.*"token":"t0+1"/);
    controller.abort();
  });

  it('delivers alerts to webhooks as Standard Webhooks says: signed, the same id on a retry, retrying failures', async () => {
    const clock = { now: Date.now() + 60_000 }; // after the alert is queued
    await h.close();
    // A receiver on loopback, which only an operator's allowance opens to webhooks.
    h = await harness({ clock: () => clock.now, config: { webhookAllow: ['127.0.0.1/32'] } });
    const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
    let fail = true;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.statusCode = fail ? 500 : 200;
        fail = false;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      await h.request(h.actors.bankB, 'PUT', '/v1/webhook', {
        url: `http://127.0.0.1:${port}/hook`,
      });
      await h.request(h.actors.bankB, 'PUT', '/v1/watchlist', {
        tokens: [{ kind: 'phone', token: tok(1), keyId: 'k1' }],
      });
      await h.reports(h.actors.bankA, [report('r1', [1])]);
      const dispatcher = h.platform.webhooks;
      const key = h.platform.publicKey;
      expect(await dispatcher.tick()).toBe(0); // the first attempt fails (500)
      clock.now += 10_000;
      expect(await dispatcher.tick()).toBe(1);
      expect(await dispatcher.tick()).toBe(0);
      expect(received).toHaveLength(2);
      const [a, b] = received;
      // Standard Webhooks: the same id on the retry (the receiver's idempotency key), the
      // attempt's own time, and both signatures verify, v1 with the project's library.
      expect(a?.headers['webhook-id']).toMatch(/^alert_\d+$/);
      expect(a?.headers['webhook-id']).toBe(b?.headers['webhook-id']);
      expect(Number(b?.headers['webhook-timestamp'])).toBe(
        Number(a?.headers['webhook-timestamp']) + 10,
      );
      const { secret } = json<{ secret: string }>(
        await h.request(h.actors.bankB, 'GET', '/v1/webhook'),
      );
      const { webhookVerificationKey } = json<{ webhookVerificationKey: string }>(
        await h.request(undefined, 'GET', '/v1/platform'),
      );
      for (const delivery of [a, b] as const) {
        const d = delivery as { headers: Record<string, string>; body: string };
        expect(verifiedByLibrary(secret, d)).toMatchObject({ token: tok(1) });
        expect(verifiedAsymmetric(webhookVerificationKey, d)).toBe(true);
      }
      expect(webhookVerificationKey).toBe(
        `whpk_${Buffer.from(key, 'base64url').toString('base64')}`,
      );
      expect(JSON.parse(b?.body ?? '{}')).toMatchObject({ token: tok(1), source: 'report' });
    } finally {
      server.close();
    }
  });
});
