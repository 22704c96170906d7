import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBase64url } from '@credence/core/encoding/base64url';
import type { FingerprintBits } from '@credence/core/filters/binary-fuse';
import type { FilterLayers } from '@credence/core/filters/filter-layers';
import {
  FilterRefused,
  type FilterRelease,
  filterDigest,
  verifyFilter,
} from '@credence/core/filters/filter-release';
import { verifyCheckpoint } from '@credence/core/log/checkpoint';
import { MemberError } from './member-error.js';
import { type PlatformEndpoint, platformRequest } from './platform-client.js';

/**
 * The member's copies of the platform's compact filters (docs/filters.md): pulled and
 * verified against the log before they are kept (the bytes are the release's, the
 * release is an entry of a checkpoint signed by the log key the member trusts), kept in
 * `filters/` next to member.json, and read back to answer "maybe flagged" or "not
 * flagged" without the network. Per key id and width the member keeps the newest base
 * and the newest additions filter over it; a token is maybe flagged if either says so.
 * A hit is confirmed by a check before any action beyond flagging.
 */

/** What the member keeps beside a filter's bytes: its release and where the log holds it. */
export interface KeptFilter {
  readonly release: FilterRelease;
  readonly logIndex: number;
  /** The checkpoint note its inclusion was verified against. */
  readonly checkpoint: string;
}

/** Where a base (`add` false) or an additions filter is kept, without its extension. */
const slot = (dir: string, keyId: string, bits: number, add: boolean) =>
  join(dir, `${keyId.replace(/[^A-Za-z0-9._-]/g, '_')}-${bits}${add ? '-additions' : ''}`);

/** Writes a file whole or not at all. */
function writeAtomically(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, data, { mode: 0o600 });
  renameSync(tmp, file);
}

export interface PulledFilter {
  readonly release: FilterRelease;
  /** False: the member held this version already. */
  readonly fetched: boolean;
}

/**
 * Pulls the filters the platform lists (per key id and width, the newest base and the
 * newest additions over it), verifies each against the log (`logKey`: the verifier key
 * the member trusts), and keeps it in `dir`; additions over a base that is no longer the
 * newest are dropped. A filter that does not verify is not kept, and the pull fails
 * naming it. A member pulling often fetches each base once and then additions only.
 */
export async function pullFilters(
  platform: PlatformEndpoint,
  logKey: string,
  dir: string,
): Promise<PulledFilter[]> {
  const { filters } = await platformRequest<{
    filters: { release: FilterRelease; logIndex: number }[];
  }>(platform, 'GET', '/v1/filters');
  if (filters.length === 0) return [];
  const note = await platformRequest<string>(platform, 'GET', '/v1/log/checkpoint', undefined, {
    text: true,
  });
  let checkpoint: ReturnType<typeof verifyCheckpoint>['checkpoint'];
  try {
    checkpoint = verifyCheckpoint(note, { logKey }).checkpoint;
  } catch (error) {
    throw new MemberError('member.log_checkpoint', (error as Error).message);
  }
  mkdirSync(dir, { recursive: true });
  const pulled: PulledFilter[] = [];
  for (const { release, logIndex } of filters) {
    const add = release.base !== undefined;
    const kept = keptRelease(dir, release.keyId, release.bits, add);
    if (kept?.release.version === release.version && kept.release.sha256 === release.sha256) {
      pulled.push({ release, fetched: false });
      continue;
    }
    const bytes = await platformRequest<Uint8Array>(
      platform,
      'GET',
      `/v1/filters/${encodeURIComponent(release.keyId)}/${release.bits}/${release.version}`,
      undefined,
      { binary: true },
    );
    const { proof } = await platformRequest<{ proof: string[] }>(
      platform,
      'GET',
      `/v1/log/proof/inclusion?index=${logIndex}&size=${checkpoint.size}`,
    );
    try {
      verifyFilter(
        bytes,
        release,
        { index: logIndex, proof: proof.map((h) => decodeBase64url(h) ?? new Uint8Array()) },
        checkpoint,
      );
    } catch (error) {
      if (!(error instanceof FilterRefused)) throw error;
      throw new MemberError(
        'member.filter_refused',
        `the ${release.bits}-bit filter ${release.version} of key ${release.keyId} was not kept: ${error.message}`,
      );
    }
    const at = slot(dir, release.keyId, release.bits, add);
    writeAtomically(`${at}.crff`, bytes);
    writeAtomically(
      `${at}.json`,
      `${JSON.stringify({ release, logIndex, checkpoint: note } satisfies KeptFilter, null, 2)}\n`,
    );
    pulled.push({ release, fetched: true });
  }
  // Additions belong to one base: when the base moved on, they go (the next additions
  // are over the new base; until then the new base holds every flagged token).
  for (const { release } of filters) {
    if (release.base !== undefined) continue;
    const additions = keptRelease(dir, release.keyId, release.bits, true);
    if (additions !== undefined && additions.release.base !== release.version) {
      const at = slot(dir, release.keyId, release.bits, true);
      rmSync(`${at}.json`, { force: true });
      rmSync(`${at}.crff`, { force: true });
    }
  }
  return pulled;
}

function keptRelease(
  dir: string,
  keyId: string,
  bits: number,
  add: boolean,
): KeptFilter | undefined {
  const file = `${slot(dir, keyId, bits, add)}.json`;
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as KeptFilter;
  } catch {
    return undefined;
  }
}

/** A kept filter's bytes, held again to the release it was verified with. */
function keptBytes(dir: string, keyId: string, bits: number, add: boolean) {
  const kept = keptRelease(dir, keyId, bits, add);
  const file = `${slot(dir, keyId, bits, add)}.crff`;
  if (kept === undefined || !existsSync(file)) return undefined;
  const bytes = new Uint8Array(readFileSync(file));
  if (filterDigest(bytes) !== kept.release.sha256)
    throw new MemberError(
      'member.filter_refused',
      `${file} is not the filter that was pulled and verified: pull it again`,
    );
  return { bytes, release: kept.release };
}

/** What a member checks against: the kept base and additions of a key id and width. */
export interface KeptFilters {
  readonly filter: FilterLayers;
  readonly release: FilterRelease;
  /** The additions filter's release, when one over this base is kept. */
  readonly additions?: FilterRelease;
}

/**
 * The kept filters of a key id and width (the base, and the additions over it if any),
 * their bytes held again to their releases (a file changed since the pull is refused);
 * undefined when none was pulled.
 */
export async function keptFilter(
  dir: string,
  keyId: string,
  bits: FingerprintBits,
): Promise<KeptFilters | undefined> {
  const base = keptBytes(dir, keyId, bits, false);
  if (base === undefined) return undefined;
  const added = keptBytes(dir, keyId, bits, true);
  const additions = added?.release.base === base.release.version ? added : undefined;
  const { BinaryFuseFilter } = await import('@credence/core/filters/binary-fuse');
  const { FilterLayers } = await import('@credence/core/filters/filter-layers');
  return {
    filter: new FilterLayers(
      BinaryFuseFilter.fromBytes(base.bytes),
      additions === undefined ? undefined : BinaryFuseFilter.fromBytes(additions.bytes),
    ),
    release: base.release,
    ...(additions === undefined ? {} : { additions: additions.release }),
  };
}
