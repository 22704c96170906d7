import { HttpProblem } from '@credence/server-kit/problem';
import { formatCursor, parseCursor } from '../../services/alerts.js';
import { alertJson, newWebhookNonce } from '../../services/webhooks.js';
import * as S from '../schemas.js';
import type { RouteApp, RoutePlugin } from '../type-provider.js';
import {
  cursorQuery,
  eventStream,
  MEMBERS,
  me,
  type PlatformDeps,
  pageLimit,
  problems,
  streamEvents,
} from './kit.js';

/** Watchlists, alerts (pages and a server-sent stream) and webhooks: a member's own only. */
export function watchRoutes(deps: PlatformDeps): RoutePlugin {
  return async (app) => {
    watchlists(app, deps);
    alertFeeds(app, deps);
    webhooks(app, deps);
  };
}

/** Watchlists (members: their own only). */
function watchlists(app: RouteApp, deps: PlatformDeps): void {
  app.put(
    '/v1/watchlist',
    {
      config: { roles: MEMBERS },
      schema: {
        tags: ['watchlist'],
        summary: 'Watch tokens of your customers',
        body: S.watchRequest,
        response: { 200: S.watchAddedAnswer, ...problems },
      },
    },
    async (request) => {
      const { tokens } = request.body;
      return { added: await deps.store.addWatch(me(request).id, tokens, Date.now()) };
    },
  );
  app.delete(
    '/v1/watchlist',
    {
      config: { roles: MEMBERS },
      schema: {
        tags: ['watchlist'],
        summary: 'Stop watching tokens',
        body: S.unwatchRequest,
        response: { 200: S.unwatchAnswer, ...problems },
      },
    },
    async (request) => {
      const { tokens } = request.body;
      return { removed: await deps.store.removeWatch(me(request).id, tokens) };
    },
  );
  app.get(
    '/v1/watchlist',
    {
      config: { roles: MEMBERS },
      schema: {
        tags: ['watchlist'],
        summary: 'Your watched tokens',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { after: S.TOKEN, limit: { type: 'string', pattern: '^\\d{1,4}$' } },
        },
        response: { 200: S.watchlistPage, ...problems },
      },
    },
    async (request) => {
      const q = request.query;
      const limit = pageLimit(q.limit, 1000, 5000);
      const tokens = await deps.store.listWatch(me(request).id, q.after, limit);
      return { tokens, next: tokens.length === limit ? (tokens.at(-1)?.token ?? null) : null };
    },
  );
}

/** Alerts: pages after a cursor, and a server-sent stream. */
function alertFeeds(app: RouteApp, deps: PlatformDeps): void {
  app.get(
    '/v1/alerts',
    {
      config: { roles: MEMBERS },
      schema: {
        tags: ['alerts'],
        summary: 'Your alerts after a cursor',
        querystring: cursorQuery,
        response: {
          200: {
            type: 'object',
            properties: {
              alerts: { type: 'array', items: S.alertSchema },
              next: { type: 'string' },
            },
          },
        },
      },
    },
    async (request) => {
      const q = request.query;
      const after = parseCursor(q.after);
      const alerts = await deps.store.listAlerts(me(request).id, after, pageLimit(q.limit, 100));
      const last = alerts.at(-1);
      return {
        alerts: alerts.map(alertJson),
        next: last === undefined ? (q.after ?? '0.0') : formatCursor(last),
      };
    },
  );
  app.get(
    '/v1/alerts/stream',
    {
      config: { roles: MEMBERS },
      schema: {
        tags: ['alerts'],
        summary: 'Your alerts as server-sent events (Last-Event-ID resumes)',
        querystring: cursorQuery,
        response: eventStream,
      },
    },
    async (request, reply) => {
      const header = request.headers['last-event-id'];
      const cursor = parseCursor(typeof header === 'string' ? header : request.query.after);
      streamEvents(request, reply, (write) =>
        deps.alerts.subscribe(me(request).id, cursor, (alerts) => {
          for (const a of alerts) write(formatCursor(a), 'alert', alertJson(a));
        }),
      );
    },
  );
}

/** Webhooks: where alerts are POSTed. */
function webhooks(app: RouteApp, deps: PlatformDeps): void {
  app.put(
    '/v1/webhook',
    {
      config: { roles: MEMBERS },
      schema: {
        tags: ['alerts'],
        summary: 'Where to POST your alerts',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['url'],
          properties: { url: { type: 'string', pattern: '^https?://', maxLength: 2000 } },
        },
        response: { 200: S.webhookAnswer, ...problems },
      },
    },
    async (request) => {
      const { url } = request.body;
      const refusal = deps.webhookTargets.refusal(url);
      if (refusal !== undefined)
        throw new HttpProblem('request.invalid', `the webhook URL ${refusal}`, {
          errors: [{ field: 'url', message: refusal }],
        });
      // A fresh nonce each time: registering (again) gives the webhook a new secret.
      const nonce = newWebhookNonce();
      await deps.store.setWebhook(me(request).id, url, nonce, Date.now());
      return { url, secret: deps.webhookSecret(me(request).id, nonce) };
    },
  );
  app.get(
    '/v1/webhook',
    {
      config: { roles: MEMBERS },
      schema: {
        tags: ['alerts'],
        summary: 'Your webhook',
        response: { 200: S.webhookAnswer, ...problems },
      },
    },
    async (request) => {
      const hook = await deps.store.getWebhook(me(request).id);
      return hook === undefined
        ? { url: null }
        : { url: hook.url, secret: deps.webhookSecret(me(request).id, hook.secretNonce) };
    },
  );
  app.post(
    '/v1/webhook/test',
    {
      config: { roles: MEMBERS },
      schema: {
        tags: ['alerts'],
        summary:
          'Send a signed test delivery to your webhook now ({"test": true, "createdAt"}), and say how it went',
        response: {
          200: {
            type: 'object',
            required: ['url', 'delivered'],
            properties: {
              url: { type: 'string' },
              delivered: { type: 'boolean' },
              status: { type: 'integer' },
              error: { type: 'string' },
            },
          },
          ...problems,
        },
      },
    },
    async (request) => {
      const hook = await deps.store.getWebhook(me(request).id);
      if (hook === undefined)
        throw new HttpProblem('webhook.none', 'set one first: PUT /v1/webhook');
      if (deps.webhookTest === undefined)
        return { url: hook.url, delivered: false, error: 'this process does not deliver webhooks' };
      return { url: hook.url, ...(await deps.webhookTest(me(request).id, hook)) };
    },
  );
  app.delete(
    '/v1/webhook',
    {
      config: { roles: MEMBERS },
      schema: {
        tags: ['alerts'],
        summary: 'Stop webhook deliveries',
        response: { 200: S.webhookRemovedAnswer, ...problems },
      },
    },
    async (request) => ({ removed: await deps.store.deleteWebhook(me(request).id) }),
  );
}
