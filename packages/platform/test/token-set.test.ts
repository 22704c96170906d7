import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenSet } from '../src/services/token-set.js';

describe('the compact set of flagged tokens', () => {
  it('answers as a Set does, whatever the additions and removals', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 300 })), { maxLength: 600 }),
        (ops) => {
          // Starting at 16 slots, the table doubles several times and probes wrap round.
          const set = new TokenSet(1);
          const model = new Set<string>();
          for (const [add, n] of ops) {
            const token = `token-${n}`;
            if (add) expect(set.add(token)).toBe(!model.has(token));
            else expect(set.delete(token)).toBe(model.has(token));
            if (add) model.add(token);
            else model.delete(token);
            expect(set.size).toBe(model.size);
          }
          for (let n = 0; n <= 300; n++)
            expect(set.has(`token-${n}`)).toBe(model.has(`token-${n}`));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps every key reachable when removals shift entries back across the end of the table', () => {
    // A small table, kept nearly full, so that runs of probes wrap and deletions shift.
    const set = new TokenSet(11);
    const live = new Set<string>();
    for (let round = 0; round < 5_000; round++) {
      const token = `t${round}`;
      set.add(token);
      live.add(token);
      if (live.size > 11) {
        const [first] = live;
        set.delete(first as string);
        live.delete(first as string);
      }
      for (const t of live) expect(set.has(t)).toBe(true);
      expect(set.size).toBe(live.size);
    }
    expect(set.bytes).toBe(16 * 12);
  });

  it('draws its keys per set, and tells apart strings that differ only in length or beyond 64 characters', () => {
    const a = new TokenSet(1);
    const b = new TokenSet(1);
    expect(a.add('x')).toBe(true);
    expect(b.has('x')).toBe(false);
    // Zero characters add nothing to the sum: the length's own term tells these apart.
    for (const t of ['', '\0', '\0\0', 'a', 'a\0']) expect(a.add(t)).toBe(true);
    const long = 'y'.repeat(200);
    expect(a.add(long)).toBe(true);
    expect(a.has(`${long}z`)).toBe(false);
    expect(a.add(`${long}z`)).toBe(true);
    expect(a.has(long) && a.has(`${long}z`) && a.size === 8).toBe(true);
    // Real tokens are 43 base64url characters; 20,000 of them, all held, none shared.
    const tokens = Array.from(
      { length: 20_000 },
      (_, i) => `${'A'.repeat(38)}${i.toString(36).padStart(5, '0')}`,
    );
    const set = new TokenSet();
    for (const t of tokens) expect(set.add(t)).toBe(true);
    expect(set.size).toBe(20_000);
  });
});
