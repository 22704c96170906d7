import * as S from '../schemas.js';
import type { RoutePlugin } from '../type-provider.js';
import { ANYONE, me, OPERATORS, type PlatformDeps, problems } from './kit.js';

/** The public routes (health, metrics, the OpenAPI document, the platform's facts), who the caller is, and the risk policy (read by anyone with a credential, set by the operator). */
export function platformRoutes(deps: PlatformDeps): RoutePlugin {
  return async (app) => {
    // Public.
    app.get('/healthz', { schema: { hide: true } }, async () => ({
      status: 'ok',
      sequence: deps.view.watermark,
      flaggedTokens: deps.view.size,
    }));
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      deps.metrics.flagged.set(deps.view.size);
      deps.metrics.watermark.set(deps.view.watermark);
      const standby = (deps.store as { standbyReads?: { served: number; primary: number } })
        .standbyReads;
      if (standby !== undefined) {
        deps.metrics.standbyReads.set({ answered_by: 'standby' }, standby.served);
        deps.metrics.standbyReads.set({ answered_by: 'primary' }, standby.primary);
      }
      return reply.type(deps.registry.contentType).send(await deps.registry.metrics());
    });
    app.get('/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    app.get(
      '/v1/platform',
      {
        schema: {
          tags: ['platform'],
          summary: 'Public facts about the platform: the key webhooks are signed with',
          security: [],
          response: { 200: S.platformAnswer },
        },
      },
      async () => ({
        name: 'Credence',
        apiVersion: '1',
        webhookPublicKey: deps.platformPublicKey,
        webhookVerificationKey: deps.webhookPublicKey,
        webhookSignature:
          'Standard Webhooks 1.0: webhook-id, webhook-timestamp and webhook-signature "v1,<base64 HMAC-SHA256 under your webhook\'s whsec_ secret> v1a,<base64 Ed25519 under webhookVerificationKey>", both over "<webhook-id>.<webhook-timestamp>.<body>"',
      }),
    );

    // Anyone with a credential.
    app.get(
      '/v1/me',
      {
        config: { roles: ANYONE },
        schema: {
          tags: ['members'],
          summary: 'The member this credential belongs to',
          response: { 200: S.memberSchema },
        },
      },
      async (request) => {
        const m = me(request);
        return { ...m, createdAt: new Date(m.createdAt).toISOString() };
      },
    );
    app.get(
      '/v1/policy',
      {
        config: { roles: ANYONE },
        schema: {
          tags: ['policy'],
          summary: 'The risk policy in force',
          response: { 200: S.policyAnswer, ...problems },
        },
      },
      async () => {
        const { version, policy } = deps.policies.get();
        return { version, policy };
      },
    );
    app.put(
      '/v1/policy',
      {
        config: { roles: OPERATORS },
        // An open object in the schema, checked field by field in code (parsePolicy): about
        // twenty numbers, well under a kilobyte written out.
        bodyLimit: 64 * 1024,
        schema: {
          tags: ['policy'],
          summary: 'Set a new version of the risk policy',
          body: { type: 'object' },
          response: { 200: S.policyVersionAnswer, ...problems },
        },
      },
      // A PolicyError is a domain refusal: the problem handler names its field.
      async (request) => ({ version: await deps.policies.set(request.body, me(request).id) }),
    );
  };
}
