import { hmacSha256, sha256 } from '../crypto/hashes.js';
import { decodeBase64url, encodeBase64url } from '../encoding/base64url.js';
import { concat, utf8 } from '../encoding/bytes.js';
import { aead } from './hpke.js';
import { SealingError } from './sealing-error.js';

/**
 * A report's evidence files (screenshots, call recordings), sealed under its detail's
 * data key (docs/sealing.md, "Evidence files"), so that the one key a disclosure hands
 * over opens the detail and its files and nothing else.
 *
 * The detail (sealed) names each file: its name, media type, size and the SHA-256 of its
 * bytes. File i's key is HKDF-Expand (RFC 5869 §2.3; the data key, an HPKE export, is
 * already a uniform key and serves as the PRK) with info `credence/evidence-file/v1 ‖
 * 0x00 ‖ binding ‖ 0x00 ‖ I2OSP(i, 2)`, 32 bytes; the file is ChaCha20-Poly1305 under that
 * key, nonce zero, with the same info as associated data. A data key seals one detail, so
 * each file key seals one file: sealing the same bytes again gives the same ciphertext
 * (a repeated submission is a repeat), and a changed file changes the detail, which gets
 * a new data key. The platform stores the ciphertexts apart from the report; the report's
 * sealed detail lists each one's size and SHA-256, which its log entry binds, so a stored
 * file swapped or dropped is named by anyone holding the report, without a key.
 */

/** A file as the sealed detail names it. */
export interface EvidenceFile {
  /** The file's name at the member (its last path segment). */
  readonly name: string;
  /** Its media type (RFC 6838), `application/octet-stream` when unknown. */
  readonly mediaType: string;
  readonly size: number;
  /** base64url SHA-256 of its bytes. */
  readonly sha256: string;
}

/** A sealed file as the report lists it in the clear: what the log binds. */
export interface SealedFileRef {
  /** The ciphertext's length in bytes. */
  readonly size: number;
  /** base64url SHA-256 of the ciphertext. */
  readonly sha256: string;
}

/** At most this many files to a report. */
export const MAX_EVIDENCE_FILES = 20;
/** A file's ciphertext fits one upload of 16 MiB: its bytes, at most, less the tag. */
export const MAX_EVIDENCE_FILE_BYTES = 16 * 1024 * 1024 - 16;
const MAX_NAME = 255;
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/;
const DIGEST = /^[A-Za-z0-9_-]{43}$/;

/** A name with no path in it and no control character: its last segment, as it was. */
const plainName = (name: string) =>
  [...name].every((c) => c !== '/' && c !== '\\' && (c.codePointAt(0) as number) >= 0x20);

const NONCE = new Uint8Array(12);
const LABEL = utf8('credence/evidence-file/v1');

/** The info of file `index` of the detail with this binding (its key's and its AAD). */
function fileInfo(binding: Uint8Array, index: number): Uint8Array {
  return concat(LABEL, new Uint8Array([0]), binding, new Uint8Array([0, index >> 8, index & 255]));
}

/** HKDF-Expand(PRK = data key, info, 32): one block of HMAC-SHA256. */
const fileKey = (dataKey: Uint8Array, info: Uint8Array) =>
  hmacSha256(dataKey, concat(info, new Uint8Array([1])));

const digest = (bytes: Uint8Array) => encodeBase64url(sha256(bytes));

/** What the detail says of a file of these bytes. */
export function evidenceFile(name: string, mediaType: string, bytes: Uint8Array): EvidenceFile {
  const file = { name, mediaType, size: bytes.length, sha256: digest(bytes) };
  checkEvidenceFiles([file]);
  return file;
}

/** `sealing.detail` unless these are files a detail may name. */
export function checkEvidenceFiles(files: unknown): asserts files is readonly EvidenceFile[] {
  const ok =
    Array.isArray(files) &&
    files.length <= MAX_EVIDENCE_FILES &&
    files.every((f: unknown) => {
      if (typeof f !== 'object' || f === null || Array.isArray(f)) return false;
      const { name, mediaType, size, sha256: d, ...rest } = f as Record<string, unknown>;
      return (
        Object.keys(rest).length === 0 &&
        typeof name === 'string' &&
        name.length > 0 &&
        name.length <= MAX_NAME &&
        plainName(name) &&
        typeof mediaType === 'string' &&
        MEDIA_TYPE.test(mediaType) &&
        Number.isSafeInteger(size) &&
        (size as number) >= 0 &&
        (size as number) <= MAX_EVIDENCE_FILE_BYTES &&
        typeof d === 'string' &&
        DIGEST.test(d)
      );
    });
  if (!ok) throw new SealingError('sealing.detail');
}

/** Seals file `index` of a detail under its data key: the ciphertext and its reference. */
export async function sealEvidenceFile(
  dataKey: Uint8Array,
  binding: Uint8Array,
  index: number,
  bytes: Uint8Array,
): Promise<{ ciphertext: Uint8Array; ref: SealedFileRef }> {
  if (bytes.length > MAX_EVIDENCE_FILE_BYTES) throw new SealingError('sealing.detail');
  const info = fileInfo(binding, index);
  const ciphertext = new Uint8Array(
    await aead.createEncryptionContext(fileKey(dataKey, info)).seal(NONCE, bytes, info),
  );
  return { ciphertext, ref: sealedFileRef(ciphertext) };
}

/** A ciphertext's reference: its size and digest. */
export const sealedFileRef = (ciphertext: Uint8Array): SealedFileRef => ({
  size: ciphertext.length,
  sha256: digest(ciphertext),
});

/** `sealing.malformed` unless these are references a sealed detail may list. */
export function checkSealedFileRefs(refs: unknown): asserts refs is readonly SealedFileRef[] {
  const ok =
    Array.isArray(refs) &&
    refs.length >= 1 &&
    refs.length <= MAX_EVIDENCE_FILES &&
    refs.every((r: unknown) => {
      if (typeof r !== 'object' || r === null || Array.isArray(r)) return false;
      const { size, sha256: d, ...rest } = r as Record<string, unknown>;
      return (
        Object.keys(rest).length === 0 &&
        Number.isSafeInteger(size) &&
        (size as number) >= aead.tagSize &&
        (size as number) <= MAX_EVIDENCE_FILE_BYTES + aead.tagSize &&
        typeof d === 'string' &&
        DIGEST.test(d) &&
        decodeBase64url(d)?.length === 32
      );
    });
  if (!ok) throw new SealingError('sealing.malformed');
}

/**
 * Opens file `index` with the detail's data key: `sealing.open` when the ciphertext is not
 * the one the report lists, does not open, or is not the file the detail names.
 */
export async function openEvidenceFile(
  dataKey: Uint8Array,
  binding: Uint8Array,
  index: number,
  named: { readonly file: EvidenceFile; readonly ref: SealedFileRef },
  ciphertext: Uint8Array,
): Promise<Uint8Array> {
  if (ciphertext.length !== named.ref.size || digest(ciphertext) !== named.ref.sha256)
    throw new SealingError('sealing.open');
  const info = fileInfo(binding, index);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(
      await aead.createEncryptionContext(fileKey(dataKey, info)).open(NONCE, ciphertext, info),
    );
  } catch (error) {
    throw new SealingError('sealing.open', { cause: error });
  }
  if (bytes.length !== named.file.size || digest(bytes) !== named.file.sha256)
    throw new SealingError('sealing.open');
  return bytes;
}
