import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkEventTime, MAX_CLOCK_SKEW_MS, parseDateTime } from '../../src/wire/date-time.js';

describe('parseDateTime (strict RFC 3339)', () => {
  it('agrees with Date.parse on every real date-time', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1000-01-01T00:00:00Z'),
          max: new Date('9998-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
        fc.stringMatching(/^(\.\d{1,9})?$/),
        (date, offset, fraction) => {
          // The same instant written in local time at the offset.
          const local = new Date(date.getTime() + offset * 60_000).toISOString().slice(0, 19);
          const sign = offset < 0 ? '-' : '+';
          const abs = Math.abs(offset);
          const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
          const text = `${local}${fraction}${zone}`;
          expect(parseDateTime(text)).toBe(Date.parse(text));
        },
      ),
    );
  });

  it('refuses what Date.parse rolls over or reads as another time', () => {
    for (const text of [
      '2026-02-30T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2100-02-29T00:00:00Z',
      '2026-00-10T00:00:00Z',
      '2026-11-00T00:00:00Z',
      '2026-11-20T24:00:00Z',
      '2026-11-20T10:12:60Z',
      '2026-11-20T10:12:00+08:60',
      '2026-11-20t10:12:00z',
      '2026-11-20T10:12:00.Z',
      ' 2026-11-20T10:12:00Z',
    ])
      expect(parseDateTime(text), text).toBeUndefined();
    expect(parseDateTime('2000-02-29T00:00:00Z')).toBe(Date.UTC(2000, 1, 29));
  });

  it('keeps events between 1990 and now plus the skew', () => {
    const now = Date.UTC(2026, 11, 3);
    const at = (ms: number) => checkEventTime(new Date(ms).toISOString(), now);
    expect(at(now + MAX_CLOCK_SKEW_MS)).toEqual({ ok: true, ms: now + MAX_CLOCK_SKEW_MS });
    expect(at(now + MAX_CLOCK_SKEW_MS + 1)).toMatchObject({ ok: false, problem: 'range' });
    expect(at(Date.UTC(1990, 0, 1))).toMatchObject({ ok: true });
    expect(at(Date.UTC(1990, 0, 1) - 1)).toMatchObject({ ok: false, problem: 'range' });
    expect(checkEventTime(42, now)).toMatchObject({ ok: false, problem: 'format' });
  });
});
