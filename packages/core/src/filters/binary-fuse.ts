import { mix32 } from '../hashing/mix32.js';

/**
 * Binary fuse filters (Graf and Lemire, "Binary Fuse Filters: Fast and Smaller Than Xor
 * Filters", ACM JEA 2022), 3-wise, with 8- or 16-bit fingerprints: a set of tokens in
 * about 1.125 × 8 (or 16) bits each at large sizes, answering "maybe in the set" or
 * "certainly not", with false positives at about 2^-8 (0.39 %) or 2^-16 (0.0015 %).
 * docs/filters.md: why this filter, the format, and what it reveals.
 *
 * Written here from the paper, in 32-bit arithmetic, rather than taken from a library:
 * the JavaScript ones on npm work on BigInt (tens of times slower than the line rate a
 * telecom needs) or on other filters, and the byte format is ours to sign and publish.
 *
 * A token is keyed by its bytes folded to 8 (it is an OPRF output, uniformly random), as
 * two 32-bit words; each filter mixes them with a random seed of its own, drawn again when a
 * construction fails, so that every position and fingerprint is a fresh function of the
 * token. 64 bits make two tokens of ten million share a key with a chance of about 3e-6.
 */

export type FingerprintBits = 8 | 16;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const SEXTET = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) SEXTET[ALPHABET.charCodeAt(i)] = i;

/** Byte `at` of a token into byte (at % 8) of its folded key, little-endian. */
function fold(words: Uint32Array, at: number, b: number): void {
  const w = (at >>> 2) & 1;
  words[w] = ((words[w] as number) ^ (b << (8 * (at & 3)))) >>> 0;
}

/**
 * The key of a token (43 base64url characters, 32 bytes): its bytes folded to 8 by xor
 * (words 0, 2, 4, 6 and 1, 3, 5, 7), two 32-bit words. A token is an OPRF output,
 * uniformly random, so any 8 of its bytes would do; folding all of them keeps a
 * difference anywhere in a token a difference in its key. Read leniently: the last
 * character's two spare bits (zero in a canonical token) count as a 33rd byte, so that
 * no token the platform holds is refused here, nor two told apart by them alone merged.
 */
export function tokenKey(token: string): [number, number] {
  if (token.length !== 43) throw new TypeError('not a token');
  const words = new Uint32Array(2);
  let acc = 0;
  let held = 0;
  let byte = 0;
  for (let i = 0; i < 43; i++) {
    const code = token.charCodeAt(i);
    const v = code < 128 ? (SEXTET[code] as number) : -1;
    if (v < 0) throw new TypeError('not a token');
    acc = ((acc << 6) | v) & 0xffff;
    held += 6;
    if (held >= 8) {
      held -= 8;
      fold(words, byte++, (acc >>> held) & 0xff);
    }
  }
  // The last character's two spare bits, zero in a canonical token, as a 33rd byte.
  fold(words, byte, (acc << (8 - held)) & 0xff);
  return [words[0] as number, words[1] as number];
}

/** The keys of tokens, two words each, in one array (what a filter is built from). */
export function tokenKeys(tokens: Iterable<string>): Uint32Array {
  const list = [...tokens];
  const keys = new Uint32Array(list.length * 2);
  list.forEach((t, i) => {
    const [lo, hi] = tokenKey(t);
    keys[2 * i] = lo;
    keys[2 * i + 1] = hi;
  });
  return keys;
}

/** The layout of a filter of `size` keys (the paper's parameters for arity 3). */
function layout(size: number): {
  segmentLength: number;
  segmentCount: number;
} {
  // The paper's segment length, 2^⌊log_3.33(n) + 2.25⌋, held to 2^16 so that a key's
  // two offsets come from disjoint bits of one word (enough up to hundreds of millions).
  const segmentLength =
    size <= 1 ? 4 : Math.min(2 ** 16, 2 ** Math.floor(Math.log(size) / Math.log(3.33) + 2.25));
  const sizeFactor =
    size <= 1 ? 0 : Math.max(1.125, 0.875 + (0.25 * Math.log(1e6)) / Math.log(size));
  const capacity = size <= 1 ? 0 : Math.round(size * sizeFactor);
  const segmentCount = Math.max(1, Math.ceil(capacity / segmentLength) - 2);
  return { segmentLength, segmentCount };
}

/** The header of the byte form (docs/filters.md, "Format"). */
const MAGIC = 0x46465243; // "CRFF", little-endian
const FORMAT_VERSION = 1;
const HEADER_BYTES = 32;

export class BinaryFuseFilter {
  readonly fingerprintBits: FingerprintBits;
  /** How many distinct keys it holds. */
  readonly size: number;
  private readonly seed0: number;
  private readonly seed1: number;
  private readonly seed2: number;
  private readonly segmentLength: number;
  private readonly segmentMask: number;
  private readonly segmentBits: number;
  private readonly segmentCount: number;
  private readonly segmentCountLength: number;
  private readonly fingerprintMask: number;
  /** The fingerprints: Uint8Array or Uint16Array of (segmentCount + 2) × segmentLength. */
  private readonly table: Uint8Array | Uint16Array;

  private constructor(
    bits: FingerprintBits,
    size: number,
    seeds: readonly [number, number, number],
    segmentLength: number,
    segmentCount: number,
    table: Uint8Array | Uint16Array,
  ) {
    this.fingerprintBits = bits;
    this.size = size;
    [this.seed0, this.seed1, this.seed2] = seeds;
    this.segmentLength = segmentLength;
    this.segmentMask = segmentLength - 1;
    this.segmentBits = Math.log2(segmentLength);
    this.segmentCount = segmentCount;
    this.segmentCountLength = segmentCount * segmentLength;
    this.fingerprintMask = bits === 8 ? 0xff : 0xffff;
    this.table = table;
  }

  /**
   * Builds a filter of the keys (two words each, as tokenKeys gives them; a key given
   * twice is held once). `random` draws the seeds (32-bit words), again after a failed
   * construction, which the paper bounds at well under one in a hundred.
   */
  static build(
    keys: Uint32Array,
    bits: FingerprintBits = 8,
    random: () => number = () => (Math.random() * 2 ** 32) >>> 0,
  ): BinaryFuseFilter {
    if (keys.length % 2 !== 0) throw new TypeError('keys come in pairs of words');
    // Keys of distinct tokens are distinct but for a chance of about 3e-6 at ten million;
    // a key given twice never peels, so after two failed attempts the repeats are dropped.
    let distinct = keys;
    for (let attempt = 0; attempt < 100; attempt++) {
      if (attempt === 2) distinct = dedupe(keys);
      const size = distinct.length / 2;
      const { segmentLength, segmentCount } = layout(size);
      const arrayLength = (segmentCount + 2) * segmentLength;
      const seeds = [random(), random(), random()] as const;
      const table = bits === 8 ? new Uint8Array(arrayLength) : new Uint16Array(arrayLength);
      const filter = new BinaryFuseFilter(bits, size, seeds, segmentLength, segmentCount, table);
      if (filter.fill(distinct)) return filter;
    }
    throw new Error('binary fuse construction failed 100 times: are the keys random?');
  }

  /** Whether the token may be in the set (false: certainly not). */
  has(token: string): boolean {
    const [lo, hi] = tokenKey(token);
    return this.hasKey(lo, hi);
  }

  /** Whether the key (tokenKey's two words) may be in the set: the line-rate call. */
  hasKey(lo: number, hi: number): boolean {
    if (this.size === 0) return false;
    // placesOf's derivation, written out: this is the line-rate call.
    const x0 = mix32((lo ^ this.seed0) >>> 0);
    const x1 = mix32((hi ^ this.seed1) >>> 0);
    const h0 = Math.floor((x0 * this.segmentCountLength) / 4294967296);
    const h1 = (h0 + this.segmentLength) ^ (x1 & this.segmentMask);
    const h2 = (h0 + 2 * this.segmentLength) ^ (x1 >>> (32 - this.segmentBits));
    const f = mix32((x0 ^ x1 ^ this.seed2) >>> 0) & this.fingerprintMask;
    const t = this.table;
    return (f ^ (t[h0] as number) ^ (t[h1] as number) ^ (t[h2] as number)) === 0;
  }

  /**
   * hasKey for many keys (two words each, as tokenKeys gives them): `out[i]` is 1 when key
   * i may be in the set. Blocks of 64 keys have their places worked out first and their
   * table entries read after, so that the reads, which miss the cache on a large filter,
   * are in flight together rather than one per key (a lookup is bound by memory latency).
   */
  hasKeys(keys: Uint32Array, out: Uint8Array): void {
    const n = keys.length >>> 1;
    if (out.length < n) throw new RangeError('out holds fewer answers than there are keys');
    if (this.size === 0) {
      out.fill(0, 0, n);
      return;
    }
    const B = 64;
    const h0 = new Int32Array(B);
    const h1 = new Int32Array(B);
    const h2 = new Int32Array(B);
    const f = new Int32Array(B);
    const t = this.table;
    for (let start = 0; start < n; start += B) {
      const count = Math.min(B, n - start);
      for (let j = 0; j < count; j++) {
        const i = start + j;
        const x0 = mix32(((keys[2 * i] as number) ^ this.seed0) >>> 0);
        const x1 = mix32(((keys[2 * i + 1] as number) ^ this.seed1) >>> 0);
        const a = Math.floor((x0 * this.segmentCountLength) / 4294967296);
        h0[j] = a;
        h1[j] = (a + this.segmentLength) ^ (x1 & this.segmentMask);
        h2[j] = (a + 2 * this.segmentLength) ^ (x1 >>> (32 - this.segmentBits));
        f[j] = mix32((x0 ^ x1 ^ this.seed2) >>> 0) & this.fingerprintMask;
      }
      for (let j = 0; j < count; j++)
        out[start + j] =
          ((f[j] as number) ^
            (t[h0[j] as number] as number) ^
            (t[h1[j] as number] as number) ^
            (t[h2[j] as number] as number)) ===
          0
            ? 1
            : 0;
    }
  }

  /** Bits of table per key held. */
  get bitsPerKey(): number {
    return this.size === 0 ? 0 : (this.table.length * this.fingerprintBits) / this.size;
  }

  /**
   * Peels the keys off the table (each in turn the only key left at one of its three
   * places) and assigns fingerprints in reverse: false when the keys do not peel. As in
   * the paper's implementation, a place keeps the count of keys at it (×4, with the xor
   * of which of their three places it is in the low bits) and the xor of those keys, so
   * that the last key left there is read off it; the keys are taken in the order of their
   * first place, which keeps the table's writes close together.
   */
  private fill(keys: Uint32Array): boolean {
    const n = keys.length / 2;
    const length = this.table.length;
    const count = new Uint8Array(length);
    const xorLo = new Uint32Array(length);
    const xorHi = new Uint32Array(length);
    const h = new Uint32Array(4);
    // The keys by their first place's segment (a counting sort).
    const segments = this.segmentCount + 2;
    const start = new Uint32Array(segments + 1);
    const firstSegment = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const x0 = mix32(((keys[2 * i] as number) ^ this.seed0) >>> 0);
      const s = Math.floor((x0 * this.segmentCountLength) / 4294967296) >>> this.segmentBits;
      firstSegment[i] = s;
      start[s + 1] = (start[s + 1] as number) + 1;
    }
    for (let s = 0; s < segments; s++)
      start[s + 1] = (start[s + 1] as number) + (start[s] as number);
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const s = firstSegment[i] as number;
      order[start[s] as number] = i;
      start[s] = (start[s] as number) + 1;
    }
    for (let k = 0; k < n; k++) {
      const i = order[k] as number;
      const lo = keys[2 * i] as number;
      const hi = keys[2 * i + 1] as number;
      this.placesOf(lo, hi, h);
      for (let j = 0; j < 3; j++) {
        const p = h[j] as number;
        const c = count[p] as number;
        if (c >= 252) return false; // 63 keys at one place: not a random set
        count[p] = (c + 4) ^ j;
        xorLo[p] = ((xorLo[p] as number) ^ lo) >>> 0;
        xorHi[p] = ((xorHi[p] as number) ^ hi) >>> 0;
      }
    }
    const queue = new Uint32Array(length);
    let queued = 0;
    for (let p = 0; p < length; p++) if ((count[p] as number) >>> 2 === 1) queue[queued++] = p;
    // The peeled keys, in order, with the place each was alone at.
    const stackLo = new Uint32Array(n);
    const stackHi = new Uint32Array(n);
    const stackPlace = new Uint32Array(n);
    let peeled = 0;
    while (queued > 0) {
      const p = queue[--queued] as number;
      if ((count[p] as number) >>> 2 !== 1) continue;
      const lo = xorLo[p] as number;
      const hi = xorHi[p] as number;
      const found = (count[p] as number) & 3;
      stackLo[peeled] = lo;
      stackHi[peeled] = hi;
      stackPlace[peeled++] = p;
      this.placesOf(lo, hi, h);
      for (let j = 0; j < 3; j++) {
        if (j === found) continue;
        const q = h[j] as number;
        count[q] = ((count[q] as number) - 4) ^ j;
        xorLo[q] = ((xorLo[q] as number) ^ lo) >>> 0;
        xorHi[q] = ((xorHi[q] as number) ^ hi) >>> 0;
        if ((count[q] as number) >>> 2 === 1) queue[queued++] = q;
      }
      count[p] = 0;
    }
    if (peeled !== n) return false;
    const t = this.table;
    for (let k = n - 1; k >= 0; k--) {
      const lo = stackLo[k] as number;
      const hi = stackHi[k] as number;
      const p = stackPlace[k] as number;
      this.placesOf(lo, hi, h);
      t[p] =
        (h[3] as number) ^
        (t[h[0] as number] as number) ^
        (t[h[1] as number] as number) ^
        (t[h[2] as number] as number) ^
        (t[p] as number);
    }
    return true;
  }

  /** A key's three places, into `h`, and its fingerprint after them. */
  private placesOf(lo: number, hi: number, h: Uint32Array): void {
    const x0 = mix32((lo ^ this.seed0) >>> 0);
    const x1 = mix32((hi ^ this.seed1) >>> 0);
    const h0 = Math.floor((x0 * this.segmentCountLength) / 4294967296);
    h[0] = h0;
    h[1] = (h0 + this.segmentLength) ^ (x1 & this.segmentMask);
    h[2] = (h0 + 2 * this.segmentLength) ^ (x1 >>> (32 - this.segmentBits));
    h[3] = mix32((x0 ^ x1 ^ this.seed2) >>> 0) & this.fingerprintMask;
  }

  /** The byte form (docs/filters.md, "Format"): a 32-byte header, then the table. */
  toBytes(): Uint8Array {
    const tableBytes = this.table.length * (this.fingerprintBits / 8);
    const out = new Uint8Array(HEADER_BYTES + tableBytes);
    const view = new DataView(out.buffer);
    view.setUint32(0, MAGIC, true);
    view.setUint8(4, FORMAT_VERSION);
    view.setUint8(5, this.fingerprintBits);
    view.setUint32(8, this.seed0, true);
    view.setUint32(12, this.seed1, true);
    view.setUint32(16, this.seed2, true);
    view.setUint32(20, this.segmentLength, true);
    view.setUint32(24, this.segmentCount, true);
    view.setUint32(28, this.size, true);
    if (this.table instanceof Uint8Array) out.set(this.table, HEADER_BYTES);
    else
      for (let i = 0; i < this.table.length; i++)
        view.setUint16(HEADER_BYTES + 2 * i, this.table[i] as number, true);
    return out;
  }

  /** A filter from its byte form; refuses bytes that are not one, naming why. */
  static fromBytes(bytes: Uint8Array): BinaryFuseFilter {
    if (bytes.length < HEADER_BYTES) throw new TypeError('not a filter: too short');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.getUint32(0, true) !== MAGIC) throw new TypeError('not a filter: bad magic');
    if (view.getUint8(4) !== FORMAT_VERSION)
      throw new TypeError(`not a filter of format ${FORMAT_VERSION}`);
    const bits = view.getUint8(5);
    if (bits !== 8 && bits !== 16)
      throw new TypeError('not a filter: fingerprints of 8 or 16 bits');
    const segmentLength = view.getUint32(20, true);
    const segmentCount = view.getUint32(24, true);
    const size = view.getUint32(28, true);
    if (
      segmentLength < 4 ||
      segmentLength > 2 ** 16 ||
      (segmentLength & (segmentLength - 1)) !== 0 ||
      segmentCount < 1
    )
      throw new TypeError('not a filter: bad layout');
    const length = (segmentCount + 2) * segmentLength;
    if (bytes.length !== HEADER_BYTES + length * (bits / 8))
      throw new TypeError('not a filter: its table is not the length its header says');
    const table = bits === 8 ? new Uint8Array(length) : new Uint16Array(length);
    if (table instanceof Uint8Array) table.set(bytes.subarray(HEADER_BYTES));
    else for (let i = 0; i < length; i++) table[i] = view.getUint16(HEADER_BYTES + 2 * i, true);
    const seeds = [
      view.getUint32(8, true),
      view.getUint32(12, true),
      view.getUint32(16, true),
    ] as const;
    return new BinaryFuseFilter(bits, size, seeds, segmentLength, segmentCount, table);
  }
}

/** The keys with repeats dropped (two words each), in (hi, lo) order. */
function dedupe(keys: Uint32Array): Uint32Array {
  const n = keys.length >>> 1;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const hiOf = (i: number) => keys[2 * i + 1] as number;
  const loOf = (i: number) => keys[2 * i] as number;
  order.sort((a, b) => hiOf(a) - hiOf(b) || loOf(a) - loOf(b));
  const out = new Uint32Array(keys.length);
  let m = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k] as number;
    if (m > 0 && out[2 * m - 2] === loOf(i) && out[2 * m - 1] === hiOf(i)) continue;
    out[2 * m] = loOf(i);
    out[2 * m + 1] = hiOf(i);
    m++;
  }
  return out.subarray(0, 2 * m);
}
