import type { GroupKey } from '@credence/core/oprf/key-set';
import type { Ristretto255 } from '@credence/core/oprf/ristretto255';
import type { ShareEvaluation } from '@credence/core/oprf/threshold';
import { type ClientCrypto, InlineClientCrypto } from './client-crypto.js';
import {
  credentialAccepted,
  credentialRefused,
  DEFAULT_RETRY,
  describeServer,
  evaluateOnServer,
  type KeyServerEndpoint,
  type RetryPolicy,
} from './keyserver-client.js';
import { MemberError } from './member-error.js';

export interface ThresholdClientOptions {
  readonly group: Ristretto255;
  readonly key: GroupKey;
  readonly servers: readonly KeyServerEndpoint[];
  readonly retry?: RetryPolicy;
  /**
   * Told, once per key server and run, when one misbehaves (a proof that does not verify)
   * or refuses the member's credential; the run goes on with the others if it can.
   */
  readonly onWarning?: (error: MemberError) => void;
  /** Where the arithmetic runs; this thread by default. */
  readonly crypto?: ClientCrypto;
}

/**
 * The member's side of the threshold VOPRF (SPEC §3.1–2): blinds inputs, asks t of the n
 * key servers in parallel (another one when one fails), verifies each share's proof
 * against that share's public key, combines the t evaluations by Lagrange interpolation
 * and finalizes. The key servers see blinded elements only.
 *
 * A key server whose proof does not verify evaluated with another key, and one that
 * refuses the member's credential (401) will not evaluate for it: either is named (a
 * warning), left out for the rest of the run, and the batch goes to the others. On its
 * first batch the client also checks its credential with the servers it did not ask
 * (GET /v1/oprf/usage, which counts nothing), so that a refused credential is named on
 * every run, wherever the server stands in the order.
 *
 * A key server that takes fewer elements at once than a batch holds (413
 * `elements.over_limit`, with `maxElements`) gets the batch in parts of that size, each
 * proved on its own, for the rest of the run.
 */
export class ThresholdOprfClient {
  private readonly shareKeys: ReadonlyMap<number, Uint8Array>;
  private readonly excluded = new Set<number>();
  private readonly warned = new Set<string>();
  /** The most elements a key server said it takes at once, by share index. */
  private readonly parts = new Map<number, number>();
  private readonly crypto: ClientCrypto;
  private batches = 0;
  private credentialCheck: Promise<void> | undefined;

  constructor(private readonly options: ThresholdClientOptions) {
    this.crypto = options.crypto ?? new InlineClientCrypto(options.group);
    this.shareKeys = new Map(options.key.sharePublicKeys.map((s) => [s.index, s.publicKey]));
    for (const server of options.servers) {
      if (!this.shareKeys.has(server.index))
        throw new MemberError(
          'member.config',
          `key server #${server.index} is not a share of key ${options.key.keyId}`,
        );
    }
    if (new Set(options.servers.map((s) => s.index)).size !== options.servers.length)
      throw new MemberError('member.config', 'two key servers claim the same share');
    if (options.servers.length < options.key.threshold)
      throw new MemberError(
        'member.config',
        `${options.servers.length} key servers for a threshold of ${options.key.threshold}`,
      );
  }

  get keyId(): string {
    return this.options.key.keyId;
  }

  /** RFC 9497 outputs (64 bytes each) for the inputs, in order. At most 1,000 inputs. */
  async evaluate(inputs: readonly Uint8Array[]): Promise<Uint8Array[]> {
    if (inputs.length === 0) return [];
    const { blinds, elements } = await this.crypto.blind(inputs);
    const { key, servers } = this.options;
    // Spread batches over the servers: each batch starts at the next one.
    const start = this.batches++ % servers.length;
    const order = [...servers.slice(start), ...servers.slice(0, start)].filter(
      (s) => !this.excluded.has(s.index),
    );
    const evaluations: ShareEvaluation[] = [];
    const failures: string[] = [];
    let next = 0;
    const ask = async (server: KeyServerEndpoint): Promise<void> => {
      try {
        evaluations.push({
          index: server.index,
          evaluatedElements: await this.evaluateOn(server, elements),
        });
      } catch (error) {
        const e =
          error instanceof MemberError
            ? error
            : new MemberError(
                'member.keyserver_bad_response',
                `${describeServer(server)}: ${(error as Error).message}`,
                { index: server.index },
              );
        failures.push(e.message);
        if (
          e.code === 'member.keyserver_wrong_key' ||
          e.code === 'member.keyserver_credential_refused'
        )
          this.leaveOut(server, e);
        // Ask the next server in line, if any is left.
        if (next < order.length) await ask(order[next++] as KeyServerEndpoint);
      }
    };
    const first = order.slice(0, key.threshold);
    next = first.length;
    this.credentialCheck ??= this.checkCredentials(order.slice(key.threshold));
    await Promise.all(first.map(ask));
    if (evaluations.length < key.threshold) {
      throw new MemberError(
        'member.not_enough_keyservers',
        `${evaluations.length} of ${key.threshold} needed; ${failures.join('; ')}`,
        {
          have: evaluations.length,
          threshold: key.threshold,
        },
      );
    }
    return this.crypto.finalize(key.threshold, inputs, blinds, evaluations);
  }

  /**
   * One server's evaluations of the elements, in parts of the most it takes at once,
   * each part's proof verified against the server's share public key.
   */
  private async evaluateOn(
    server: KeyServerEndpoint,
    elements: readonly Uint8Array[],
  ): Promise<Uint8Array[]> {
    const sharePublicKey = this.shareKeys.get(server.index) as Uint8Array;
    const evaluated: Uint8Array[] = [];
    while (evaluated.length < elements.length) {
      const part = elements.slice(
        evaluated.length,
        evaluated.length + (this.parts.get(server.index) ?? elements.length),
      );
      let answer: Awaited<ReturnType<typeof evaluateOnServer>>;
      try {
        answer = await evaluateOnServer(
          server,
          this.options.key.keyId,
          part,
          this.options.retry ?? DEFAULT_RETRY,
        );
      } catch (error) {
        // Over the server's limit for one request: send parts it takes, if it said how big.
        const most = error instanceof MemberError ? error.details.maxElements : undefined;
        if (typeof most === 'number' && most < part.length) {
          this.parts.set(server.index, most);
          continue;
        }
        throw error;
      }
      if (!(await this.crypto.verify(sharePublicKey, part, answer.evaluated, answer.proof)))
        throw new MemberError('member.keyserver_wrong_key', describeServer(server), {
          index: server.index,
        });
      evaluated.push(...answer.evaluated);
    }
    return evaluated;
  }

  /** Leaves a server out for the rest of the run, and says so once. */
  private leaveOut(server: KeyServerEndpoint, error: MemberError): void {
    this.excluded.add(server.index);
    const key = `${error.code}/${server.index}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.options.onWarning?.(error);
  }

  /**
   * Checks the member's credential with servers the first batch did not ask. A server
   * that does not answer is not judged here: only a 401 is a refused credential.
   */
  private async checkCredentials(servers: readonly KeyServerEndpoint[]): Promise<void> {
    const timeoutMs = Math.min((this.options.retry ?? DEFAULT_RETRY).timeoutMs, 2000);
    await Promise.all(
      servers.map(async (server) => {
        if ((await credentialAccepted(server, timeoutMs)) === false)
          this.leaveOut(server, credentialRefused(server));
      }),
    );
  }

  /** Waits for the credential check (its warnings), then releases worker threads, if any. */
  async close(): Promise<void> {
    await this.credentialCheck;
    await this.crypto.close();
  }
}
