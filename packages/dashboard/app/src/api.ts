import type {
  AnswerOf,
  ApiRoute,
  BodyOf,
  CheckAnswer,
  ParamsOf,
  QueryOf,
} from '../../src/api-types.js';
import type { LogSource } from './log-verify.js';

/** An RFC 9457 problem document the server answered with. */
export class Problem extends Error {
  override readonly name = 'Problem';
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly errors: readonly { field: string; message: string }[] = [],
  ) {
    super(detail);
  }
}

/** Where the app is served: / at a member's agent, /ui/ at the platform. */
export const BASE: string = import.meta.env.BASE_URL;
/** A path of this server's API ('/api/check') under the app's base. */
export const apiPath = (path: string) => `${BASE}${path.replace(/^\//, '')}`;

/** A view's address ('/rings/ring-…') under the app's base, for links. */
export const appHref = (to: string) => `${BASE}${to.replace(/^\//, '')}`;

let csrf = '';
/** The session's CSRF token, sent with every change (the server answers it with the session). */
export const setCsrf = (token: string) => {
  csrf = token;
};

/**
 * What a call sends: the route's path parameters and body, required where the route has
 * them, and its query, as its schemas say.
 */
export type CallOptions<K extends ApiRoute> = (ParamsOf<K> extends undefined
  ? { readonly params?: undefined }
  : { readonly params: ParamsOf<K> }) &
  (BodyOf<K> extends undefined ? { readonly body?: undefined } : { readonly body: BodyOf<K> }) & {
    readonly query?: QueryOf<K>;
  };

/** A route's path with its parameters put in ('GET /api/rings/{id}' → '/api/rings/ring-…'). */
export function routePath<K extends ApiRoute>(
  route: K,
  options: { readonly params?: object; readonly query?: object } = {},
): string {
  const params = (options.params ?? {}) as Record<string, string>;
  const path = (route.split(' ')[1] as string).replace(/\{([a-z]+)\}/g, (_, name: string) =>
    encodeURIComponent(String(params[name])),
  );
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(options.query ?? {}))
    if (v !== undefined && v !== '') query.set(k, String(v));
  const text = query.toString();
  return text === '' ? path : `${path}?${text}`;
}

/**
 * A call to the server that served this page (same origin, the session cookie, JSON), by
 * a route of the dashboard's API: what it takes and answers are the types its schemas
 * give (packages/dashboard/src/api-schemas.ts, the servers' OpenAPI document).
 */
export async function api<K extends ApiRoute>(
  route: K,
  ...[options]: Record<never, never> extends CallOptions<K> ? [CallOptions<K>?] : [CallOptions<K>]
): Promise<AnswerOf<K>> {
  const method = route.split(' ')[0] as string;
  const body: unknown = options?.body;
  const response = await fetch(apiPath(routePath(route, (options ?? {}) as object)), {
    method,
    credentials: 'same-origin',
    headers: {
      accept: 'application/json, text/plain',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(method === 'GET' ? {} : { 'x-credence-csrf': csrf }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const type = response.headers.get('content-type') ?? '';
  if (!response.ok) {
    const doc = type.includes('json')
      ? ((await response.json()) as { code?: string; detail?: string; errors?: [] })
      : {};
    throw new Problem(
      response.status,
      doc.code ?? 'unknown',
      doc.detail ?? response.statusText,
      doc.errors ?? [],
    );
  }
  return (
    type.startsWith('text/plain') ? await response.text() : await response.json()
  ) as AnswerOf<K>;
}

export type {
  CheckAnswer,
  DisclosureRow as Disclosure,
  IdentifierCheck,
  SessionInfo,
} from '../../src/api-types.js';
export type Verdict = CheckAnswer['verdict'];

/** The log routes of the server that served this page, as the verifier reads them. */
export const logSource: LogSource = {
  trust: () => api('GET /api/log/trust'),
  checkpoint: (cosigned) =>
    api('GET /api/log/checkpoint', { query: { cosigned: String(cosigned) } }),
  consistency: (from, to) =>
    api('GET /api/log/proof/consistency', { query: { from: String(from), to: String(to) } }),
  entries: (start, end) =>
    api('GET /api/log/entries', { query: { start: String(start), end: String(end) } }),
  checkpoints: (from) => api('GET /api/log/checkpoints', { query: { from: String(from) } }),
  inclusion: (index, size) =>
    api('GET /api/log/proof/inclusion', { query: { index: String(index), size: String(size) } }),
};
