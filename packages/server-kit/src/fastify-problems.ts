import { isCredenceError } from '@credence/core/errors';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  type FieldError,
  HttpProblem,
  isProblemCode,
  type ProblemCode,
  type ProblemExtensions,
  problemDocument,
} from './problem.js';

/** Ajv's instancePath ("/elements/3") as a field path ("elements[3]"). */
function fieldOf(instancePath: string, missing?: unknown): string {
  const parts = instancePath.split('/').filter((p) => p.length > 0);
  if (typeof missing === 'string') parts.push(missing);
  if (parts.length === 0) return '(body)';
  return parts.reduce(
    (path, p) => (/^\d+$/.test(p) ? `${path}[${p}]` : path ? `${path}.${p}` : p),
    '',
  );
}

function validationErrors(error: FastifyError): FieldError[] {
  return (error.validation ?? []).map((v) => {
    const params = v.params as Record<string, unknown>;
    const field = fieldOf(v.instancePath, params.missingProperty ?? params.additionalProperty);
    // Ajv's messages describe the rule ("must match pattern …"), never the value.
    const message =
      params.additionalProperty !== undefined ? 'is not allowed' : (v.message ?? 'is not valid');
    return { field, message };
  });
}

function send(
  reply: FastifyReply,
  request: FastifyRequest,
  code: ProblemCode,
  detail?: string,
  errors?: readonly FieldError[],
  retryAfter?: number,
  extensions?: ProblemExtensions,
) {
  const doc = problemDocument(code, detail, {
    errors: errors ?? [],
    instance: request.url.split('?')[0] ?? '/',
    requestId: String(request.id),
    ...(extensions === undefined ? {} : { extensions }),
  });
  if (retryAfter !== undefined)
    void reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfter))));
  if (code === 'auth.missing' || code === 'auth.invalid')
    void reply.header('www-authenticate', 'Bearer');
  return reply.status(doc.status).type('application/problem+json').send(doc);
}

/**
 * Installs the error and not-found handlers that turn every failure into an RFC 9457
 * problem document: HttpProblem as thrown, a CredenceError whose code is a problem's
 * (services refuse with those) as that problem, validation and parser errors as 4xx naming
 * the field, anything else as a generic 500 whose detail is only in the log (with the
 * request id to find it). Nothing here ever writes a request body to the log.
 */
export function useProblemDocuments(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof HttpProblem)
      return send(
        reply,
        request,
        error.code,
        error.message,
        error.errors,
        error.retryAfter,
        error.extensions,
      );
    // The domain's refusals: its stable code is the problem's, which decides the status.
    if (isCredenceError(error) && isProblemCode(error.code))
      return send(
        reply,
        request,
        error.code,
        error.message === '' ? undefined : error.message,
        error.fields,
      );
    if (error.validation) {
      const errors = validationErrors(error);
      return send(
        reply,
        request,
        'request.invalid',
        `${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`,
        errors,
      );
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      return send(
        reply,
        request,
        'request.unsupported_media_type',
        'send the body as application/json',
      );
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return send(reply, request, 'request.too_large');
    const malformed =
      error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
      error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
      error instanceof SyntaxError ||
      error.statusCode === 400;
    if (malformed)
      return send(
        reply,
        request,
        'request.malformed_json',
        'the body could not be parsed as JSON',
        [{ field: '(body)', message: 'is not valid JSON' }],
      );
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      return send(reply, request, 'request.invalid', 'the request could not be processed');
    }
    // Log only what cannot carry request data: the error's name, code and stack.
    request.log.error(
      { err: { name: error.name, code: error.code, stack: error.stack } },
      'unexpected error',
    );
    return send(reply, request, 'internal', `look for request ${request.id} in the log`);
  });
  app.setNotFoundHandler((request, reply) =>
    send(
      reply,
      request,
      'route.not_found',
      `nothing at ${request.method} ${request.url.split('?')[0]}`,
    ),
  );
}

/** JSON APIs take JSON only: other media types get a 415 problem, not a parse attempt. */
export function acceptJsonOnly(app: FastifyInstance): void {
  app.removeContentTypeParser('text/plain');
}
