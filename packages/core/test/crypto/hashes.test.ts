import { hmac } from '@noble/hashes/hmac.js';
import { sha256 as nobleSha256, sha512 as nobleSha512 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  hmacSha256,
  NATIVE_SHA2,
  sha256,
  sha256Parts,
  sha512,
  sha512Parts,
} from '../../src/crypto/hashes.js';
import { toHex } from '../../src/encoding/bytes.js';

describe('SHA-2 behind one API', () => {
  it("runs on Node's native SHA-2 here", () => {
    expect(NATIVE_SHA2).toBe(true);
  });

  it('gives what noble gives, for any bytes, in one piece or in parts', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 4 }), (parts) => {
        const whole = new Uint8Array(parts.flatMap((p) => [...p]));
        expect(toHex(sha256(whole))).toBe(toHex(nobleSha256(whole)));
        expect(toHex(sha512(whole))).toBe(toHex(nobleSha512(whole)));
        expect(toHex(sha256Parts(parts))).toBe(toHex(nobleSha256(whole)));
        expect(toHex(sha512Parts(parts))).toBe(toHex(nobleSha512(whole)));
      }),
    );
  });

  it('hands out arrays of its own, which a caller may change', () => {
    const a = sha256('x');
    const b = sha256('x');
    a[0] = (a[0] ?? 0) ^ 1;
    expect(toHex(b)).toBe(toHex(nobleSha256(new TextEncoder().encode('x'))));
    expect(a.slice().buffer).not.toBe(a.buffer);
  });

  it('gives RFC 4231 test case 2 for HMAC-SHA-256', () => {
    const key = new TextEncoder().encode('Jefe');
    expect(toHex(hmacSha256(key, 'what do ya want for nothing?'))).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
    expect(toHex(hmacSha256(key, 'x'))).toBe(
      toHex(hmac(nobleSha256, key, new TextEncoder().encode('x'))),
    );
  });
});
