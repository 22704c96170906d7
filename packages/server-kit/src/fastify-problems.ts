import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { isCredenceError } from '@credence/core/errors';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  type FieldError,
  HttpProblem,
  isProblemCode,
  PROBLEMS,
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

/** What a failure is answered with: a problem's code and what it says. */
export interface ProblemAnswer {
  readonly code: ProblemCode;
  readonly detail?: string;
  readonly errors?: readonly FieldError[];
  /** Seconds. */
  readonly retryAfter?: number;
  readonly extensions?: ProblemExtensions;
}

/**
 * The problem a failure is: HttpProblem as thrown, a CredenceError whose code is a
 * problem's (services refuse with those) as that problem, validation and parser errors as
 * 4xx naming the field, anything else as a generic 500 whose detail is only in the log
 * (with the request id to find it). Nothing here ever writes a request body to the log.
 */
export function problemOf(error: FastifyError, request: FastifyRequest): ProblemAnswer {
  if (error instanceof HttpProblem)
    return {
      code: error.code,
      detail: error.message,
      ...(error.errors === undefined ? {} : { errors: error.errors }),
      ...(error.retryAfter === undefined ? {} : { retryAfter: error.retryAfter }),
      ...(error.extensions === undefined ? {} : { extensions: error.extensions }),
    };
  // The domain's refusals: its stable code is the problem's, which decides the status.
  if (isCredenceError(error) && isProblemCode(error.code)) {
    const known = PROBLEMS[error.code];
    const retryAfter = 'retryAfter' in known ? known.retryAfter : undefined;
    return {
      code: error.code,
      ...(error.message === '' ? {} : { detail: error.message }),
      ...(error.fields === undefined ? {} : { errors: error.fields }),
      ...(retryAfter === undefined ? {} : { retryAfter }),
    };
  }
  if (error.validation) {
    const errors = validationErrors(error);
    return {
      code: 'request.invalid',
      detail: `${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`,
      errors,
    };
  }
  // The router's refusals (Fastify's frameworkErrors): the path, before any route.
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH' || error.code === 'FST_ERR_BAD_URL')
    return {
      code: 'request.invalid',
      detail: 'the path is not one the API takes',
      errors: [
        {
          field: '(path)',
          message:
            error.code === 'FST_ERR_BAD_URL'
              ? 'is not validly percent-encoded'
              : 'has a segment longer than any the API takes',
        },
      ],
    };
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return { code: 'request.unsupported_media_type', detail: 'send the body as application/json' };
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { code: 'request.too_large' };
  const malformed =
    error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
    error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
    error instanceof SyntaxError ||
    error.statusCode === 400;
  if (malformed)
    return {
      code: 'request.malformed_json',
      detail: 'the body could not be parsed as JSON',
      errors: [{ field: '(body)', message: 'is not valid JSON' }],
    };
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500)
    return { code: 'request.invalid', detail: 'the request could not be processed' };
  // Log only what cannot carry request data: the error's name, code and stack.
  request.log.error(
    { err: { name: error.name, code: error.code, stack: error.stack } },
    'unexpected error',
  );
  return { code: 'internal', detail: `look for request ${request.id} in the log` };
}

/** Retry-After and WWW-Authenticate, as the problem asks. */
export function problemHeaders(reply: FastifyReply, answer: ProblemAnswer): void {
  if (answer.retryAfter !== undefined)
    void reply.header('retry-after', String(Math.max(1, Math.ceil(answer.retryAfter))));
  if (answer.code === 'auth.missing' || answer.code === 'auth.invalid')
    void reply.header('www-authenticate', 'Bearer');
}

function send(reply: FastifyReply, request: FastifyRequest, answer: ProblemAnswer) {
  const doc = problemDocument(answer.code, answer.detail, {
    errors: answer.errors ?? [],
    instance: request.url.split('?')[0] ?? '/',
    requestId: String(request.id),
    ...(answer.extensions === undefined ? {} : { extensions: answer.extensions }),
  });
  problemHeaders(reply, answer);
  return reply.status(doc.status).type('application/problem+json').send(doc);
}

/**
 * Installs the error and not-found handlers that turn every failure into an RFC 9457
 * problem document (problemOf).
 */
export function useProblemDocuments(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) =>
    send(reply, request, problemOf(error, request)),
  );
  app.setNotFoundHandler((request, reply) =>
    send(reply, request, {
      code: 'route.not_found',
      detail: `nothing at ${request.method} ${request.url.split('?')[0]}`,
    }),
  );
}

/**
 * Fastify's `frameworkErrors` option: what its router refuses before any route (a path
 * segment over `maxParamLength`, bad percent-encoding) is a problem document too, not
 * Fastify's own JSON.
 */
export function frameworkProblem(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  return send(reply, request, problemOf(error, request));
}

/**
 * Fastify's `clientErrorHandler` option: what Node's HTTP parser refuses before there is a
 * request (a request line and headers over 16 KiB, a request not sent in time, bytes that
 * are not HTTP) is answered with a problem document too, and the connection closed.
 */
export function clientErrorProblem(error: NodeJS.ErrnoException, socket: Duplex): void {
  // A reset connection has nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  // Bytes that are not HTTP after a response began (an event stream's): an answer written
  // now would land inside that response, so the connection is only closed (as Node does).
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (inFlight?.headersSent === true) {
    socket.destroy();
    return;
  }
  const doc =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? problemDocument(
          'request.headers_too_large',
          'send at most 16 KiB of request line and headers',
          { errors: [{ field: '(headers)', message: 'are over 16 KiB with the URL' }] },
        )
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? problemDocument('request.timeout')
        : problemDocument('request.invalid', 'the request is not valid HTTP/1.1', {
            errors: [{ field: '(request)', message: 'is not valid HTTP' }],
          });
  const body = JSON.stringify(doc);
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${doc.status} ${STATUS_CODES[doc.status] ?? ''}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/problem+json\r\nConnection: close\r\n\r\n${body}`,
    );
  socket.destroy();
}

/** JSON APIs take JSON only: other media types get a 415 problem, not a parse attempt. */
export function acceptJsonOnly(app: FastifyInstance): void {
  app.removeContentTypeParser('text/plain');
}
