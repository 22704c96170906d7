import type { Identifier } from '@credence/core/identifiers/kinds';
import { tokenFromOutput } from '@credence/core/tokens/token';
import { tokenInput } from '@credence/core/tokens/token-input';
import type { ThresholdOprfClient } from './threshold-client.js';
import type { TokenCache } from './token-cache.js';

export interface TokenizerOptions {
  readonly client: ThresholdOprfClient;
  readonly cache: TokenCache;
  /** Inputs per request to the key servers (at most 1,000). */
  readonly batchSize?: number;
  /** Batches in flight at once. */
  readonly concurrency?: number;
}

export interface TokenizerStats {
  /** Distinct identifiers asked for. */
  requested: number;
  /** Of those, answered from the cache. */
  cached: number;
  /** Of those, evaluated by the key servers. */
  evaluated: number;
}

/**
 * Turns normalized identifiers into tokens: repeated identifiers are asked once, cached
 * ones cost nothing, the rest go to the key servers in batches, several at once.
 */
export class Tokenizer {
  readonly stats: TokenizerStats = { requested: 0, cached: 0, evaluated: 0 };
  private readonly batchSize: number;
  private readonly concurrency: number;

  constructor(private readonly options: TokenizerOptions) {
    this.batchSize = Math.max(1, Math.min(1000, options.batchSize ?? 1000));
    this.concurrency = Math.max(1, options.concurrency ?? 4);
  }

  get keyId(): string {
    return this.options.client.keyId;
  }

  /** Tokens for the identifiers, in order. Precondition: identifiers are normalized. */
  async tokenize(identifiers: readonly Identifier[]): Promise<string[]> {
    const { client, cache } = this.options;
    const keyId = client.keyId;
    const byKey = new Map<string, { input: Uint8Array; token?: string }>();
    const keys = identifiers.map((identifier) => {
      const key = `${identifier.kind}\u0000${identifier.value}`;
      if (!byKey.has(key)) byKey.set(key, { input: tokenInput(identifier) });
      return key;
    });
    const missing: { input: Uint8Array; entry: { token?: string } }[] = [];
    for (const entry of byKey.values()) {
      const token = cache.get(keyId, entry.input);
      if (token === undefined) missing.push({ input: entry.input, entry });
      else entry.token = token;
    }
    this.stats.requested += byKey.size;
    this.stats.cached += byKey.size - missing.length;

    const batches: (typeof missing)[] = [];
    for (let i = 0; i < missing.length; i += this.batchSize)
      batches.push(missing.slice(i, i + this.batchSize));
    let nextBatch = 0;
    const worker = async () => {
      while (nextBatch < batches.length) {
        const batch = batches[nextBatch++] as typeof missing;
        const outputs = await client.evaluate(batch.map((m) => m.input));
        const entries = batch.map((m, i) => {
          const token = tokenFromOutput(outputs[i] as Uint8Array);
          m.entry.token = token;
          return [m.input, token] as const;
        });
        cache.putMany(keyId, entries);
        this.stats.evaluated += batch.length;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, batches.length) }, worker));
    return keys.map((key) => byKey.get(key)?.token as string);
  }
}
