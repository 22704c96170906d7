import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizePhoneNumber } from '../../src/identifiers/phone.js';
import { regionOfPhone } from '../../src/identifiers/phone-province.js';
import { RAW_REPORT_SCHEMA } from '../../src/wire/raw-record-parser.js';
import {
  CN_PROVINCE_CODES,
  CN_PROVINCES,
  isRegion,
  REGION_PATTERN,
  regionOfAreaCode,
} from '../../src/wire/region.js';

/** libphonenumber's English geocoding of +86 fixed-line prefixes (test-data/README.md). */
const published = readFileSync(
  new URL('../../test-data/libphonenumber-geocoding/86-fixed-line.txt', import.meta.url),
  'utf8',
)
  .split('\n')
  .filter((line) => line !== '' && !line.startsWith('#'))
  .map((line) => line.split('|') as [string, string]);

/** Its province names (the last part of a place), by ISO 3166-2:CN code. */
const ENGLISH: Record<string, string> = {
  Anhui: 'CN-AH',
  Beijing: 'CN-BJ',
  Chongqing: 'CN-CQ',
  Fujian: 'CN-FJ',
  Gansu: 'CN-GS',
  Guangdong: 'CN-GD',
  Guangxi: 'CN-GX',
  Guizhou: 'CN-GZ',
  Hainan: 'CN-HI',
  Hebei: 'CN-HE',
  Heilongjiang: 'CN-HL',
  Henan: 'CN-HA',
  Hubei: 'CN-HB',
  Hunan: 'CN-HN',
  'Inner Mongolia': 'CN-NM',
  Jiangsu: 'CN-JS',
  Jiangxi: 'CN-JX',
  Jilin: 'CN-JL',
  Liaoning: 'CN-LN',
  Ningxia: 'CN-NX',
  Qinghai: 'CN-QH',
  Shaanxi: 'CN-SN',
  Shandong: 'CN-SD',
  Shanghai: 'CN-SH',
  Shanxi: 'CN-SX',
  Sichuan: 'CN-SC',
  Tianjin: 'CN-TJ',
  Tibet: 'CN-XZ',
  Xinjiang: 'CN-XJ',
  Yunnan: 'CN-YN',
  Zhejiang: 'CN-ZJ',
};

describe('regions (ISO 3166-2)', () => {
  it('lists the 34 provincial-level divisions of China', () => {
    expect(CN_PROVINCE_CODES).toHaveLength(34);
    expect(new Set(CN_PROVINCE_CODES).size).toBe(34);
    for (const code of CN_PROVINCE_CODES) expect(code).toMatch(/^CN-[A-Z]{2}$/);
    expect(CN_PROVINCES['CN-GD']).toBe('Guangdong');
  });

  it('is the pattern the raw report schema checks (the member side validates by the schema)', () => {
    const region = (RAW_REPORT_SCHEMA as { properties: Record<string, { pattern?: string }> })
      .properties.region;
    expect(region?.pattern).toBe(REGION_PATTERN);
  });

  it('takes a Chinese code only when it is one of them, and other countries’ by form', () => {
    for (const code of CN_PROVINCE_CODES) expect(isRegion(code)).toBe(true);
    for (const ok of ['US-CA', 'GB-ENG', 'FR-75', 'DE-BY']) expect(isRegion(ok)).toBe(true);
    for (const bad of [
      'CN-XX',
      'CN-44',
      'cn-gd',
      'CN-GD ',
      ' CN-GD',
      'CN_GD',
      'CN-GDX',
      'CN',
      'GD',
      '',
      'US-ABCD',
      'USA-CA',
      '__proto__',
      'CN-GD\n',
      42,
      null,
    ])
      expect(isRegion(bad), String(bad)).toBe(false);
  });
});

describe('a region from a phone number', () => {
  it('agrees with libphonenumber’s geocoding for every fixed-line prefix it lists', () => {
    expect(published.length).toBeGreaterThan(300);
    for (const [prefix, place] of published) {
      const province = place.split(', ').at(-1) as string;
      expect(regionOfAreaCode(`${prefix}12345678`), `${prefix} ${place}`).toBe(ENGLISH[province]);
    }
  });

  it('names the province of a valid fixed-line number, however it was written', () => {
    const cases: [string, string][] = [
      ['020 8888 1234', 'CN-GD'],
      ['+86 10 6552 9988', 'CN-BJ'],
      ['(021) 6321-0000', 'CN-SH'],
      ['0755-8888 6666', 'CN-GD'],
      ['0898 6536 1234', 'CN-HI'],
      ['0991 2345 678', 'CN-XJ'],
      ['0571 8765 4321', 'CN-ZJ'],
    ];
    for (const [written, region] of cases) {
      const normal = normalizePhoneNumber(written);
      expect(normal.verified, written).toBe(true);
      expect(regionOfPhone(normal.value), written).toBe(region);
    }
  });

  it('names none for a mobile, foreign, spoofed or unparseable number', () => {
    for (const written of [
      '138 0013 8000',
      '+86 171 0023 4567',
      '+1 650 253 0000',
      '+44 20 7946 0018',
      '95588',
    ])
      expect(regionOfPhone(normalizePhoneNumber(written).value), written).toBeUndefined();
    for (const text of ['', '+86', 'not a number', '+8620'])
      expect(regionOfPhone(text), text).toBeUndefined();
  });
});
