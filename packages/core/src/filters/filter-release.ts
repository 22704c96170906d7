import { sha256Hex } from '../crypto/hashes.js';
import type { Checkpoint } from '../log/checkpoint.js';
import { entryLeafHash, entryTime, type LogEntry, recordDigest } from '../log/entries.js';
import { verifyInclusion } from '../merkle/verify.js';
import { BinaryFuseFilter, type FingerprintBits } from './binary-fuse.js';

/**
 * A published filter of flagged tokens (issue 18, docs/filters.md): what the platform
 * says of it, logged as a `filter` entry in its own name whose record is this release.
 * The release binds the filter's bytes by their SHA-256; the entry's inclusion in a
 * checkpoint signed by the log key makes that the log key's word, so that a member who
 * verifies the bytes, the release and the inclusion holds a filter the log vouches for,
 * and an auditor finds every filter ever served in the log.
 */
export interface FilterRelease {
  readonly event: 'filter';
  /** The OPRF key id its tokens are under. */
  readonly keyId: string;
  readonly bits: FingerprintBits;
  /** 1, 2, … per key id and width. */
  readonly version: number;
  /**
   * Absent in a base, which holds every flagged token. In an additions filter, the
   * version of the base it adds to: it holds the tokens flagged since that base, and a
   * token is maybe flagged if either says so (docs/filters.md, "Deltas").
   */
  readonly base?: number;
  /** Tokens it holds. */
  readonly tokens: number;
  /** SHA-256 of its bytes, hex. */
  readonly sha256: string;
  /** When it was built, RFC 3339 UTC with milliseconds. */
  readonly createdAt: string;
}

/** The name its entries are logged in. */
export const FILTER_WRITER = 'platform';

export const filterSubject = (r: Pick<FilterRelease, 'keyId' | 'bits' | 'version'>): string =>
  `filter/${r.keyId}/${r.bits}/${r.version}`;

/** The log entry a release is logged as. */
export function filterEntry(release: FilterRelease): LogEntry {
  return {
    kind: 'filter',
    time: entryTime(Date.parse(release.createdAt)),
    member: FILTER_WRITER,
    subject: filterSubject(release),
    digest: recordDigest(release),
  };
}

export const filterDigest = (bytes: Uint8Array): string => sha256Hex(bytes);

/** Why a filter was not taken. */
export class FilterRefused extends Error {}

/**
 * The filter, if its bytes are the release's, the release's entry (recomputed from it) is
 * at `index` in the tree of a checkpoint the caller verified against the log key (the
 * inclusion proof), and the bytes are a filter of the width and size the release says.
 */
export function verifyFilter(
  bytes: Uint8Array,
  release: FilterRelease,
  inclusion: { readonly index: number; readonly proof: readonly Uint8Array[] },
  checkpoint: Checkpoint,
): BinaryFuseFilter {
  if (filterDigest(bytes) !== release.sha256)
    throw new FilterRefused('its bytes are not the ones its release names');
  if (
    !verifyInclusion(
      inclusion.index,
      checkpoint.size,
      entryLeafHash(filterEntry(release)),
      inclusion.proof,
      checkpoint.rootHash,
    )
  )
    throw new FilterRefused(
      `its release is not entry ${inclusion.index} of the log the checkpoint of size ${checkpoint.size} signs`,
    );
  let filter: BinaryFuseFilter;
  try {
    filter = BinaryFuseFilter.fromBytes(bytes);
  } catch (error) {
    throw new FilterRefused((error as Error).message);
  }
  if (filter.fingerprintBits !== release.bits || filter.size !== release.tokens)
    throw new FilterRefused('its bytes are not a filter of the width and size its release says');
  return filter;
}
