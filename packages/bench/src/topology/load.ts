import {
  type Ed25519KeyPair,
  generateEd25519,
  privateKeyFromJwk,
} from '@credence/core/signing/ed25519';
import { signBatch } from '@credence/core/wire/batches';

/**
 * A member's load against the platform through the balancer, as a member's own client
 * would send it: signed report batches and checks, retried after a network error, a 5xx
 * or a 429 until a deadline (a batch is idempotent: sent again, it is the same batch), and
 * the answers kept, so a test can hold the platform to every write it acknowledged.
 */

/** A token of the shape the platform takes (43 base64url characters), numbered. */
export const token = (n: number) => `t${String(n).padStart(42, '0')}`;

export interface Answer {
  readonly status: number;
  readonly body: unknown;
  /** Requests it took, the last being the one answered. */
  readonly attempts: number;
}

/** Sends a request until it gets an answer that is not a 5xx or a 429, or the deadline passes. */
export async function send(
  url: string,
  init: { method: string; credential: string; body?: unknown },
  deadlineMs: number,
): Promise<Answer> {
  const end = Date.now() + deadlineMs;
  let attempts = 0;
  let last = '';
  let pause = 50;
  for (;;) {
    attempts++;
    try {
      const response = await fetch(url, {
        method: init.method,
        headers: {
          authorization: `Bearer ${init.credential}`,
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        signal: AbortSignal.timeout(10_000),
      });
      const body: unknown = await response.json().catch(() => undefined);
      if (response.status < 500 && response.status !== 429)
        return { status: response.status, body, attempts };
      last = `${response.status} ${(body as { code?: string } | undefined)?.code ?? ''}`;
    } catch (error) {
      last = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    if (Date.now() + pause > end)
      throw new Error(
        `${init.method} ${url}: no answer in ${deadlineMs} ms (${attempts} attempts, last: ${last})`,
      );
    await new Promise((r) => setTimeout(r, pause));
    pause = Math.min(pause * 2, 1000);
  }
}

export interface Reporter {
  readonly id: string;
  readonly credential: string;
  readonly key: Ed25519KeyPair;
}

/** A reporter's key pair, to register with `credence members add --public-key`. */
export const reporterKey = (): Ed25519KeyPair => generateEd25519();

/** One confirmed fraud against token n, as a signed batch of its own (batch id `b-<n>`). */
export function reportBatch(reporter: Reporter, n: number): unknown {
  return signBatch(
    {
      member: reporter.id,
      batchId: `b-${n}`,
      createdAt: new Date().toISOString(),
      reports: [
        {
          ref: `ref-${n}`,
          type: 'confirmed_fraud',
          category: 'impersonate_authority',
          occurredAt: '2026-11-20T10:00:00Z',
          entities: [{ role: 'caller', kind: 'phone', token: token(n), keyId: 'k1' }],
        },
      ],
    },
    privateKeyFromJwk(reporter.key.privateJwk),
    reporter.key.publicKey,
  );
}

export interface LoadResult {
  /** Token numbers whose batch the platform acknowledged (a 2xx). */
  readonly acknowledged: number[];
  /** Checks answered 200 with the token reported (as of its batch's write, `?after=`). */
  readonly checks: number;
  /** Requests that got no acceptable answer before their deadline, or an unexpected status. */
  readonly failures: string[];
  /** Requests sent again after a network error, a 5xx or a 429. */
  readonly retries: number;
}

/**
 * Writers each sending one-report batches (tokens from `first` on, each once) and checkers
 * each checking tokens already sent, until `stop()`; `done` gives what happened.
 */
export function startLoad(options: {
  url: string;
  reporter: Reporter;
  checker: string;
  first: number;
  last: number;
  writers: number;
  checkers: number;
  deadlineMs: number;
}): { stop(): void; done: Promise<LoadResult>; acknowledged(): number } {
  let next = options.first;
  let stopped = false;
  const acknowledged: number[] = [];
  /** The change sequence each acknowledged batch's answer gave. */
  const sequenceOf = new Map<number, number>();
  const failures: string[] = [];
  let checks = 0;
  let retries = 0;
  const writer = async () => {
    while (!stopped && next < options.last) {
      const n = next++;
      try {
        const answer = await send(
          `${options.url}/v1/reports`,
          {
            method: 'POST',
            credential: options.reporter.credential,
            body: reportBatch(options.reporter, n),
          },
          options.deadlineMs,
        );
        retries += answer.attempts - 1;
        if (answer.status === 200 || answer.status === 201) {
          sequenceOf.set(n, (answer.body as { sequence: number }).sequence);
          acknowledged.push(n);
        } else failures.push(`report ${n}: ${answer.status} ${JSON.stringify(answer.body)}`);
      } catch (error) {
        failures.push(`report ${n}: ${(error as Error).message}`);
      }
    }
  };
  const checker = async () => {
    while (!stopped) {
      const sent = acknowledged.length;
      if (sent === 0) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      const n = acknowledged[Math.floor(Math.random() * sent)] as number;
      try {
        // As of the batch's write at least, on whichever node answers: the report counts.
        const answer = await send(
          `${options.url}/v1/check/${token(n)}?after=${sequenceOf.get(n)}`,
          { method: 'GET', credential: options.checker },
          options.deadlineMs,
        );
        retries += answer.attempts - 1;
        const verdict = (answer.body as { verdict?: string } | undefined)?.verdict;
        if (answer.status === 200 && verdict !== undefined && verdict !== 'clear') checks++;
        else failures.push(`check ${n}: ${answer.status} ${JSON.stringify(answer.body)}`);
      } catch (error) {
        failures.push(`check ${n}: ${(error as Error).message}`);
      }
    }
  };
  const done = Promise.all([
    ...Array.from({ length: options.writers }, writer),
    ...Array.from({ length: options.checkers }, checker),
  ]).then(() => ({ acknowledged, checks, failures, retries }));
  return {
    stop: () => {
      stopped = true;
    },
    done,
    acknowledged: () => acknowledged.length,
  };
}
