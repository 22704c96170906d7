import { CredenceError } from '../errors.js';

/**
 * Ways a Merkle tree operation or proof can be rejected. Indexes, sizes, hashes and proofs
 * reach the verifier from whoever serves the log, so these are what a peer sending a
 * malformed proof gets; `verifyInclusion` and `verifyConsistency` turn them into `false`.
 * Codes are stable; docs/errors.md lists them. Details name the field, never its value.
 */
export const MERKLE_ERRORS = {
  'merkle.bad_size': 'a tree size or leaf index is not an integer from 0 to 2^53 - 1',
  'merkle.index_out_of_range': 'the leaf index is not below the tree size',
  'merkle.size_order': 'a consistency proof needs 0 < first tree size <= second tree size',
  'merkle.proof_length': 'the proof does not have the number of hashes its sizes call for',
  'merkle.bad_hash': 'a hash is not 32 bytes',
  'merkle.bad_frontier': 'the frontier does not hold one hash per set bit of the tree size',
  'merkle.missing_node': 'the store has no hash for a tree node the operation needs',
} as const satisfies Record<string, string>;

export type MerkleErrorCode = keyof typeof MERKLE_ERRORS;

export class MerkleError extends CredenceError<MerkleErrorCode> {
  constructor(code: MerkleErrorCode, details: Record<string, string | number | boolean> = {}) {
    super(code, MERKLE_ERRORS[code], { details });
    this.name = 'MerkleError';
  }
}
