import type { AddressInfo } from 'node:net';
import { privateKeyFromJwk } from '@credence/core/signing/ed25519';
import { signBatch } from '@credence/core/wire/batches';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Role, roleOf } from '../src/domain/types.js';
import { type Schema, SchemaArbitraries } from './fuzz/schema-arbitrary.js';
import { type Actor, callLink, type Harness, harness, report } from './harness.js';
import { BACKENDS } from './postgres.js';

/**
 * Every route of the OpenAPI document, called over HTTP with requests generated from its
 * own schemas (issue 19 §6): valid ones, and hostile ones (wrong types, members missing or
 * unknown, NUL, lone surrogates, 70,000 characters, a body that is not JSON or not
 * declared, an actor of another role or none). Whatever comes in, the answer is never a
 * 5xx, its status is one the document declares for the route, and its body is of the
 * media type and schema declared for that status.
 *
 * CREDENCE_FUZZ_RUNS sets the cases per route (30 by default; CI runs the default on
 * both stores); CREDENCE_FUZZ_SEED=n replays the cases of the run that printed base seed n
 * (route i takes seed n + i; the ids the platform makes differ from run to run, so a case
 * that drew one may draw another).
 */
const RUNS = Number(process.env.CREDENCE_FUZZ_RUNS ?? 30);
const SEED =
  process.env.CREDENCE_FUZZ_SEED === undefined
    ? Math.floor(Math.random() * 2 ** 31)
    : Number(process.env.CREDENCE_FUZZ_SEED);
/**
 * Routes that valid cases by a fitting caller reach nearly always: if one of them never
 * answers 2xx, the cases stop at the door (a caller, a schema or the generator broken).
 */
const MUST_REACH = [
  'POST /v1/check',
  'GET /v1/check/{token}',
  'GET /v1/reports',
  'GET /v1/rings',
  'GET /v1/members',
  'GET /v1/alerts',
  'GET /v1/log/checkpoint',
];

interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly required?: boolean;
  readonly schema: Schema;
}
interface MediaTypes {
  readonly [mediaType: string]: { readonly schema?: Schema };
}
interface Operation {
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: { readonly content: MediaTypes };
  readonly responses: { readonly [status: string]: { readonly content?: MediaTypes } };
  readonly 'x-credence-roles'?: readonly Role[];
}
interface Document {
  readonly paths: { readonly [path: string]: { readonly [method: string]: Operation } };
}

/** One generated request. */
interface Call {
  readonly actor: Actor | 'forged' | undefined;
  readonly path: Readonly<Record<string, string>>;
  readonly query: readonly (readonly [string, string])[];
  /** The body: a value sent as JSON, or raw text with a content type of its own. */
  readonly body: { json: unknown; sign: boolean } | { raw: string; type: string } | undefined;
  /** An Accept header, in hostile cases. */
  readonly accept: string | undefined;
}

/**
 * Percent-encodes as a client's bytes: a lone surrogate (which encodeURIComponent refuses)
 * as the three bytes a careless UTF-8 encoder writes for it, which are not UTF-8.
 */
const encode = (value: string): string =>
  value.replace(/[\ud800-\udbff][\udc00-\udfff]|[\s\S]/g, (c) => {
    const u = c.charCodeAt(0);
    if (c.length === 1 && u >= 0xd800 && u <= 0xdfff)
      return [0xe0 | (u >> 12), 0x80 | ((u >> 6) & 0x3f), 0x80 | (u & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    return encodeURIComponent(c);
  });

const mediaOf = (contentType: string | null) =>
  (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
const isJson = (media: string) => media === 'application/json' || media.endsWith('+json');

for (const [name, backend] of BACKENDS) {
  describe(`every route of the OpenAPI document under generated input (${name})`, () => {
    let h: Harness;
    let drop: () => Promise<void>;
    let base: string;
    let doc: Document;
    const actors = new Map<Role, Actor[]>();
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validators = new Map<object, ValidateFunction>();
    const arbitraries = new SchemaArbitraries();
    /**
     * Values the platform answered with (ids, tokens, aliases), by member name: path and
     * query parameters draw on them, so that cases reach the things a route names and not
     * only its 404. Filled as the run goes; the draw is by index, so a seed replays it.
     */
    const known = new Map<string, string[]>();
    const callers = new Set<string>();
    const learn = (value: unknown, key = ''): void => {
      if (typeof value === 'string') {
        // Not the callers' own ids: an operator's case would disable or rotate them, and
        // every later case would stop at 401.
        if (key === '' || value.length > 200 || callers.has(value)) return;
        const list = known.get(key) ?? [];
        if (!list.includes(value) && list.length < 50) list.push(value);
        known.set(key, list);
      } else if (Array.isArray(value)) for (const v of value) learn(v, key);
      else if (typeof value === 'object' && value !== null)
        for (const [k, v] of Object.entries(value)) learn(v, k);
    };
    /** Which answered members a parameter's values may come from. */
    const SOURCES: Readonly<Record<string, readonly string[]>> = {
      collection: ['id', 'alias'],
      object: ['id'],
      after: ['id', 'next', 'cursor'],
      next: ['next'],
    };
    const fromKnown = (name: string): fc.Arbitrary<string> | undefined => {
      const keys = SOURCES[name] ?? [name];
      if (!keys.some((k) => (known.get(k)?.length ?? 0) > 0)) return undefined;
      return fc.nat().map((i) => {
        const values = keys.flatMap((k) => known.get(k) ?? []);
        return values[i % values.length] ?? '';
      });
    };

    beforeAll(async () => {
      const b = await backend();
      drop = b.drop;
      h = await harness({
        ...(b.db === undefined ? {} : { db: b.db }),
        // Rates are a route's answer too (429, declared), but at the default rates most
        // cases would be refused there and never reach the route's own checks.
        config: { requestRates: { check: 0, read: 0, write: 0 } },
      });
      const roles: Record<keyof Harness['actors'], Role> = {
        operator: roleOf('operator'),
        bankA: roleOf('bank'),
        bankB: roleOf('bank'),
        telecom: roleOf('telecom'),
        police: roleOf('police'),
        auditor: roleOf('auditor'),
        keyserver: roleOf('keyserver'),
      };
      for (const [key, actor] of Object.entries(h.actors)) {
        callers.add(actor.id);
        const role = roles[key as keyof Harness['actors']];
        actors.set(role, [...(actors.get(role) ?? []), actor]);
      }
      // Something to find: reports from two members, links, an analysis.
      for (const res of [
        await h.reports(h.actors.bankA, [report('seed-1', [1, 2, 3]), report('seed-2', [4])]),
        await h.reports(h.actors.telecom, [report('seed-3', [1, 5])]),
        await h.links(h.actors.bankA, [callLink(1, 5), callLink(2, 3)]),
        await h.request(h.actors.operator, 'POST', '/v1/analysis'),
      ]) {
        expect(res.statusCode, res.body).toBeLessThan(300);
        learn(res.json());
      }
      await h.platform.app.listen({ host: '127.0.0.1', port: 0 });
      base = `http://127.0.0.1:${(h.platform.app.server.address() as AddressInfo).port}`;
      doc = (await (await fetch(`${base}/v1/openapi.json`)).json()) as Document;
    }, 60_000);
    afterAll(async () => {
      await h?.close();
      await drop?.();
    });

    const validator = (schema: object) => {
      let v = validators.get(schema);
      if (v === undefined) {
        v = ajv.compile(schema);
        validators.set(schema, v);
      }
      return v;
    };

    /** Generated calls to one operation: valid ones and hostile ones, by a fitting actor mostly. */
    const calls = (op: Operation): fc.Arbitrary<Call> => {
      const roles = op['x-credence-roles'];
      const all = [...actors.values()].flat();
      const fitting = roles === undefined ? all : roles.flatMap((r) => actors.get(r) ?? []);
      const others = all.filter((a) => !fitting.includes(a));
      const actor = fc.oneof(
        { arbitrary: fc.constantFrom(...fitting), weight: 8 },
        {
          arbitrary: fc.constantFrom<Actor | 'forged' | undefined>(...others, 'forged', undefined),
          weight: 1,
        },
      );
      const parameters = op.parameters ?? [];
      const of = (p: Parameter, hostile: boolean): fc.Arbitrary<string> => {
        const generated = (
          hostile ? arbitraries.hostile(p.schema) : arbitraries.valid(p.schema)
        ).map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? '')));
        const answered = fromKnown(p.name);
        return answered === undefined ? generated : fc.oneof(generated, answered);
      };
      const call = (hostile: boolean): fc.Arbitrary<Call> => {
        const path = fc.record(
          Object.fromEntries(
            parameters
              .filter((p) => p.in === 'path')
              // An empty or dot segment names another route; the client's URL handling, not the server's.
              .map((p) => [
                p.name,
                of(p, hostile).filter((v) => v !== '' && v !== '.' && v !== '..'),
              ]),
          ),
        );
        const query = fc
          .tuple(
            ...parameters
              .filter((p) => p.in === 'query')
              .map((p) =>
                p.required === true && !hostile
                  ? of(p, hostile).map((v) => [[p.name, v] as const])
                  : fc.option(
                      fc
                        .array(of(p, hostile), { minLength: 1, maxLength: hostile ? 2 : 1 })
                        .map((vs) => vs.map((v) => [p.name, v] as const)),
                      // Absent half the time: a route's plain answer is reached too (at
                      // fast-check's default of 1 in 6, GET /v1/log/checkpoint drew
                      // ?cosigned=k, which no checkpoint has, in nearly every case).
                      { nil: [], freq: 1 },
                    ),
              ),
            hostile
              ? fc.option(
                  fc
                    .tuple(fc.constantFrom('__proto__', 'x', 'after'), fc.string({ maxLength: 8 }))
                    .map((e) => [e]),
                  { nil: [] },
                )
              : fc.constant([]),
          )
          .map((lists) => lists.flat());
        const json = op.requestBody?.content['application/json']?.schema;
        const body: fc.Arbitrary<Call['body']> =
          json !== undefined
            ? fc.oneof(
                {
                  arbitrary: fc.record({
                    json: hostile ? arbitraries.hostile(json) : arbitraries.valid(json),
                    sign: fc.boolean(),
                  }),
                  weight: 6,
                },
                ...(hostile
                  ? [
                      {
                        arbitrary: fc.record({
                          raw: fc.constantFrom(
                            '{',
                            '',
                            'null',
                            '[]',
                            '{"a":',
                            '\u0000',
                            '{"__proto__":{"x":1}}',
                          ),
                          type: fc.constantFrom(
                            'application/json',
                            'text/plain',
                            'application/x-www-form-urlencoded',
                          ),
                        }),
                        weight: 1,
                      },
                    ]
                  : []),
              )
            : op.requestBody !== undefined
              ? // Bytes (evidence files).
                fc.record({
                  raw: fc.string({ maxLength: 64 }),
                  type: fc.constant('application/octet-stream'),
                })
              : hostile
                ? fc.option(
                    fc.oneof(
                      fc.record({ json: fc.jsonValue({ maxDepth: 2 }), sign: fc.constant(false) }),
                      fc.record({
                        raw: fc.string({ maxLength: 16 }),
                        type: fc.constant('text/plain'),
                      }),
                    ),
                    { nil: undefined },
                  )
                : fc.constant(undefined);
        const accept = hostile
          ? fc.option(fc.constantFrom('text/html', 'application/xml', 'application/json', '*/*'), {
              nil: undefined,
            })
          : fc.constant(undefined);
        return fc.record({ actor, path, query, body, accept });
      };
      return fc.oneof(call(false), call(true));
    };

    /** A signed batch body re-signed by the caller, so that generated batches get past the signature to their contents. */
    const signed = (value: unknown, actor: Actor): unknown => {
      if (typeof value !== 'object' || value === null || !('batch' in value)) return value;
      const batch = (value as { batch: unknown }).batch;
      if (typeof batch !== 'object' || batch === null || Array.isArray(batch)) return value;
      try {
        return signBatch(
          { ...batch, member: actor.id, createdAt: new Date().toISOString() } as never,
          privateKeyFromJwk(actor.key.privateJwk),
          actor.key.publicKey,
        );
      } catch {
        // Not canonical JSON (a lone surrogate): sent as generated, refused unsigned.
        return value;
      }
    };

    const send = async (method: string, template: string, call: Call) => {
      const path = template.replace(/\{([^}]+)\}/g, (_, name: string) =>
        encode(call.path[name] ?? ''),
      );
      const search = call.query.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
      const headers: Record<string, string> =
        call.accept === undefined ? {} : { accept: call.accept };
      if (call.actor === 'forged') headers.authorization = 'Bearer forged-credential';
      else if (call.actor !== undefined) headers.authorization = `Bearer ${call.actor.credential}`;
      let body: string | undefined;
      if (call.body !== undefined && method !== 'get') {
        if ('json' in call.body) {
          const value =
            call.body.sign && typeof call.actor === 'object'
              ? signed(call.body.json, call.actor)
              : call.body.json;
          body = JSON.stringify(value);
          headers['content-type'] = 'application/json';
        } else {
          body = call.body.raw;
          headers['content-type'] = call.body.type;
        }
      }
      const url = `${base}${path}${search === '' ? '' : `?${search}`}`;
      if (process.env.CREDENCE_FUZZ_TRACE !== undefined) console.log(method, url.slice(0, 200));
      const res = await fetch(url, {
        method: method.toUpperCase(),
        headers,
        ...(body === undefined ? {} : { body }),
        // A request left unanswered fails its case rather than the run's time.
        signal: AbortSignal.timeout(20_000),
      });
      const media = mediaOf(res.headers.get('content-type'));
      // A stream answers its headers and then goes on: its first bytes are not waited for.
      let text = '';
      if (media === 'text/event-stream') await res.body?.cancel();
      else text = await res.text();
      if (res.ok && isJson(media)) learn(JSON.parse(text));
      return { status: res.status, media, text, url: `${method.toUpperCase()} ${path}?${search}` };
    };

    /** Why an answer is outside the document, or undefined. */
    const outside = (
      op: Operation,
      answer: Awaited<ReturnType<typeof send>>,
    ): string | undefined => {
      const { status, media, text } = answer;
      if (status >= 500) return `${status}: ${text.slice(0, 300)}`;
      const declared =
        op.responses[String(status)] ??
        op.responses[`${String(status)[0]}XX`] ??
        op.responses.default;
      if (declared === undefined) return `status ${status} is not declared: ${text.slice(0, 300)}`;
      if (declared.content === undefined) return undefined;
      const entry = Object.entries(declared.content).find(([m]) => mediaOf(m) === media);
      if (entry === undefined)
        return `status ${status} answered ${media || 'no media type'}, declared ${Object.keys(declared.content).join(', ')}`;
      const schema = entry[1].schema;
      if (!isJson(media) || schema === undefined || typeof schema === 'boolean') return undefined;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return `status ${status} answered ${media} that does not parse: ${text.slice(0, 200)}`;
      }
      const validate = validator(schema);
      if (!validate(value))
        return `status ${status} body is outside its schema: ${ajv.errorsText(validate.errors)} in ${text.slice(0, 300)}`;
      return undefined;
    };

    /** A caller the route does not admit must be refused: 401 or 403 (or what comes before access control: the router's 400, the parser's 431). */
    const refusedAtTheDoor = (
      op: Operation,
      call: Call,
      answer: Awaited<ReturnType<typeof send>>,
    ): string | undefined => {
      const roles = op['x-credence-roles'];
      if (roles === undefined) return undefined;
      const admitted =
        typeof call.actor === 'object' &&
        roles.some((r) => actors.get(r)?.includes(call.actor as Actor));
      if (admitted || [401, 403, 431].includes(answer.status)) return undefined;
      if (answer.status === 400 && answer.text.includes('"(path)"')) return undefined;
      return `a caller of no admitted role (${typeof call.actor === 'object' ? call.actor.id : String(call.actor)}) got ${answer.status}`;
    };

    it('answers what the router and the HTTP parser refuse with problem documents too', async () => {
      const cases = [
        // A path segment over Fastify's maxParamLength (100), and bad percent-encoding.
        [`/v1/check/${'A'.repeat(150)}`, 400, 'request.invalid'],
        ['/v1/reports/%E0%A4%A', 400, 'request.invalid'],
        // The request line over Node's 16 KiB of headers.
        [`/v1/reports?ref=${'a'.repeat(20_000)}`, 431, 'request.headers_too_large'],
      ] as const;
      for (const [path, status, code] of cases) {
        const res = await fetch(`${base}${path}`, {
          headers: { authorization: `Bearer ${h.actors.bankA.credential}` },
        });
        expect(res.status, path.slice(0, 40)).toBe(status);
        expect(mediaOf(res.headers.get('content-type'))).toBe('application/problem+json');
        expect(((await res.json()) as { code: string }).code).toBe(code);
      }
    });

    it('answers every generated request with a declared status and a body of its schema', async () => {
      const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, op]) => ({ path, method, op })),
      );
      expect(operations.length).toBeGreaterThan(80);
      const failures: string[] = [];
      const statuses = new Map<string, number>();
      /** Operations no case got a 2xx from: where the fuzz reached only the refusals. */
      const neverAccepted: string[] = [];
      for (const [index, { path, method, op }] of operations.entries()) {
        let accepted = 0;
        const result = await fc.check(
          fc.asyncProperty(calls(op), async (call) => {
            const answer = await send(method, path, call);
            statuses.set(String(answer.status), (statuses.get(String(answer.status)) ?? 0) + 1);
            if (answer.status < 300) accepted++;
            // A credential rotated by the fuzz replaces the actor's.
            if (
              answer.status === 200 &&
              path === '/v1/me/credential' &&
              typeof call.actor === 'object'
            )
              (call.actor as { credential: string }).credential = (
                JSON.parse(answer.text) as { credential: string }
              ).credential;
            const why = outside(op, answer) ?? refusedAtTheDoor(op, call, answer);
            if (why !== undefined) throw new Error(`${answer.url}: ${why}`);
          }),
          { numRuns: RUNS, seed: SEED + index, endOnFailure: true },
        );
        if (accepted === 0) neverAccepted.push(`${method.toUpperCase()} ${path}`);
        if (result.failed)
          failures.push(
            `${method.toUpperCase()} ${path} (CREDENCE_FUZZ_SEED=${SEED}): ${
              result.errorInstance instanceof Error
                ? result.errorInstance.message
                : String(result.errorInstance)
            }`,
          );
      }
      console.log(
        `${name}: ${operations.length} routes, ${RUNS} cases each, base seed ${SEED}; statuses`,
        Object.fromEntries([...statuses].sort()),
        `; no 2xx from ${neverAccepted.length}:`,
        neverAccepted.join(', '),
      );
      expect(failures, failures.join('\n\n')).toEqual([]);
      // What the runs reached: if these were refused every time, the routes went untested.
      // (With fewer than 30 cases a route, chance alone may leave one of them unreached.)
      if (RUNS >= 30) expect(neverAccepted.filter((o) => MUST_REACH.includes(o))).toEqual([]);
    }, 600_000);
  });
}
