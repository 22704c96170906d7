import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxJsonBytes, patternMaxBytes } from '../src/http/body-limits.js';
import * as S from '../src/http/schemas.js';

/**
 * Every pattern of a string in a request schema, wherever it sits, that is the string's
 * only bound (free text with a maxLength may have a pattern of what it may hold, such as
 * no NUL: its bound is its length, tested below).
 */
function patterns(schema: unknown, found = new Set<string>()): Set<string> {
  if (schema === null || typeof schema !== 'object') return found;
  const s = schema as Record<string, unknown>;
  if (typeof s.pattern === 'string' && s.maxLength === undefined) found.add(s.pattern);
  for (const value of Object.values(s)) patterns(value, found);
  return found;
}

const REQUESTS = [
  S.reportBatch,
  S.linkBatch,
  S.checkRequest,
  S.watchRequest,
  S.unwatchRequest,
  S.newMemberRequest,
  S.retractRequest,
  S.cosignatureRequest,
  S.oprfUsageRequest,
];

const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

describe('the largest JSON a schema admits', () => {
  it('knows the length of every pattern the request schemas use', () => {
    expect(patternMaxBytes('^[A-Za-z0-9_-]{43}$')).toBe(43);
    expect(patternMaxBytes('^[a-z0-9][a-z0-9-]{0,62}$')).toBe(63);
    expect(
      patternMaxBytes(
        '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$',
      ),
    ).toBe('2026-11-25T10:00:00.123456789+08:00'.length);
    expect(patternMaxBytes('^mh1\\.[A-Za-z0-9_-]{683}$')).toBe(687);
    expect(patternMaxBytes('^"[\\\\]{2}$')).toBe(2 + 2 * 2); // a quote and backslashes escaped
  });

  it('calls unbounded what bounds nothing', () => {
    for (const p of ['abc', '^abc', 'abc$', '^a|b$', '^a+$', '^a*$', '^a{2,}$', '^[^a]$', '^.{3}x'])
      expect(patternMaxBytes(p), p).toBe(Number.POSITIVE_INFINITY);
    expect(patternMaxBytes('^.{3}$')).toBe(18); // any character may be a control one: \u0001
    expect(maxJsonBytes({ type: 'object' })).toBe(Number.POSITIVE_INFINITY);
    expect(maxJsonBytes({ type: 'array', items: { type: 'null' } })).toBe(Number.POSITIVE_INFINITY);
    expect(maxJsonBytes({ type: 'string' })).toBe(Number.POSITIVE_INFINITY);
  });

  it('bounds every string matching a request pattern', () => {
    for (const pattern of [...new Set(REQUESTS.flatMap((r) => [...patterns(r)]))]) {
      const bound = patternMaxBytes(pattern);
      expect(bound, pattern).toBeLessThan(Number.POSITIVE_INFINITY);
      fc.assert(
        fc.property(fc.stringMatching(new RegExp(pattern)), (s) => jsonBytes(s) - 2 <= bound),
        { numRuns: 200 },
      );
    }
  });

  it('bounds free text by its length in the widest characters JSON writes', () => {
    const schema = { type: 'string', maxLength: 40 } as const;
    fc.assert(
      fc.property(fc.string({ maxLength: 40, unit: 'binary' }), (s) => {
        return jsonBytes(s) <= maxJsonBytes(schema);
      }),
    );
    expect(jsonBytes('\u0001'.repeat(40))).toBe(maxJsonBytes(schema));
    expect(jsonBytes('\ud800'.repeat(40))).toBe(maxJsonBytes(schema));
  });

  it('bounds numbers, enums, arrays and closed objects', () => {
    expect(maxJsonBytes({ type: 'integer', minimum: 1, maximum: 1_000_000_000 })).toBe(10);
    expect(maxJsonBytes({ type: 'integer', minimum: 0 })).toBe(jsonBytes(Number.MAX_VALUE));
    expect(maxJsonBytes({ type: 'number' })).toBe(jsonBytes(-Number.MAX_VALUE));
    expect(maxJsonBytes({ enum: ['a', 'bcd'] })).toBe(5);
    expect(
      maxJsonBytes({
        type: 'object',
        additionalProperties: false,
        properties: {
          xs: { type: 'array', maxItems: 3, items: { type: 'boolean' } },
          n: { type: ['integer', 'null'], minimum: -5, maximum: 5 },
        },
      }),
    ).toBe(jsonBytes({ xs: [false, false, false], n: null }));
  });
});
