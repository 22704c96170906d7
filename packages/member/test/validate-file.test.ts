import type { IdentifierKind } from '@credence/core/identifiers/kinds';
import { normalizeIdentifier } from '@credence/core/identifiers/normalize';
import { describe, expect, it } from 'vitest';
import { surprise } from '../src/validate-file.js';

const why = (kind: IdentifierKind, value: string) =>
  surprise({
    field: 'entities[0].value',
    raw: { kind, value },
    identifier: normalizeIdentifier(kind, value),
  });

describe('identifiers whose normal form is worth a look (member validate)', () => {
  it.each([
    ['phone', '95588', /kept, unverified/],
    ['phone', '17951 138 0013 8000', /digits were dropped/],
    ['id_number', '110105491231002', /15-digit number, tokenized as its 18-digit form/],
    ['imei', '3585317469842586', /IMEISV/],
    ['imei', '35853174698425', /check digit/],
    ['url', 'secure-pay.top/login', /read as http/],
    ['ip', '::ffff:1.2.3.4', /IPv4-mapped/],
  ] as const)('%s %j', (kind, value, expected) => {
    expect(why(kind, value)).toMatch(expected);
  });

  it.each([
    ['phone', '+86 138 0013 8000'],
    ['phone', '0086 138 0013 8000'],
    ['phone', '13800138000'],
    ['phone', '010-12345678'], // a trunk 0 dropped is the rule, not a surprise
    ['id_number', '11010519491231002X'],
    ['imei', '358531746984253'],
    ['url', 'https://secure-pay.top/login'],
    ['ip', '1.2.3.4'],
    ['bank_card', '6222 0212 3456 7890 128'],
  ] as const)('%s %j is as written', (kind, value) => {
    expect(why(kind, value)).toBeUndefined();
  });
});
