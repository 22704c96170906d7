import { sha256 } from '../crypto/hashes.js';
import { encodeBase64url } from '../encoding/base64url.js';
import { canonicalBytes } from '../signing/canonical-json.js';
import { type Box, BoxOpener, BoxSealer, boxDigest, boxKind, openBox, parseBox } from './box.js';
import {
  checkEvidenceFiles,
  checkSealedFileRefs,
  type EvidenceFile,
  evidenceFile,
  openEvidenceFile,
  type SealedFileRef,
  sealEvidenceFile,
} from './evidence-files.js';
import type { HpkeKey } from './hpke.js';
import { SealingError } from './sealing-error.js';

/**
 * A report's details, sealed at the member (SPEC §3.3): what the platform must never
 * read — the narrative and the exact loss — encrypted so that only the reporting
 * member's sealing key opens them, and later whoever that member re-seals the report's
 * data key to (a police investigator, on an approved disclosure).
 *
 * Scheme (docs/sealing.md; ./box.ts): one HPKE sender context (RFC 9180 base mode, info
 * `credence/sealed-detail/v1`) to the member's sealing key per sealing run, its `enc`
 * carried by every detail it sealed; each detail's data key is the context's export
 * (RFC 9180 §5.3) for `credence/detail-key/v1 ‖ 0x00 ‖ salt ‖ binding`, with 16 random
 * bytes of salt per detail; the detail is ChaCha20-Poly1305 under that key, nonce zero,
 * with the binding as associated data. The binding is the report's ref and the digest of its facts
 * (`detailBinding`): a detail moved to another report does not open.
 */

/** What is sealed: the parts of a raw report that never leave the member in the clear. */
export interface Detail {
  readonly narrative?: string;
  /** The exact loss in yuan (the report itself carries only its band). */
  readonly lossCny?: number;
  /** The evidence files, sealed apart under the detail's data key (./evidence-files.ts). */
  readonly files?: readonly EvidenceFile[];
}

/**
 * A sealed detail as a report carries it and the platform stores it: a box (./box.ts)
 * and, when the detail names files, each sealed file's size and digest, in order.
 */
export type SealedDetail = Box & { readonly files?: readonly SealedFileRef[] };

/** What a sealed detail is bound to. */
export interface DetailBinding {
  readonly ref: string;
  /** base64url SHA-256 of the report's facts (`detailBinding`). */
  readonly report: string;
}

const DETAIL = boxKind('credence/sealed-detail/v1', 'credence/detail-key/v1');

/** A report as both sides know it: what the member sent, what the platform stores. */
export interface BoundReport {
  readonly ref: string;
  readonly type: string;
  readonly category: string;
  /** Epoch milliseconds (`parseDateTime` of the report's occurredAt). */
  readonly occurredAt: number;
  readonly loss?: string | null | undefined;
  readonly entities: readonly {
    readonly role: string;
    readonly kind: string;
    readonly token: string;
    readonly keyId: string;
  }[];
}

/**
 * What a report's detail is bound to: its ref, and the digest of the report's facts (type,
 * category, time, loss band, entities in order), which the member computes from what it
 * sends and anyone holding the stored report from that. The script and its fingerprint
 * are left out: they come from the narrative, and a script may be shared later.
 */
export function detailBinding(r: BoundReport): DetailBinding {
  const facts = {
    ref: r.ref,
    type: r.type,
    category: r.category,
    occurredAt: r.occurredAt,
    loss: r.loss ?? null,
    entities: r.entities.map((e) => ({
      role: e.role,
      kind: e.kind,
      token: e.token,
      keyId: e.keyId,
    })),
  };
  return { ref: r.ref, report: encodeBase64url(sha256(canonicalBytes(facts))) };
}

/**
 * The digest of a sealed detail, which the report's log entry binds: the box's digest,
 * or, when it lists sealed files, the SHA-256 of the canonical JSON of the box's parts
 * and the list.
 */
export function sealedDetailDigest(sealed: SealedDetail): string {
  if (sealed.files === undefined) return boxDigest(sealed);
  return encodeBase64url(
    sha256(
      canonicalBytes({
        suite: sealed.suite,
        enc: sealed.enc,
        salt: sealed.salt,
        ciphertext: sealed.ciphertext,
        files: sealed.files.map((f) => ({ size: f.size, sha256: f.sha256 })),
      }),
    ),
  );
}

const bindingBytes = (b: DetailBinding) => canonicalBytes({ ref: b.ref, report: b.report });

function detailBytes(detail: Detail): Uint8Array {
  checkDetail(detail);
  return canonicalBytes({
    ...(detail.narrative === undefined ? {} : { narrative: detail.narrative }),
    ...(detail.lossCny === undefined ? {} : { lossCny: detail.lossCny }),
    ...(detail.files === undefined ? {} : { files: detail.files }),
  });
}

function checkDetail(d: unknown): asserts d is Detail {
  if (typeof d !== 'object' || d === null || Array.isArray(d))
    throw new SealingError('sealing.detail');
  const { narrative, lossCny, files, ...rest } = d as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw new SealingError('sealing.detail');
  if (files !== undefined) checkEvidenceFiles(files);
  if (narrative !== undefined && typeof narrative !== 'string')
    throw new SealingError('sealing.detail');
  if (
    lossCny !== undefined &&
    !(typeof lossCny === 'number' && Number.isFinite(lossCny) && lossCny >= 0)
  )
    throw new SealingError('sealing.detail');
}

/** Seals the details of one run (a file, a batch) to one member's sealing key. */
export class DetailSealer {
  private constructor(private readonly sealer: BoxSealer) {}

  static async create(publicKey: string): Promise<DetailSealer> {
    return new DetailSealer(await BoxSealer.create(DETAIL, publicKey));
  }

  async seal(binding: DetailBinding, detail: Detail): Promise<SealedDetail> {
    return (await this.sealWithFiles(binding, detail, [])).sealed;
  }

  /**
   * Seals a detail and its evidence files: the detail names each file (its name, media
   * type, size and digest: `named`, made here unless the caller has them), and lists each
   * file's ciphertext, which the platform keeps apart (`ciphertexts`, in order).
   */
  async sealWithFiles(
    binding: DetailBinding,
    detail: Omit<Detail, 'files'>,
    files: readonly EvidenceBytes[],
    named: readonly EvidenceFile[] = files.map((f) => evidenceFile(f.name, f.mediaType, f.bytes)),
  ): Promise<{ sealed: SealedDetail; ciphertexts: Uint8Array[] }> {
    const bound = bindingBytes(binding);
    if (files.length === 0)
      return { sealed: await this.sealer.seal(bound, detailBytes(detail)), ciphertexts: [] };
    const { box, key } = await this.sealer.sealKeyed(
      bound,
      detailBytes({ ...detail, files: named }),
    );
    const { ciphertexts, refs } = await sealDetailFiles(key, binding, files);
    return { sealed: { ...box, files: refs }, ciphertexts };
  }
}

/** An evidence file to seal with a detail: its name, media type and bytes. */
export interface EvidenceBytes {
  readonly name: string;
  readonly mediaType: string;
  readonly bytes: Uint8Array;
}

/**
 * Seals a detail's evidence files under its data key, in order: the same key and bytes
 * give the same ciphertexts (what re-sealing a remembered detail's files relies on).
 */
export async function sealDetailFiles(
  key: Uint8Array,
  binding: DetailBinding,
  files: readonly Pick<EvidenceBytes, 'bytes'>[],
): Promise<{ ciphertexts: Uint8Array[]; refs: SealedFileRef[] }> {
  const bound = bindingBytes(binding);
  const ciphertexts: Uint8Array[] = [];
  const refs: SealedFileRef[] = [];
  for (const [i, f] of files.entries()) {
    const sealed = await sealEvidenceFile(key, bound, i, f.bytes);
    ciphertexts.push(sealed.ciphertext);
    refs.push(sealed.ref);
  }
  return { ciphertexts, refs };
}

/** `sealing.malformed` unless the sealed detail's list of files is well formed. */
export function checkSealedDetail(sealed: SealedDetail): void {
  parseBox(sealed);
  if (sealed.files !== undefined) checkSealedFileRefs(sealed.files);
}

/**
 * Opens evidence file `index` of an opened detail with its data key: `sealing.open` when
 * the ciphertext is not the one the sealed detail lists, or not the file the detail names.
 */
export async function openDetailFile(
  key: Uint8Array,
  binding: DetailBinding,
  sealed: SealedDetail,
  detail: Detail,
  index: number,
  ciphertext: Uint8Array,
): Promise<Uint8Array> {
  const file = detail.files?.[index];
  const ref = sealed.files?.[index];
  if (file === undefined || ref === undefined || detail.files?.length !== sealed.files?.length)
    throw new SealingError('sealing.open');
  return openEvidenceFile(key, bindingBytes(binding), index, { file, ref }, ciphertext);
}

/**
 * The data keys of details sealed to one sealing key (what a disclosure re-seals to an
 * investigator; each opens nothing by itself), one key agreement per sealing run.
 */
export class DetailKeys {
  private constructor(private readonly opener: BoxOpener) {}

  static async create(privateKey: string | HpkeKey): Promise<DetailKeys> {
    return new DetailKeys(await BoxOpener.create(DETAIL, privateKey));
  }

  key(binding: DetailBinding, sealed: SealedDetail): Promise<Uint8Array> {
    return this.opener.key(bindingBytes(binding), sealed);
  }
}

/** The data key of one sealed detail (32 bytes), from the member's sealing key. */
export async function detailKey(
  privateKey: string | HpkeKey,
  binding: DetailBinding,
  sealed: SealedDetail,
): Promise<Uint8Array> {
  parseBox(sealed);
  return (await DetailKeys.create(privateKey)).key(binding, sealed);
}

/** Opens a sealed detail with its data key. */
export async function openWithKey(
  key: Uint8Array,
  binding: DetailBinding,
  sealed: SealedDetail,
): Promise<Detail> {
  const plain = await openBox(key, bindingBytes(binding), sealed);
  let detail: unknown;
  try {
    detail = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plain));
  } catch (error) {
    throw new SealingError('sealing.detail', { cause: error });
  }
  checkDetail(detail);
  return detail;
}

/** Opens a sealed detail with the member's sealing key. */
export async function openDetail(
  privateKey: string | HpkeKey,
  binding: DetailBinding,
  sealed: SealedDetail,
): Promise<Detail> {
  return openWithKey(await detailKey(privateKey, binding, sealed), binding, sealed);
}
