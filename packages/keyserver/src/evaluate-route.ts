import { decodeBase64url, encodeBase64url } from '@credence/core/encoding/base64url';
import type { Ristretto255 } from '@credence/core/oprf/ristretto255';
import { blindEvaluateBatch, createSuite, MODE_VOPRF } from '@credence/core/oprf/voprf';
import { HttpProblem } from '@credence/server-kit/problem';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { KeyserverAppOptions } from './app.js';
import type { MemberEntry } from './members.js';
import type { UsageLedger } from './usage.js';

/**
 * POST /v1/oprf/evaluate (SPEC §7): a member's blinded elements evaluated with this
 * server's share of the key it names, with a proof, once every element is valid and the
 * member's rate and daily quota allow them all.
 */

/** At most this many elements per request (issue 3). */
export const MAX_ELEMENTS = 1000;

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

/** Adds the evaluate route to the key server's app. */
export function evaluateRoute(
  app: FastifyInstance,
  options: Pick<KeyserverAppOptions, 'group' | 'keys' | 'usage'>,
  authenticate: (request: FastifyRequest) => MemberEntry,
): void {
  const suite = createSuite(options.group, MODE_VOPRF);
  const keys = new Map(options.keys.map((k) => [k.keyId, k]));
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
    const elements = body.elements.map((text, i) => element(options.group, text, i));
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
      throw refusal(member, reservation, elements.length);
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
}

/** The `i`th element of a request, which must be a valid ristretto255 element. */
function element(group: Ristretto255, text: string, i: number) {
  const bytes = decodeBase64url(text);
  try {
    if (bytes === undefined) throw new Error('not base64url');
    return group.deserializeElement(bytes);
  } catch {
    throw new HttpProblem(
      'request.invalid',
      `elements[${i}] is not a valid ristretto255 element (canonical, not the identity)`,
      {
        errors: [{ field: `elements[${i}]`, message: 'is not a valid ristretto255 element' }],
      },
    );
  }
}

/** Why a member's request is refused, as the problem it gets. */
function refusal(
  member: MemberEntry,
  reservation: Exclude<ReturnType<UsageLedger['reserve']>, { ok: true }>,
  count: number,
): HttpProblem {
  if (reservation.reason === 'too_many') {
    // No wait would make it pass: a 4xx without Retry-After, naming the limit and the
    // most the member may send at once, so that its client splits the batch.
    const why =
      reservation.limit === 'ratePerMinute'
        ? `your rate is ${member.ratePerMinute} evaluations a minute`
        : `your daily quota is ${member.quotaPerDay} evaluations`;
    return new HttpProblem(
      'elements.over_limit',
      `at most ${reservation.most} elements at once: ${why}; this request has ${count}`,
      {
        errors: [{ field: 'elements', message: `has more than ${reservation.most} elements` }],
        extensions: { limit: reservation.limit, maxElements: reservation.most },
      },
    );
  }
  return reservation.reason === 'quota'
    ? new HttpProblem(
        'quota.exceeded',
        `the daily quota of ${member.quotaPerDay} evaluations is used up`,
        { retryAfter: reservation.retryAfter },
      )
    : new HttpProblem('rate.limited', `at most ${member.ratePerMinute} evaluations a minute`, {
        retryAfter: reservation.retryAfter,
      });
}
