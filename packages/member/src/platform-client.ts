import { clientOf, type HttpAnswer, type HttpClient } from './http-client.js';
import { MemberError } from './member-error.js';
import { certificateRefused, networkProblem } from './network-errors.js';

/** Where the platform is and the member's credential for it (member.json "platform"). */
export interface PlatformEndpoint {
  readonly url: string;
  readonly credential: string;
  /** How it is reached (a client trusting member.json's caFile); the default client if absent. */
  readonly http?: HttpClient;
}

export interface RequestOptions {
  readonly timeoutMs?: number;
  readonly retries?: number;
  /** Answer with the body's text instead of parsing JSON. */
  readonly text?: boolean;
  /** Answer with the body's bytes (an evidence file) instead of parsing JSON. */
  readonly binary?: boolean;
  /** Send these bytes as application/octet-stream instead of a JSON body. */
  readonly octets?: Uint8Array;
}

/** An answer's body, whole, as bytes. */
async function bytesOf(response: HttpAnswer): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of response.body) chunks.push(chunk);
  return new Uint8Array(Buffer.concat(chunks));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A JSON request to the platform API with the member's bearer credential. Network
 * errors, 5xx and 429 are retried with backoff (POSTs of signed batches are idempotent:
 * a repeat is a no-op) for about 20 seconds in all, so that a platform restarting (a
 * crash, a deployment) does not fail a submission; a 4xx problem document becomes an
 * error naming its code.
 */
export async function platformRequest<T>(
  platform: PlatformEndpoint,
  method: string,
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<T> {
  const url = `${platform.url.replace(/\/$/, '')}${path}`;
  const retries = options.retries ?? 8;
  let last = 'no answer';
  let attempts = 0;
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) await sleep(Math.min(5000, 200 * 2 ** (attempt - 1)));
    attempts++;
    let response: HttpAnswer;
    try {
      response = await clientOf(platform)(url, {
        method,
        headers: {
          // A public route (GET /v1/stats) is asked without a credential.
          ...(platform.credential === '' ? {} : { authorization: `Bearer ${platform.credential}` }),
          ...(options.octets !== undefined
            ? { 'content-type': 'application/octet-stream' }
            : body === undefined
              ? {}
              : { 'content-type': 'application/json' }),
        },
        ...(options.octets !== undefined
          ? { body: options.octets }
          : body === undefined
            ? {}
            : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
      });
    } catch (error) {
      last = networkProblem(error);
      if (certificateRefused(error)) break;
      continue;
    }
    if (response.ok)
      return (
        options.binary === true
          ? await bytesOf(response)
          : options.text === true
            ? await response.text()
            : await response.json()
      ) as T;
    const answer = (await response.json().catch(() => ({}))) as {
      code?: string;
      detail?: string;
      errors?: { field: string; message: string }[];
      // A TAXII error message (/taxii2/) says the same in its own words.
      error_code?: string;
      description?: string;
    };
    const problem = {
      ...answer,
      code: answer.code ?? answer.error_code,
      detail: answer.detail ?? answer.description,
    };
    if (response.status === 429 || response.status >= 500) {
      last = `${response.status} ${problem.code ?? ''}`.trim();
      const retryAfter = Number(response.headers.get('retry-after') ?? '0');
      if (retryAfter > 0 && retryAfter <= 30) await sleep(retryAfter * 1000);
      continue;
    }
    const fields = (problem.errors ?? []).map((e) => `${e.field} ${e.message}`).join('; ');
    throw new MemberError(
      'member.platform_refused',
      `${method} ${path}: ${response.status} ${problem.code ?? ''}${problem.detail ? ` (${problem.detail})` : ''}${fields ? `: ${fields}` : ''}`,
      { status: response.status, code: problem.code ?? '' },
    );
  }
  throw new MemberError(
    'member.platform_unreachable',
    `${method} ${path}: ${last}${attempts > 1 ? ` (${attempts} attempts)` : ''}`,
  );
}
