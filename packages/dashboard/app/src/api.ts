import type { CheckAnswer } from '@credence/core/wire/check-answer';
import type { LogSource, LogTrust } from './log-verify.js';

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

/** A call to the server that served this page: same origin, the session cookie, JSON. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(apiPath(path), {
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
  return (type.startsWith('text/plain') ? await response.text() : await response.json()) as T;
}

export type { CheckAnswer } from '@credence/core/wire/check-answer';
export type Verdict = CheckAnswer['verdict'];

export interface IdentifierCheck {
  readonly identifier: { readonly kind: string; readonly value: string };
  readonly answer: CheckAnswer;
}

export type { DisclosureRow as Disclosure, SessionInfo } from '../../src/api-types.js';

/** The log routes of the server that served this page, as the verifier reads them. */
export const logSource: LogSource = {
  trust: () => api<LogTrust>('GET', '/api/log/trust'),
  checkpoint: (cosigned) => api<string>('GET', `/api/log/checkpoint?cosigned=${cosigned}`),
  consistency: (from, to) =>
    api<{ proof: string[] }>('GET', `/api/log/proof/consistency?from=${from}&to=${to}`),
  entries: (start, end) =>
    api<{ entries: string[] }>('GET', `/api/log/entries?start=${start}&end=${end}`),
  checkpoints: (from) =>
    api<{ checkpoints: { size: number; note: string }[] }>(
      'GET',
      `/api/log/checkpoints?from=${from}`,
    ),
  inclusion: (index, size) =>
    api<{ proof: string[] }>('GET', `/api/log/proof/inclusion?index=${index}&size=${size}`),
};
