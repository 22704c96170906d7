import { personRaw } from '../formatting.js';
import {
  domesticAccount,
  fixedLine,
  idNumber,
  imei,
  mobileNumber,
  serviceNumber,
} from '../identity/numbers.js';
import type { Institution } from '../institutions.js';
import type { Person } from '../population.js';
import { hash32, Rng } from '../rng.js';
import { withForm } from '../scripts/reporting-form.js';
import { link } from './emit.js';
import type { Ident } from './events.js';
import type { Ring } from './ring.js';
import { DAY_MS, type World } from './world.js';

/**
 * Honest activity: the background every member shares around suspect tokens, and the
 * look-alikes that make joint analysis hard. Merchants with many payers look like mule
 * fan-in; firms whose staff call many customers from one SIM box look like call centres;
 * carrier NAT addresses and family phones join unrelated people; popular apps are hubs;
 * recycled phone numbers carry a ring's number into an honest life; some reports are
 * plain wrong.
 */

/** Households: people 4k..4k+3 are a family and call and pay each other. */
const family = (person: Person, rng: Rng, world: World) =>
  world.population.person(
    Math.min(world.population.size - 1, person.index - (person.index % 4) + rng.int(0, 3)),
  );

/** Merchant accounts live in a counter range far above anything rings draw. */
const MERCHANT_OFFSET = 900_000_000;

// biome-ignore format: a table
const POPULAR_APPS: readonly string[] = [
  'com.weilian.chat', 'com.penguin.im', 'com.douyu.video', 'com.anping.mobilebank', 'com.hengtong.bank',
  'com.yifu.wallet', 'com.taotao.shop', 'com.meituan.food', 'com.didi.ride', 'com.amap.navi',
  'com.kuaishou.lite', 'com.weibo.social', 'com.zhihu.answer', 'com.bilibili.tv', 'com.jd.mall',
  'com.pinduo.deals', 'com.ctrip.travel', 'com.railway.tickets', 'com.meeting.cloud', 'com.netease.music',
];

interface Firm {
  readonly numbers: readonly { readonly ident: Ident; readonly operator: Institution }[];
  /** The SIM box the firm's mobile lines sit in, if it uses mobile lines. */
  readonly simBox: Ident | undefined;
  readonly registrant: Ident;
}

export interface Recycled {
  readonly phone: Ident;
  readonly operator: Institution;
  readonly owner: number;
  readonly fromDay: number;
  readonly ring: string;
}

/** An honest link of the day; its time is drawn when it is emitted, after its other draws. */
type HonestEmit = (
  link: 'transfer' | 'call' | 'login' | 'install' | 'registered_with',
  from: Ident,
  to: Ident,
  seenBy: Institution[],
  count?: number,
  amountCny?: number,
) => void;

/** One day of honest activity, as its parts share it. */
interface HonestDay {
  readonly day: number;
  readonly rng: Rng;
  /** How much happens: the world's scale times a variant's honest volume. */
  readonly scale: number;
  readonly emit: HonestEmit;
  /** Anyone of the population. */
  readonly person: () => Person;
}

/** The day's honest links, each at a time of the working day drawn as it is emitted. */
function honestLink(world: World, day: number, rng: Rng): HonestEmit {
  return (type, from, to, seenBy, count = 1, amountCny) =>
    link(
      world,
      undefined,
      world.time(day, rng.float() * 15),
      type,
      from,
      to,
      seenBy,
      count,
      amountCny,
    );
}

export class HonestActivity {
  private readonly firms: Firm[] = [];
  private readonly merchants: number;
  private readonly recycled: Recycled[] = [];
  /** Every recycled number, for the truth file's noise section. */
  readonly recycledLog: Recycled[] = [];
  readonly falseReports: { ref?: string; reason: string }[] = [];

  constructor(private readonly world: World) {
    const seed = world.seed;
    const scale = world.options.scale;
    this.merchants = Math.max(50, Math.round(60 * scale));
    const rng = Rng.of(seed, 'firms');
    for (let i = 0; i < Math.max(4, Math.round(3 * scale)); i++) {
      const operator = rng.pick(world.telecoms);
      const mobile = rng.chance(0.4);
      const area = rng.pick(['10', '21', '20', '755', '571', '28']);
      const numbers = Array.from({ length: rng.int(5, 30) }, () => ({
        ident: {
          kind: 'phone' as const,
          value: mobile
            ? mobileNumber(
                seed,
                operator.id,
                operator.mobilePrefixes,
                world.next(`mobile:${operator.id}`),
              )
            : rng.chance(0.5)
              ? serviceNumber(seed, world.next('svc', false))
              : fixedLine(seed, area, world.next(`fixed:${area}`, false)),
        },
        operator,
      }));
      this.firms.push({
        numbers,
        simBox: mobile ? { kind: 'imei', value: imei(seed, world.next('imei')) } : undefined,
        registrant: { kind: 'id_number', value: idNumber(seed, world.next('id')) },
      });
    }
  }

  private merchant(j: number): { ident: Ident; bank: Institution } {
    const banks = this.world.banks;
    const bank = banks[hash32(this.world.seed, 'merchant-bank', j) % banks.length] as Institution;
    return {
      ident: {
        kind: 'bank_account',
        value: domesticAccount(this.world.seed, bank.accountPrefix, MERCHANT_OFFSET + j),
      },
      bank,
    };
  }

  /** A popular merchant: a few take most payments (a skewed pick). */
  private anyMerchant(rng: Rng) {
    return this.merchant(Math.floor(this.merchants * rng.float() ** 3));
  }

  /** A ring that has closed leaves some of its SIMs to be sold again to ordinary people. */
  recycle(ring: Ring, day: number): void {
    const rng = Rng.of(this.world.seed, 'recycle', ring.plan.index);
    for (const sim of ring.callers) {
      if (sim.operator.overseas || !rng.chance(0.3)) continue;
      const entry: Recycled = {
        phone: sim.ident,
        operator: sim.operator,
        owner: rng.int(0, this.world.population.size - 1),
        fromDay: day + rng.int(30, 120),
        ring: ring.id,
      };
      this.recycled.push(entry);
      this.recycledLog.push(entry);
    }
  }

  /** The day's honest traffic, then recycled numbers' new lives, then wrong reports. */
  day(day: number): void {
    const world = this.world;
    const rng = Rng.of(world.seed, 'honest', day);
    const today: HonestDay = {
      day,
      rng,
      // A variant's honest volume (exactly 1 at the default).
      scale: world.options.scale * world.knobs.honestVolume,
      emit: honestLink(world, day, rng),
      person: () => world.population.person(rng.int(0, world.population.size - 1)),
    };
    this.payments(today);
    this.calls(today);
    this.logins(today);
    this.installsAndRegistrations(today);
    if (day % 7 === 0) this.firmLines(today);
    this.recycledDay(day, rng, today.emit);
    this.wrongReports(day, rng);
  }

  /** People pay merchants and their families. */
  private payments({ rng, scale, emit, person }: HonestDay): void {
    for (let i = 0, n = rng.poisson(20 * scale); i < n; i++) {
      const p = person();
      if (rng.chance(0.55)) {
        const m = this.anyMerchant(rng);
        emit(
          'transfer',
          { kind: 'bank_card', value: p.card },
          m.ident,
          [p.bank, m.bank],
          1,
          rng.int(2, 800) * 10,
        );
      } else {
        const f = family(p, rng, this.world);
        if (f.index !== p.index)
          emit(
            'transfer',
            { kind: 'bank_card', value: p.card },
            { kind: 'bank_card', value: f.card },
            [p.bank, f.bank],
            1,
            rng.int(1, 500) * 100,
          );
      }
    }
  }

  /** People call family and friends; firms call their customers. */
  private calls({ rng, scale, emit, person }: HonestDay): void {
    for (let i = 0, n = rng.poisson(25 * scale); i < n; i++) {
      const p = person();
      const f = rng.chance(0.6) ? family(p, rng, this.world) : person();
      if (f.index !== p.index)
        emit(
          'call',
          { kind: 'phone', value: p.phone },
          { kind: 'phone', value: f.phone },
          [p.telecom, f.telecom],
          rng.int(1, 4),
        );
    }
    for (let i = 0, n = rng.poisson(15 * scale); i < n; i++) {
      const firm = rng.pick(this.firms);
      const line = rng.pick(firm.numbers);
      const p = person();
      emit('call', line.ident, { kind: 'phone', value: p.phone }, [line.operator, p.telecom]);
    }
  }

  /** People log in to their bank or chat accounts from their phones and addresses. */
  private logins({ rng, scale, emit, person }: HonestDay): void {
    for (let i = 0, n = rng.poisson(20 * scale); i < n; i++) {
      const p = person();
      // A family shares a phone now and then: another member's accounts on it.
      const device = rng.chance(0.1) ? family(p, rng, this.world).deviceId : p.deviceId;
      const [account, seenBy, most]: [Ident, Institution, number] = rng.chance(0.5)
        ? [{ kind: 'bank_card', value: p.card }, p.bank, 10]
        : [{ kind: 'im_account', value: p.im }, p.platform, 30];
      emit('login', account, { kind: 'device_id', value: device }, [seenBy], rng.int(1, most));
      emit(
        'login',
        account,
        { kind: 'ip', value: rng.chance(0.6) ? p.mobileIp : p.homeIp },
        [seenBy],
        rng.int(1, most),
      );
    }
  }

  /** People install popular apps and register their cards, chats and phones. */
  private installsAndRegistrations({ rng, scale, emit, person }: HonestDay): void {
    for (let i = 0, n = rng.poisson(10 * scale); i < n; i++) {
      const p = person();
      const app =
        POPULAR_APPS[Math.floor(POPULAR_APPS.length * rng.float() ** 2)] ?? 'com.weilian.chat';
      emit('install', { kind: 'device_id', value: p.deviceId }, { kind: 'app', value: app }, [
        p.platform,
      ]);
    }
    for (let i = 0, n = rng.poisson(6 * scale); i < n; i++) {
      const p = person();
      const what = rng.int(0, 2);
      if (what === 0)
        emit(
          'registered_with',
          { kind: 'bank_card', value: p.card },
          { kind: 'phone', value: p.phone },
          [p.bank],
        );
      else if (what === 1)
        emit(
          'registered_with',
          { kind: 'bank_card', value: p.card },
          { kind: 'id_number', value: p.idNumber },
          [p.bank],
        );
      else
        emit(
          'registered_with',
          { kind: 'im_account', value: p.im },
          { kind: 'phone', value: p.phone },
          [p.platform],
        );
      if (what < 2)
        emit(
          'registered_with',
          { kind: 'phone', value: p.phone },
          { kind: 'id_number', value: p.idNumber },
          [p.telecom],
        );
    }
  }

  /** Weekly, firms' lines log in to their SIM box; on the first day they are registered. */
  private firmLines({ day, rng, emit }: HonestDay): void {
    for (const firm of this.firms) {
      if (firm.simBox === undefined) continue;
      for (const line of firm.numbers)
        emit('login', line.ident, firm.simBox, [line.operator], rng.int(20, 200));
    }
    if (day === 0)
      for (const firm of this.firms)
        for (const line of firm.numbers)
          emit('registered_with', line.ident, firm.registrant, [line.operator]);
  }

  private recycledDay(
    day: number,
    rng: Rng,
    emit: (link: 'call' | 'registered_with', from: Ident, to: Ident, seenBy: Institution[]) => void,
  ): void {
    const world = this.world;
    for (let i = this.recycled.length - 1; i >= 0; i--) {
      const r = this.recycled[i] as Recycled;
      if (day < r.fromDay) continue;
      const owner = world.population.person(r.owner);
      if (day === r.fromDay) {
        // The operator reports the number's new holder (issue 12): what was said of the
        // number before concerns the ring. The bank registers the new holder's card with
        // it no earlier than the number was theirs (same draws as before, in order).
        const given = world.time(day, rng.float() * 15);
        const card = Math.max(given, world.time(day, rng.float() * 15));
        const owned = (
          link: 'reassigned' | 'registered_with',
          at: number,
          from: Ident,
          to: Ident,
          seenBy: Institution[],
        ) => world.emit({ type: 'link', at, link, from, to, count: 1, seenBy });
        owned('reassigned', given, r.phone, { kind: 'id_number', value: owner.idNumber }, [
          r.operator,
        ]);
        owned('registered_with', card, { kind: 'bank_card', value: owner.card }, r.phone, [
          owner.bank,
        ]);
      }
      if (rng.chance(0.3)) {
        const f = family(owner, rng, world);
        emit('call', r.phone, { kind: 'phone', value: f.phone }, [r.operator, f.telecom]);
      }
      if (day > r.fromDay + 60) this.recycled.splice(i, 1);
    }
  }

  /** Reports that are wrong: disputes with honest merchants, false positives of detectors. */
  private wrongReports(day: number, rng: Rng): void {
    const world = this.world;
    // A variant's false-report rate (exactly 1 at the default).
    const scale = world.options.scale * world.knobs.falseReports;
    const at = () => world.time(day, rng.float() * 15);
    for (let i = 0, n = rng.poisson(0.4 * scale); i < n; i++) {
      const p = world.population.person(rng.int(0, world.population.size - 1));
      if (!p.bank.member) continue;
      const m = this.anyMerchant(rng);
      const lang = p.lang;
      const amount = rng.int(2, 300) * 10;
      world.emit({
        type: 'report',
        at: at(),
        member: p.bank,
        reportType: 'victim_report',
        category: 'fake_shopping',
        occurredAt: at() - rng.int(1, 10) * DAY_MS,
        lossCny: amount,
        entities: [
          { role: 'payer_account', ident: { kind: 'bank_card', value: p.card }, by: 'system' },
          { role: 'beneficiary_account', ident: m.ident, by: 'person' },
        ],
        narrative: () =>
          withForm(
            disputeNarrative(lang, amount, rng.fork('dispute')),
            lang,
            world.options.boilerplate ?? 0,
            [world.seed, 'dispute', p.index, day, i],
            (formRng) => ({
              phone: personRaw('phone', p.phone, formRng, lang),
              account: personRaw(m.ident.kind, m.ident.value, formRng, lang),
              idNumber: personRaw('id_number', p.idNumber, formRng, lang),
            }),
          ),
        lang,
        noise: { kind: 'false_report', reason: 'a dispute with an honest merchant' },
      });
    }
    for (let i = 0, n = rng.poisson(0.1 * scale); i < n; i++) {
      const m = this.anyMerchant(rng);
      if (!m.bank.member) continue;
      world.emit({
        type: 'report',
        at: at(),
        member: m.bank,
        reportType: 'suspected',
        category: 'other',
        occurredAt: at(),
        entities: [{ role: 'beneficiary_account', ident: m.ident, by: 'system' }],
        lang: 'zh',
        noise: { kind: 'false_report', reason: 'a busy merchant taken for a mule account' },
      });
    }
    for (let i = 0, n = rng.poisson(0.1 * scale); i < n; i++) {
      const firm = rng.pick(this.firms);
      const line = rng.pick(firm.numbers);
      if (!line.operator.member) continue;
      world.emit({
        type: 'report',
        at: at(),
        member: line.operator,
        reportType: 'suspected',
        category: 'other',
        occurredAt: at(),
        entities: [{ role: 'caller', ident: line.ident, by: 'system' }],
        lang: 'zh',
        noise: { kind: 'false_report', reason: "a firm's customer line taken for a call centre" },
      });
    }
  }
}

function disputeNarrative(lang: 'zh' | 'en', amount: number, rng: Rng): string {
  if (lang === 'en') {
    return rng.pick([
      `I paid ${amount} yuan for an order online and the parcel has not arrived after two weeks. The shop does not answer.`,
      `I was charged ${amount} yuan by a shop and I do not recognise the purchase. Please check.`,
    ]);
  }
  return rng.pick([
    `我在网上买东西付了${amount}元，两个星期了还没发货，商家也不回消息，怀疑被骗了。`,
    `我的卡被这个商户扣了${amount}元，我不记得买过东西，请帮忙核实。`,
    `付款${amount}元后商家说缺货要我等，一直没退款，想投诉这个商户。`,
  ]);
}

/** A victim's own ordinary activity the same day, which members share with the fraud. */
export function victimNeighbourhood(world: World, victim: Person, t0: number, rng: Rng): void {
  const dayStart = world.time(world.dayOf(t0), 0);
  const at = () => Math.max(dayStart, t0 + rng.int(-300, 600) * 60_000);
  for (let i = rng.int(0, 2); i > 0; i--) {
    const f = family(victim, rng, world);
    if (f.index === victim.index) continue;
    world.emit({
      type: 'link',
      at: at(),
      link: 'call',
      from: { kind: 'phone', value: victim.phone },
      to: { kind: 'phone', value: f.phone },
      count: 1,
      seenBy: [victim.telecom, f.telecom],
    });
  }
  if (rng.chance(0.5)) {
    world.emit({
      type: 'link',
      at: at(),
      link: 'login',
      from: { kind: 'bank_card', value: victim.card },
      to: { kind: 'device_id', value: victim.deviceId },
      count: rng.int(1, 5),
      seenBy: [victim.bank],
    });
  }
  if (rng.chance(0.5)) {
    world.emit({
      type: 'link',
      at: at(),
      link: 'login',
      from: { kind: 'im_account', value: victim.im },
      to: { kind: 'ip', value: victim.mobileIp },
      count: rng.int(1, 5),
      seenBy: [victim.platform],
    });
  }
}
