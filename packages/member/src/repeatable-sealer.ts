import { evidenceFile } from '@credence/core/sealing/evidence-files';
import type { SealingKeys } from '@credence/core/sealing/hpke';
import {
  type Detail,
  type DetailBinding,
  DetailKeys,
  DetailSealer,
  type EvidenceBytes,
  type SealedDetail,
  sealDetailFiles,
} from '@credence/core/sealing/sealed-detail';
import { canonicalBytes } from '@credence/core/signing/canonical-json';
import type { TokenCache } from './token-cache.js';

/** An evidence file to seal with a detail: its name, media type and bytes. */
export type FileToSeal = EvidenceBytes;

/** What tokenizing a file needs of a sealer (tokenize-file.ts). */
export interface Sealer {
  /** A detail sealed, and its files' ciphertexts in order (none without files). */
  seal(
    binding: DetailBinding,
    detail: Omit<Detail, 'files'>,
    files?: readonly FileToSeal[],
  ): Promise<{ sealed: SealedDetail; ciphertexts: Uint8Array[] }>;
}

/**
 * Sealing is randomized (a fresh HPKE context per run, a random salt per detail), so the
 * same report sealed twice would differ, and sending a file again would turn every
 * report into a conflict instead of a repeat. This sealer remembers, in the member's
 * token cache, the sealed detail it made for each (sealing key, report, detail — its
 * evidence files by name, media type and digest), and gives it again: the same report is
 * the same bytes, a changed narrative or file a new sealing (and, rightly, a conflict).
 * A remembered detail's files are sealed again under its data key, which the member's
 * private key recovers, to the same ciphertexts. Without a cache file (`--no-cache`) it
 * remembers for the run only.
 */
export class RepeatableSealer implements Sealer {
  private run: Promise<DetailSealer> | undefined;
  private keys: Promise<DetailKeys> | undefined;

  constructor(
    private readonly sealing: SealingKeys,
    private readonly cache: TokenCache,
  ) {}

  async seal(
    binding: DetailBinding,
    detail: Omit<Detail, 'files'>,
    files: readonly FileToSeal[] = [],
  ): Promise<{ sealed: SealedDetail; ciphertexts: Uint8Array[] }> {
    const named = files.map((f) => evidenceFile(f.name, f.mediaType, f.bytes));
    const input = canonicalBytes({
      key: this.sealing.publicKey,
      binding: { ref: binding.ref, report: binding.report },
      detail: named.length === 0 ? detail : { ...detail, files: named },
    });
    const known = this.cache.sealedFor(input);
    if (known !== undefined) {
      const sealed = JSON.parse(known) as SealedDetail;
      if (files.length === 0) return { sealed, ciphertexts: [] };
      this.keys ??= DetailKeys.create(this.sealing.privateKey);
      const key = await (await this.keys).key(binding, sealed);
      return { sealed, ciphertexts: (await sealDetailFiles(key, binding, files)).ciphertexts };
    }
    this.run ??= DetailSealer.create(this.sealing.publicKey);
    const made = await (await this.run).sealWithFiles(binding, detail, files, named);
    this.cache.rememberSealed(input, JSON.stringify(made.sealed));
    return made;
  }
}
