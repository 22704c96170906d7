import { encodeBase64url } from '@credence/core/encoding/base64url';
import type { ShareKey } from '@credence/core/oprf/key-set';
import type { Ristretto255 } from '@credence/core/oprf/ristretto255';
import { SUITE_ID } from '@credence/core/oprf/voprf';
import { bearerToken } from '@credence/server-kit/bearer';
import { acceptJsonOnly, useProblemDocuments } from '@credence/server-kit/fastify-problems';
import { HttpProblem } from '@credence/server-kit/problem';
import { type Clock, utcDay } from '@credence/server-kit/rate-limit';
import type { TlsMaterial } from '@credence/server-kit/tls';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { evaluateRoute } from './evaluate-route.js';
import type { MemberEntry, MemberRegistry } from './members.js';
import type { UsageLedger } from './usage.js';

/**
 * The key server's HTTP app (SPEC §7, issue 3): evaluates blinded elements with this
 * server's share of a threshold OPRF key and proves it. It sees only blinded elements,
 * which reveal nothing about the identifiers behind them, and it never logs them.
 *
 * The app is built without listening, so tests inject requests; server.ts listens.
 */

export { MAX_ELEMENTS } from './evaluate-route.js';

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

  evaluateRoute(app, options, authenticate);

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
