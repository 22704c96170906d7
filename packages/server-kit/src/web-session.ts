import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpProblem } from './problem.js';

/** The session cookie: the __Host- prefix pins it to this origin, path / and Secure. */
export const SESSION_COOKIE = '__Host-credence-session';
/** The header every change carries: the session's CSRF token. */
export const CSRF_HEADER = 'x-credence-csrf';

/** A signed-in person's session, as the server finds it from the cookie. */
export interface WebSession {
  /** The CSRF token every change must carry (x-credence-csrf): derived from the cookie. */
  readonly csrf: string;
  readonly expiresAt: number;
  /** Whose session: the member it was opened for, where the server serves several. */
  readonly member?: string;
}

/** How long a one-time sign-in link may wait to be used. */
export const LOGIN_LINK_TTL_MS = 10 * 60 * 1000;
/** How long a session lasts from sign-in (sign-out ends it sooner). */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

/** A new sign-in link's or session cookie's secret: 32 random bytes, base64url. */
export const newSecret = (): string => randomBytes(32).toString('base64url');
/** What a keeper stores of a secret: its SHA-256, so a copy of the store lets nobody in. */
export const secretHash = (secret: string): string =>
  createHash('sha256').update(secret).digest('hex');

/** The CSRF token of a session: a digest of its cookie, so the server stores neither. */
export const csrfOf = (cookie: string) =>
  createHash('sha256').update(`credence-csrf\n${cookie}`).digest('hex');

/** Compares two CSRF tokens in constant time. */
export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Where a server keeps its one-time sign-in links and sessions (each only as the SHA-256
 * of its secret): a SQLite file beside a member's agent, the platform's own store.
 */
export interface SessionKeeper {
  /** Spends a sign-in secret once and opens a session: its cookie, or undefined. */
  redeemLoginLink(token: string, now: number): Promise<string | undefined> | string | undefined;
  /** The live session a cookie names, or undefined. */
  session(cookie: string, now: number): Promise<WebSession | undefined> | WebSession | undefined;
  endSession(cookie: string): Promise<void> | void;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in session (every /api route but sign-in has one). */
    webSession?: WebSession;
  }
}

/**
 * The content security policy of every answer: scripts, styles and data from this origin
 * only (the app has no inline script), nothing may frame it, forms post nowhere else.
 */
const CSP = [
  "default-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/** The origins a server accepts: its own, and for a loopback listener both loopback names. */
export function originsOf(url: string): Set<string> {
  const u = new URL(url);
  const origins = new Set([u.origin]);
  if (u.hostname === '127.0.0.1' || u.hostname === 'localhost') {
    origins.add(`${u.protocol}//127.0.0.1:${u.port}`);
    origins.add(`${u.protocol}//localhost:${u.port}`);
  }
  return origins;
}

export interface WebSessionOptions {
  readonly state: SessionKeeper;
  /** The origins this server answers as (originsOf its URL, or what the operator names). */
  readonly origins: () => ReadonlySet<string>;
  readonly now?: () => number;
  /** Where the API lives: every route under it needs a session, but sign-in (default /api). */
  readonly prefix?: string;
}

/** What `POST …/login` takes: the one-time link's secret (from the URL's fragment). */
export const SIGN_IN_BODY = {
  type: 'object',
  required: ['link'],
  additionalProperties: false,
  properties: { link: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

/** What `POST …/login` and `POST …/logout` answer. */
export const SIGNED_IN = {
  type: 'object',
  required: ['signedIn'],
  additionalProperties: false,
  properties: { signedIn: { type: 'boolean' } },
} as const;

/**
 * Sessions for a dashboard server. Every answer carries a strict content security policy;
 * a request whose Host is not the server's own is refused (421), so a page on another
 * name that resolves to this address (DNS rebinding) reaches nothing. Under the API
 * prefix, every route needs a live session from the cookie (401 otherwise), and every
 * request that is not GET or HEAD must also come from the server's own Origin and carry
 * the session's CSRF token (403 otherwise): a page elsewhere cannot make the signed-in
 * browser change anything. Sign-in spends a one-time link; sign-out ends the session.
 */
export async function useWebSessions(
  app: FastifyInstance,
  options: WebSessionOptions,
): Promise<void> {
  const now = options.now ?? Date.now;
  const prefix = options.prefix ?? '/api';
  await app.register(cookie);

  app.addHook('onRequest', async (request, reply) => {
    void reply
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cross-origin-opener-policy', 'same-origin');
    const origins = options.origins();
    const host = request.headers.host;
    if (host === undefined || ![...origins].some((o) => new URL(o).host === host))
      throw new HttpProblem('request.misdirected', 'this server does not answer for that host', {
        errors: [{ field: 'host', message: 'is not this server' }],
      });
    const path = request.url.split('?')[0] ?? '/';
    if (path !== prefix && !path.startsWith(`${prefix}/`)) return;
    void reply.header('cache-control', 'no-store');
    const changes = request.method !== 'GET' && request.method !== 'HEAD';
    if (changes && !origins.has(request.headers.origin ?? ''))
      throw new HttpProblem('session.forbidden', 'a change must come from this site', {
        errors: [{ field: 'origin', message: 'is not this site' }],
      });
    if (path === `${prefix}/login`) return;
    const value = request.cookies[SESSION_COOKIE];
    const session = value === undefined ? undefined : await options.state.session(value, now());
    if (session === undefined)
      throw new HttpProblem('session.missing', 'sign in with a link from the command line', {
        errors: [{ field: 'cookie', message: 'is not a live session' }],
      });
    if (changes) {
      const csrf = request.headers[CSRF_HEADER];
      if (typeof csrf !== 'string' || !sameToken(csrf, session.csrf))
        throw new HttpProblem(
          'session.forbidden',
          `a change must carry the ${CSRF_HEADER} header`,
          {
            errors: [{ field: CSRF_HEADER, message: "is not this session's token" }],
          },
        );
    }
    request.webSession = session;
  });

  app.post(
    `${prefix}/login`,
    { schema: { body: SIGN_IN_BODY, response: { 200: SIGNED_IN } } },
    async (request: FastifyRequest<{ Body: { link: string } }>, reply) => {
      const session = await options.state.redeemLoginLink(request.body.link, now());
      if (session === undefined)
        throw new HttpProblem(
          'session.link_invalid',
          'the link is unknown, used or expired: ask for a new one',
          { errors: [{ field: 'link', message: 'is not a live sign-in link' }] },
        );
      void reply.setCookie(SESSION_COOKIE, session, {
        httpOnly: true,
        sameSite: 'strict',
        secure: true,
        path: '/',
      });
      return { signedIn: true };
    },
  );
  app.post(
    `${prefix}/logout`,
    { schema: { response: { 200: SIGNED_IN } } },
    async (request, reply) => {
      const value = request.cookies[SESSION_COOKIE];
      if (value !== undefined) await options.state.endSession(value);
      void reply.clearCookie(SESSION_COOKIE, { path: '/', secure: true, httpOnly: true });
      return { signedIn: false };
    },
  );
}
