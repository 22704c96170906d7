import { Readable } from 'node:stream';
import { generateEd25519, privateKeyFromJwk } from '@credence/core/signing/ed25519';
import { type LinkBatch, MAX_BATCH_ITEMS, signBatch } from '@credence/core/wire/batches';
import type { TokenizedLink } from '@credence/core/wire/tokenized-records';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bodyLimitOf, MAX_BODY_BYTES, maxJsonBytes } from '../src/http/body-limits.js';
import * as S from '../src/http/schemas.js';
import { type Harness, harness, tok } from './harness.js';

/**
 * Unauthenticated clients cannot tie the platform up (issue 11 §3): the credential and
 * the role are checked before a body is read, bodies are bounded per route by what the
 * route's schema admits, and each member has request rates.
 */

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  vi.useRealTimers();
  await h.close();
});

const json = <T = Record<string, unknown>>(r: { json: () => unknown }) => r.json() as T;

/** A body of about `bytes` bytes, `{"batch":{"reports":[{},{},…`, that counts what is read. */
function countedBody(bytes: number) {
  const chunk = '{},'.repeat(21_845);
  const read = { chunks: 0 };
  let sent = 0;
  const stream = new Readable({
    read() {
      read.chunks++;
      if (sent === 0) this.push('{"batch":{"reports":[');
      if (sent >= bytes) this.push('{}]}}');
      if (sent >= bytes) return void this.push(null);
      sent += chunk.length;
      this.push(chunk);
    },
  });
  return { stream, read };
}

describe('the credential and the role before the body', () => {
  it('answers 401 and 403 without reading or parsing a byte of the body', async () => {
    const app = h.platform.app;
    let parsed = 0;
    let validated = 0;
    app.addHook('preParsing', async (_request, _reply, payload) => {
      parsed++;
      return payload;
    });
    app.addHook('preValidation', async () => {
      validated++;
    });
    const cases: [string | undefined, string, string, number, string][] = [
      [undefined, 'POST', '/v1/reports', 401, 'auth.missing'],
      ['Bearer crd_no-such-credential-at-all', 'POST', '/v1/reports', 401, 'auth.invalid'],
      ['Basic dXNlcjpwYXNz', 'POST', '/v1/check', 401, 'auth.invalid'],
      [undefined, 'PUT', '/v1/webhook', 401, 'auth.missing'],
      [`Bearer ${h.actors.police.credential}`, 'POST', '/v1/links', 403, 'role.forbidden'],
      [`Bearer ${h.actors.bankA.credential}`, 'PUT', '/v1/policy', 403, 'role.forbidden'],
    ];
    for (const [authorization, method, url, status, code] of cases) {
      const { stream, read } = countedBody(15 * 2 ** 20);
      const res = await app.inject({
        method: method as 'POST',
        url,
        headers: {
          'content-type': 'application/json',
          'transfer-encoding': 'chunked', // as a client streaming a body says
          ...(authorization === undefined ? {} : { authorization }),
        },
        payload: stream,
      });
      expect(res.statusCode, `${method} ${url}`).toBe(status);
      expect(json(res)).toMatchObject({ code });
      expect(read.chunks, `${method} ${url}: chunks of the body read`).toBe(0);
      // Nor is it drained off the connection afterwards: the connection closes.
      expect(res.headers.connection).toBe('close');
    }
    expect({ parsed, validated }).toEqual({ parsed: 0, validated: 0 });

    // The same body with a credential is read, parsed and refused by the schema: the
    // observation above would have seen it.
    const { stream, read } = countedBody(64 * 1024);
    const res = await app.inject({
      method: 'POST',
      url: '/v1/reports',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${h.actors.bankA.credential}`,
      },
      payload: stream,
    });
    expect(json(res)).toMatchObject({ status: 400, code: 'request.invalid' });
    expect(read.chunks).toBeGreaterThan(0);
    expect({ parsed, validated }).toEqual({ parsed: 1, validated: 1 });
  });
});

/** The longest value of a list, as the schema's enums are written. */
const longest = <T extends string>(values: readonly T[]) =>
  values.reduce((a, b) => (b.length > a.length ? b : a));

describe('body limits per route, from the schemas', () => {
  it('takes the largest valid batch of links, and answers 413 one byte past the limit', async () => {
    // The member id, batch id, key ids, kinds, link type and amount band at their longest.
    const link = S.tokenizedLink.properties;
    const member = `m${'a'.repeat(62)}`;
    const key = generateEd25519();
    const { credential } = await h.platform.members.add({
      id: member,
      type: 'bank',
      publicKey: key.publicKey,
    });
    // RFC 3339 at its longest: nine digits of fraction and a numeric offset.
    const at = new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000000+00:00');
    const ref = (n: number) => ({
      kind: longest(link.from.properties.kind.enum),
      token: tok(n),
      keyId: 'k'.repeat(64),
    });
    const links: TokenizedLink[] = Array.from({ length: MAX_BATCH_ITEMS }, (_, i) => ({
      link: longest(link.link.enum),
      from: ref(i),
      to: ref(i + 1),
      at,
      count: link.count.maximum,
      amount: longest(link.amount.enum),
    }));
    const batch: LinkBatch = {
      member,
      batchId: 'b'.repeat(128),
      createdAt: at,
      links,
    };
    const body = JSON.stringify(signBatch(batch, privateKeyFromJwk(key.privateJwk), key.publicKey));
    // It is the largest the schema admits, to the byte, and within the route's limit.
    expect(Buffer.byteLength(body)).toBe(maxJsonBytes(S.linkBatch));
    const limit = bodyLimitOf(S.linkBatch);
    expect(limit).toBeLessThan(MAX_BODY_BYTES);
    const post = (payload: string) =>
      h.platform.app.inject({
        method: 'POST',
        url: '/v1/links',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}` },
        payload,
      });
    const first = await post(body);
    expect(first.statusCode, first.body).toBe(200);
    // Padded with whitespace to the limit it is the same batch (a repeat); one more byte
    // is too large.
    const padded = body.replace(/^\{/, `{${' '.repeat(limit - Buffer.byteLength(body))}`);
    expect(json(await post(padded))).toMatchObject({ accepted: 0, duplicates: links.length });
    const over = await post(padded.replace(/^\{/, '{ '));
    expect(over.statusCode).toBe(413);
    expect(over.headers['content-type']).toContain('application/problem+json');
    expect(json(over)).toMatchObject({ status: 413, code: 'request.too_large' });
  });

  it('takes a check of 1,000 tokens and no more than its limit', async () => {
    const body = JSON.stringify({
      tokens: Array.from({ length: S.checkRequest.properties.tokens.maxItems }, (_, i) => tok(i)),
      after: Number.MAX_VALUE,
    });
    expect(Buffer.byteLength(body)).toBe(maxJsonBytes(S.checkRequest));
    const ok = await h.request(h.actors.bankA, 'POST', '/v1/check', body);
    expect(ok.statusCode).toBe(200);
    const limit = bodyLimitOf(S.checkRequest);
    const over = await h.request(
      h.actors.bankA,
      'POST',
      '/v1/check',
      `${body}${' '.repeat(limit - Buffer.byteLength(body) + 1)}`,
    );
    expect(json(over)).toMatchObject({ status: 413, code: 'request.too_large' });
  });

  it('keeps reports at 16 MiB, far below what their schema admits', async () => {
    // 5,000 reports of 64 entities and a 20,000-character script each.
    expect(maxJsonBytes(S.reportBatch)).toBeGreaterThan(10 * MAX_BODY_BYTES);
    expect(bodyLimitOf(S.reportBatch)).toBe(MAX_BODY_BYTES);
    const over = await h.request(
      h.actors.bankA,
      'POST',
      '/v1/reports',
      `{${' '.repeat(MAX_BODY_BYTES - 1)}}`,
    );
    expect(json(over)).toMatchObject({ status: 413, code: 'request.too_large' });
  });

  it('reads no more than a kilobyte on routes that take no body', async () => {
    const res = await h.request(
      h.actors.operator,
      'POST',
      '/v1/members/bank-b/disable',
      `{${' '.repeat(2048)}}`,
    );
    expect(json(res)).toMatchObject({ status: 413, code: 'request.too_large' });
  });
});

describe('request rates per member', () => {
  it('answers 429 with Retry-After past a member’s rate, per class, and refills', async () => {
    await h.close();
    vi.useFakeTimers({ toFake: ['Date'] });
    h = await harness({ config: { requestRates: { check: 2, read: 0, write: 1 } } });
    const check = (who = h.actors.bankA) => h.request(who, 'GET', `/v1/check/${tok(1)}`);
    // Bursts of two seconds' worth.
    for (let i = 0; i < 4; i++) expect((await check()).statusCode).toBe(200);
    const limited = await check();
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
    expect(json(limited)).toMatchObject({ status: 429, code: 'rate.requests_limited' });
    // Another member, and reads (no limit here), are not held up.
    expect((await check(h.actors.bankB)).statusCode).toBe(200);
    expect((await h.request(h.actors.bankA, 'GET', '/v1/me')).statusCode).toBe(200);
    // Writes have their own bucket; a limited write's body is not read either.
    const watch = { tokens: [{ kind: 'phone', token: tok(5), keyId: 'k1' }] };
    for (let i = 0; i < 2; i++)
      expect((await h.request(h.actors.bankA, 'PUT', '/v1/watchlist', watch)).statusCode).toBe(200);
    const { stream, read } = countedBody(1024);
    const refused = await h.platform.app.inject({
      method: 'PUT',
      url: '/v1/watchlist',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${h.actors.bankA.credential}`,
      },
      payload: stream,
    });
    expect(refused.statusCode).toBe(429);
    expect(read.chunks).toBe(0);
    // Half a second later one check is back; a second later, two.
    vi.setSystemTime(Date.now() + 500);
    expect((await check()).statusCode).toBe(200);
    expect((await check()).statusCode).toBe(429);
    vi.setSystemTime(Date.now() + 1000);
    expect((await check()).statusCode).toBe(200);
    expect((await check()).statusCode).toBe(200);
    expect((await check()).statusCode).toBe(429);
  });
});
