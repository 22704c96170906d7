import { normalizeIdentifier } from '@credence/core/identifiers/normalize';
import { describe, expect, it } from 'vitest';
import {
  accessIp,
  bankCard,
  btcAddress,
  CN_MOBILE_PREFIXES,
  CN_MVNO_PREFIXES,
  deviceId,
  domesticAccount,
  eip55,
  ethAddress,
  fixedLine,
  idNumber,
  imei,
  mobileNumber,
  OVERSEAS_MOBILE,
  offshoreIp,
  overseasIban,
  overseasMobile,
  paymentAccount,
  serviceNumber,
  tronAddress,
} from '../../src/identity/numbers.js';

/** A generated value must be valid and already in the normalized form of core. */
function canonical(kind: string, value: string): void {
  expect(normalizeIdentifier(kind, value).value).toBe(value);
}

const SEED = 11;
const COUNTERS = [0, 1, 2, 999, 123_456, 4_000_000, 99_999_999];

describe('generated identifiers are valid and canonical', () => {
  it('mobile numbers of every block', () => {
    for (const prefix of [...CN_MOBILE_PREFIXES, ...CN_MVNO_PREFIXES]) {
      for (const n of [0, 7, 31_337])
        canonical('phone', mobileNumber(SEED, `op-${prefix}`, [prefix], n));
    }
  });

  it('overseas, fixed-line and service numbers', () => {
    for (let n = 0; n < OVERSEAS_MOBILE.length * 3; n++)
      canonical('phone', overseasMobile(SEED, n));
    for (const area of ['10', '21', '20', '755', '571', '28'])
      for (const n of [0, 1, 999, 123_456, 7_999_999]) canonical('phone', fixedLine(SEED, area, n));
    for (const n of [0, 1, 999, 123_456, 9_999_999]) canonical('phone', serviceNumber(SEED, n));
  });

  it('cards, accounts and IBANs', () => {
    for (const n of COUNTERS) {
      canonical('bank_card', bankCard(SEED, '621100', n, 19));
      canonical('bank_card', bankCard(SEED, '625200', n, 16));
      canonical('bank_account', domesticAccount(SEED, '3100', n));
      canonical('bank_account', paymentAccount(SEED, '2088', n));
      canonical('bank_account', overseasIban(SEED, n));
    }
  });

  it('identity numbers, IMEIs, device ids and addresses', () => {
    for (const n of COUNTERS) {
      canonical('id_number', idNumber(SEED, n));
      canonical('imei', imei(SEED, n));
      canonical('device_id', deviceId(SEED, n));
      canonical('ip', accessIp(SEED, n));
      canonical('ip', accessIp(SEED, n * 5 + 4)); // the IPv6 ones
      canonical('ip', offshoreIp(SEED, n));
    }
  });

  it('wallets of each chain', () => {
    for (const n of COUNTERS) {
      canonical('wallet', tronAddress(SEED, n));
      canonical('wallet', ethAddress(SEED, n));
      canonical('wallet', btcAddress(SEED, n));
      expect(normalizeIdentifier('wallet', eip55(ethAddress(SEED, n))).value).toBe(
        ethAddress(SEED, n),
      );
    }
  });
});

describe('generated identifiers are unique per counter', () => {
  it.each([
    ['mobile', (n: number) => mobileNumber(SEED, 'op', ['138', '139'], n)],
    ['card', (n: number) => bankCard(SEED, '621100', n, 19)],
    ['id', (n: number) => idNumber(SEED, n)],
    ['imei', (n: number) => imei(SEED, n)],
    ['device', (n: number) => deviceId(SEED, n)],
    ['access ip', (n: number) => accessIp(SEED, n)],
  ])('%s', (_, make) => {
    const values = new Set<string>();
    for (let n = 0; n < 20_000; n++) values.add(make(n));
    expect(values.size).toBe(20_000);
  });
});
