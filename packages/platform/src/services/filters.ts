import { createHash } from 'node:crypto';
import {
  BinaryFuseFilter,
  type FingerprintBits,
  tokenKeys,
} from '@credence/core/filters/binary-fuse';
import type { FilterRelease } from '@credence/core/filters/filter-release';
import type { PublishedFilter } from '../storage/sql/filters.js';
import type { Store } from '../storage/store.js';

/** The widths published: 8 bits (0.39 % false positives), 16 bits (0.0015 %). */
export const FILTER_WIDTHS: readonly FingerprintBits[] = [8, 16];

/**
 * Compact filters of flagged tokens (issue 18, docs/filters.md): per OPRF key id and
 * width, a binary fuse filter of the tokens whose state is flagged, built when they moved
 * since the newest version and published as the next: its bytes kept, its release logged
 * as a `filter` entry in the platform's name. Members pull them, verify them against the
 * log and check numbers against them locally.
 */
export class FilterService {
  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  /** Builds and publishes the filters whose tokens moved; answers what was published. */
  async publish(): Promise<FilterRelease[]> {
    const [byKey, newest] = await Promise.all([
      this.store.flaggedTokensByKey(),
      this.store.latestFilters(),
    ]);
    const published: FilterRelease[] = [];
    for (const [keyId, tokens] of byKey) {
      // Token by token: ten million of them joined would be a string of 440 MB.
      const hash = createHash('sha256');
      for (const t of tokens) hash.update(`${t}\n`);
      const tokensDigest = hash.digest('hex');
      // The keys are made once for both widths, and only if one of them moved.
      let keys: Uint32Array | undefined;
      for (const bits of FILTER_WIDTHS) {
        const last = newest.find((f) => f.release.keyId === keyId && f.release.bits === bits);
        if (last?.tokensDigest === tokensDigest) continue;
        keys ??= tokenKeys(tokens);
        const filter = BinaryFuseFilter.build(keys, bits);
        const done = await this.store.recordFilter(
          { keyId, bits, tokens: filter.size, tokensDigest, bytes: filter.toBytes() },
          this.now(),
        );
        if (done !== undefined) published.push(done.release);
      }
    }
    return published;
  }

  /** The newest version of each key id and width, with its entry's index in the log. */
  async latest(): Promise<{ release: FilterRelease; logIndex: number }[]> {
    return (await this.store.latestFilters()).map((f: PublishedFilter) => ({
      release: f.release,
      logIndex: f.logIndex,
    }));
  }

  bytes(keyId: string, bits: number, version: number): Promise<Uint8Array | undefined> {
    return this.store.filterBytes(keyId, bits, version);
  }
}
