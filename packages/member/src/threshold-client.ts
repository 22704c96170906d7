import type { GroupKey } from '@credence/core/oprf/key-set';
import type { Ristretto255 } from '@credence/core/oprf/ristretto255';
import type { ShareEvaluation } from '@credence/core/oprf/threshold';
import { type ClientCrypto, InlineClientCrypto } from './client-crypto.js';
import {
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
  readonly fetch?: typeof fetch;
  /** Told when a key server misbehaves; the run goes on with the others if it can. */
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
 * A key server whose proof does not verify evaluated with another key: it is named,
 * left out for the rest of the run, and the batch goes to the others.
 */
export class ThresholdOprfClient {
  private readonly shareKeys: ReadonlyMap<number, Uint8Array>;
  private readonly excluded = new Set<number>();
  private readonly crypto: ClientCrypto;
  private batches = 0;

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
        const answer = await evaluateOnServer(
          server,
          key.keyId,
          elements,
          this.options.retry ?? DEFAULT_RETRY,
          this.options.fetch ?? fetch,
        );
        const sharePublicKey = this.shareKeys.get(server.index) as Uint8Array;
        if (!(await this.crypto.verify(sharePublicKey, elements, answer.evaluated, answer.proof))) {
          this.excluded.add(server.index);
          throw new MemberError('member.keyserver_wrong_key', describeServer(server), {
            index: server.index,
          });
        }
        evaluations.push({ index: server.index, evaluatedElements: answer.evaluated });
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
        if (e.code === 'member.keyserver_wrong_key') this.options.onWarning?.(e);
        // Ask the next server in line, if any is left.
        if (next < order.length) await ask(order[next++] as KeyServerEndpoint);
      }
    };
    const first = order.slice(0, key.threshold);
    next = first.length;
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

  /** Releases worker threads, if any. */
  async close(): Promise<void> {
    await this.crypto.close();
  }
}
