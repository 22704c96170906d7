import type { FingerprintBits } from '@credence/core/filters/binary-fuse';
import type { FilterRelease } from '@credence/core/filters/filter-release';
import type { KeyTokens, PublishedFilter } from '../storage/sql/filters.js';
import type { Store } from '../storage/store.js';
import {
  type BuiltFilters,
  buildFilters,
  buildFiltersInThread,
  FILTER_THREAD_MIN_TOKENS,
  type FilterBuild,
  type FilterJob,
} from './filter-build.js';

/** The widths published: 8 bits (0.39 % false positives), 16 bits (0.0015 %). */
export const FILTER_WIDTHS: readonly FingerprintBits[] = [8, 16];

/** When a base is rebuilt rather than added to (docs/filters.md, "Deltas"). */
export interface FilterPolicy {
  /** A base older than this is rebuilt at the next change (default: a day). */
  readonly baseMaxAgeMs: number;
  /**
   * A base is rebuilt when the tokens added since it, or those it holds that are no
   * longer flagged, pass this share of it (default 0.1): additions filters stay small
   * and stale hits, each of which costs a check, few.
   */
  readonly rebaseShare: number;
}

export const DEFAULT_FILTER_POLICY: FilterPolicy = { baseMaxAgeMs: 86_400_000, rebaseShare: 0.1 };

/** A build decided for one width: its tokens, and what it is. */
interface Plan {
  readonly bits: FingerprintBits;
  /** The base it adds to; undefined for a base. */
  readonly base?: number;
  readonly tokens: readonly string[];
  readonly unlessDigest?: string;
}

/**
 * Compact filters of flagged tokens (issue 18, docs/filters.md): per OPRF key id and
 * width, a binary fuse filter, published as a version when the tokens moved and logged as
 * a `filter` entry in the platform's name. A version is a base (every flagged token) or,
 * between bases, an additions filter of the tokens flagged since the newest base: small,
 * so that a member pulling often fetches a fraction of the base. Large builds run on a
 * thread of their own. Members pull them, verify them against the log and check numbers
 * against them locally.
 */
export class FilterService {
  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
    private readonly policy: FilterPolicy = DEFAULT_FILTER_POLICY,
  ) {}

  /** Builds and publishes the filters whose tokens moved; answers what was published. */
  async publish(): Promise<FilterRelease[]> {
    const [{ seq, byKey }, published] = await Promise.all([
      this.store.flaggedTokensByKey(),
      this.store.latestFilters(),
    ]);
    const releases: FilterRelease[] = [];
    for (const [keyId, flagged] of byKey) {
      // The tokens moved since a base's sequence, found once for the widths that share it.
      const since = new Map<number, string[]>();
      const movedSince = (after: number): string[] => {
        let list = since.get(after);
        if (list === undefined) {
          list = flagged.tokens.filter((_, i) => (flagged.seqs[i] as number) > after);
          since.set(after, list);
        }
        return list;
      };
      const plans = FILTER_WIDTHS.map((bits) =>
        this.plan(
          bits,
          flagged,
          published.filter((f) => f.release.keyId === keyId && f.release.bits === bits),
          movedSince,
        ),
      ).filter((p): p is Plan => p !== undefined);
      // Widths with the same tokens (both bases, or additions over the same base) are
      // built from one set of keys.
      const jobs = new Map<readonly string[], Plan[]>();
      for (const p of plans) jobs.set(p.tokens, [...(jobs.get(p.tokens) ?? []), p]);
      for (const [tokens, same] of jobs) {
        const builds: FilterBuild[] = same.map((p) => ({
          bits: p.bits,
          ...(p.unlessDigest === undefined ? {} : { unlessDigest: p.unlessDigest }),
        }));
        const { digest, built } = await build({ tokens, builds });
        for (const b of built) {
          const p = same.find((q) => q.bits === b.bits) as Plan;
          const done = await this.store.recordFilter(
            {
              keyId,
              bits: b.bits,
              tokens: b.tokens,
              tokensDigest: digest,
              seq,
              ...(p.base === undefined ? {} : { base: p.base }),
              bytes: b.bytes,
            },
            this.now(),
          );
          if (done !== undefined) releases.push(done.release);
        }
      }
    }
    return releases;
  }

  /**
   * What to build for one width: a base when there is none, when it is older than the
   * policy allows, or when what moved since it passes its share; otherwise an additions
   * filter of the tokens whose state moved since the base was read, if there are any.
   * Either is skipped when the newest version of its kind holds the same tokens.
   */
  private plan(
    bits: FingerprintBits,
    { tokens, seqs }: KeyTokens,
    versions: readonly PublishedFilter[],
    movedSince: (seq: number) => string[],
  ): Plan | undefined {
    const base = versions.find((f) => f.release.base === undefined);
    const additions = versions.find((f) => f.release.base !== undefined);
    if (base === undefined) return { bits, tokens };
    let added = 0;
    for (const s of seqs) if (s > base.seq) added++;
    // Base tokens still flagged are at least those whose state has not moved since it.
    const stale = base.release.tokens - (tokens.length - added);
    const share = this.policy.rebaseShare * base.release.tokens;
    if (
      this.now() - Date.parse(base.release.createdAt) >= this.policy.baseMaxAgeMs ||
      added > share ||
      stale > share
    )
      return { bits, tokens, unlessDigest: base.tokensDigest };
    if (added === 0) return undefined;
    return {
      bits,
      base: base.release.version,
      tokens: movedSince(base.seq),
      ...(additions === undefined ? {} : { unlessDigest: additions.tokensDigest }),
    };
  }

  /**
   * Per key id and width, the newest base and the newest additions filter over it, if
   * any, each with its entry's index in the log.
   */
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

/** Builds on a thread when the tokens are many enough to stall the event loop. */
function build(job: FilterJob): Promise<BuiltFilters> {
  return job.tokens.length >= FILTER_THREAD_MIN_TOKENS
    ? buildFiltersInThread(job)
    : Promise.resolve(buildFilters(job));
}
