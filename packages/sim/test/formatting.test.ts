import type { IdentifierKind } from '@credence/core/identifiers/kinds';
import { normalizeIdentifier, tryNormalizeIdentifier } from '@credence/core/identifiers/normalize';
import { describe, expect, it } from 'vitest';
import { type HouseStyle, personRaw, systemRaw, typo } from '../src/formatting.js';
import {
  bankCard,
  btcAddress,
  deviceId,
  ethAddress,
  fixedLine,
  idNumber,
  imei,
  mobileNumber,
  offshoreIp,
  overseasIban,
  overseasMobile,
  paymentAccount,
  serviceNumber,
  tronAddress,
} from '../src/identity/numbers.js';
import { Rng } from '../src/rng.js';

const SEED = 3;
const SAMPLES: readonly (readonly [IdentifierKind, string])[] = [
  ['phone', mobileNumber(SEED, 'op', ['138'], 5)],
  ['phone', overseasMobile(SEED, 2)],
  ['phone', fixedLine(SEED, '10', 7)],
  ['phone', fixedLine(SEED, '755', 7)],
  ['phone', serviceNumber(SEED, 7)],
  ['bank_card', bankCard(SEED, '621100', 5, 19)],
  ['bank_account', paymentAccount(SEED, '2088', 5)],
  ['bank_account', overseasIban(SEED, 5)],
  ['id_number', idNumber(SEED, 5)],
  ['imei', imei(SEED, 5)],
  ['device_id', deviceId(SEED, 5)],
  ['ip', offshoreIp(SEED, 5)],
  ['url', 'http://www.xinshenggj1a.top/login?code=1234'],
  ['url', 'https://fake-bank.github.io/pay'],
  ['domain', 'xinshenggj1a.top'],
  ['email', 'xinshenggj.2b@163.com'],
  ['app', 'com.xinsheng.licai3'],
  ['wallet', tronAddress(SEED, 5)],
  ['wallet', ethAddress(SEED, 5)],
  ['wallet', btcAddress(SEED, 5)],
  ['im_account', 'wechat:wxid_abcdefghij2s'],
  ['im_account', 'qq:123456789'],
  ['im_account', 'telegram:xinsheng_kefu9'],
];

function allStyles(): HouseStyle[] {
  const styles: HouseStyle[] = [];
  for (const phone of ['e164', 'national', 'spaced', 'idd'] as const)
    for (const card of ['plain', 'spaced', 'dashed'] as const)
      for (const imeiStyle of ['plain', 'dashed', 'imeisv'] as const)
        for (const imPrefix of ['canonical', 'capitalised', 'chinese'] as const)
          for (const flag of [false, true])
            styles.push({
              phone,
              card,
              imei: imeiStyle,
              deviceUpper: flag,
              imPrefix,
              walletChecksumCase: flag,
            });
  return styles;
}

describe('raw spellings normalize back to the canonical value', () => {
  it('in every house style of a member system', () => {
    const rng = Rng.of(1);
    for (const style of allStyles()) {
      for (const [kind, value] of SAMPLES) {
        expect(normalizeIdentifier(kind, systemRaw(kind, value, style, rng)).value).toBe(value);
      }
    }
  });

  it('in whatever way a person writes them', () => {
    const rng = Rng.of(2);
    for (let i = 0; i < 200; i++) {
      for (const [kind, value] of SAMPLES) {
        for (const lang of ['zh', 'en'] as const) {
          expect(normalizeIdentifier(kind, personRaw(kind, value, rng, lang)).value).toBe(value);
        }
      }
    }
  });

  it('and the spellings really vary', () => {
    const rng = Rng.of(3);
    const phone = SAMPLES[0]?.[1] ?? '';
    const spellings = new Set(
      Array.from({ length: 200 }, () => personRaw('phone', phone, rng, 'zh')),
    );
    expect(spellings.size).toBeGreaterThanOrEqual(5);
  });
});

describe('typo', () => {
  it('always changes a value with enough digits', () => {
    const rng = Rng.of(4);
    for (const [kind, value] of SAMPLES.filter(([k]) =>
      ['phone', 'bank_card', 'id_number'].includes(k),
    )) {
      for (let i = 0; i < 50; i++) expect(typo(value, rng), kind).not.toBe(value);
    }
  });

  it('is usually caught by a check digit', () => {
    const rng = Rng.of(5);
    const card = bankCard(SEED, '621100', 9, 19);
    let caught = 0;
    for (let i = 0; i < 500; i++)
      if (!tryNormalizeIdentifier('bank_card', typo(card, rng)).ok) caught++;
    // Luhn catches every single-digit change and all transpositions but 09/90.
    expect(caught / 500).toBeGreaterThan(0.9);
  });
});
