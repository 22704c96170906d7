import { decodeBase64url, encodeBase64url } from '@credence/core/encoding/base64url';
import { type Cosignature, verifyCheckpoint } from '@credence/core/log/checkpoint';
import type { LogEntry } from '@credence/core/log/entries';
import { hashLeaf } from '@credence/core/merkle/hash';
import { verifyConsistency, verifyInclusion } from '@credence/core/merkle/verify';

/**
 * The log view's verification, with the core's own code: the checkpoint's signature by
 * the log key this member trusts (and its witnesses' cosignatures), its consistency with
 * the last checkpoint this browser saw, and an entry's inclusion. Nothing the server sends
 * is believed: it is all checked here. Pure apart from the fetches it is given, so the
 * same code is tested in Node and runs in the browser.
 */

export interface LogTrust {
  readonly logKey: string;
  readonly source: 'configuration' | 'platform';
  readonly witnesses: readonly string[];
  readonly requiredWitnesses: number;
}

/** What a browser remembers of the log (local storage): the last checkpoint it verified. */
export interface SeenCheckpoint {
  readonly origin: string;
  readonly size: number;
  /** base64url root hash. */
  readonly root: string;
}

/** How the newest checkpoint relates to the one this browser saw before. */
export type History =
  | { readonly state: 'first' }
  | { readonly state: 'extends'; readonly from: number }
  | { readonly state: 'same' }
  /** The log showed this browser a history that does not extend the one it saw. */
  | { readonly state: 'forked'; readonly seen: SeenCheckpoint; readonly why: string };

export interface CheckpointCheck {
  readonly origin: string;
  readonly size: number;
  readonly root: string;
  readonly cosignatures: readonly Cosignature[];
  readonly witnesses: number;
  readonly requiredWitnesses: number;
  readonly history: History;
}

/** The server's answers the verification needs: the agent's /api/log routes. */
export interface LogSource {
  trust(): Promise<LogTrust>;
  /** The newest checkpoint with at least `cosigned` witness cosignatures. */
  checkpoint(cosigned: number): Promise<string>;
  consistency(from: number, to: number): Promise<{ readonly proof: readonly string[] }>;
  entries(start: number, end: number): Promise<{ readonly entries: readonly string[] }>;
  inclusion(index: number, size: number): Promise<{ readonly proof: readonly string[] }>;
  /** Signed checkpoints from a tree size on, oldest first (at most 1,000). */
  checkpoints(
    from: number,
  ): Promise<{ readonly checkpoints: readonly { readonly size: number; readonly note: string }[] }>;
}

/** A verification that failed, with what failed (shown in the view, in red). */
export class NotVerified extends Error {
  override readonly name = 'NotVerified';
}

const hashes = (proof: readonly string[]) =>
  proof.map((h) => {
    const bytes = decodeBase64url(h);
    if (bytes === undefined) throw new NotVerified('a proof hash is not base64url');
    return bytes;
  });

/**
 * Verifies the newest checkpoint the member's witness policy accepts: the log's signature
 * and the cosignatures of as many configured witnesses as it requires (the platform is
 * asked for the newest with that many), then its history against `seen`: the same tree,
 * or a consistency proof that it extends it. A smaller tree, a different root at the same
 * size or a proof that does not verify is a fork: reported, never thrown, so the view can
 * show the banner with the checkpoint it got.
 */
export async function verifyNewest(
  source: LogSource,
  seen: SeenCheckpoint | undefined,
): Promise<CheckpointCheck> {
  const trust = await source.trust();
  const note = await source.checkpoint(trust.requiredWitnesses);
  let verified: ReturnType<typeof verifyCheckpoint>;
  try {
    verified = verifyCheckpoint(note, {
      logKey: trust.logKey,
      witnesses: trust.witnesses,
      requiredWitnesses: trust.requiredWitnesses,
    });
  } catch (error) {
    throw new NotVerified((error as Error).message);
  }
  const { checkpoint, cosignatures } = verified;
  const root = encodeBase64url(checkpoint.rootHash);
  const base = {
    origin: checkpoint.origin,
    size: checkpoint.size,
    root,
    cosignatures,
    witnesses: trust.witnesses.length,
    requiredWitnesses: trust.requiredWitnesses,
  };
  if (seen === undefined || seen.origin !== checkpoint.origin)
    return { ...base, history: { state: 'first' } };
  if (seen.size > checkpoint.size)
    return {
      ...base,
      history: {
        state: 'forked',
        seen,
        why: `the log now has ${checkpoint.size} entries where this browser saw ${seen.size}`,
      },
    };
  if (seen.size === checkpoint.size)
    return {
      ...base,
      history:
        seen.root === root
          ? { state: 'same' }
          : { state: 'forked', seen, why: `another tree of ${seen.size} entries` },
    };
  const seenRoot = decodeBase64url(seen.root);
  const { proof } = await source.consistency(seen.size, checkpoint.size);
  const extends_ =
    seenRoot !== undefined &&
    seen.size > 0 &&
    verifyConsistency(seen.size, checkpoint.size, seenRoot, checkpoint.rootHash, hashes(proof));
  // A tree of no entries is extended by every tree.
  if (seen.size === 0 || extends_)
    return { ...base, history: { state: 'extends', from: seen.size } };
  return {
    ...base,
    history: {
      state: 'forked',
      seen,
      why: `the consistency proof from ${seen.size} to ${checkpoint.size} entries does not verify`,
    },
  };
}

export interface EntryCheck {
  readonly index: number;
  readonly entry: LogEntry;
  readonly included: boolean;
}

/**
 * An entry and its inclusion in the verified checkpoint's tree: the leaf hash computed
 * here from the entry's exact text, the root from the proof, compared with the signed root.
 */
export async function verifyEntry(
  source: LogSource,
  checkpoint: Pick<CheckpointCheck, 'size' | 'root'>,
  index: number,
): Promise<EntryCheck> {
  if (!Number.isSafeInteger(index) || index < 0 || index >= checkpoint.size)
    throw new RangeError(`the index must be from 0 to ${checkpoint.size - 1}`);
  const { entries } = await source.entries(index, index + 1);
  const text = entries[0];
  if (text === undefined) throw new NotVerified(`the log sent no entry ${index}`);
  let entry: LogEntry;
  try {
    entry = JSON.parse(text) as LogEntry;
  } catch {
    throw new NotVerified(`entry ${index} is not JSON`);
  }
  const { proof } = await source.inclusion(index, checkpoint.size);
  const root = decodeBase64url(checkpoint.root);
  const included =
    root !== undefined &&
    verifyInclusion(
      index,
      checkpoint.size,
      hashLeaf(new TextEncoder().encode(text)),
      hashes(proof),
      root,
    );
  return { index, entry, included };
}

/** A checkpoint of the log's history, as verified here. */
export interface HistoryRow {
  readonly size: number;
  readonly root: string;
  /** Configured witnesses that cosigned it (verified). */
  readonly cosigned: number;
  /** Signed by the log key, and every configured witness's cosignature on it verifies. */
  readonly verified: boolean;
}

/**
 * The log's recent history: the checkpoints signed since `from` entries (the newest
 * `count`, newest first), each one's signature and cosignatures verified here.
 */
export async function verifyHistory(
  source: LogSource,
  from: number,
  count = 20,
): Promise<HistoryRow[]> {
  const trust = await source.trust();
  const { checkpoints } = await source.checkpoints(from);
  return checkpoints
    .slice(-count)
    .reverse()
    .map(({ size, note }) => {
      try {
        const v = verifyCheckpoint(note, {
          logKey: trust.logKey,
          witnesses: trust.witnesses,
          requiredWitnesses: 0,
        });
        return {
          size: v.checkpoint.size,
          root: encodeBase64url(v.checkpoint.rootHash),
          cosigned: v.cosignatures.length,
          verified: v.checkpoint.size === size,
        };
      } catch {
        return { size, root: '', cosigned: 0, verified: false };
      }
    });
}
