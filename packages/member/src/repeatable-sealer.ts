import type { Detail, DetailBinding, SealedDetail } from '@credence/core/sealing/sealed-detail';
import { DetailSealer } from '@credence/core/sealing/sealed-detail';
import { canonicalBytes } from '@credence/core/signing/canonical-json';
import type { TokenCache } from './token-cache.js';

/** What tokenizing a file needs of a sealer (tokenize-file.ts). */
export interface Sealer {
  seal(binding: DetailBinding, detail: Detail): Promise<SealedDetail>;
}

/**
 * Sealing is randomized (a fresh HPKE context per run, a random salt per detail), so the
 * same report sealed twice would differ, and sending a file again would turn every
 * report into a conflict instead of a repeat. This sealer remembers, in the member's
 * token cache, the sealed detail it made for each (sealing key, report, detail), and
 * gives it again: the same report is the same bytes, a changed narrative a new sealing
 * (and, rightly, a conflict). Without a cache file (`--no-cache`) it remembers for the
 * run only.
 */
export class RepeatableSealer implements Sealer {
  private run: Promise<DetailSealer> | undefined;

  constructor(
    private readonly publicKey: string,
    private readonly cache: TokenCache,
  ) {}

  async seal(binding: DetailBinding, detail: Detail): Promise<SealedDetail> {
    const input = canonicalBytes({
      key: this.publicKey,
      binding: { ref: binding.ref, report: binding.report },
      detail,
    });
    const known = this.cache.sealedFor(input);
    if (known !== undefined) return JSON.parse(known) as SealedDetail;
    this.run ??= DetailSealer.create(this.publicKey);
    const sealed = await (await this.run).seal(binding, detail);
    this.cache.rememberSealed(input, JSON.stringify(sealed));
    return sealed;
  }
}
