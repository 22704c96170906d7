import { canonicalBytes } from '../signing/canonical-json.js';
import { type Ed25519PrivateKey, signEd25519, verifyEd25519 } from '../signing/ed25519.js';

/**
 * A member's own word on its signing keys (SPEC §3.6, issue 11): a statement signed with
 * one of its current keys, over the statement's RFC 8785 canonical JSON, as batches are.
 * Only such a statement changes a member's keys at once: the operator, who holds no
 * member's key, can only announce a key for a member that lost its own, and that key
 * waits, in the log, while the member is alerted and may object (with a statement).
 *
 * - `add_signing_key`: a new key; with `replace`, every other key of the member stops;
 * - `revoke_signing_key`: one of its keys stops;
 * - `object_signing_key`: a key the operator announced for it never starts.
 *
 * `at` is the member's clock: a statement is taken only while fresh (as a batch's
 * `createdAt`), so an old one cannot be replayed after the member changed its mind.
 */
export const KEY_ACTIONS = ['add_signing_key', 'revoke_signing_key', 'object_signing_key'] as const;
export type KeyAction = (typeof KEY_ACTIONS)[number];

export interface KeyStatement {
  readonly action: KeyAction;
  readonly member: string;
  /** The key the statement is about (base64url raw Ed25519). */
  readonly publicKey: string;
  /** add_signing_key: whether the member's other keys stop. */
  readonly replace?: boolean;
  /** RFC 3339 UTC. */
  readonly at: string;
}

export interface SignedKeyStatement {
  readonly statement: KeyStatement;
  /** The member's key that signed it: one of its current keys. */
  readonly signedBy: string;
  readonly signature: string;
}

export function signKeyStatement(
  statement: KeyStatement,
  privateKey: Ed25519PrivateKey,
  publicKey: string,
): SignedKeyStatement {
  return {
    statement,
    signedBy: publicKey,
    signature: signEd25519(privateKey, canonicalBytes(statement)),
  };
}

export function verifyKeyStatement(signed: SignedKeyStatement): boolean {
  return verifyEd25519(signed.signedBy, canonicalBytes(signed.statement), signed.signature);
}
