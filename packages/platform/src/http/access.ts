import { bearerToken } from '@credence/server-kit/bearer';
import { HttpProblem } from '@credence/server-kit/problem';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type Member, roleOf } from '../domain/types.js';
import type { CredentialCache } from '../services/credentials.js';
import { type RequestLimiter, requestClass } from './request-limits.js';

/** The member behind the request's credential if its role may call the route; else throws. */
async function authorize(
  credentials: CredentialCache,
  request: FastifyRequest,
): Promise<Member | undefined> {
  const roles = request.routeOptions.config.roles;
  if (roles === undefined) return undefined;
  const member = await credentials.authenticate(bearerToken(request));
  if (member === undefined)
    throw new HttpProblem(
      'auth.invalid',
      'the credential is unknown, revoked, or its member disabled',
    );
  if (!roles.includes(roleOf(member.type)))
    throw new HttpProblem(
      'role.forbidden',
      `a ${member.type} may not ${request.method} ${request.routeOptions.url}`,
    );
  request.member = member;
  return member;
}

/**
 * Who may call what, decided before the body is read (issue 11 §3): Fastify reads and
 * parses a body after the onRequest hooks, so a request without a valid credential, from a
 * role the route does not admit, or over its member's rate is answered (401, 403, 429)
 * without a byte of its body parsed or a schema run over it. Routes without roles are
 * public.
 *
 * A body takes a while to arrive and parse; a member disabled in the meantime must not
 * get its write in, so the credential is checked again once the body is in (a map lookup
 * unless the cache was dropped meanwhile).
 */
export function useAccessControl(
  app: FastifyInstance,
  credentials: CredentialCache,
  limiter: RequestLimiter,
): void {
  app.addHook('onRequest', async (request, reply) => {
    try {
      const member = await authorize(credentials, request);
      if (member === undefined) return;
      const taken = limiter.take(member.id, requestClass(request.method, request.routeOptions.url));
      if (!taken.ok)
        throw new HttpProblem(
          'rate.requests_limited',
          'slow down: this member has used up its requests of this kind for now',
          { retryAfter: taken.retryAfter },
        );
    } catch (error) {
      // Node would read the unread body off the connection (and drop it) to keep the
      // connection for another request: 15 MiB of reads on the event loop for each
      // refusal. The connection is closed after the answer instead.
      const headers = request.headers;
      if (headers['transfer-encoding'] !== undefined || Number(headers['content-length']) > 0)
        void reply.header('connection', 'close');
      throw error;
    }
  });
  app.addHook('preHandler', async (request) => {
    if (request.body !== undefined) await authorize(credentials, request);
  });
}
