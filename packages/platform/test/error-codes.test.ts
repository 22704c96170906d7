import { PROBLEMS } from '@credence/server-kit/problem';
import { describe, expect, it } from 'vitest';
import { PLATFORM_ERROR_CODES } from '../src/domain/errors.js';

describe("the platform's error codes", () => {
  it('are each a problem of the HTTP edge, so that none becomes a 500', () => {
    for (const code of PLATFORM_ERROR_CODES) {
      expect(Object.hasOwn(PROBLEMS, code), code).toBe(true);
      expect(PROBLEMS[code].status, code).toBeGreaterThanOrEqual(400);
      expect(PROBLEMS[code].status, code).toBeLessThan(500);
    }
  });
});
