import { createHash, randomBytes } from 'node:crypto';
import { encodeBase64url } from '@credence/core/encoding/base64url';
import type { FastifyRequest } from 'fastify';
import { HttpProblem } from './problem.js';

/**
 * Bearer credentials (RFC 6750). A credential is shown once when it is made and stored
 * only as its SHA-256: a stolen credential file does not let anyone in. The secret has
 * 256 bits, so a plain hash (not a password hash) is enough.
 */

export function newCredential(prefix: string): { token: string; sha256: string } {
  const token = `${prefix}_${encodeBase64url(randomBytes(32))}`;
  return { token, sha256: credentialHash(token) };
}

export function credentialHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The bearer token of a request, or a 401 problem. */
export function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (header === undefined)
    throw new HttpProblem('auth.missing', 'send Authorization: Bearer <credential>');
  const match = /^Bearer ([A-Za-z0-9._~+/=-]{8,512})$/.exec(header);
  if (!match?.[1])
    throw new HttpProblem('auth.invalid', 'the Authorization header must be "Bearer <credential>"');
  return match[1];
}
