import { decodeBase64url, encodeBase64url } from '@credence/core/encoding/base64url';
import { clientOf, type HttpAnswer, type HttpClient } from './http-client.js';
import { MemberError } from './member-error.js';
import { certificateRefused, networkProblem } from './network-errors.js';

/** One key server as a member reaches it: its share index, address and credential. */
export interface KeyServerEndpoint {
  readonly index: number;
  readonly url: string;
  readonly token: string;
  /** How it is reached (a client trusting member.json's caFile); the default client if absent. */
  readonly http?: HttpClient;
}

export interface RetryPolicy {
  /** Per attempt. */
  readonly timeoutMs: number;
  /** Attempts after the first, for timeouts, network errors, 5xx and 429. */
  readonly retries: number;
  /** First backoff; doubles each attempt, with jitter. */
  readonly backoffMs: number;
  /** A 429 asking to wait longer than this is not retried. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  timeoutMs: 15_000,
  retries: 3,
  backoffMs: 200,
  maxRetryAfterMs: 10_000,
};

export interface ShareEvaluationResponse {
  readonly shareIndex: number;
  readonly evaluated: Uint8Array[];
  readonly proof: Uint8Array;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function describeServer(server: KeyServerEndpoint): string {
  return `key server #${server.index} (${server.url})`;
}

/**
 * POST /v1/oprf/evaluate on one key server, with a timeout per attempt and retries for
 * what may pass (timeouts, network errors, 5xx, 429 with a short Retry-After). Checks
 * the shape of the answer; the caller verifies the proof.
 */
export async function evaluateOnServer(
  server: KeyServerEndpoint,
  keyId: string,
  elements: readonly Uint8Array[],
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<ShareEvaluationResponse> {
  const body = JSON.stringify({ keyId, elements: elements.map(encodeBase64url) });
  const url = `${server.url.replace(/\/$/, '')}/v1/oprf/evaluate`;
  let lastError: MemberError | undefined;
  for (let attempt = 0; attempt <= policy.retries; attempt++) {
    if (attempt > 0) await sleep(policy.backoffMs * 2 ** (attempt - 1) * (0.5 + Math.random()));
    let response: HttpAnswer;
    try {
      response = await clientOf(server)(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
        body,
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
    } catch (error) {
      lastError = new MemberError(
        'member.keyserver_unreachable',
        `${describeServer(server)}: ${networkProblem(error)}`,
        { index: server.index },
        error,
      );
      if (certificateRefused(error)) break;
      continue;
    }
    if (response.status === 429 || response.status >= 500) {
      const retryAfter = Number(response.headers.get('retry-after') ?? '0') * 1000;
      const problem = await problemOf(response);
      lastError = new MemberError(
        'member.keyserver_refused',
        `${describeServer(server)} answered ${response.status} ${problem.code}${problem.detail === undefined ? '' : `: ${problem.detail}`}`,
        { index: server.index, status: response.status },
      );
      if (response.status === 429 && retryAfter > policy.maxRetryAfterMs) break;
      if (retryAfter > 0) await sleep(Math.min(retryAfter, policy.maxRetryAfterMs));
      continue;
    }
    if (response.status === 401) {
      await response.text().catch(() => '');
      throw credentialRefused(server);
    }
    if (!response.ok) {
      const problem = await problemOf(response);
      throw new MemberError(
        'member.keyserver_refused',
        `${describeServer(server)} answered ${response.status} ${problem.code}${problem.detail === undefined ? '' : `: ${problem.detail}`}`,
        {
          index: server.index,
          status: response.status,
          ...(problem.maxElements === undefined ? {} : { maxElements: problem.maxElements }),
        },
      );
    }
    return parseEvaluation(
      server,
      keyId,
      elements.length,
      await response.json().catch(() => undefined),
    );
  }
  throw lastError ?? new MemberError('member.keyserver_unreachable', describeServer(server));
}

/**
 * What a key server's problem document says: its code, its detail (key servers never
 * put request data in one), and for `elements.over_limit` the most elements it takes at
 * once (an RFC 9457 extension member).
 */
async function problemOf(
  response: HttpAnswer,
): Promise<{ code: string; detail?: string; maxElements?: number }> {
  const doc = (await response.json().catch(() => undefined)) as
    | { code?: unknown; detail?: unknown; maxElements?: unknown }
    | undefined;
  const max = doc?.maxElements;
  return {
    code: typeof doc?.code === 'string' ? doc.code : '',
    ...(typeof doc?.detail === 'string' ? { detail: doc.detail.slice(0, 300) } : {}),
    ...(typeof max === 'number' && Number.isInteger(max) && max >= 1 ? { maxElements: max } : {}),
  };
}

/**
 * Whether the key server takes the member's credential (GET /v1/oprf/usage, which counts
 * nothing): false on 401, true on any other answer, undefined when it did not answer.
 */
export async function credentialAccepted(
  server: KeyServerEndpoint,
  timeoutMs: number,
): Promise<boolean | undefined> {
  try {
    const response = await clientOf(server)(`${server.url.replace(/\/$/, '')}/v1/oprf/usage`, {
      headers: { authorization: `Bearer ${server.token}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.text();
    return response.status !== 401;
  } catch {
    return undefined;
  }
}

/** The 401 of a key server, as the member is told of it. */
export function credentialRefused(server: KeyServerEndpoint): MemberError {
  return new MemberError(
    'member.keyserver_credential_refused',
    `${describeServer(server)} answered 401: ask its operator for a new credential (credence keyserver credential)`,
    { index: server.index, status: 401 },
  );
}

function parseEvaluation(
  server: KeyServerEndpoint,
  keyId: string,
  count: number,
  json: unknown,
): ShareEvaluationResponse {
  const bad = (why: string) =>
    new MemberError('member.keyserver_bad_response', `${describeServer(server)}: ${why}`, {
      index: server.index,
    });
  const body = json as
    | { keyId?: unknown; shareIndex?: unknown; evaluated?: unknown; proof?: unknown }
    | undefined;
  if (body?.keyId !== keyId) throw bad('answered for another key id');
  if (body.shareIndex !== server.index) throw bad(`answered as share ${String(body.shareIndex)}`);
  if (!Array.isArray(body.evaluated) || body.evaluated.length !== count)
    throw bad('returned a different number of elements');
  const evaluated = body.evaluated.map((e: unknown) =>
    typeof e === 'string' ? decodeBase64url(e) : undefined,
  );
  const proof = typeof body.proof === 'string' ? decodeBase64url(body.proof) : undefined;
  if (evaluated.some((e) => e?.length !== 32) || proof?.length !== 64)
    throw bad('returned elements or a proof of the wrong size');
  return { shareIndex: server.index, evaluated: evaluated as Uint8Array[], proof };
}
