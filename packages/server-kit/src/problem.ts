/**
 * RFC 9457 problem documents: the one shape every Credence HTTP error takes. Each
 * problem has a stable code (listed in docs/errors.md), a status and a title; the detail
 * says what to change, and `errors` names the offending fields. Never a stack, never the
 * offending value: request bodies carry blinded elements and tokens, and later reports.
 */

export const PROBLEMS = {
  'request.invalid': { status: 400, title: 'The request is not valid' },
  'request.malformed_json': { status: 400, title: 'The body is not valid JSON' },
  'request.unsupported_media_type': { status: 415, title: 'The body must be application/json' },
  'request.too_large': { status: 413, title: 'The body is too large' },
  'request.headers_too_large': {
    status: 431,
    title: 'The request line and headers are too large',
  },
  'request.timeout': { status: 408, title: 'The request did not arrive in time' },
  'auth.missing': { status: 401, title: 'A bearer credential is required' },
  'auth.invalid': { status: 401, title: 'The bearer credential is not valid' },
  'key.unknown': { status: 404, title: 'No such key' },
  'key.retired': { status: 410, title: 'The key is retired' },
  'quota.exceeded': { status: 429, title: 'The daily quota of evaluations is used up' },
  'rate.limited': { status: 429, title: 'Too many evaluations in a short time' },
  'elements.over_limit': {
    status: 413,
    title: 'More elements than your limits let one request evaluate',
  },
  'rate.requests_limited': { status: 429, title: 'Too many requests in a short time' },
  'role.forbidden': { status: 403, title: 'Your role may not do this' },
  'batch.member_mismatch': { status: 403, title: 'The batch is signed for another member' },
  'batch.signature_invalid': { status: 400, title: 'The batch signature does not verify' },
  'batch.unknown_key': {
    status: 400,
    title: 'The batch is signed with a key the member has not registered',
  },
  'batch.stale': { status: 400, title: 'The batch was made too long ago or in the future' },
  'batch.reused': { status: 409, title: 'The batch id was used before for another batch' },
  'batch.key_pending': {
    status: 400,
    title: 'The batch is signed with a key that has not started yet',
  },
  'key.current': { status: 409, title: "The key is already one of the member's keys" },
  'key.not_pending': {
    status: 409,
    title: 'No key is announced for the member with this public key',
  },
  'key.statement_invalid': {
    status: 400,
    title: 'The key statement is not signed by a current key of the member, or not fresh',
  },
  'item.conflict': {
    status: 409,
    title: 'An item with this ref was submitted before with other content',
  },
  'report.not_found': { status: 404, title: 'No such report of yours' },
  'report.already_retracted': { status: 409, title: 'The report is already retracted' },
  'webhook.none': { status: 404, title: 'You have set no webhook' },
  'member.exists': { status: 409, title: 'A member with this id exists' },
  'member.not_found': { status: 404, title: 'No such member' },
  'member.share_taken': { status: 409, title: 'The share is bound to another key server' },
  'usage.share_unbound': { status: 403, title: 'The key server is bound to no share' },
  'usage.share_mismatch': {
    status: 403,
    title: "A key server may report its own share's counts only",
  },
  'usage.member_unknown': {
    status: 400,
    title: 'A count names no member that evaluates tokens',
  },
  'policy.invalid': { status: 400, title: 'The policy is not valid' },
  'ring.not_found': { status: 404, title: 'No ring of the latest analysis has this id' },
  'campaign.not_found': { status: 404, title: 'No campaign of the latest analysis has this id' },
  'analysis.none': { status: 404, title: 'No analysis has run yet' },
  'log.range': { status: 400, title: 'The log has no such index or size' },
  'log.witness_unknown': { status: 400, title: 'The cosignature is not by a witness of this log' },
  'log.cosignature_invalid': { status: 400, title: 'The cosignature does not verify' },
  'case.not_found': { status: 404, title: 'No such case of yours' },
  'case.closed': { status: 409, title: 'The case is closed' },
  'case.expired': { status: 403, title: "The case's legal basis has lapsed" },
  'case.item_unknown': {
    status: 404,
    title: 'An item names no ring, campaign, report or token with reports',
  },
  'case.report_outside': { status: 400, title: 'A report asked for is not in the case' },
  'disclosure.not_found': { status: 404, title: 'No such disclosure request for you' },
  'disclosure.decided': { status: 409, title: 'The request was granted or denied before' },
  'disclosure.not_granted': { status: 409, title: 'The request has not been granted' },
  'disclosure.recipient': {
    status: 400,
    title: "The grant is not sealed to the case's recipient key",
  },
  'evidence.not_listed': {
    status: 404,
    title: "The report's sealed detail lists no evidence file at this position",
  },
  'evidence.mismatch': {
    status: 400,
    title: "The file is not the ciphertext the report's sealed detail lists",
  },
  'evidence.missing': { status: 404, title: 'The evidence file has not been uploaded' },
  'outcome.check_unknown': {
    status: 400,
    title: 'No check of yours about this token has this id',
  },
  'outcome.token_unwatched': {
    status: 400,
    title: 'An outcome without a check id must be about a token you watch',
  },
  'appeal.token_unknown': { status: 404, title: "No member's report names the token" },
  'appeal.pending': { status: 409, title: 'An appeal about the token is open already' },
  'appeal.not_found': { status: 404, title: 'No such appeal' },
  'appeal.ruled': { status: 409, title: 'The appeal was ruled on before' },
  'stats.week_open': {
    status: 400,
    title: 'The week has not ended long enough ago for its reports to be in',
  },
  'stats.released': { status: 409, title: "The week's cut was released before" },
  'stats.budget_exhausted': {
    status: 403,
    title: 'The release would spend more privacy budget than the policy allows',
  },
  'exposure.conflict': {
    status: 409,
    title: 'Another upload holds this part of the list, with other tokens',
  },
  'filter.not_found': { status: 404, title: 'No such filter version' },
  'session.missing': { status: 401, title: 'Sign in first' },
  'session.link_invalid': { status: 401, title: 'The sign-in link is unknown, used or expired' },
  'session.forbidden': {
    status: 403,
    title: "A change must come from this site and carry the session's CSRF token",
  },
  'platform.unavailable': {
    status: 502,
    title: "The platform could not be reached, or refused the agent's credential",
  },
  'store.unavailable': {
    status: 503,
    title: "The platform's database cannot be reached just now; try again shortly",
    retryAfter: 1,
  },
  'request.misdirected': { status: 421, title: 'This server does not answer for that host' },
  'route.not_found': { status: 404, title: 'No such resource' },
  'route.method_not_allowed': { status: 405, title: 'Method not allowed' },
  internal: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string; retryAfter?: number }>;

export type ProblemCode = keyof typeof PROBLEMS;

/** Whether a code is a problem's (an error with it maps to that problem at the HTTP edge). */
export const isProblemCode = (code: string): code is ProblemCode => Object.hasOwn(PROBLEMS, code);

export interface FieldError {
  /** A JSON path into the request: "elements[3]", "keyId", "(body)". */
  readonly field: string;
  readonly message: string;
}

export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: ProblemCode;
  readonly detail?: string;
  readonly instance?: string;
  readonly errors?: readonly FieldError[];
  readonly requestId?: string;
}

/** Extension members of a problem document (RFC 9457 §3.2): figures, never request data. */
export type ProblemExtensions = Readonly<Record<string, string | number>>;

/** An error that becomes a problem document; thrown by routes, mapped by the handler. */
export class HttpProblem extends Error {
  readonly code: ProblemCode;
  readonly status: number;
  readonly errors: readonly FieldError[] | undefined;
  /** Seconds, for 429 and 503. */
  readonly retryAfter: number | undefined;
  /** RFC 9457 extension members, for a client to act on (`maxElements`). */
  readonly extensions: ProblemExtensions | undefined;

  constructor(
    code: ProblemCode,
    detail?: string,
    options: {
      errors?: readonly FieldError[];
      retryAfter?: number;
      extensions?: ProblemExtensions;
    } = {},
  ) {
    super(detail ?? PROBLEMS[code].title);
    this.name = 'HttpProblem';
    this.code = code;
    this.status = PROBLEMS[code].status;
    this.errors = options.errors;
    this.retryAfter = options.retryAfter;
    this.extensions = options.extensions;
  }
}

export function problemDocument(
  code: ProblemCode,
  detail?: string,
  extra: {
    errors?: readonly FieldError[];
    instance?: string;
    requestId?: string;
    extensions?: ProblemExtensions;
  } = {},
): ProblemDocument {
  return {
    // Extensions first: they never replace a member the RFC defines.
    ...extra.extensions,
    type: `urn:credence:problem:${code}`,
    title: PROBLEMS[code].title,
    status: PROBLEMS[code].status,
    code,
    ...(detail === undefined ? {} : { detail }),
    ...(extra.instance === undefined ? {} : { instance: extra.instance }),
    ...(extra.errors === undefined || extra.errors.length === 0 ? {} : { errors: extra.errors }),
    ...(extra.requestId === undefined ? {} : { requestId: extra.requestId }),
  };
}
