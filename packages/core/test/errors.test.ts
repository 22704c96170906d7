import { describe, expect, it } from 'vitest';
import { CredenceError, isCredenceError } from '../src/errors.js';

// The catalogue of codes (docs/errors.md) is checked in packages/cli/test/error-catalogue.test.ts,
// which sees every package.

describe('CredenceError', () => {
  it('carries a code, safe details and a cause', () => {
    const cause = new Error('inner');
    const error = new CredenceError('x.y', 'message', { cause, details: { field: 'scale' } });
    expect(error.code).toBe('x.y');
    expect(error.details).toEqual({ field: 'scale' });
    expect(error.cause).toBe(cause);
    expect(isCredenceError(error)).toBe(true);
    expect(isCredenceError(new Error('plain'))).toBe(false);
  });
});
