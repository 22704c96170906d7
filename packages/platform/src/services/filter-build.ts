import { createHash } from 'node:crypto';
import {
  BinaryFuseFilter,
  type FingerprintBits,
  tokenKeys,
} from '@credence/core/filters/binary-fuse';
import { oneShotThread } from './one-shot-thread.js';

/** A width to build, unless the tokens' digest is `unlessDigest` (nothing moved). */
export interface FilterBuild {
  readonly bits: FingerprintBits;
  readonly unlessDigest?: string;
}

export interface BuiltFilters {
  /** The SHA-256 of the tokens, one per line, in the order given (hex). */
  readonly digest: string;
  readonly built: { readonly bits: FingerprintBits; readonly tokens: number; bytes: Uint8Array }[];
}

/** The job of one build: what crosses to the filter thread and back. */
export interface FilterJob {
  readonly tokens: readonly string[];
  readonly builds: readonly FilterBuild[];
}

/**
 * Hashes the tokens and builds a filter of them for each width whose last version was
 * not built from the same tokens. Pure computation, on whichever thread calls it.
 */
export function buildFilters({ tokens, builds }: FilterJob): BuiltFilters {
  // Token by token: ten million of them joined would be a string of 440 MB.
  const hash = createHash('sha256');
  for (const t of tokens) hash.update(`${t}\n`);
  const digest = hash.digest('hex');
  const due = builds.filter((b) => b.unlessDigest !== digest);
  // The keys are made once for every width, and only if one of them is due.
  const keys = due.length === 0 ? undefined : tokenKeys(tokens);
  const built = due.map(({ bits }) => {
    const filter = BinaryFuseFilter.build(keys as Uint32Array, bits);
    return { bits, tokens: filter.size, bytes: filter.toBytes() };
  });
  return { digest, built };
}

/**
 * Below this many tokens a build is done where it is asked for: a thread costs more to
 * start than the work (tens of milliseconds at 50,000 tokens).
 */
export const FILTER_THREAD_MIN_TOKENS = 50_000;

/**
 * buildFilters on a thread of its own, so that the API process's event loop goes on
 * answering checks while ten million tokens are hashed and built (about 4 s a width on
 * the benchmark machine). The tokens cross by structured clone, the bytes come back
 * transferred.
 */
export function buildFiltersInThread(job: FilterJob): Promise<BuiltFilters> {
  return oneShotThread(import.meta.url, 'filter-build-worker', 'filter', job);
}
