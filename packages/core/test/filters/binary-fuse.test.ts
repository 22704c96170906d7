import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  BinaryFuseFilter,
  type FingerprintBits,
  tokenKey,
  tokenKeys,
} from '../../src/filters/binary-fuse.js';

/**
 * Binary fuse filters (docs/filters.md): every token in the set is found, a token outside
 * it is found at the rate the fingerprint's width says (2^-8, 2^-16), the table is about
 * 1.125 × the fingerprint's bits per token, and the byte form round-trips and refuses what
 * is not one.
 */
const token = () => randomBytes(32).toString('base64url');
const tokens = (n: number) => Array.from({ length: n }, token);
/** Seeds from a counter: a filter the same every run. */
const counter = (start: number) => {
  let x = start;
  return () => (x = (Math.imul(x, 0x9e3779b1) + 0x7f4a7c15) >>> 0);
};

describe('binary fuse filters', () => {
  for (const bits of [8, 16] as const satisfies readonly FingerprintBits[])
    it(`finds every token it holds, at any size (${bits}-bit)`, () => {
      for (const n of [0, 1, 2, 3, 4, 7, 100, 1000, 20_000]) {
        const held = tokens(n);
        const filter = BinaryFuseFilter.build(tokenKeys(held), bits);
        expect(filter.size).toBe(n);
        expect(held.filter((t) => !filter.has(t))).toEqual([]);
      }
    });

  for (const bits of [8, 16] as const satisfies readonly FingerprintBits[])
    it(`answers many keys at once as it answers each (${bits}-bit)`, () => {
      const held = tokens(10_000);
      const filter = BinaryFuseFilter.build(tokenKeys(held), bits);
      // Held and not, across block boundaries: 130 is two blocks of 64 and a part.
      const asked = [...held.slice(0, 65), ...tokens(65)];
      const keys = tokenKeys(asked);
      const out = new Uint8Array(asked.length);
      filter.hasKeys(keys, out);
      expect([...out]).toEqual(asked.map((t) => (filter.has(t) ? 1 : 0)));
      expect(out.slice(0, 65).every((a) => a === 1)).toBe(true);
      const empty = BinaryFuseFilter.build(new Uint32Array(0), bits);
      empty.hasKeys(keys, out);
      expect(out.every((a) => a === 0)).toBe(true);
      expect(() => filter.hasKeys(keys, new Uint8Array(3))).toThrow(RangeError);
    });

  it('answers an empty set with no for everything', () => {
    const filter = BinaryFuseFilter.build(new Uint32Array(0));
    expect(tokens(1000).filter((t) => filter.has(t))).toEqual([]);
  });

  it('finds tokens outside the set at the rate its fingerprint width says', () => {
    // 8 bits: 2^-8 of 400,000 probes is 1,562.5 (standard deviation 39.5); 16 bits:
    // 2^-16 of 2,000,000 is 30.5 (5.5). Bounds at five standard deviations.
    const held = tokenKeys(tokens(50_000));
    const probe = new Uint32Array(4_000_000);
    for (let i = 0; i < probe.length; i += 2) {
      probe[i] = (Math.random() * 2 ** 32) >>> 0;
      probe[i + 1] = (Math.random() * 2 ** 32) >>> 0;
    }
    const found = (bits: FingerprintBits, probes: number) => {
      const filter = BinaryFuseFilter.build(held, bits);
      let hits = 0;
      for (let i = 0; i < probes; i++)
        if (filter.hasKey(probe[2 * i] as number, probe[2 * i + 1] as number)) hits++;
      return hits;
    };
    const eight = found(8, 400_000);
    expect(eight).toBeGreaterThan(1562.5 - 5 * 39.5);
    expect(eight).toBeLessThan(1562.5 + 5 * 39.5);
    const sixteen = found(16, 2_000_000);
    expect(sixteen).toBeGreaterThan(30.5 - 5 * 5.5);
    expect(sixteen).toBeLessThan(30.5 + 5 * 5.5);
  });

  it('takes about 1.125 × its fingerprint bits per token at size', () => {
    // The paper's size factor at n = 200,000 is max(1.125, 0.875 + 0.25 ln 10^6 / ln n) = 1.157.
    const keys = tokenKeys(tokens(200_000));
    expect(BinaryFuseFilter.build(keys, 8).bitsPerKey).toBeGreaterThan(8 * 1.125);
    expect(BinaryFuseFilter.build(keys, 8).bitsPerKey).toBeLessThan(8 * 1.2);
    expect(BinaryFuseFilter.build(keys, 16).bitsPerKey).toBeLessThan(16 * 1.2);
  });

  it('holds a token given twice once', () => {
    const held = tokens(500);
    const filter = BinaryFuseFilter.build(tokenKeys([...held, ...held.slice(0, 100)]));
    expect(filter.size).toBe(500);
    expect(held.filter((t) => !filter.has(t))).toEqual([]);
  });

  it('round-trips its byte form, and refuses bytes that are not one', () => {
    for (const bits of [8, 16] as const) {
      const held = tokens(3000);
      const filter = BinaryFuseFilter.build(tokenKeys(held), bits);
      const bytes = filter.toBytes();
      const back = BinaryFuseFilter.fromBytes(bytes);
      expect(back.toBytes()).toEqual(bytes);
      expect(held.filter((t) => !back.has(t))).toEqual([]);
      const others = tokens(2000);
      expect(others.map((t) => back.has(t))).toEqual(others.map((t) => filter.has(t)));
      expect(() => BinaryFuseFilter.fromBytes(bytes.subarray(0, 20))).toThrow(/too short/);
      expect(() => BinaryFuseFilter.fromBytes(bytes.subarray(0, bytes.length - 1))).toThrow(
        /not the length/,
      );
      const edit = (at: number, value: number) => {
        const copy = bytes.slice();
        copy[at] = value;
        return copy;
      };
      expect(() => BinaryFuseFilter.fromBytes(edit(0, 0))).toThrow(/magic/);
      expect(() => BinaryFuseFilter.fromBytes(edit(4, 2))).toThrow(/format 1/);
      expect(() => BinaryFuseFilter.fromBytes(edit(5, 12))).toThrow(/8 or 16 bits/);
      expect(() => BinaryFuseFilter.fromBytes(edit(20, 3))).toThrow(/layout/);
    }
  });

  it('is the same bytes for the same tokens and seeds (the format pinned)', () => {
    // Tokens and seeds from counters: any change to the hashing, the layout or the byte
    // order changes these digests (recorded when the format was fixed), and every filter
    // already published would answer wrongly in a member's check.
    const next = counter(1);
    const keys = new Uint32Array(2000);
    for (let i = 0; i < keys.length; i++) keys[i] = next();
    const digest = (bits: FingerprintBits) =>
      createHash('sha256')
        .update(BinaryFuseFilter.build(keys, bits, counter(7)).toBytes())
        .digest('hex');
    expect(digest(8)).toBe(digest(8));
    expect({ 8: digest(8), 16: digest(16) }).toEqual({
      8: 'ec10810de5e92490261b1fd370264fb22d23303d8d0ba41d5027d61420a92d7f',
      16: 'f7c22d22a3f58b454552ce8fadbddd95a3f9d42f3346f89f34a73683cd53a4b9',
    });
  });

  it('keys a token by its bytes folded to 8, and refuses what is not a token', () => {
    const bytes = new Uint8Array(32);
    bytes[0] = 1;
    bytes[4] = 2;
    expect(tokenKey(Buffer.from(bytes).toString('base64url'))).toEqual([1, 2]);
    // A difference in the last bytes is a difference in the key.
    bytes[31] = 0x80;
    expect(tokenKey(Buffer.from(bytes).toString('base64url'))).toEqual([1, (2 ^ 0x80000000) >>> 0]);
    // Tokens that differ only in the last character's spare bits stay apart.
    const spare = (c: string) => tokenKey(`${'A'.repeat(42)}${c}`);
    expect(spare('B')).not.toEqual(spare('A'));
    expect(() => tokenKey('+8613800138000')).toThrow(/not a token/);
    expect(() => tokenKey(`${'A'.repeat(42)}+`)).toThrow(/not a token/);
    expect(() => tokenKey('AAAA')).toThrow(/not a token/);
  });
});
