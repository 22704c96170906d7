import { canonicalBytes, canonicalJson } from '../signing/canonical-json.js';
import { type Ed25519PrivateKey, signEd25519, verifyEd25519 } from '../signing/ed25519.js';
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

/**
 * Masked scripts a member shares after it sent their reports (it opted in later): each
 * names its report by ref. The report itself never changes; the platform logs each
 * script as an entry of its own (`report_script`).
 */
export interface ScriptBatch {
  readonly member: string;
  readonly batchId: string;
  readonly createdAt: string;
  readonly scripts: readonly { readonly ref: string; readonly script: string }[];
}

export interface SignedBatch<B> {
  readonly batch: B;
  /** The signing key (base64url raw Ed25519), one of those the member registered. */
  readonly publicKey: string;
  readonly signature: string;
}

export const MAX_BATCH_ITEMS = 5000;

/**
 * What a member puts in one batch at most, as the items' JSON: 8 MiB. The platform takes
 * a body of up to 16 MiB, so a batch of items this size, its envelope and an item at
 * the schema's largest that starts a batch of its own all fit. Reports with long sealed
 * narratives reach it long before 5,000 items (a sealed 20,000-character narrative is
 * about 80 kB), and a batch is then cut by its bytes.
 */
export const MAX_BATCH_BYTES = 8 * 1024 * 1024;

export function signBatch<B>(
  batch: B,
  privateKey: Ed25519PrivateKey,
  publicKey: string,
): SignedBatch<B> {
  return { batch, publicKey, signature: signEd25519(privateKey, canonicalBytes(batch)) };
}

/**
 * The canonical JSON of a batch and of each of its items, in one pass: each item is
 * canonicalized once, and the batch's canonical form is composed from them (RFC 8785
 * sorts keys by UTF-16 code units, as Array.prototype.sort does, and leaves out
 * undefined members as JSON does). The platform hashes every item for idempotency and
 * verifies the batch, so this halves its canonicalization work.
 */
export function canonicalBatch(
  batch: object,
  itemsKey: 'reports' | 'links' | 'scripts',
): { readonly text: string; readonly items: readonly string[] } {
  const record = batch as Record<string, unknown>;
  const list = record[itemsKey];
  if (!Array.isArray(list)) throw new TypeError(`the batch has no ${itemsKey}`);
  const items = list.map((item) => canonicalJson(item));
  const members = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort()
    .map(
      (key) =>
        `${canonicalJson(key)}:${key === itemsKey ? `[${items.join(',')}]` : canonicalJson(record[key])}`,
    );
  return { text: `{${members.join(',')}}`, items };
}

/** Verifies a signed batch; `canonical` is the batch's canonical JSON when already made. */
export function verifyBatchSignature<B>(signed: SignedBatch<B>, canonical?: string): boolean {
  return verifyEd25519(
    signed.publicKey,
    canonical === undefined ? canonicalBytes(signed.batch) : new TextEncoder().encode(canonical),
    signed.signature,
  );
}
