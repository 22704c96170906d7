import { type BinaryFuseFilter, tokenKey } from './binary-fuse.js';

/**
 * A base filter and, between bases, the additions filter over it (docs/filters.md,
 * "Deltas"): a token is maybe flagged if either says so. Tokens no longer flagged stay in
 * the base until the next one, as stale "maybe"s that their checks answer clear.
 */
export class FilterLayers {
  constructor(
    readonly base: BinaryFuseFilter,
    readonly additions?: BinaryFuseFilter,
  ) {}

  /** Whether the token may be flagged (false: certainly not, as of these filters). */
  has(token: string): boolean {
    const [lo, hi] = tokenKey(token);
    return this.hasKey(lo, hi);
  }

  /** The same for a token's key (`tokenKey`), as a line-rate caller holds it. */
  hasKey(lo: number, hi: number): boolean {
    return this.base.hasKey(lo, hi) || (this.additions?.hasKey(lo, hi) ?? false);
  }
}
