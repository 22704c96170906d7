import { sha256 } from '../crypto/hashes.js';
import { randomBytes } from '../crypto/random.js';
import { decodeBase64url, encodeBase64url } from '../encoding/base64url.js';
import { concat, utf8 } from '../encoding/bytes.js';
import { canonicalBytes } from '../signing/canonical-json.js';
import {
  aead,
  type HpkeKey,
  importPrivateKey,
  importPublicKey,
  SUITE_NAME,
  suite,
} from './hpke.js';
import { SealingError } from './sealing-error.js';

/**
 * A report's details, sealed at the member (SPEC §3.3): what the platform must never
 * read — the narrative and the exact loss — encrypted so that only the reporting
 * member's sealing key opens them, and later whoever that member re-seals the report's
 * data key to (a police investigator, on an approved disclosure).
 *
 * Scheme (docs/sealing.md): one HPKE sender context (RFC 9180 base mode, info
 * `credence/sealed-detail/v1`) to the member's sealing key per sealing run, its `enc`
 * carried by every detail it sealed; each detail's data key is the context's export
 * (RFC 9180 §5.3) for `credence/detail-key/v1 ‖ 0x00 ‖ salt ‖ binding`, with 16 random
 * bytes of salt per detail, so no two details share a key; the detail is ChaCha20-Poly1305
 * under that key, nonce zero (each key seals one message), with the binding as
 * associated data. The binding is the report's ref and the digest of its facts
 * (`detailBinding`): a detail moved to another report does not open.
 */

/** What is sealed: the parts of a raw report that never leave the member in the clear. */
export interface Detail {
  readonly narrative?: string;
  /** The exact loss in yuan (the report itself carries only its band). */
  readonly lossCny?: number;
}

/** A sealed detail as a report carries it and the platform stores it. */
export interface SealedDetail {
  readonly suite: typeof SUITE_NAME;
  /** The HPKE encapsulated key of the sealing run (32 bytes, base64url). */
  readonly enc: string;
  /** 16 random bytes (base64url): this detail's part of its data key's derivation. */
  readonly salt: string;
  /** The detail's canonical JSON under ChaCha20-Poly1305 (base64url), tag included. */
  readonly ciphertext: string;
}

/** What a sealed detail is bound to. */
export interface DetailBinding {
  readonly ref: string;
  /** base64url SHA-256 of the report's facts (`detailBinding`). */
  readonly report: string;
}

const INFO = utf8('credence/sealed-detail/v1');
const KEY_LABEL = utf8('credence/detail-key/v1');
const NONCE = new Uint8Array(12);

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

/** The digest of a sealed detail, which the report's log entry binds. */
export function sealedDetailDigest(sealed: SealedDetail): string {
  return encodeBase64url(
    sha256(
      canonicalBytes({
        suite: sealed.suite,
        enc: sealed.enc,
        salt: sealed.salt,
        ciphertext: sealed.ciphertext,
      }),
    ),
  );
}

const bindingBytes = (b: DetailBinding) => canonicalBytes({ ref: b.ref, report: b.report });
const exporterContext = (salt: Uint8Array, binding: Uint8Array) =>
  concat(KEY_LABEL, new Uint8Array([0]), salt, binding);

function detailBytes(detail: Detail): Uint8Array {
  checkDetail(detail);
  return canonicalBytes({
    ...(detail.narrative === undefined ? {} : { narrative: detail.narrative }),
    ...(detail.lossCny === undefined ? {} : { lossCny: detail.lossCny }),
  });
}

function checkDetail(d: unknown): asserts d is Detail {
  if (typeof d !== 'object' || d === null || Array.isArray(d))
    throw new SealingError('sealing.detail');
  const { narrative, lossCny, ...rest } = d as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw new SealingError('sealing.detail');
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
  private constructor(
    private readonly context: Awaited<ReturnType<typeof suite.createSenderContext>>,
    private readonly enc: string,
  ) {}

  static async create(publicKey: string): Promise<DetailSealer> {
    const context = await suite.createSenderContext({
      recipientPublicKey: await importPublicKey(publicKey),
      info: INFO,
    });
    return new DetailSealer(context, encodeBase64url(new Uint8Array(context.enc)));
  }

  async seal(binding: DetailBinding, detail: Detail): Promise<SealedDetail> {
    const salt = randomBytes(16);
    const bound = bindingBytes(binding);
    const key = await this.context.export(exporterContext(salt, bound), aead.keySize);
    const ciphertext = await aead
      .createEncryptionContext(key)
      .seal(NONCE, detailBytes(detail), bound);
    return {
      suite: SUITE_NAME,
      enc: this.enc,
      salt: encodeBase64url(salt),
      ciphertext: encodeBase64url(new Uint8Array(ciphertext)),
    };
  }
}

interface Parsed {
  readonly enc: Uint8Array;
  readonly salt: Uint8Array;
  readonly ciphertext: Uint8Array;
}

function parse(sealed: SealedDetail): Parsed {
  const s = sealed as Partial<Record<keyof SealedDetail, unknown>> | null;
  const b = (v: unknown) => (typeof v === 'string' ? decodeBase64url(v) : undefined);
  const enc = b(s?.enc);
  const salt = b(s?.salt);
  const ciphertext = b(s?.ciphertext);
  if (
    s?.suite !== SUITE_NAME ||
    enc?.length !== 32 ||
    salt?.length !== 16 ||
    ciphertext === undefined ||
    ciphertext.length < aead.tagSize
  )
    throw new SealingError('sealing.malformed');
  return { enc, salt, ciphertext };
}

/**
 * The data key of one sealed detail (32 bytes), from the member's sealing key: what a
 * disclosure re-seals to an investigator. Opens nothing by itself.
 */
export async function detailKey(
  privateKey: string | HpkeKey,
  binding: DetailBinding,
  sealed: SealedDetail,
): Promise<Uint8Array> {
  const { enc, salt } = parse(sealed);
  const recipientKey =
    typeof privateKey === 'string' ? await importPrivateKey(privateKey) : privateKey;
  try {
    const context = await suite.createRecipientContext({ recipientKey, enc, info: INFO });
    return new Uint8Array(
      await context.export(exporterContext(salt, bindingBytes(binding)), aead.keySize),
    );
  } catch (error) {
    throw new SealingError('sealing.open', { cause: error });
  }
}

/** Opens a sealed detail with its data key. */
export async function openWithKey(
  key: Uint8Array,
  binding: DetailBinding,
  sealed: SealedDetail,
): Promise<Detail> {
  const { ciphertext } = parse(sealed);
  let plain: ArrayBuffer;
  try {
    plain = await aead.createEncryptionContext(key).open(NONCE, ciphertext, bindingBytes(binding));
  } catch (error) {
    throw new SealingError('sealing.open', { cause: error });
  }
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
