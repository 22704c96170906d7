import { decodeBase64url } from '../encoding/base64url.js';
import { constantTimeEqual } from '../encoding/bytes.js';
import { MerkleError } from '../merkle/merkle-error.js';
import { TreeBuilder } from '../merkle/tree-builder.js';
import { verifyConsistency } from '../merkle/verify.js';
import { type CheckpointPolicy, type VerifiedCheckpoint, verifyCheckpoint } from './checkpoint.js';
import { entryLeafHash, type LogEntry } from './entries.js';
import { LogError } from './log-error.js';

/**
 * A write's receipt (SPEC §3.4), as the platform returns it: the write's entries are the
 * leaves [index, index + count) of the tree of `size` leaves that `checkpoint` signs, and
 * `frontier` holds the roots of the perfect subtrees that make up the first `index`
 * leaves (RFC 9162 hashing), largest first, base64url.
 */
export interface Receipt {
  readonly index: number;
  readonly count: number;
  readonly size: number;
  readonly checkpoint: string;
  readonly frontier: readonly string[];
}

/**
 * Verifies a receipt against the entries its writer expects — entries it recomputed from
 * its own data, not ones the log sent — and returns the verified checkpoint. The root is
 * recomputed from the frontier and the expected entries' leaf hashes and must be the
 * checkpoint's: then the checkpoint's tree holds exactly these entries at these indexes,
 * and any later checkpoint consistent with it holds them too.
 *
 * @throws LogError `receipt.invalid` naming what does not hold, or a checkpoint error.
 */
export function verifyReceipt(
  receipt: Receipt,
  expected: readonly LogEntry[],
  policy: CheckpointPolicy,
): VerifiedCheckpoint {
  const verified = verifyCheckpoint(receipt.checkpoint, policy);
  const { size, rootHash } = verified.checkpoint;
  if (receipt.size !== size)
    throw new LogError('receipt.invalid', 'its size is not the checkpoint tree size');
  if (receipt.count !== expected.length)
    throw new LogError(
      'receipt.invalid',
      `it covers ${receipt.count} entries, not the ${expected.length} written`,
    );
  if (
    !Number.isSafeInteger(receipt.index) ||
    receipt.index < 0 ||
    receipt.index + receipt.count !== size
  )
    throw new LogError('receipt.invalid', 'its entries do not end at the checkpoint tree size');
  const frontier = receipt.frontier.map((h) => decodeBase64url(h));
  if (frontier.some((h) => h === undefined))
    throw new LogError('receipt.invalid', 'a frontier hash is not base64url');
  let builder: TreeBuilder;
  try {
    builder = TreeBuilder.fromFrontier(receipt.index, frontier as Uint8Array[]);
  } catch (error) {
    if (error instanceof MerkleError)
      throw new LogError('receipt.invalid', 'its frontier does not fit its index');
    throw error;
  }
  for (const entry of expected) builder.append(entryLeafHash(entry));
  if (!constantTimeEqual(builder.root(), rootHash))
    throw new LogError(
      'receipt.invalid',
      'the checkpoint root is not the root of the log with these entries at these indexes',
    );
  return verified;
}

/**
 * Whether the tree (to, toRoot) extends the tree (from, fromRoot): equal roots for equal
 * sizes, an RFC 9162 consistency proof otherwise. Anything else is a fork: two histories
 * shown under one log key.
 */
export function consistent(
  from: { readonly size: number; readonly rootHash: Uint8Array },
  to: { readonly size: number; readonly rootHash: Uint8Array },
  proof: readonly Uint8Array[],
): boolean {
  if (from.size > to.size) return false;
  if (from.size === to.size)
    return proof.length === 0 && constantTimeEqual(from.rootHash, to.rootHash);
  if (from.size === 0) return proof.length === 0;
  return verifyConsistency(from.size, to.size, from.rootHash, to.rootHash, proof);
}
