import { createHash, randomBytes } from 'node:crypto';

/** Slots are at most this full before the table doubles. */
const MAX_LOAD = 0.75;
const WORDS = 3;

/** The universal hash's modulus, the Mersenne prime 2^31 - 1. */
const P = 2 ** 31 - 1;
/** Characters with a key of their own; a longer string is first hashed down to 43. */
const MAX_CHARS = 64;

/**
 * A set of tokens in 12 bytes a slot (issue 19): what an API node keeps of every flagged
 * token, where a Map of token strings to summaries took about 0.8 KB each (480 MB at
 * 500,000 tokens). A token is held as three 31-bit hashes in an open-addressing table
 * with linear probing and backward-shift deletion: 50 million tokens take a table of
 * 2^26 slots, 768 MiB.
 *
 * Each hash is Σ k_i·c_i + k_len·len (mod 2^31 - 1) over the token's character codes c_i,
 * with keys k drawn at random by this process: a universal family, so two given distinct
 * tokens collide in all three with probability 2^-93 over the keys (among 50 million
 * tokens, 10^-13 that any pair does). Two tokens that collided would be one to the set,
 * and the retraction of one would take the other out with it; since the keys are this
 * process's secret and nothing the set computes is ever shown, a member cannot make up a
 * token that collides with a victim's better than by that chance, whatever it chooses.
 */
export class TokenSet {
  /** Per hash, a key per character position, then one for the length. */
  private readonly keys: Float64Array[];
  private words: Uint32Array;
  private mask: number;
  private count = 0;
  private readonly key = new Uint32Array(WORDS);

  constructor(capacity = 1024) {
    let slots = 16;
    while (slots * MAX_LOAD < capacity) slots *= 2;
    const random = new Uint32Array(randomBytes(4 * WORDS * (MAX_CHARS + 1)).buffer);
    this.keys = Array.from({ length: WORDS }, (_, j) =>
      Float64Array.from(
        random.subarray(j * (MAX_CHARS + 1), (j + 1) * (MAX_CHARS + 1)),
        (r) => r % P,
      ),
    );
    this.words = new Uint32Array(slots * WORDS);
    this.mask = slots - 1;
  }

  get size(): number {
    return this.count;
  }

  /** The table's bytes. */
  get bytes(): number {
    return this.words.byteLength;
  }

  has(token: string): boolean {
    return this.find(this.hash(token)) >= 0;
  }

  /** Adds the token; false when it was there. */
  add(token: string): boolean {
    const k = this.hash(token);
    if (this.find(k) >= 0) return false;
    if ((this.count + 1) / (this.mask + 1) > MAX_LOAD) this.grow();
    this.place(this.words, this.mask, k[0] as number, k[1] as number, k[2] as number);
    this.count++;
    return true;
  }

  /** Removes the token; false when it was not there. */
  delete(token: string): boolean {
    let hole = this.find(this.hash(token));
    if (hole < 0) return false;
    const w = this.words;
    const mask = this.mask;
    // Backward shift: each entry after the hole, up to the next empty slot, moves into the
    // hole unless its home slot lies after the hole (cyclically), so that every entry
    // stays reachable from its home without tombstones.
    for (let j = (hole + 1) & mask; ; j = (j + 1) & mask) {
      const a = w[j * WORDS] as number;
      if (a === 0 && w[j * WORDS + 1] === 0 && w[j * WORDS + 2] === 0) break;
      const home = a & mask;
      const stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (stays) continue;
      w[hole * WORDS] = a;
      w[hole * WORDS + 1] = w[j * WORDS + 1] as number;
      w[hole * WORDS + 2] = w[j * WORDS + 2] as number;
      hole = j;
    }
    w[hole * WORDS] = 0;
    w[hole * WORDS + 1] = 0;
    w[hole * WORDS + 2] = 0;
    this.count--;
    return true;
  }

  /** The token's three hashes; never all zero, which marks an empty slot. */
  private hash(token: string): Uint32Array {
    const text =
      token.length <= MAX_CHARS ? token : createHash('sha256').update(token).digest('base64url');
    const k = this.key;
    for (let j = 0; j < WORDS; j++) {
      const keys = this.keys[j] as Float64Array;
      // Each term is below 2^47 (a UTF-16 code times a key below 2^31): sums of 32 terms
      // stay exact in a double, and are reduced before the next 32.
      let h = (keys[MAX_CHARS] as number) * text.length;
      for (let i = 0; i < text.length; i++) {
        h += (keys[i] as number) * text.charCodeAt(i);
        if ((i & 31) === 31) h %= P;
      }
      k[j] = h % P;
    }
    if (k[0] === 0 && k[1] === 0 && k[2] === 0) k[2] = 1;
    return k;
  }

  /** The slot holding the key, or -1. */
  private find(k: Uint32Array): number {
    const w = this.words;
    const [a, b, c] = k as unknown as [number, number, number];
    for (let i = a & this.mask; ; i = (i + 1) & this.mask) {
      const x = w[i * WORDS] as number;
      const y = w[i * WORDS + 1] as number;
      const z = w[i * WORDS + 2] as number;
      if (x === a && y === b && z === c) return i;
      if (x === 0 && y === 0 && z === 0) return -1;
    }
  }

  private place(w: Uint32Array, mask: number, a: number, b: number, c: number): void {
    let i = a & mask;
    while (w[i * WORDS] !== 0 || w[i * WORDS + 1] !== 0 || w[i * WORDS + 2] !== 0)
      i = (i + 1) & mask;
    w[i * WORDS] = a;
    w[i * WORDS + 1] = b;
    w[i * WORDS + 2] = c;
  }

  /** Doubles the table: a key's home is its first word's low bits, so nothing is hashed again. */
  private grow(): void {
    const old = this.words;
    const slots = (this.mask + 1) * 2;
    const w = new Uint32Array(slots * WORDS);
    const mask = slots - 1;
    for (let i = 0; i < old.length; i += WORDS) {
      const a = old[i] as number;
      const b = old[i + 1] as number;
      const c = old[i + 2] as number;
      if (a !== 0 || b !== 0 || c !== 0) this.place(w, mask, a, b, c);
    }
    this.words = w;
    this.mask = mask;
  }
}
