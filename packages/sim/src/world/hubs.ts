import type { ReportType } from '@credence/core/wire/vocabulary';
import { accessIp, deviceId, domesticAccount } from '../identity/numbers.js';
import type { Institution } from '../institutions.js';
import { hash32, Rng } from '../rng.js';
import type { Ident, ReportEntity } from './events.js';
import type { World } from './world.js';

/**
 * Honest hubs and honest people reported once (issue 12). Hubs are what make a graph
 * method's life hard: a merchant with thousands of payers looks like fan-in, an employer
 * paying a payroll like fan-out, a café's Wi-Fi or a family tablet joins strangers. Some
 * laundering accounts use them too, as honest counterparties. And now and then a member
 * reports an honest person once, by mistake; that person's life goes on.
 */

/** Counter offsets of hub identifiers, clear of people, merchants and rings. */
const MERCHANT_HUB_OFFSET = 950_000_000;
const EMPLOYER_OFFSET = 960_000_000;
const WIFI_OFFSET = 500_000_000;
const FAMILY_DEVICE_OFFSET = 3_500_000_000;

/** Apps on nearly every phone. */
// biome-ignore format: a table
const HUB_APPS: readonly string[] = [
  'com.zhifu.superapp', 'com.kuaidi.express', 'com.jiankang.code', 'com.gov.tax.personal',
  'com.ditu.navigation', 'com.waimai.delivery',
];

export interface Employer {
  readonly ident: Ident;
  readonly bank: Institution;
  /** Day of the 30-day month the salaries go out. */
  readonly payday: number;
  readonly employees: number;
}

export class HonestHubs {
  readonly merchantCount: number;
  readonly employerCount: number;
  readonly wifiCount: number;
  readonly familyDeviceCount: number;
  private readonly employers: Employer[] = [];
  /** People already reported by mistake, and until when their life is followed. */
  private readonly accused = new Map<number, number>();
  accusations = 0;

  constructor(
    private readonly world: World,
    /** Hubs exist with laundering; honest people reported once with any of issue 12. */
    readonly withHubs: boolean,
    readonly withAccusations: boolean,
  ) {
    const scale = world.options.scale;
    const size = world.knobs.hubSize;
    this.merchantCount = Math.max(5, Math.round(8 * scale));
    this.employerCount = Math.max(3, Math.round(4 * scale));
    this.wifiCount = Math.max(5, Math.round(10 * scale));
    this.familyDeviceCount = Math.max(10, Math.round((size / 2) * scale));
    for (let j = 0; j < this.employerCount; j++) {
      const rng = Rng.of(world.seed, 'employer', j);
      const bank = rng.pick(world.banks);
      this.employers.push({
        ident: {
          kind: 'bank_account',
          value: domesticAccount(world.seed, bank.accountPrefix, EMPLOYER_OFFSET + j),
        },
        bank,
        payday: rng.int(0, 27),
        employees: Math.max(10, Math.min(2000, Math.round(rng.logNormal(size, 0.6)))),
      });
    }
  }

  employer(j: number): Employer {
    return this.employers[j % this.employers.length] as Employer;
  }

  /** A big merchant: a few take most of the payments (a skewed pick). */
  anyMerchant(rng: Rng): { ident: Ident; bank: Institution } {
    const j = Math.floor(this.merchantCount * rng.float() ** 2);
    const banks = this.world.banks;
    const bank = banks[
      hash32(this.world.seed, 'hub-merchant-bank', j) % banks.length
    ] as Institution;
    return {
      ident: {
        kind: 'bank_account',
        value: domesticAccount(this.world.seed, bank.accountPrefix, MERCHANT_HUB_OFFSET + j),
      },
      bank,
    };
  }

  /** A shared Wi-Fi address (a café, an office, a campus). */
  anyWifi(rng: Rng): Ident {
    return this.wifi(Math.floor(this.wifiCount * rng.float() ** 2));
  }

  private wifi(j: number): Ident {
    return { kind: 'ip', value: accessIp(this.world.seed, WIFI_OFFSET + j) };
  }

  anyApp(rng: Rng): string {
    return HUB_APPS[Math.floor(HUB_APPS.length * rng.float() ** 2)] as string;
  }

  day(day: number): void {
    if (this.withHubs) this.hubsDay(day);
    if (this.withAccusations) this.accusationsDay(day);
  }

  private hubsDay(day: number): void {
    const world = this.world;
    const { seed, population } = world;
    const scale = world.options.scale;
    const volume = world.knobs.honestVolume;
    const size = world.knobs.hubSize;
    const rng = Rng.of(seed, 'hubs', day);
    const at = () => world.time(day, rng.float() * 15);
    const person = () => population.person(rng.int(0, population.size - 1));
    const emit = (
      link: 'transfer' | 'login' | 'install',
      from: Ident,
      to: Ident,
      seenBy: Institution[],
      count = 1,
      amountCny?: number,
      when = at(),
    ) =>
      world.emit({
        type: 'link',
        at: when,
        link,
        from,
        to,
        count,
        seenBy,
        ...(amountCny === undefined ? {} : { amountCny }),
      });

    // Merchants with many payers.
    for (let i = 0, n = rng.poisson(this.merchantCount * (size / 4) * volume); i < n; i++) {
      const p = person();
      const m = this.anyMerchant(rng);
      const pays: [Ident, Institution] =
        p.payment && rng.chance(0.3)
          ? [{ kind: 'bank_account', value: p.payment.account }, p.payment.institution]
          : [{ kind: 'bank_card', value: p.card }, p.bank];
      emit('transfer', pays[0], m.ident, [pays[1], m.bank], 1, rng.int(1, 500) * 10);
    }
    // Payrolls: one employer paying many, once a month.
    this.employers.forEach((e, j) => {
      if (day % 30 !== e.payday) return;
      for (let k = 0; k < e.employees; k++) {
        const p = population.person(hash32(seed, 'employee', j, k) % population.size);
        emit(
          'transfer',
          e.ident,
          { kind: 'bank_card', value: p.card },
          [e.bank, p.bank],
          1,
          rng.int(40, 300) * 100,
          world.time(day, 1 + rng.float()),
        );
      }
    });
    // Shared Wi-Fi: a place's address, logged in through by its regulars.
    for (let i = 0, n = rng.poisson(this.wifiCount * (size / 12) * volume); i < n; i++) {
      const j = Math.floor(this.wifiCount * rng.float() ** 2);
      const p = population.person(hash32(seed, 'wifi', j, rng.int(0, size - 1)) % population.size);
      if (rng.chance(0.5))
        emit('login', { kind: 'bank_card', value: p.card }, this.wifi(j), [p.bank], rng.int(1, 5));
      else
        emit(
          'login',
          { kind: 'im_account', value: p.im },
          this.wifi(j),
          [p.platform],
          rng.int(1, 9),
        );
    }
    // Popular apps.
    for (let i = 0, n = rng.poisson((size / 4) * scale * volume); i < n; i++) {
      const p = person();
      emit(
        'install',
        { kind: 'device_id', value: p.deviceId },
        { kind: 'app', value: this.anyApp(rng) },
        [p.platform],
      );
    }
    // Family devices: a tablet the whole household logs in from.
    for (let i = 0, n = rng.poisson((this.familyDeviceCount / 4) * volume); i < n; i++) {
      const j = rng.int(0, this.familyDeviceCount - 1);
      const base = (hash32(seed, 'family-device', j) % Math.floor(population.size / 4)) * 4;
      const p = population.person(base + rng.int(0, 3));
      const device: Ident = { kind: 'device_id', value: deviceId(seed, FAMILY_DEVICE_OFFSET + j) };
      if (rng.chance(0.5))
        emit('login', { kind: 'bank_card', value: p.card }, device, [p.bank], rng.int(1, 5));
      else emit('login', { kind: 'im_account', value: p.im }, device, [p.platform], rng.int(1, 9));
    }
  }

  /**
   * Honest people reported once by one member (a confirmed fraud or a suspicion naming
   * their account or phone), whose whole identity stays active: they go on logging in,
   * calling and paying for two months at least, as everyone in the population does.
   */
  private accusationsDay(day: number): void {
    const world = this.world;
    const { population } = world;
    const rng = Rng.of(world.seed, 'accused', day);
    const at = () => world.time(day, rng.float() * 15);
    const rate = 0.25 * world.options.scale * world.knobs.falseReports;
    for (let i = 0, n = rng.poisson(rate); i < n; i++) {
      const p = population.person(rng.int(0, population.size - 1));
      if (this.accused.has(p.index)) continue;
      const byBank = p.bank.member && (rng.chance(0.7) || !p.telecom.member);
      if (!byBank && !p.telecom.member) continue;
      const member = byBank ? p.bank : p.telecom;
      const subject: Ident = byBank
        ? { kind: 'bank_card', value: p.card }
        : { kind: 'phone', value: p.phone };
      const entities: ReportEntity[] = [
        { role: byBank ? 'beneficiary_account' : 'caller', ident: subject, by: 'system' },
      ];
      const when = at();
      world.emit({
        type: 'report',
        at: when,
        member,
        reportType: rng.chance(byBank ? 0.5 : 0.4)
          ? 'confirmed_fraud'
          : ('suspected' as ReportType),
        category: rng.pick([
          'other',
          'fake_shopping',
          'task_rebate',
          'fake_customer_service',
        ] as const),
        occurredAt: Math.max(world.startMs, when - rng.int(0, 10) * 86_400_000),
        entities,
        lang: p.lang,
        noise: { kind: 'falsely_reported', reason: 'an honest person reported once', subject },
      });
      this.accused.set(p.index, day + 60);
      this.accusations++;
    }
    for (const [index, until] of this.accused) {
      if (day > until) continue;
      if (!rng.chance(0.3)) continue;
      const p = population.person(index);
      const card: Ident = { kind: 'bank_card', value: p.card };
      const what = rng.int(0, 2);
      const base = { type: 'link' as const, at: at(), count: 1 };
      if (what === 0)
        world.emit({
          ...base,
          link: 'login',
          from: card,
          to: { kind: 'device_id', value: p.deviceId },
          seenBy: [p.bank],
        });
      else if (what === 1) {
        const f = population.person(
          Math.min(population.size - 1, index - (index % 4) + rng.int(0, 3)),
        );
        if (f.index !== index)
          world.emit({
            ...base,
            link: 'call',
            from: { kind: 'phone', value: p.phone },
            to: { kind: 'phone', value: f.phone },
            seenBy: [p.telecom, f.telecom],
          });
      } else
        world.emit({
          ...base,
          link: 'login',
          from: { kind: 'im_account', value: p.im },
          to: { kind: 'ip', value: p.homeIp },
          seenBy: [p.platform],
        });
    }
  }
}
