import { describe, expect, it } from 'vitest';
import { iso7064Mod11_2, luhnCheckDigit, luhnValid } from '../../src/identifiers/checksums.js';

describe('Luhn (ISO/IEC 7812-1 Annex B)', () => {
  it.each([
    ['79927398713'], // the worked example of the Luhn algorithm
    ['4111111111111111'], // published card-network test numbers
    ['5555555555554444'],
    ['378282246310005'],
    ['6200000000000005'], // UnionPay test numbers
    ['6205500000000000004'],
    ['490154203237518'], // IMEI example of 3GPP TS 23.003 Annex B
  ])('accepts %s', (digits) => {
    expect(luhnValid(digits)).toBe(true);
  });

  it('computes the check digit of a payload', () => {
    expect(luhnCheckDigit('7992739871')).toBe(3);
    expect(luhnCheckDigit('49015420323751')).toBe(8);
  });

  it('rejects every single-digit change of a valid number', () => {
    const valid = '6205500000000000004';
    for (let i = 0; i < valid.length; i++) {
      for (let d = 0; d <= 9; d++) {
        const c = String(d);
        if (c === valid[i]) continue;
        expect(luhnValid(valid.slice(0, i) + c + valid.slice(i + 1))).toBe(false);
      }
    }
  });

  it('rejects inputs too short to carry a check digit', () => {
    expect(luhnValid('')).toBe(false);
    expect(luhnValid('0')).toBe(false);
  });
});

describe('ISO 7064 MOD 11-2 (GB 11643-1999)', () => {
  it.each([
    ['11010519491231002', 'X'], // the standard's own example
    ['44052418800101001', '4'],
    ['34052419800101001', 'X'],
  ])('check character of %s is %s', (payload, check) => {
    expect(iso7064Mod11_2(payload)).toBe(check);
  });
});
