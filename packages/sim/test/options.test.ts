import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../src/options.js';

describe("the simulator's options", () => {
  it('take a start day that exists, and only such a day', () => {
    expect(resolveOptions({ start: '2024-02-29' }).start).toBe('2024-02-29');
    for (const start of ['2026-02-30', '2025-02-29', '2026-13-01', '2026-5-1'])
      expect(() => resolveOptions({ start }), start).toThrow(/start/);
  });
});
