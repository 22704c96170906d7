import { credentialHash } from '@credence/server-kit/bearer';
import type { Member } from '../domain/types.js';
import type { Store } from '../storage/store.js';

/**
 * Bearer credentials to members, cached so that the hot path (a risk check) does not go
 * to the database, or even hash the credential, on every request. The cache is keyed by
 * the credential itself: it lives only in this process's memory (where every request's
 * credential passes anyway) and the store only ever sees its hash.
 *
 * A disabled member or a revoked credential stops working in this process at once
 * (invalidate), and in the others as soon as they follow the store's member version
 * (`follow`, on every change notification and every poll; issue 11 §7). The TTL is only
 * a backstop for a process that cannot reach its store to poll.
 */
export class CredentialCache {
  private readonly cache = new Map<string, { member: Member | undefined; until: number }>();
  /** Moves on every invalidation: a lookup begun before one must not fill the cache. */
  private generation = 0;
  /** The store's member version this cache reflects; undefined before the first follow. */
  private version: number | undefined;

  constructor(
    private readonly store: Store,
    private readonly ttlMs = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  async authenticate(token: string): Promise<Member | undefined> {
    const cached = this.cache.get(token);
    if (cached !== undefined && cached.until > this.now()) return cached.member;
    const generation = this.generation;
    const found = await this.store.memberByCredential(credentialHash(token));
    const member = found?.status === 'active' ? found : undefined;
    // A disable or rotation committed while the lookup ran may not be in what it read:
    // answer this request with it, but do not keep it.
    if (generation !== this.generation) return member;
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(token, { member, until: this.now() + this.ttlMs });
    return member;
  }

  /** Forgets everything: after a member is disabled or its credential rotated here. */
  invalidate(): void {
    this.generation++;
    this.cache.clear();
  }

  /**
   * Catches up with changes to members made by other processes (another API process, or
   * `credence members` on the database): when the store's member version moved since the
   * last call, forgets everything and answers true (callers drop their own caches of
   * members' keys then).
   */
  async follow(): Promise<boolean> {
    const version = await this.store.memberVersion();
    if (version === this.version) return false;
    this.version = version;
    this.invalidate();
    return true;
  }
}
