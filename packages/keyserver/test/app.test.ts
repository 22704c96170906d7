import { Writable } from 'node:stream';
import { DLEQProof, Evaluation, Oprf, VOPRFClient } from '@cloudflare/voprf-ts';
import { CryptoNoble } from '@cloudflare/voprf-ts/crypto-noble';
import { decodeBase64url, encodeBase64url } from '@credence/core/encoding/base64url';
import { toHex, utf8 } from '@credence/core/encoding/bytes';
import { generateKeySet, type ShareKey } from '@credence/core/oprf/key-set';
import { loadRistretto255, type Ristretto255 } from '@credence/core/oprf/ristretto255';
import {
  blind,
  createSuite,
  evaluate,
  MODE_VOPRF,
  type Suite,
  verifyProof,
} from '@credence/core/oprf/voprf';
import { newCredential } from '@credence/server-kit/bearer';
import type { Clock } from '@credence/server-kit/rate-limit';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildKeyserverApp, MAX_ELEMENTS } from '../src/app.js';
import { MemberRegistry } from '../src/members.js';
import { UsageLedger } from '../src/usage.js';

let group: Ristretto255;
let suite: Suite;
beforeAll(async () => {
  group = await loadRistretto255();
  suite = createSuite(group, MODE_VOPRF);
});

class FakeClock implements Clock {
  constructor(public ms = Date.parse('2026-11-25T10:00:00Z')) {}
  now() {
    return this.ms;
  }
}

interface Harness {
  app: FastifyInstance;
  key: ShareKey;
  token: string;
  clock: FakeClock;
  usage: UsageLedger;
  logs: string[];
}

async function harness(
  options: {
    threshold?: number;
    shares?: number;
    quotaPerDay?: number;
    ratePerMinute?: number;
    status?: ShareKey['status'];
  } = {},
): Promise<Harness> {
  const set = generateKeySet(group, {
    threshold: options.threshold ?? 2,
    shares: options.shares ?? 3,
    createdAt: '2026-11-25T00:00:00Z',
    keyId: 'k-test',
  });
  const base = set.shares[0] as ShareKey;
  const key: ShareKey = { ...base, status: options.status ?? 'active' };
  const credential = newCredential('cks');
  const clock = new FakeClock();
  const usage = new UsageLedger(clock);
  const members = new MemberRegistry({
    members: [
      {
        id: 'bank-a',
        tokenSha256: credential.sha256,
        quotaPerDay: options.quotaPerDay ?? 1_000_000,
        ratePerMinute: options.ratePerMinute ?? 1_000_000,
      },
    ],
  });
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const app = await buildKeyserverApp({
    group,
    keys: [key],
    members,
    usage,
    clock,
    logger: { level: 'debug', stream },
  });
  return { app, key, token: credential.token, clock, usage, logs };
}

const blindedOf = (...inputs: string[]) => inputs.map((i) => blind(suite, utf8(i)));
const element = () => encodeBase64url(blindedOf('y')[0]?.blindedElement as Uint8Array);

async function evaluateRequest(
  h: Harness,
  body: unknown,
  token: string | null = h.token,
  contentType = 'application/json',
) {
  return h.app.inject({
    method: 'POST',
    url: '/v1/oprf/evaluate',
    headers: {
      'content-type': contentType,
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('GET /v1/oprf/keys', () => {
  it('lists the key with exactly the published fields', async () => {
    const h = await harness();
    const res = await h.app.inject({ method: 'GET', url: '/v1/oprf/keys' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      keys: [
        {
          keyId: 'k-test',
          suite: 'ristretto255-SHA512',
          mode: 'voprf',
          threshold: 2,
          shares: 3,
          shareIndex: 1,
          publicKey: encodeBase64url(h.key.publicKey),
          sharePublicKey: encodeBase64url(h.key.sharePublicKey),
          status: 'active',
        },
      ],
    });
  });
});

describe('POST /v1/oprf/evaluate: evaluations and batch sizes', () => {
  it('evaluates with its share and proves it against the share public key', async () => {
    const h = await harness();
    const blinded = blindedOf('phone\u0000+8613800138000', 'bank_card\u00006222021234567890128');
    const res = await evaluateRequest(h, {
      keyId: 'k-test',
      elements: blinded.map((b) => encodeBase64url(b.blindedElement)),
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      keyId: string;
      shareIndex: number;
      evaluated: string[];
      proof: string;
    };
    expect(Object.keys(body).sort()).toEqual(['evaluated', 'keyId', 'proof', 'shareIndex']);
    expect(body.shareIndex).toBe(1);
    const evaluated = body.evaluated.map((e) => decodeBase64url(e) as Uint8Array);
    expect(evaluated.every((e) => e.length === 32)).toBe(true);
    const proof = decodeBase64url(body.proof) as Uint8Array;
    expect(proof.length).toBe(64);
    expect(
      verifyProof(
        suite,
        suite.generator,
        h.key.sharePublicKey,
        blinded.map((b) => b.blindedElement),
        evaluated,
        proof,
      ),
    ).toBe(true);
    expect(
      verifyProof(
        suite,
        suite.generator,
        h.key.publicKey,
        blinded.map((b) => b.blindedElement),
        evaluated,
        proof,
      ),
    ).toBe(false);
    expect(h.usage.used('bank-a')).toBe(2);
  });

  it('is a plain RFC 9497 VOPRF server in a 1-of-1 deployment: an independent client uses it unchanged', async () => {
    const h = await harness({ threshold: 1, shares: 1 });
    const client = new VOPRFClient(Oprf.Suite.RISTRETTO255_SHA512, h.key.publicKey, CryptoNoble);
    const inputs = [
      utf8('phone\u0000+8613800138000'),
      utf8('wallet\u0000TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t'),
    ];
    const [finData, evalReq] = await client.blind(inputs);
    const res = await evaluateRequest(h, {
      keyId: 'k-test',
      elements: evalReq.blinded.map((e) => encodeBase64url(e.serialize())),
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { evaluated: string[]; proof: string };
    const evaluation = new Evaluation(
      Oprf.Mode.VOPRF,
      body.evaluated.map((e) => client.group.desElt(decodeBase64url(e) as Uint8Array)),
      DLEQProof.deserialize(
        client.group.id,
        decodeBase64url(body.proof) as Uint8Array,
        CryptoNoble,
      ),
    );
    const outputs = await client.finalize(finData, evaluation);
    expect(outputs.map(toHex)).toEqual(inputs.map((i) => toHex(evaluate(suite, h.key.secret, i))));
  });

  it('accepts up to 1,000 elements and refuses 1,001, naming the field', async () => {
    const h = await harness();
    const element = encodeBase64url(blindedOf('x')[0]?.blindedElement as Uint8Array);
    expect(
      (await evaluateRequest(h, { keyId: 'k-test', elements: Array(MAX_ELEMENTS).fill(element) }))
        .statusCode,
    ).toBe(200);
    const res = await evaluateRequest(h, {
      keyId: 'k-test',
      elements: Array(MAX_ELEMENTS + 1).fill(element),
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({
      code: 'request.invalid',
      status: 400,
      errors: [{ field: 'elements' }],
    });
  });
});

describe('POST /v1/oprf/evaluate: malformed bodies', () => {
  const identity = encodeBase64url(new Uint8Array(32));
  const nonCanonical = () => {
    const bytes = decodeBase64url(element()) as Uint8Array;
    bytes[31] = (bytes[31] ?? 0) | 0x80;
    return encodeBase64url(bytes);
  };
  // Bodies are made when the test runs: elements need the group, loaded in beforeAll.
  const cases: [string, () => unknown, string, string][] = [
    ['no body', () => '', 'request.malformed_json', '(body)'],
    ['malformed JSON', () => '{"keyId": ', 'request.malformed_json', '(body)'],
    ['an array', () => '[]', 'request.invalid', '(body)'],
    ['no elements', () => ({ keyId: 'k-test' }), 'request.invalid', 'elements'],
    ['no key id', () => ({ elements: ['x'] }), 'request.invalid', 'keyId'],
    [
      'an extra field',
      () => ({ keyId: 'k-test', elements: [element()], inputs: ['raw'] }),
      'request.invalid',
      'inputs',
    ],
    ['an empty batch', () => ({ keyId: 'k-test', elements: [] }), 'request.invalid', 'elements'],
    [
      'a number as element',
      () => ({ keyId: 'k-test', elements: [42] }),
      'request.invalid',
      'elements[0]',
    ],
    [
      'a short element',
      () => ({ keyId: 'k-test', elements: ['AAAA'] }),
      'request.invalid',
      'elements[0]',
    ],
    [
      'padding',
      () => ({ keyId: 'k-test', elements: [`${element().slice(0, 42)}=`] }),
      'request.invalid',
      'elements[0]',
    ],
    [
      'the identity',
      () => ({ keyId: 'k-test', elements: [element(), identity] }),
      'request.invalid',
      'elements[1]',
    ],
    [
      'a non-canonical encoding',
      () => ({ keyId: 'k-test', elements: [nonCanonical()] }),
      'request.invalid',
      'elements[0]',
    ],
    [
      'a bad key id',
      () => ({ keyId: 'k test!', elements: [element()] }),
      'request.invalid',
      'keyId',
    ],
    ['an unknown key', () => ({ keyId: 'k-other', elements: [element()] }), 'key.unknown', 'keyId'],
  ];
  it.each(cases)(
    'refuses %s with a 4xx problem naming the field, and counts nothing',
    async (_, body, code, field) => {
      const h = await harness();
      const res = await evaluateRequest(h, body());
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.headers['content-type']).toContain('application/problem+json');
      const problem = res.json() as {
        code: string;
        type: string;
        title: string;
        status: number;
        errors?: { field: string }[];
      };
      expect(problem).toMatchObject({
        code,
        status: res.statusCode,
        type: `urn:credence:problem:${code}`,
      });
      expect(problem.errors?.map((e) => e.field)).toContain(field);
      expect(h.usage.used('bank-a')).toBe(0);
    },
  );
});

describe('POST /v1/oprf/evaluate: media types, retired keys, credentials and random bodies', () => {
  it('refuses other media types and oversized bodies', async () => {
    const h = await harness();
    expect((await evaluateRequest(h, 'keyId=k-test', h.token, 'text/plain')).json()).toMatchObject({
      status: 415,
      code: 'request.unsupported_media_type',
    });
    const big = JSON.stringify({ keyId: 'k-test', elements: Array(4000).fill(element()) });
    expect((await evaluateRequest(h, big)).json()).toMatchObject({
      status: 413,
      code: 'request.too_large',
    });
  });

  it('refuses a retired key with 410', async () => {
    const h = await harness({ status: 'retired' });
    expect(
      (await evaluateRequest(h, { keyId: 'k-test', elements: [element()] })).json(),
    ).toMatchObject({ status: 410, code: 'key.retired' });
  });

  it('needs a valid bearer credential', async () => {
    const h = await harness();
    const missing = await evaluateRequest(h, { keyId: 'k-test', elements: [element()] }, null);
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    expect(missing.json()).toMatchObject({ code: 'auth.missing' });
    const wrong = await evaluateRequest(
      h,
      { keyId: 'k-test', elements: [element()] },
      newCredential('cks').token,
    );
    expect(wrong.json()).toMatchObject({ status: 401, code: 'auth.invalid' });
  });

  it('never answers random bodies with a 500', async () => {
    const h = await harness();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.json(),
          fc.string(),
          fc.record({
            keyId: fc.string(),
            elements: fc.array(fc.string({ minLength: 40, maxLength: 46 }), { maxLength: 5 }),
          }),
        ),
        async (body) => {
          const res = await evaluateRequest(
            h,
            typeof body === 'string' ? body : JSON.stringify(body),
          );
          expect(res.statusCode).toBeLessThan(500);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('quotas and rate limits', () => {
  it('answers 429 with a problem and Retry-After once the daily quota is used up, until the next UTC day', async () => {
    const h = await harness({ quotaPerDay: 5 });
    const elements = (n: number) => Array(n).fill(element());
    expect((await evaluateRequest(h, { keyId: 'k-test', elements: elements(3) })).statusCode).toBe(
      200,
    );
    const refused = await evaluateRequest(h, { keyId: 'k-test', elements: elements(3) });
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'quota.exceeded', status: 429 });
    expect(Number(refused.headers['retry-after'])).toBe(14 * 3600); // 10:00 UTC to midnight
    expect(h.usage.used('bank-a')).toBe(3);
    h.clock.ms += 14 * 3600 * 1000;
    expect((await evaluateRequest(h, { keyId: 'k-test', elements: elements(3) })).statusCode).toBe(
      200,
    );
  });

  it('answers 429 rate.limited beyond the rate, and recovers as time passes', async () => {
    const h = await harness({ ratePerMinute: 10 });
    const elements = (n: number) => Array(n).fill(element());
    expect((await evaluateRequest(h, { keyId: 'k-test', elements: elements(8) })).statusCode).toBe(
      200,
    );
    const refused = await evaluateRequest(h, { keyId: 'k-test', elements: elements(8) });
    expect(refused.json()).toMatchObject({ code: 'rate.limited', status: 429 });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(36);
    h.clock.ms += 60_000;
    expect((await evaluateRequest(h, { keyId: 'k-test', elements: elements(8) })).statusCode).toBe(
      200,
    );
  });

  it('refuses with 413, naming the limit, a request larger than the rate allows at once: it could never pass', async () => {
    const h = await harness({ ratePerMinute: 10 });
    const elements = (n: number) => Array(n).fill(element());
    const refused = await evaluateRequest(h, { keyId: 'k-test', elements: elements(11) });
    expect(refused.statusCode).toBe(413);
    expect(refused.headers['retry-after']).toBeUndefined();
    expect(refused.json()).toMatchObject({
      code: 'elements.over_limit',
      status: 413,
      limit: 'ratePerMinute',
      maxElements: 10,
      errors: [{ field: 'elements' }],
    });
    expect(refused.json().detail).toContain('at most 10 elements');
    expect(h.usage.used('bank-a')).toBe(0);
    // A minute's worth passes at once.
    expect((await evaluateRequest(h, { keyId: 'k-test', elements: elements(10) })).statusCode).toBe(
      200,
    );
  });

  it('refuses with 413 a request larger than the whole daily quota, and with 429 until tomorrow one larger than what is left of it', async () => {
    const h = await harness({ quotaPerDay: 5 });
    const elements = (n: number) => Array(n).fill(element());
    const never = await evaluateRequest(h, { keyId: 'k-test', elements: elements(6) });
    expect(never.statusCode).toBe(413);
    expect(never.json()).toMatchObject({ limit: 'quotaPerDay', maxElements: 5 });
    expect((await evaluateRequest(h, { keyId: 'k-test', elements: elements(2) })).statusCode).toBe(
      200,
    );
    const tomorrow = await evaluateRequest(h, { keyId: 'k-test', elements: elements(5) });
    expect(tomorrow.statusCode).toBe(429);
    expect(tomorrow.json()).toMatchObject({ code: 'quota.exceeded' });
    expect(Number(tomorrow.headers['retry-after'])).toBe(14 * 3600);
  });

  it('lets a member see its own usage', async () => {
    const h = await harness({ quotaPerDay: 100 });
    await evaluateRequest(h, { keyId: 'k-test', elements: [element(), element()] });
    const res = await h.app.inject({
      method: 'GET',
      url: '/v1/oprf/usage',
      headers: { authorization: `Bearer ${h.token}` },
    });
    expect(res.json()).toEqual({
      memberId: 'bank-a',
      day: '2026-11-25',
      used: 2,
      quotaPerDay: 100,
      remaining: 98,
    });
  });
});

describe('privacy of the logs', () => {
  it('never writes an element, an evaluation or a credential to the log', async () => {
    const h = await harness({ quotaPerDay: 3 });
    const elements = blindedOf('a', 'b').map((b) => encodeBase64url(b.blindedElement));
    const ok = await evaluateRequest(h, { keyId: 'k-test', elements });
    await evaluateRequest(h, { keyId: 'k-test', elements: [...elements, ...elements] }); // over quota
    await evaluateRequest(h, { keyId: 'k-test', elements: [elements[0], 'not-an-element'] }); // invalid
    await evaluateRequest(h, `{"keyId":"k-test","elements":["${elements[0]}"`); // malformed
    const log = h.logs.join('');
    expect(log).toContain('"member":"bank-a"');
    expect(log).toContain('"evaluations":2');
    for (const secret of [
      ...elements,
      ...(ok.json() as { evaluated: string[] }).evaluated,
      h.token,
      'not-an-element',
    ])
      expect(log).not.toContain(secret);
  });
});
