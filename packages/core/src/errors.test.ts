import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CredenceError, isCredenceError } from './errors.js';
import { IDENTIFIER_ERRORS } from './identifiers/identifier-error.js';

const catalogue = readFileSync(resolve(import.meta.dirname, '../../../docs/errors.md'), 'utf8');
const documented = new Map(
  [...catalogue.matchAll(/^\| `([a-z_.]+)` \| (.+) \|$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']),
);

describe('the error catalogue (docs/errors.md)', () => {
  it('documents every identifier error with its message', () => {
    for (const [code, message] of Object.entries(IDENTIFIER_ERRORS)) {
      expect(documented.get(code), code).toBe(message);
    }
  });

  it('documents the simulator errors', () => {
    expect(documented.has('sim.invalid_option')).toBe(true);
  });

  it('lists no code the software does not have', () => {
    const known = new Set([...Object.keys(IDENTIFIER_ERRORS), 'sim.invalid_option']);
    for (const code of documented.keys()) expect(known.has(code), code).toBe(true);
  });
});

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
