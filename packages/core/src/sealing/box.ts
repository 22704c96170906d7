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
 * The one sealing scheme of Credence, used for a report's detail and for a disclosure's
 * grant alike (docs/sealing.md): one HPKE sender context (RFC 9180 base mode, an `info`
 * naming what is sealed) to the recipient's key per run, its `enc` carried by every box it
 * sealed; each box's key is the context's export (RFC 9180 §5.3) for
 * `label ‖ 0x00 ‖ salt ‖ binding`, with 16 random bytes of salt per box, so no two boxes
 * share a key; the box is ChaCha20-Poly1305 under that key, nonce zero (each key seals one
 * message), the binding its associated data. A run costs one X25519 key agreement however
 * many boxes it seals, and so does opening a run's boxes (`BoxOpener` keeps the context).
 */

/** A sealed box as records carry it: every byte base64url without padding. */
export interface Box {
  readonly suite: typeof SUITE_NAME;
  /** The HPKE encapsulated key of the sealing run (32 bytes). */
  readonly enc: string;
  /** 16 random bytes: this box's part of its key's derivation. */
  readonly salt: string;
  /** The plaintext under ChaCha20-Poly1305, tag included. */
  readonly ciphertext: string;
}

/** What one kind of box is: the HPKE info of its runs and the label of its keys. */
export interface BoxKind {
  readonly info: Uint8Array;
  readonly label: Uint8Array;
}

export const boxKind = (info: string, label: string): BoxKind => ({
  info: utf8(info),
  label: utf8(label),
});

const NONCE = new Uint8Array(12);

const exporterContext = (kind: BoxKind, salt: Uint8Array, binding: Uint8Array) =>
  concat(kind.label, new Uint8Array([0]), salt, binding);

/** Seals the boxes of one run to one recipient's key. */
export class BoxSealer {
  private constructor(
    private readonly kind: BoxKind,
    private readonly context: Awaited<ReturnType<typeof suite.createSenderContext>>,
    private readonly enc: string,
  ) {}

  static async create(kind: BoxKind, publicKey: string): Promise<BoxSealer> {
    const context = await suite.createSenderContext({
      recipientPublicKey: await importPublicKey(publicKey),
      info: kind.info,
    });
    return new BoxSealer(kind, context, encodeBase64url(new Uint8Array(context.enc)));
  }

  async seal(binding: Uint8Array, plaintext: Uint8Array): Promise<Box> {
    return (await this.sealKeyed(binding, plaintext)).box;
  }

  /** Seals one box and gives its key too (what seals a detail's files). */
  async sealKeyed(
    binding: Uint8Array,
    plaintext: Uint8Array,
  ): Promise<{ box: Box; key: Uint8Array }> {
    const salt = randomBytes(16);
    const key = await this.context.export(exporterContext(this.kind, salt, binding), aead.keySize);
    const ciphertext = await aead.createEncryptionContext(key).seal(NONCE, plaintext, binding);
    return {
      box: {
        suite: SUITE_NAME,
        enc: this.enc,
        salt: encodeBase64url(salt),
        ciphertext: encodeBase64url(new Uint8Array(ciphertext)),
      },
      key: new Uint8Array(key),
    };
  }
}

interface ParsedBox {
  readonly enc: Uint8Array;
  readonly salt: Uint8Array;
  readonly ciphertext: Uint8Array;
}

/** A box's parts, or `sealing.malformed`. */
export function parseBox(box: Box): ParsedBox {
  const s = box as Partial<Record<keyof Box, unknown>> | null;
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

/** Recipient contexts kept per opener: runs are few, boxes many. */
const CONTEXTS_KEPT = 256;

/**
 * Derives the keys of boxes sealed to one private key, keeping the recipient context of
 * each run it met (by `enc`), so that a run's boxes cost one key agreement in all.
 */
export class BoxOpener {
  private readonly contexts = new Map<
    string,
    Promise<Awaited<ReturnType<typeof suite.createRecipientContext>>>
  >();

  private constructor(
    private readonly kind: BoxKind,
    private readonly recipientKey: HpkeKey,
  ) {}

  static async create(kind: BoxKind, privateKey: string | HpkeKey): Promise<BoxOpener> {
    return new BoxOpener(
      kind,
      typeof privateKey === 'string' ? await importPrivateKey(privateKey) : privateKey,
    );
  }

  /** The key of one box (32 bytes); `sealing.open` when it is not this key's. */
  async key(binding: Uint8Array, box: Box): Promise<Uint8Array> {
    const { enc, salt } = parseBox(box);
    try {
      const context = await this.context(box.enc, enc);
      return new Uint8Array(
        await context.export(exporterContext(this.kind, salt, binding), aead.keySize),
      );
    } catch (error) {
      throw new SealingError('sealing.open', { cause: error });
    }
  }

  private context(id: string, enc: Uint8Array) {
    let context = this.contexts.get(id);
    if (context === undefined) {
      if (this.contexts.size >= CONTEXTS_KEPT) this.contexts.clear();
      context = suite.createRecipientContext({
        recipientKey: this.recipientKey,
        enc,
        info: this.kind.info,
      });
      // A failed key agreement is not kept: the next box of that run tries again.
      context.catch(() => this.contexts.delete(id));
      this.contexts.set(id, context);
    }
    return context;
  }
}

/** Opens a box with its key; `sealing.open` when key, binding or box do not match. */
export async function openBox(key: Uint8Array, binding: Uint8Array, box: Box): Promise<Uint8Array> {
  const { ciphertext } = parseBox(box);
  try {
    return new Uint8Array(await aead.createEncryptionContext(key).open(NONCE, ciphertext, binding));
  } catch (error) {
    throw new SealingError('sealing.open', { cause: error });
  }
}

/** A box's digest (SHA-256 of its canonical JSON, base64url): what log entries bind. */
export function boxDigest(box: Box): string {
  return encodeBase64url(
    sha256(
      canonicalBytes({
        suite: box.suite,
        enc: box.enc,
        salt: box.salt,
        ciphertext: box.ciphertext,
      }),
    ),
  );
}
