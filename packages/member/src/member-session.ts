import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Identifier } from '@credence/core/identifiers/kinds';
import { loadRistretto255 } from '@credence/core/oprf/ristretto255';
import type { SealingKeys } from '@credence/core/sealing/hpke';
import { type Ed25519PrivateKey, privateKeyFromJwk } from '@credence/core/signing/ed25519';
import { tokenInput } from '@credence/core/tokens/token-input';
import { openLocalStore } from './file-errors.js';
import type { LogMonitor } from './log-monitor.js';
import { type MemberConfig, parseMemberConfig } from './member-config.js';
import { MemberError } from './member-error.js';
import { type OwnIndex, openOwnIndex } from './own-index.js';
import type { PlatformEndpoint } from './platform-client.js';
import { RepeatableSealer, type Sealer } from './repeatable-sealer.js';
import { readSealingKey } from './sealing-key.js';
import { ThresholdOprfClient } from './threshold-client.js';
import { MemoryTokenCache, SqliteTokenCache, type TokenCache } from './token-cache.js';
import { Tokenizer } from './tokenizer.js';
import { WorkerClientCrypto } from './worker-client-crypto.js';

export interface SessionOptions {
  /**
   * The token cache (SQLite): a path, or false for none. Default: token-cache.sqlite
   * next to the configuration file.
   */
  readonly cache?: string | false;
  /**
   * Worker threads for the OPRF arithmetic: a number, or 0 to compute on this thread
   * (best for a handful of identifiers). Default: one per core.
   */
  readonly threads?: number;
}

/**
 * What every member-side command starts from: the configuration file, a threshold
 * client for the key servers, the token cache, and the platform endpoint and signing
 * key when the configuration has them. Everything here stays in the member's network.
 */
export class MemberSession {
  private constructor(
    readonly config: MemberConfig,
    /** The directory of the configuration file: relative paths in it start here. */
    readonly home: string,
    readonly tokenizer: Tokenizer,
    private readonly client: ThresholdOprfClient,
    private readonly cache: TokenCache,
    /** Key servers that misbehaved while the session ran (the work went on without them). */
    readonly warnings: MemberError[],
  ) {}

  static async open(configFile: string, options: SessionOptions = {}): Promise<MemberSession> {
    const group = await loadRistretto255();
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(configFile, 'utf8'));
    } catch (error) {
      throw new MemberError(
        'member.config',
        `${configFile} cannot be read as JSON (${(error as Error).message})`,
      );
    }
    const home = dirname(resolve(configFile));
    const config = parseMemberConfig(group, json, home);
    const warnings: MemberError[] = [];
    // What can fail fast (the cache file) opens before the worker threads start, and a
    // failure after they started ends them: a live worker would keep the process from
    // ever exiting.
    const cacheFile =
      options.cache === false ? undefined : (options.cache ?? resolve(home, 'token-cache.sqlite'));
    const cache: TokenCache =
      cacheFile === undefined
        ? new MemoryTokenCache()
        : openLocalStore('the token cache', cacheFile, () => new SqliteTokenCache(cacheFile));
    const crypto = options.threads === 0 ? undefined : new WorkerClientCrypto(options.threads);
    let client: ThresholdOprfClient;
    try {
      client = new ThresholdOprfClient({
        group,
        key: config.key,
        servers: config.keyServers,
        retry: config.retry,
        onWarning: (w) => warnings.push(w),
        ...(crypto === undefined ? {} : { crypto }),
      });
    } catch (error) {
      cache.close();
      await crypto?.close();
      throw error;
    }
    const tokenizer = new Tokenizer({
      client,
      cache,
      batchSize: config.batchSize,
      concurrency: config.concurrency,
    });
    return new MemberSession(config, home, tokenizer, client, cache, warnings);
  }

  /** The platform endpoint, which submit, check, watch and alerts need. */
  get platform(): PlatformEndpoint {
    if (this.config.platform === undefined)
      throw new MemberError('member.config', 'platform must give the platform url and credential');
    return this.config.platform;
  }

  /**
   * The member's watch on the platform's log: log-state.sqlite next to member.json (with
   * another endpoint: a credential just renewed).
   */
  async logMonitor(platform: PlatformEndpoint = this.platform): Promise<LogMonitor> {
    // Loaded when asked for: a check needs no log (start-up, issue 13 §6).
    const { LogMonitor } = await import('./log-monitor.js');
    const file = resolve(this.home, 'log-state.sqlite');
    return openLocalStore('the log state', file, () =>
      LogMonitor.open(file, platform, this.config.log),
    );
  }

  /** The member's Ed25519 signing key (signingKeyFile, relative to the configuration). */
  signingKey(): { readonly key: Ed25519PrivateKey; readonly publicKey: string } {
    if (this.config.signingKeyFile === undefined)
      throw new MemberError(
        'member.config',
        'signingKeyFile must name the private key file (credence member keygen)',
      );
    const file = resolve(this.home, this.config.signingKeyFile);
    try {
      const jwk = JSON.parse(readFileSync(file, 'utf8')) as { x?: unknown };
      const stored = (jwk as { privateJwk?: unknown }).privateJwk ?? jwk;
      const key = privateKeyFromJwk(stored);
      return { key, publicKey: (stored as { x: string }).x };
    } catch (error) {
      throw new MemberError(
        'member.config',
        `signingKeyFile ${file} is not an Ed25519 private key (${(error as Error).message})`,
        { field: 'signingKeyFile' },
      );
    }
  }

  /** The member's sealing keys (sealingKeyFile), or undefined where it seals nothing. */
  async sealingKeys(): Promise<SealingKeys | undefined> {
    if (this.config.sealingKeyFile === undefined) return undefined;
    return readSealingKey(resolve(this.home, this.config.sealingKeyFile));
  }

  /**
   * A sealer of reports' details to the member's own key, where it has one, that seals
   * the same report the same way again (repeatable-sealer.ts).
   */
  async sealer(): Promise<Sealer | undefined> {
    const keys = await this.sealingKeys();
    return keys === undefined ? undefined : new RepeatableSealer(keys, this.cache);
  }

  /** The OPRF key id the member tokenizes under. */
  get keyId(): string {
    return this.tokenizer.keyId;
  }

  /** Tokens of normalized identifiers, in order. */
  tokenize(identifiers: readonly Identifier[]): Promise<string[]> {
    return this.tokenizer.tokenize(identifiers);
  }

  /** The token cache's token of a normalized identifier, if it holds one (no network). */
  cachedToken(identifier: Identifier): string | undefined {
    return this.cache.get(this.keyId, tokenInput(identifier));
  }

  private own: OwnIndex | undefined;

  /**
   * Remembers the tokens of identifiers the member tokenized, in its own index beside
   * member.json (own-index.ts), so that rings and alerts can name them in its words.
   */
  rememberOwn(pairs: readonly { token: string; kind: string; value: string }[]): void {
    this.own ??= openOwnIndex(this.home);
    // A chunk names the same identifiers many times (a card in every transfer): once each.
    this.own.add([...new Map(pairs.map((p) => [p.token, p])).values()]);
  }

  async close(): Promise<void> {
    this.own?.close();
    this.cache.close();
    await this.client.close();
  }
}
