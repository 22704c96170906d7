import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPermutation } from '../../src/identity/permutation.js';

describe('createPermutation', () => {
  it('is a bijection on [0, n)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.nat(), (n, key) => {
        const p = createPermutation(n, key);
        const out = new Set<number>();
        for (let i = 0; i < n; i++) {
          const x = p(i);
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThan(n);
          out.add(x);
        }
        expect(out.size).toBe(n);
      }),
      { numRuns: 30 },
    );
  });

  it('depends on its key', () => {
    const a = createPermutation(1_000_000, 1);
    const b = createPermutation(1_000_000, 2);
    expect([0, 1, 2, 3].map(a)).not.toEqual([0, 1, 2, 3].map(b));
  });

  it('rejects indexes outside its domain', () => {
    const p = createPermutation(10, 1);
    expect(() => p(10)).toThrow(RangeError);
    expect(() => p(-1)).toThrow(RangeError);
    expect(() => createPermutation(0, 1)).toThrow(RangeError);
  });
});
