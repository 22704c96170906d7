import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../src/options.js';

describe("the simulator's options", () => {
  it('take a start day that exists, and only such a day', () => {
    expect(resolveOptions({ start: '2024-02-29' }).start).toBe('2024-02-29');
    for (const start of ['2026-02-30', '2025-02-29', '2026-13-01', '2026-5-1'])
      expect(() => resolveOptions({ start }), start).toThrow(/start/);
  });

  it('take a laundering count and a variant, and refuse what is not one', () => {
    expect(resolveOptions({ laundering: 40, variant: 2 })).toMatchObject({
      laundering: 40,
      variant: 2,
    });
    expect(resolveOptions({}).laundering).toBeUndefined();
    for (const laundering of [-1, Number.NaN, 20_000])
      expect(() => resolveOptions({ laundering }), String(laundering)).toThrow(/laundering/);
    for (const variant of [-1, 1.5, 2 ** 32])
      expect(() => resolveOptions({ variant }), String(variant)).toThrow(/variant/);
  });
});
