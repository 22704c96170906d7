import { describe, expect, it } from 'vitest';
import { DEVELOPMENT_SEEDS, qualityWorlds, simArgs, TEST_SEEDS } from '../src/quality.js';

describe('the quality protocol', () => {
  it('keeps test seeds apart from development seeds: at least ten, at two scales', () => {
    const test = TEST_SEEDS.map((s) => s.seed);
    expect(test.filter((s) => (DEVELOPMENT_SEEDS as readonly number[]).includes(s))).toEqual([]);
    expect(new Set(TEST_SEEDS.map((s) => s.scale))).toEqual(new Set([1, 2]));
    for (const scale of [1, 2])
      expect(TEST_SEEDS.filter((s) => s.scale === scale).length).toBeGreaterThanOrEqual(10);
  });

  it('runs one split when asked, each seed as stories and with laundering', () => {
    const dev = qualityWorlds({ quick: false, split: 'dev' });
    expect(dev.every((w) => w.split === 'dev' && !w.pipeline)).toBe(true);
    expect(dev).toHaveLength(2 * DEVELOPMENT_SEEDS.length);
    const test = qualityWorlds({ quick: false, split: 'test' });
    expect(test.every((w) => w.split === 'test')).toBe(true);
    // Stories and laundering of each test seed, variants 1–5 of each scale-1 one.
    expect(test).toHaveLength(2 * 20 + 5 * 10);
    expect(test.filter((w) => w.pipeline).map((w) => w.seed)).toEqual([101, 101]);
    const quick = qualityWorlds({ quick: true });
    expect(quick.length).toBeLessThan(test.length);
    expect(quick.some((w) => w.split === 'test' && w.scale === 2)).toBe(true);
  });

  it('makes each world with the simulator’s flags', () => {
    expect(
      simArgs({ split: 'test', seed: 101, scale: 1, kind: 'stories', pipeline: false }),
    ).toEqual(['--seed', '101', '--scale', '1']);
    expect(
      simArgs({ split: 'test', seed: 201, scale: 2, kind: 'laundering', pipeline: false }),
    ).toEqual([
      '--seed',
      '201',
      '--scale',
      '2',
      '--laundering',
      '40',
      '--days',
      '365',
      '--start',
      '2025-11-01',
    ]);
    expect(
      simArgs({ split: 'test', seed: 101, scale: 1, kind: 'variant 3', pipeline: false }),
    ).toEqual(['--seed', '101', '--scale', '1', '--variant', '3']);
  });
});
