import { Rng } from '../rng.js';
import { link } from './emit.js';
import type { Ident } from './events.js';
import type { HonestHubs } from './hubs.js';
import type { LaunderingAccount, LaunderingRing } from './laundering.js';
import type { World } from './world.js';

/** One laundering ring's day, as the parts of it share it. */
interface RingDay {
  readonly world: World;
  readonly ring: LaunderingRing;
  readonly hubs: HonestHubs;
  readonly day: number;
  readonly rng: Rng;
}

/** A time of the day between `from` and `to` hours past midnight (UTC). */
const sometime = ({ world, day, rng }: RingDay, from = 0, to = 15) =>
  world.time(day, from + rng.float() * (to - from));

/** The holder logs in to the account before using it (one login recorded per day). */
function login(today: RingDay, account: LaunderingAccount, when: number): void {
  const { world, ring, hubs, day, rng } = today;
  const key = `${account.ident.value}@${day}`;
  if (ring.loggedIn.has(key)) return;
  ring.loggedIn.add(key);
  const { holder } = account;
  link(
    world,
    ring,
    when,
    'login',
    account.ident,
    holder.device,
    [account.institution],
    rng.int(1, 4),
  );
  const ip = rng.chance(0.15) ? hubs.anyWifi(rng) : rng.chance(0.4) ? holder.ip : undefined;
  if (ip) link(world, ring, when, 'login', account.ident, ip, [account.institution], rng.int(1, 4));
}

/**
 * A laundering ring's day: its reports due, its transfers, and the ordinary life of its
 * accounts and their holders (merchants, salaries, family, logins, calls), which members
 * see exactly as they see anyone's.
 */
export function launderingDay(
  world: World,
  ring: LaunderingRing,
  hubs: HonestHubs,
  day: number,
): void {
  const today: RingDay = {
    world,
    ring,
    hubs,
    day,
    rng: Rng.of(world.seed, 'laundering-day', ring.plan.index, day),
  };
  const { plan } = ring;
  fileReports(today);
  ring.planned.delete(day);
  if (day < plan.openDay || day > plan.closeDay) return;
  if (day === plan.openDay) openAccounts(today);
  for (const hop of ring.hops.get(day) ?? []) {
    const from = ring.accounts[hop.from] as LaunderingAccount;
    const to = ring.accounts[hop.to] as LaunderingAccount;
    login(today, from, Math.max(world.time(day, 0), hop.at - 60_000));
    link(
      world,
      ring,
      hop.at,
      'transfer',
      from.ident,
      to.ident,
      [from.institution, to.institution],
      1,
      hop.amount,
    );
  }
  ring.hops.delete(day);
  // Ordinary life through the same accounts: no test of "has honest traffic or not"
  // separates them from anyone else's.
  accountsLife(today);
  holdersLife(today);
  ring.loggedIn.clear();
}

/** The reports members file today on the ring's accounts. */
function fileReports({ world, ring, day, rng }: RingDay): void {
  for (const report of ring.planned.get(day) ?? []) {
    const { account } = report;
    if (!account.institution.member) continue;
    // A case the police confirmed is theirs to report (the platform takes police_confirmed
    // from police members only); without a police member the bank reports it as fraud.
    const byPolice = report.type === 'police_confirmed';
    world.emit({
      type: 'report',
      at: report.at,
      member: byPolice ? (world.police ?? account.institution) : account.institution,
      reportType: byPolice && world.police === undefined ? 'confirmed_fraud' : report.type,
      category: report.category,
      occurredAt: report.occurredAt,
      entities: [
        { role: 'beneficiary_account', ident: account.ident, by: 'system' },
        ...(rng.chance(0.5)
          ? [{ role: 'device' as const, ident: account.holder.device, by: 'system' as const }]
          : []),
        ...(rng.chance(0.2)
          ? [{ role: 'ip' as const, ident: account.holder.ip, by: 'system' as const }]
          : []),
      ],
      lang: 'zh',
      ring,
    });
  }
}

/** The first day of the accounts' life: holders register their phones, chats and accounts. */
function openAccounts(today: RingDay): void {
  const { world, ring } = today;
  for (const holder of ring.holders) {
    link(world, ring, sometime(today), 'registered_with', holder.phone, holder.id, [
      holder.telecom,
    ]);
    link(world, ring, sometime(today), 'registered_with', holder.im, holder.phone, [
      holder.platform,
    ]);
  }
  for (const account of ring.accounts) {
    const { ident, holder, institution } = account;
    link(world, ring, sometime(today), 'registered_with', ident, holder.phone, [institution]);
    link(world, ring, sometime(today), 'registered_with', ident, holder.id, [institution]);
  }
}

/** The accounts' ordinary payments: merchants, family, a salary on payday. */
function accountsLife(today: RingDay): void {
  const { world, ring, hubs, day, rng } = today;
  const volume = world.knobs.honestVolume;
  for (const account of ring.accounts) {
    const { holder, institution } = account;
    if (rng.chance(0.04 * volume)) {
      const m = hubs.anyMerchant(rng);
      login(today, account, sometime(today, 0, 14));
      link(
        world,
        ring,
        sometime(today),
        'transfer',
        account.ident,
        m.ident,
        [institution, m.bank],
        1,
        rng.int(2, 800) * 10,
      );
    }
    if (rng.chance(0.015 * volume)) {
      const f = world.population.person(holder.family);
      const card: Ident = { kind: 'bank_card', value: f.card };
      const out = rng.chance(0.6);
      link(
        world,
        ring,
        sometime(today),
        'transfer',
        out ? account.ident : card,
        out ? card : account.ident,
        [institution, f.bank],
        1,
        rng.int(1, 300) * 100,
      );
    }
    if (holder.employer !== undefined && account.primary) {
      const e = hubs.employer(holder.employer);
      if (day % 30 === e.payday)
        link(
          world,
          ring,
          world.time(day, 1 + rng.float()),
          'transfer',
          e.ident,
          account.ident,
          [e.bank, institution],
          1,
          rng.int(40, 300) * 100,
        );
    }
  }
}

/** The holders' own lives: calls home, chats, an app now and then. */
function holdersLife(today: RingDay): void {
  const { world, ring, hubs, rng } = today;
  const volume = world.knobs.honestVolume;
  for (const holder of ring.holders) {
    if (rng.chance(0.05 * volume)) {
      const f = world.population.person(holder.family);
      link(
        world,
        ring,
        sometime(today),
        'call',
        holder.phone,
        { kind: 'phone', value: f.phone },
        [holder.telecom, f.telecom],
        rng.int(1, 3),
      );
    }
    if (rng.chance(0.1 * volume))
      link(
        world,
        ring,
        sometime(today),
        'login',
        holder.im,
        holder.device,
        [holder.platform],
        rng.int(1, 20),
      );
    if (rng.chance(0.01 * volume)) {
      const host = rng.pick(world.internets);
      link(
        world,
        ring,
        sometime(today),
        'install',
        holder.device,
        { kind: 'app', value: hubs.anyApp(rng) },
        [host],
      );
    }
  }
}
