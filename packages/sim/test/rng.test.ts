import { describe, expect, it } from 'vitest';
import { hash32, mix32, Rng } from '../src/rng.js';

describe('Rng', () => {
  it('is a function of its labelled seed parts', () => {
    const a = Rng.of(7, 'ring', 3);
    const b = Rng.of(7, 'ring', 3);
    const xs = Array.from({ length: 100 }, () => a.u32());
    expect(Array.from({ length: 100 }, () => b.u32())).toEqual(xs);
    const c = Rng.of(7, 'ring', 4);
    expect(Array.from({ length: 100 }, () => c.u32())).not.toEqual(xs);
  });

  it('forks streams that do not depend on later use of the parent', () => {
    const a = Rng.of(1);
    const b = Rng.of(1);
    const childA = a.fork('x');
    b.fork('x');
    b.u32();
    expect(childA.u32()).toBe(Rng.of(1).fork('x').u32());
  });

  it('draws integers within inclusive bounds, reaching both', () => {
    const rng = Rng.of(42);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const x = rng.int(3, 7);
      expect(x).toBeGreaterThanOrEqual(3);
      expect(x).toBeLessThanOrEqual(7);
      seen.add(x);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7]);
  });

  it('has the Poisson mean it is asked for', () => {
    const rng = Rng.of(5);
    for (const mean of [0.5, 4, 50]) {
      let total = 0;
      for (let i = 0; i < 20_000; i++) total += rng.poisson(mean);
      expect(total / 20_000).toBeCloseTo(mean, mean < 1 ? 1 : 0);
    }
  });

  it('picks by weight', () => {
    const rng = Rng.of(9);
    let heavy = 0;
    for (let i = 0; i < 10_000; i++)
      if (
        rng.weighted([
          ['a', 1],
          ['b', 3],
        ] as const) === 'b'
      )
        heavy++;
    expect(heavy / 10_000).toBeCloseTo(0.75, 1);
  });

  it('samples without repetition', () => {
    const picked = Rng.of(3).sample([1, 2, 3, 4, 5, 6], 4);
    expect(new Set(picked).size).toBe(4);
  });

  it('mixes and hashes to unsigned 32-bit values', () => {
    expect(mix32(0)).toBe(0);
    expect(mix32(1)).not.toBe(1);
    expect(hash32('a', 1)).not.toBe(hash32('a', 2));
    expect(hash32(2 ** 40)).not.toBe(hash32(0));
    expect(hash32('x')).toBeLessThan(2 ** 32);
  });
});
