import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64url, encodeBase64url } from '../../src/encoding/base64url.js';

describe('base64url without padding (RFC 4648 §5)', () => {
  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const text = encodeBase64url(bytes);
        expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
        expect(decodeBase64url(text)).toEqual(bytes);
      }),
    );
  });

  it('refuses padding, the standard alphabet, whitespace and non-canonical spellings', () => {
    expect(decodeBase64url('AQ==')).toBeUndefined();
    expect(decodeBase64url('+/8')).toBeUndefined();
    expect(decodeBase64url('AQ ')).toBeUndefined();
    expect(decodeBase64url('A')).toBeUndefined(); // a length no encoding has
    expect(decodeBase64url('AR')).toBeUndefined(); // trailing bits set: decodes like "AQ"
    expect(decodeBase64url('AQ')).toEqual(new Uint8Array([1]));
  });
});
