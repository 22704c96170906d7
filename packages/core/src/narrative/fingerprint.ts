import { decodeBase64url, encodeBase64url } from '../encoding/base64url.js';
import { mix32 } from '../hashing/mix32.js';
import { PLACEHOLDERS } from './mask.js';

/**
 * A script's fingerprint (SPEC §6, campaigns): MinHash over the character shingles of a
 * masked narrative, made at the member side, so that the platform can tell that two
 * members' victims heard the same script without reading either narrative.
 *
 * - The masked text is folded: NFKC, lower case, each placeholder one character,
 *   punctuation dropped, runs of spaces one space.
 * - Shingles are 3 characters where Han characters make up at least 30 % of the letters
 *   (a Chinese word is one or two characters), else 5 (English).
 * - 128 hash functions: FNV-1a (32-bit) of the shingle, mixed with each function's seed
 *   by MurmurHash3's finalizer; the signature keeps each function's minimum.
 * - Wire form: `mh1.` and the base64url of the 128 minima as big-endian 32-bit words.
 *
 * The fraction of equal minima between two signatures estimates the Jaccard similarity
 * of their shingle sets (Broder 1997). The hash functions are public: whoever holds a
 * candidate narrative can test it against a fingerprint, which is why identifiers are
 * masked before, and only members send them.
 */

export const FINGERPRINT_SIZE = 128;
const PREFIX = 'mh1.';

const SEEDS = Uint32Array.from({ length: FINGERPRINT_SIZE }, (_, i) =>
  mix32(Math.imul(i + 1, 0x9e3779b9)),
);

/** The folded form the shingles are taken from (see the module's comment). */
export function foldScript(masked: string): string {
  let text = masked.normalize('NFKC').toLowerCase();
  PLACEHOLDERS.forEach((p, i) => {
    text = text.split(`⟨${p.toLowerCase()}⟩`).join(String.fromCharCode(0xe000 + i));
  });
  return text
    .replace(/[^\p{L}\p{N}\u{e000}-\u{e0ff}\s]+/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The shingle length for a folded text: 3 for Chinese, 5 otherwise. */
export function shingleLength(folded: string): number {
  const letters = folded.match(/\p{L}/gu)?.length ?? 0;
  const han = folded.match(/\p{Script=Han}/gu)?.length ?? 0;
  return letters > 0 && han / letters >= 0.3 ? 3 : 5;
}

/** The distinct shingles of a masked narrative. */
export function shingles(masked: string): Set<string> {
  const folded = foldScript(masked);
  const k = shingleLength(folded);
  const chars = Array.from(folded);
  const out = new Set<string>();
  if (chars.length === 0) return out;
  if (chars.length <= k) {
    out.add(chars.join(''));
    return out;
  }
  for (let i = 0; i + k <= chars.length; i++) out.add(chars.slice(i, i + k).join(''));
  return out;
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The MinHash signature of a masked narrative (128 minima; all 2^32 − 1 if it is empty). */
export function minhash(masked: string): Uint32Array {
  const signature = new Uint32Array(FINGERPRINT_SIZE).fill(0xffffffff);
  for (const shingle of shingles(masked)) {
    const h = fnv1a(shingle);
    for (let i = 0; i < FINGERPRINT_SIZE; i++) {
      const v = mix32(h ^ (SEEDS[i] as number));
      if (v < (signature[i] as number)) signature[i] = v;
    }
  }
  return signature;
}

export function encodeFingerprint(signature: Uint32Array): string {
  const bytes = new Uint8Array(FINGERPRINT_SIZE * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < FINGERPRINT_SIZE; i++) view.setUint32(i * 4, signature[i] as number);
  return PREFIX + encodeBase64url(bytes);
}

/** The signature of a wire fingerprint, or undefined when it is not one. */
export function decodeFingerprint(text: string): Uint32Array | undefined {
  if (!text.startsWith(PREFIX)) return undefined;
  let bytes: Uint8Array;
  try {
    const decoded = decodeBase64url(text.slice(PREFIX.length));
    if (decoded === undefined) return undefined;
    bytes = decoded;
  } catch {
    return undefined;
  }
  if (bytes.length !== FINGERPRINT_SIZE * 4) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Uint32Array.from({ length: FINGERPRINT_SIZE }, (_, i) => view.getUint32(i * 4));
}

/** The fingerprint a member sends for a narrative: masked, then MinHash. */
export function scriptFingerprint(maskedNarrative: string): string {
  return encodeFingerprint(minhash(maskedNarrative));
}

/** Estimated Jaccard similarity of two signatures: the fraction of equal minima. */
export function similarity(a: Uint32Array, b: Uint32Array): number {
  let equal = 0;
  for (let i = 0; i < FINGERPRINT_SIZE; i++) if (a[i] === b[i]) equal++;
  return equal / FINGERPRINT_SIZE;
}

/** The most characters of masked script a report carries (the schema's limit). */
export const MAX_SCRIPT = 20_000;

/** The wire length of a fingerprint: `mh1.` and 683 base64url characters. */
export const FINGERPRINT_PATTERN = `^mh1\\.[A-Za-z0-9_-]{683}$`;
