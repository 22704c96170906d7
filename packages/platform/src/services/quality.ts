import type { QualityWeights } from '@credence/core/risk/quality';
import type { Store } from '../storage/store.js';

/**
 * The contributors' quality weights in force (core/risk/quality.ts, docs/outcomes.md): the
 * latest version kept, which every check is scored with and names in its basis. A version
 * is written with the outcomes that changed a weight; this process picks it up at once
 * after its own outcomes, and other processes' when they follow the store.
 */
export class QualityService {
  private latest: QualityWeights | undefined;

  constructor(private readonly store: Store) {}

  /** Loads the latest version, if it is newer than the one held. */
  async refresh(): Promise<void> {
    const stored = await this.store.latestQuality(this.latest?.version);
    if (stored !== undefined && stored.version > (this.latest?.version ?? 0)) this.latest = stored;
  }

  current(): QualityWeights | undefined {
    return this.latest;
  }
}
