import { credentialHash } from '@credence/server-kit/bearer';
import type { Member } from '../domain/types.js';
import type { Store } from '../storage/store.js';

/**
 * Bearer credentials to members, cached for a few seconds so that the hot path (a risk
 * check) does not go to the database, or even hash the credential, on every request. The
 * cache is keyed by the credential itself: it lives only in this process's memory (where
 * every request's credential passes anyway) and the store only ever sees its hash. A
 * disabled member or a revoked credential stops working in this process at once and in
 * others within the TTL.
 */
export class CredentialCache {
  private readonly cache = new Map<string, { member: Member | undefined; until: number }>();

  constructor(
    private readonly store: Store,
    private readonly ttlMs = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  async authenticate(token: string): Promise<Member | undefined> {
    const cached = this.cache.get(token);
    if (cached !== undefined && cached.until > this.now()) return cached.member;
    const found = await this.store.memberByCredential(credentialHash(token));
    const member = found?.status === 'active' ? found : undefined;
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(token, { member, until: this.now() + this.ttlMs });
    return member;
  }

  /** Forgets everything: after a member is disabled or its credential rotated here. */
  invalidate(): void {
    this.cache.clear();
  }
}
