import { type Lang, type PersonName, randomName } from './identity/names.js';
import {
  accessIp,
  bankCard,
  deviceId,
  idNumber,
  imei,
  mobileNumber,
  paymentAccount,
} from './identity/numbers.js';
import { createPermutation } from './identity/permutation.js';
import type { Institution } from './institutions.js';
import { hash32, Rng } from './rng.js';

export interface PopulationInstitutions {
  readonly telecoms: readonly (readonly [Institution, number])[];
  readonly banks: readonly (readonly [Institution, number])[];
  readonly payments: readonly Institution[];
  readonly platforms: readonly (readonly [Institution, number])[];
  readonly emailDomains: readonly (readonly [string, Institution, number])[];
}

/** People per carrier NAT address. */
const PEOPLE_PER_NAT_ADDRESS = 150;
/** Counters of persons' home addresses start here, clear of the NAT pool's. */
const HOME_IP_OFFSET = 1 << 28;

const BASE36 = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A person of the honest population: a pure function of (seed, index). The choices
 * (language, name, which bank, operator and platform) are drawn when the person is
 * made; the identifiers are computed on first use, since most events touch only one or
 * two of them.
 */
export class Person {
  readonly lang: Lang;
  readonly name: PersonName;
  readonly telecom: Institution;
  readonly bank: Institution;
  readonly payment: { readonly institution: Institution; readonly account: string } | undefined;
  readonly platform: Institution;
  readonly emailHost: Institution;
  private readonly emailDomain: string;
  private readonly imSuffix: string;
  private cache: Partial<
    Record<
      | 'phone'
      | 'card'
      | 'idNumber'
      | 'imei'
      | 'deviceId'
      | 'mobileIp'
      | 'homeIp'
      | 'im'
      | 'province',
      string
    >
  > = {};

  constructor(
    private readonly population: Population,
    readonly index: number,
  ) {
    const seed = population.seed;
    const rng = Rng.of(seed, 'person', index);
    const choices = population.institutions;
    this.lang = rng.chance(0.04) ? 'en' : 'zh';
    this.name = randomName(rng, this.lang);
    this.telecom = rng.weighted(choices.telecoms);
    this.bank = rng.weighted(choices.banks);
    const payments = choices.payments;
    if (payments.length > 0 && rng.chance(0.35)) {
      const institution = rng.pick(payments);
      this.payment = {
        institution,
        account: paymentAccount(seed, institution.accountPrefix, index),
      };
    } else {
      this.payment = undefined;
    }
    this.platform = rng.weighted(choices.platforms);
    const [domain, host] = rng.weighted(
      choices.emailDomains.map(([d, h, w]) => [[d, h] as const, w] as const),
    );
    this.emailDomain = domain;
    this.emailHost = host;
    this.imSuffix = rng.chars(BASE36, 10);
  }

  private memo(key: keyof Person['cache'], make: () => string): string {
    let value = this.cache[key];
    if (value === undefined) {
      value = make();
      this.cache[key] = value;
    }
    return value;
  }

  get phone(): string {
    return this.memo('phone', () =>
      mobileNumber(this.population.seed, this.telecom.id, this.telecom.mobilePrefixes, this.index),
    );
  }
  get card(): string {
    return this.memo('card', () =>
      bankCard(this.population.seed, this.bank.bins[0] ?? '620000', this.index, 19),
    );
  }
  get idNumber(): string {
    return this.memo('idNumber', () => idNumber(this.population.seed, this.index));
  }
  get imei(): string {
    return this.memo('imei', () => imei(this.population.seed, this.index));
  }
  get deviceId(): string {
    return this.memo('deviceId', () => deviceId(this.population.seed, this.index));
  }
  /** The carrier NAT address the person's phone goes out through: shared by many. */
  get mobileIp(): string {
    return this.memo('mobileIp', () =>
      accessIp(
        this.population.seed,
        hash32(this.population.seed, 'nat', this.index) % this.population.natPool,
      ),
    );
  }
  /** The person's home broadband address. */
  get homeIp(): string {
    return this.memo('homeIp', () => accessIp(this.population.seed, HOME_IP_OFFSET + this.index));
  }
  get im(): string {
    return this.memo('im', () => {
      const platform = this.platform.imPlatform;
      if (platform === 'wechat') return `wechat:wxid_${this.imSuffix}${this.index.toString(36)}`;
      if (platform === 'qq') return `qq:${this.population.qqNumber(this.index)}`;
      return `${platform}:${this.name.romanised}_${this.index.toString(36)}`;
    });
  }
  get email(): string {
    return `${this.name.romanised}${this.index.toString(36)}@${this.emailDomain}`;
  }
  /**
   * The province the person lives in (ISO 3166-2:CN), drawn by population from a stream
   * of its own, so that worlds are otherwise what they were before provinces.
   */
  get province(): string {
    return this.memo('province', () =>
      Rng.of(this.population.seed, 'province', this.index).weighted(PROVINCE_WEIGHTS),
    );
  }
}

/**
 * Mainland China's provincial-level divisions and their people in millions, from the 7th
 * national census (2020), rounded: the weights of where a person lives.
 */
const PROVINCE_WEIGHTS: readonly (readonly [string, number])[] = [
  ['CN-GD', 126.0],
  ['CN-SD', 101.5],
  ['CN-HA', 99.4],
  ['CN-JS', 84.7],
  ['CN-SC', 83.7],
  ['CN-HE', 74.6],
  ['CN-HN', 66.4],
  ['CN-ZJ', 64.6],
  ['CN-AH', 61.0],
  ['CN-HB', 57.8],
  ['CN-GX', 50.1],
  ['CN-YN', 47.2],
  ['CN-JX', 45.2],
  ['CN-LN', 42.6],
  ['CN-FJ', 41.5],
  ['CN-SN', 39.5],
  ['CN-GZ', 38.6],
  ['CN-SX', 34.9],
  ['CN-CQ', 32.1],
  ['CN-HL', 31.9],
  ['CN-XJ', 25.9],
  ['CN-GS', 25.0],
  ['CN-SH', 24.9],
  ['CN-JL', 24.1],
  ['CN-NM', 24.0],
  ['CN-BJ', 21.9],
  ['CN-TJ', 13.9],
  ['CN-HI', 10.1],
  ['CN-NX', 7.2],
  ['CN-QH', 5.9],
  ['CN-XZ', 3.6],
];

/**
 * The honest population. Nothing about it is held in memory, so the world can have
 * millions of people while the simulator streams. Every identifier of a person is
 * unique to that person (see identity/numbers.ts); what people share (a NAT address, a
 * family phone) is shared on purpose.
 */
export class Population {
  readonly size: number;
  readonly natPool: number;
  private readonly qqNumbers: (i: number) => number;

  constructor(
    readonly seed: number,
    size: number,
    readonly institutions: PopulationInstitutions,
  ) {
    this.size = size;
    this.natPool = Math.max(40, Math.ceil(size / PEOPLE_PER_NAT_ADDRESS));
    this.qqNumbers = createPermutation(2_000_000_000, hash32(seed, 'qq'));
  }

  /** A QQ number (9 or 10 digits) unique to the counter. */
  qqNumber(n: number): string {
    return String(100_000_000 + this.qqNumbers(n));
  }

  person(index: number): Person {
    return new Person(this, index);
  }
}
