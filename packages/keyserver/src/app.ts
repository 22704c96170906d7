import { decodeBase64url, encodeBase64url } from '@credence/core/encoding/base64url';
import type { ShareKey } from '@credence/core/oprf/key-set';
import type { Ristretto255 } from '@credence/core/oprf/ristretto255';
import { blindEvaluateBatch, createSuite, MODE_VOPRF, SUITE_ID } from '@credence/core/oprf/voprf';
import { bearerToken } from '@credence/server-kit/bearer';
import { acceptJsonOnly, useProblemDocuments } from '@credence/server-kit/fastify-problems';
import { HttpProblem } from '@credence/server-kit/problem';
import { type Clock, utcDay } from '@credence/server-kit/rate-limit';
import type { TlsMaterial } from '@credence/server-kit/tls';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { MemberEntry, MemberRegistry } from './members.js';
import type { UsageLedger } from './usage.js';

/**
 * The key server's HTTP app (SPEC §7, issue 3): evaluates blinded elements with this
 * server's share of a threshold OPRF key and proves it. It sees only blinded elements,
 * which reveal nothing about the identifiers behind them, and it never logs them.
 *
 * The app is built without listening, so tests inject requests; server.ts listens.
 */

/** At most this many elements per request (issue 3). */
export const MAX_ELEMENTS = 1000;

export interface KeyserverAppOptions {
  readonly group: Ristretto255;
  /** This server's shares, one per key id. */
  readonly keys: readonly ShareKey[];
  readonly members: MemberRegistry;
  readonly usage: UsageLedger;
  readonly clock: Clock;
  readonly logger?: FastifyServerOptions['logger'];
  /** Serve HTTPS with this certificate and key (default: plain HTTP, for a proxy in front). */
  readonly tls?: TlsMaterial;
}

const KEY_ID_PATTERN = '^[A-Za-z0-9._-]{1,64}$';
const ELEMENT_PATTERN = '^[A-Za-z0-9_-]{43}$';

const evaluateSchema = {
  body: {
    type: 'object',
    required: ['keyId', 'elements'],
    additionalProperties: false,
    properties: {
      keyId: { type: 'string', pattern: KEY_ID_PATTERN },
      elements: {
        type: 'array',
        minItems: 1,
        maxItems: MAX_ELEMENTS,
        items: { type: 'string', pattern: ELEMENT_PATTERN },
      },
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['keyId', 'shareIndex', 'evaluated', 'proof'],
      properties: {
        keyId: { type: 'string' },
        shareIndex: { type: 'integer' },
        evaluated: { type: 'array', items: { type: 'string' } },
        proof: { type: 'string' },
      },
    },
  },
} as const;

const keysSchema = {
  response: {
    200: {
      type: 'object',
      properties: {
        keys: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              keyId: { type: 'string' },
              suite: { type: 'string' },
              mode: { type: 'string' },
              threshold: { type: 'integer' },
              shares: { type: 'integer' },
              shareIndex: { type: 'integer' },
              publicKey: { type: 'string' },
              sharePublicKey: { type: 'string' },
              status: { type: 'string' },
            },
          },
        },
      },
    },
  },
} as const;

export async function buildKeyserverApp(options: KeyserverAppOptions): Promise<FastifyInstance> {
  const suite = createSuite(options.group, MODE_VOPRF);
  const keys = new Map(options.keys.map((k) => [k.keyId, k]));
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 128 * 1024,
    // Strict validation: no silent removal of unknown fields, no type coercion.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    return503OnClosing: true,
    ...(options.tls === undefined ? {} : { https: { ...options.tls } }),
  });
  useProblemDocuments(app);
  acceptJsonOnly(app);

  const authenticate = (request: Parameters<typeof bearerToken>[0]): MemberEntry => {
    const member = options.members.authenticate(bearerToken(request));
    if (member === undefined)
      throw new HttpProblem('auth.invalid', 'the credential is unknown or disabled');
    return member;
  };

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/v1/oprf/keys', { schema: keysSchema }, async () => ({
    keys: options.keys.map((k) => ({
      keyId: k.keyId,
      suite: SUITE_ID,
      mode: 'voprf',
      threshold: k.threshold,
      shares: k.shares,
      shareIndex: k.index,
      publicKey: encodeBase64url(k.publicKey),
      sharePublicKey: encodeBase64url(k.sharePublicKey),
      status: k.status,
    })),
  }));

  app.post('/v1/oprf/evaluate', { schema: evaluateSchema }, async (request) => {
    const member = authenticate(request);
    const body = request.body as { keyId: string; elements: string[] };
    const key = keys.get(body.keyId);
    if (key === undefined)
      throw new HttpProblem('key.unknown', 'this key server holds no share of that key', {
        errors: [{ field: 'keyId', message: 'is not a key of this server' }],
      });
    if (key.status === 'retired')
      throw new HttpProblem('key.retired', 'the key is retired: tokenize with the current key', {
        errors: [{ field: 'keyId', message: 'is retired' }],
      });
    // Every element is checked before any work is counted: bad input changes nothing.
    const elements = body.elements.map((text, i) => {
      const bytes = decodeBase64url(text);
      try {
        if (bytes === undefined) throw new Error('not base64url');
        return options.group.deserializeElement(bytes);
      } catch {
        throw new HttpProblem(
          'request.invalid',
          `elements[${i}] is not a valid ristretto255 element (canonical, not the identity)`,
          {
            errors: [{ field: `elements[${i}]`, message: 'is not a valid ristretto255 element' }],
          },
        );
      }
    });
    const reservation = options.usage.reserve(member, elements.length);
    if (!reservation.ok) {
      request.log.warn(
        {
          member: member.id,
          keyId: key.keyId,
          evaluations: elements.length,
          reason: reservation.reason,
        },
        'refused',
      );
      if (reservation.reason === 'too_many') {
        // No wait would make it pass: a 4xx without Retry-After, naming the limit and the
        // most the member may send at once, so that its client splits the batch.
        const why =
          reservation.limit === 'ratePerMinute'
            ? `your rate is ${member.ratePerMinute} evaluations a minute`
            : `your daily quota is ${member.quotaPerDay} evaluations`;
        throw new HttpProblem(
          'elements.over_limit',
          `at most ${reservation.most} elements at once: ${why}; this request has ${elements.length}`,
          {
            errors: [{ field: 'elements', message: `has more than ${reservation.most} elements` }],
            extensions: { limit: reservation.limit, maxElements: reservation.most },
          },
        );
      }
      throw reservation.reason === 'quota'
        ? new HttpProblem(
            'quota.exceeded',
            `the daily quota of ${member.quotaPerDay} evaluations is used up`,
            { retryAfter: reservation.retryAfter },
          )
        : new HttpProblem('rate.limited', `at most ${member.ratePerMinute} evaluations a minute`, {
            retryAfter: reservation.retryAfter,
          });
    }
    const { evaluatedElements, proof } = blindEvaluateBatch(
      suite,
      key.secret,
      key.sharePublicKey,
      elements,
    );
    request.log.info(
      {
        member: member.id,
        keyId: key.keyId,
        evaluations: elements.length,
        remainingToday: reservation.remaining,
      },
      'evaluated',
    );
    return {
      keyId: key.keyId,
      shareIndex: key.index,
      evaluated: evaluatedElements.map(encodeBase64url),
      proof: encodeBase64url(proof),
    };
  });

  app.get('/v1/oprf/usage', async (request) => {
    const member = authenticate(request);
    const day = utcDay(options.clock.now());
    const used = options.usage.used(member.id, day);
    return {
      memberId: member.id,
      day,
      used,
      quotaPerDay: member.quotaPerDay,
      remaining: Math.max(0, member.quotaPerDay - used),
    };
  });

  return app;
}
