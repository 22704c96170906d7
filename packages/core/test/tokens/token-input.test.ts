import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IDENTIFIER_KINDS } from '../../src/identifiers/kinds.js';
import { normalizeIdentifier } from '../../src/identifiers/normalize.js';
import { tokenInput } from '../../src/tokens/token-input.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('tokenInput (SPEC §3.1: kind || 0x00 || normalized value)', () => {
  it('encodes the kind, one zero byte and the UTF-8 value', () => {
    const phone = normalizeIdentifier('phone', '+86 138-0013-8000');
    expect(hex(tokenInput(phone))).toBe(
      Buffer.concat([
        Buffer.from('phone'),
        Buffer.from([0]),
        Buffer.from('+8613800138000'),
      ]).toString('hex'),
    );
  });

  it('encodes non-ASCII values as UTF-8', () => {
    expect([...tokenInput({ kind: 'im_account', value: 'matrix:é' })].slice(-2)).toEqual([
      0xc3, 0xa9,
    ]);
  });

  it('keeps equal digits of different kinds apart', () => {
    const digits = '6222021234567890128';
    expect(hex(tokenInput({ kind: 'bank_card', value: digits }))).not.toBe(
      hex(tokenInput({ kind: 'bank_account', value: digits })),
    );
  });

  it('is injective over (kind, value)', () => {
    const identifier = fc.record({
      kind: fc.constantFrom(...IDENTIFIER_KINDS),
      value: fc.string({ minLength: 1 }),
    });
    fc.assert(
      fc.property(identifier, identifier, (a, b) => {
        const same = a.kind === b.kind && a.value === b.value;
        expect(hex(tokenInput(a)) === hex(tokenInput(b))).toBe(same);
      }),
    );
  });
});
