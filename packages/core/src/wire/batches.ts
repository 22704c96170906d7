import type { KeyObject } from 'node:crypto';
import { canonicalBytes } from '../signing/canonical-json.js';
import { signEd25519, verifyEd25519 } from '../signing/ed25519.js';
import type { TokenizedLink, TokenizedReport } from './tokenized-records.js';

/**
 * A batch of contributions as a member signs it (SPEC §3.6): the member's Ed25519
 * signature over the RFC 8785 canonical JSON of `batch`, so the platform cannot forge a
 * member's report and the member cannot deny one. `batchId` is the member's own nonce
 * and `createdAt` its clock: together with idempotency by ref they make a replayed batch
 * harmless.
 */
export interface ReportBatch {
  readonly member: string;
  readonly batchId: string;
  readonly createdAt: string;
  readonly reports: readonly TokenizedReport[];
}

export interface LinkBatch {
  readonly member: string;
  readonly batchId: string;
  readonly createdAt: string;
  readonly links: readonly TokenizedLink[];
}

export interface SignedBatch<B> {
  readonly batch: B;
  /** The signing key (base64url raw Ed25519), one of those the member registered. */
  readonly publicKey: string;
  readonly signature: string;
}

export const MAX_BATCH_ITEMS = 5000;

export function signBatch<B>(batch: B, privateKey: KeyObject, publicKey: string): SignedBatch<B> {
  return { batch, publicKey, signature: signEd25519(privateKey, canonicalBytes(batch)) };
}

export function verifyBatchSignature<B>(signed: SignedBatch<B>): boolean {
  return verifyEd25519(signed.publicKey, canonicalBytes(signed.batch), signed.signature);
}
