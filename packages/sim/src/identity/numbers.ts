import { iso7064Mod11_2, luhnCheckDigit } from '@credence/core/identifiers/checksums';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bech32, createBase58check } from '@scure/base';
import { hash32 } from '../rng.js';
import { createPermutation } from './permutation.js';

/**
 * Canonical identifier values built from counters. Every function is a bijection from
 * its counter to a value (per institution where that applies), so two synthetic people
 * never share a number by accident; shared identifiers in the world are always planted.
 * Values are already in the normalized form of @credence/core (a test checks it).
 */

/** Mainland mobile number blocks, all valid in libphonenumber's metadata (tested). */
// biome-ignore format: a table
export const CN_MOBILE_PREFIXES: readonly string[] = [
  '130', '131', '132', '133', '134', '135', '136', '137', '138', '139', '150', '151', '152',
  '153', '155', '156', '157', '158', '159', '166', '173', '175', '176', '177', '180', '181',
  '182', '183', '184', '185', '186', '187', '188', '189', '191', '193', '195', '196', '198',
  '199',
];

/** Mobile virtual network operator blocks, over-represented among fraud SIMs. */
export const CN_MVNO_PREFIXES: readonly string[] = ['170', '171', '167'];

/** Overseas mobile numbers used by call centres abroad: country code and a valid block. */
// biome-ignore format: a table
export const OVERSEAS_MOBILE: readonly (readonly [cc: string, block: string, rest: number])[] = [
  ['63', '917', 7], ['63', '905', 7], ['855', '12', 6], ['855', '97', 7], ['60', '12', 7],
  ['84', '91', 7], ['66', '81', 7], ['62', '812', 8],
];

/** Permutations by seed, then by a key that also fixes the domain size. */
const permutations = new Map<number, Map<string, (i: number) => number>>();
function permutation(domain: number, seed: number, key: string): (i: number) => number {
  let bySeed = permutations.get(seed);
  if (bySeed === undefined) {
    bySeed = new Map();
    permutations.set(seed, bySeed);
  }
  let p = bySeed.get(key);
  if (p === undefined) {
    p = createPermutation(domain, hash32(seed, key, domain));
    bySeed.set(key, p);
  }
  return p;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** The n-th mobile number of an operator owning the given blocks (E.164). */
export function mobileNumber(
  seed: number,
  operator: string,
  prefixes: readonly string[],
  n: number,
): string {
  const x = permutation(prefixes.length * 100_000_000, seed, `mobile:${operator}`)(n);
  return `+86${prefixes[x % prefixes.length]}${pad(Math.floor(x / prefixes.length), 8)}`;
}

/** The n-th overseas mobile number (E.164). */
export function overseasMobile(seed: number, n: number): string {
  const [cc, block, rest] = OVERSEAS_MOBILE[n % OVERSEAS_MOBILE.length] ?? ['63', '917', 7];
  const x = permutation(
    10 ** rest,
    seed,
    `overseas:${cc}:${block}`,
  )(Math.floor(n / OVERSEAS_MOBILE.length) % 10 ** rest);
  return `+${cc}${block}${pad(x, rest)}`;
}

/**
 * The n-th fixed line of a large city (area code without its trunk 0, such as 10 for
 * Beijing or 755 for Shenzhen), whose subscriber numbers have 8 digits starting 2 to 9.
 */
export function fixedLine(seed: number, area: string, n: number): string {
  return `+86${area}${20_000_000 + permutation(80_000_000, seed, `fixed:${area}`)(n)}`;
}

/** The n-th "400" national service number (shared cost, used by call centres of firms). */
export function serviceNumber(seed: number, n: number): string {
  return `+86400${pad(permutation(10_000_000, seed, 'svc')(n), 7)}`;
}

/** The n-th card of an issuer BIN: 16 digits (credit) or 19 (debit), Luhn-valid. */
export function bankCard(seed: number, bin: string, n: number, length: 16 | 19): string {
  const x = permutation(1_000_000_000, seed, `card:${bin}:${length}`)(n);
  const payload =
    length === 19
      ? `${bin}${pad(hash32(seed, bin, n) % 1000, 3)}${pad(x, 9)}`
      : `${bin}${pad(x, 9)}`;
  return payload + String(luhnCheckDigit(payload));
}

/** The n-th domestic account number of a bank (digits only, no published check digit). */
export function domesticAccount(seed: number, bankCode: string, n: number): string {
  return `${bankCode}${pad(permutation(1_000_000_000, seed, `acct:${bankCode}`)(n), 9)}${pad(hash32(seed, 'acct', bankCode, n) % 10000, 4)}`;
}

/** The n-th account of a payment institution (16 digits, like payment user ids). */
export function paymentAccount(seed: number, prefix: string, n: number): string {
  return `${prefix}${pad(permutation(1_000_000_000, seed, `pay:${prefix}`)(n), 9)}${pad(hash32(seed, 'pay', prefix, n) % 1000, 16 - prefix.length - 9)}`;
}

/** ISO 13616 check digits for a country and BBAN (mod-97). */
export function ibanCheckDigits(country: string, bban: string): string {
  const rearranged = `${bban}${country}00`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let remainder = 0;
  for (const c of rearranged) remainder = (remainder * 10 + (c.charCodeAt(0) - 48)) % 97;
  return pad(98 - remainder, 2);
}

/** The n-th overseas cash-out account, as an IBAN (GB: 4-letter bank code, 6+8 digits). */
export function overseasIban(seed: number, n: number): string {
  const x = permutation(100_000_000, seed, 'iban')(n);
  const bank = ['BARC', 'HBUK', 'LOYD', 'NWBK'][hash32(seed, 'ibank', n) % 4] ?? 'BARC';
  const bban = `${bank}${pad(hash32(seed, 'sort', n) % 1_000_000, 6)}${pad(x, 8)}`;
  return `GB${ibanCheckDigits('GB', bban)}${bban}`;
}

/** County-level region codes (GB/T 2260) for identity numbers. */
// biome-ignore format: a table
const REGIONS: readonly string[] = [
  '110101', '110105', '110108', '310101', '310104', '310115', '440103', '440106', '440305',
  '440307', '330106', '330108', '510104', '510107', '420106', '420111', '320102', '320106',
  '370202', '350203', '610113', '500103', '450103', '460105', '530102', '130102', '410105',
  '430104', '210102', '350102', '360102', '340104', '220102', '230103', '620102', '650102',
  '140105', '150102', '520102', '441781', '440923', '431121',
];

const FIRST_BIRTH_DAY = Date.UTC(1940, 0, 1);
const BIRTH_DAYS = 24_000; // to mid-2005: adults at the world's dates

/** The n-th resident identity number (18 characters, MOD 11-2 check). */
export function idNumber(seed: number, n: number): string {
  const x = permutation(REGIONS.length * BIRTH_DAYS * 1000, seed, 'id')(n);
  const region = REGIONS[x % REGIONS.length];
  const rest = Math.floor(x / REGIONS.length);
  const birth = new Date(FIRST_BIRTH_DAY + (rest % BIRTH_DAYS) * 86_400_000)
    .toISOString()
    .slice(0, 10)
    .replaceAll('-', '');
  const payload = `${region}${birth}${pad(Math.floor(rest / BIRTH_DAYS), 3)}`;
  return payload + iso7064Mod11_2(payload);
}

const TAC_COUNT = 100;
/** The n-th IMEI: one of a hundred type allocation codes and a 6-digit serial. */
export function imei(seed: number, n: number): string {
  const x = permutation(TAC_COUNT * 1_000_000, seed, 'imei')(n);
  const tac = `35${pad(hash32(seed, 'tac', x % TAC_COUNT) % 1_000_000, 6)}`;
  const body = `${tac}${pad(Math.floor(x / TAC_COUNT), 6)}`;
  return body + String(luhnCheckDigit(body));
}

/** A 16-hex-digit device id (the form of an Android ID), unique per counter. */
export function deviceId(seed: number, n: number): string {
  const hi = permutation(2 ** 32, seed, 'dev-hi')(n % 2 ** 32);
  return hi.toString(16).padStart(8, '0') + hash32(seed, 'dev-lo', n).toString(16).padStart(8, '0');
}

// biome-ignore format: a table
const CN_V4_BLOCKS: readonly number[] = [
  36, 39, 42, 58, 59, 60, 61, 101, 106, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120,
  121, 122, 123, 124, 125, 171, 175, 180, 182, 183, 210, 211, 218, 219, 220, 221, 222, 223,
];
// Address blocks of overseas hosting and VPN exits.
const OFFSHORE_V4_BLOCKS: readonly number[] = [43, 45, 103, 104, 154, 156, 185, 194];

function ipv4In(blocks: readonly number[], x: number): string {
  const first = blocks[x % blocks.length] ?? 36;
  const rest = Math.floor(x / blocks.length) % 2 ** 24;
  // Stay clear of .0 and .255 host parts so that every address looks like a host.
  return `${first}.${rest >>> 16}.${(rest >>> 8) & 255}.${1 + ((rest & 255) % 254)}`;
}

/** The n-th address of a mainland access network (IPv4, or IPv6 for every fifth). */
export function accessIp(seed: number, n: number): string {
  if (n % 5 === 4) {
    const x = permutation(2 ** 32, seed, 'v6')(Math.floor(n / 5) % 2 ** 32);
    const prefix = ['240e:3b0', '2409:8a1e', '2408:8207'][x % 3];
    // Non-zero groups around a single zero run, so this text is already RFC 5952 canonical.
    const g3 = ((x >>> 16) | 1).toString(16);
    const g4 = ((x & 0xffff) | 1).toString(16);
    return `${prefix}:${g3}:${g4}::${(1 + (n % 4000)).toString(16)}`;
  }
  const blocks = CN_V4_BLOCKS;
  return ipv4In(
    blocks,
    permutation(blocks.length * 2 ** 24, seed, 'v4')(n % (blocks.length * 2 ** 24)),
  );
}

/** The n-th offshore address (hosting, VPN exits), as fraud operations use. */
export function offshoreIp(seed: number, n: number): string {
  const blocks = OFFSHORE_V4_BLOCKS;
  return ipv4In(
    blocks,
    permutation(blocks.length * 2 ** 24, seed, 'off')(n % (blocks.length * 2 ** 24)),
  );
}

const base58check = createBase58check(sha256);

/** len pseudo-random bytes that are a function of the labelled counter. */
function hashBytes(seed: number, tag: string, n: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const word = hash32(seed, tag, n, i >> 2);
    out[i] = (word >>> (8 * (3 - (i & 3)))) & 255;
  }
  return out;
}

/** A TRON address (base58check, version 0x41), the usual rail for USDT cash-out. */
export function tronAddress(seed: number, n: number): string {
  const payload = new Uint8Array(21);
  payload[0] = 0x41;
  payload.set(hashBytes(seed, 'tron', n, 20), 1);
  return base58check.encode(payload);
}

/** An Ethereum address, lowercase hex (its canonical form). */
export function ethAddress(seed: number, n: number): string {
  return `0x${Buffer.from(hashBytes(seed, 'eth', n, 20)).toString('hex')}`;
}

/** The EIP-55 mixed-case spelling of a lowercase Ethereum address. */
export function eip55(address: string): string {
  const hex = address.slice(2);
  const hash = keccak_256(new TextEncoder().encode(hex));
  let out = '0x';
  for (let i = 0; i < 40; i++) {
    const nibble = ((hash[i >> 1] ?? 0) >> (i % 2 === 0 ? 4 : 0)) & 0xf;
    out += nibble >= 8 ? hex.charAt(i).toUpperCase() : hex.charAt(i);
  }
  return out;
}

/** A BTC segwit v0 address (bech32, lowercase). */
export function btcAddress(seed: number, n: number): string {
  return bech32.encode('bc', [0, ...bech32.toWords(hashBytes(seed, 'btc', n, 20))]);
}
