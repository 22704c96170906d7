import type { IdentifierKind } from '@credence/core/identifiers/kinds';
import type { Category, ReportType } from '@credence/core/wire/vocabulary';
import {
  accessIp,
  bankCard,
  deviceId,
  domesticAccount,
  idNumber,
  mobileNumber,
  paymentAccount,
} from '../identity/numbers.js';
import type { Institution } from '../institutions.js';
import { hash32, Rng } from '../rng.js';
import type { Ident } from './events.js';
import type { HonestHubs } from './hubs.js';
import { Planted } from './planted.js';
import { DAY_MS, type World } from './world.js';

export { launderingDay } from './laundering-day.js';

/**
 * Money laundering (issue 12), as the public AML simulators plant it: rings of accounts
 * whose money moves along one of eight typologies, spread over member and outside banks so
 * that a member sees a fragment, held by people who also live ordinary lives through the
 * same accounts (they pay merchants, draw a salary, send money home), and reported only in
 * part: 20 to 40 % of a ring's member-held accounts, at times spread over the past year.
 */

export const TYPOLOGIES = [
  'fan_out',
  'fan_in',
  'cycle',
  'scatter_gather',
  'gather_scatter',
  'bipartite',
  'stack',
  'random_walk',
] as const;
export type Typology = (typeof TYPOLOGIES)[number];

/** Counter offsets of laundering identifiers: clear of the population (at most 40 million)
 * and of the counters fraud rings draw from, so that today's stories keep their numbers. */
const ACCOUNT_OFFSET = 800_000_000;
const MOBILE_OFFSET = 250_000_000;
const ID_OFFSET = 600_000_000;
const DEVICE_OFFSET = 3_000_000_000;
const IP_OFFSET = 400_000_000;
const IM_OFFSET = 1_500_000_000;

/** Share of a ring's accounts its main member holds, per unit of the memberShare knob: what
 * a member sees is its accounts, their holders' numbers and every account they pay or are
 * paid by, so holding a sixth of the accounts is seeing about two fifths of the ring. */
const MAIN_HOLDS = 0.4;

/** Predicate offences whose proceeds rings launder, and how common each is. */
const PREDICATES: readonly (readonly [Category, number])[] = [
  ['fake_investment', 4],
  ['task_rebate', 3],
  ['romance', 2],
  ['impersonate_authority', 2],
  ['fake_customer_service', 2],
  ['other', 5],
];

export interface LaunderingPlan {
  readonly index: number;
  readonly id: string;
  readonly typology: Typology;
  readonly size: number;
  readonly category: Category;
  /** Money moves from startDay to endDay. */
  readonly startDay: number;
  readonly endDay: number;
  /** The accounts live honestly from openDay to closeDay, around the laundering. */
  readonly openDay: number;
  readonly closeDay: number;
}

/** A person behind one or more of a ring's accounts: a mule, knowing or not. */
export interface Holder {
  readonly phone: Ident;
  readonly telecom: Institution;
  readonly id: Ident;
  readonly device: Ident;
  readonly ip: Ident;
  /** The holder's own chat account, registered with the phone, used from the device. */
  readonly im: Ident;
  readonly platform: Institution;
  /** A person of the population the holder sends money home to and calls. */
  readonly family: number;
  /** The payroll hub that pays the holder a salary, if any. */
  readonly employer: number | undefined;
}

export interface LaunderingAccount {
  readonly ident: Ident;
  readonly institution: Institution;
  readonly holder: Holder;
  /** The holder's first account of the ring: where the salary goes. */
  readonly primary: boolean;
}

interface PlannedReport {
  readonly account: LaunderingAccount;
  readonly at: number;
  readonly occurredAt: number;
  readonly type: ReportType;
  readonly category: Category;
}

interface Hop {
  readonly at: number;
  readonly from: number;
  readonly to: number;
  readonly amount: number;
}

export class LaunderingRing extends Planted {
  readonly accounts: LaunderingAccount[] = [];
  readonly holders: Holder[] = [];
  /** Layered typologies: account indices by layer, and each account's out-edges. */
  readonly layers: number[][] = [];
  readonly next = new Map<number, number[]>();
  /** The transfers of the laundering, by day (dropped as they are emitted). */
  readonly hops = new Map<number, Hop[]>();
  /** Reports members will file, by filing day. */
  readonly planned = new Map<number, PlannedReport[]>();
  readonly loggedIn = new Set<string>();
  memberHeld = 0;
  reported = 0;
  /** Transfers of the laundering itself (not the accounts' ordinary life) and their sum. */
  transfers = 0;
  launderedCny = 0;

  constructor(readonly plan: LaunderingPlan) {
    super(plan.id);
  }

  /** The first day anything of the ring happens: a report can predate the laundering. */
  get aliveDay(): number {
    let day = this.plan.openDay;
    for (const d of this.planned.keys()) day = Math.min(day, d);
    return day;
  }
}

const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, Math.round(x)));

/** Laundering rings of the whole world, planned up front (a few numbers each). */
export function planLaundering(world: World): LaunderingPlan[] {
  const { scale, days } = world.options;
  const knobs = world.knobs;
  if (knobs.launderingRings <= 0) return [];
  const rng = Rng.of(world.seed, 'laundering-plans');
  const count = Math.max(1, Math.round((knobs.launderingRings * scale * days) / 182));
  const width = Math.max(4, String(count).length);
  const drafts = Array.from({ length: count }, () => {
    const typology = rng.pick(TYPOLOGIES);
    // Skewed: most rings are a handful of accounts, a few are hundreds.
    const size = clamp(rng.logNormal(knobs.launderingSize, 1), 4, 200);
    const duration = rng.int(14, Math.min(120, days - 1));
    const startDay = rng.int(0, Math.max(0, days - 1 - duration));
    const endDay = Math.min(days - 1, startDay + duration);
    return {
      typology,
      size,
      category: rng.weighted(PREDICATES),
      startDay,
      endDay,
      openDay: Math.max(0, startDay - rng.int(7, 60)),
      closeDay: Math.min(days - 1, endDay + rng.int(7, 60)),
    };
  });
  drafts.sort((a, b) => a.startDay - b.startDay);
  return drafts.map((d, index) => ({
    ...d,
    index,
    id: `aml-${String(index + 1).padStart(width, '0')}`,
  }));
}

/**
 * Builds a ring's accounts, holders, structure, money flows and the reports members will
 * file. Pure in (seed, plan) but for the counters of its own number spaces, drawn in plan
 * order.
 */
export function createLaunderingRing(
  world: World,
  plan: LaunderingPlan,
  hubs: HonestHubs,
): LaunderingRing {
  const seed = world.seed;
  const knobs = world.knobs;
  const rng = Rng.of(seed, 'laundering', plan.index);
  const ring = new LaunderingRing(plan);
  const ident = (kind: IdentifierKind, value: string) => ring.plant({ kind, value });

  // Where the accounts are: a main member holds about `memberShare` of them, the rest are
  // spread evenly over the other institutions, members and outsiders alike, so each member
  // sees a fragment and the consortium does not see every account.
  const withPayments = world.payments.some((p) => p.member);
  const pool = [...world.banks, ...(withPayments ? world.payments : [])];
  const members = pool.filter((i) => i.member);
  const main = rng.pick(members);
  const held = knobs.memberShare * MAIN_HOLDS;
  const rest = (1 - held) / Math.max(1, pool.length - 1);
  const weights = pool.map((i) => [i, i === main ? held : rest] as const);

  const newHolder = (): Holder => {
    const telecom = rng.pick(world.telecoms);
    const platform = rng.weighted(world.internets.map((p) => [p, p.member ? 3 : 1] as const));
    const holder: Holder = {
      phone: ident(
        'phone',
        mobileNumber(
          seed,
          telecom.id,
          telecom.mobilePrefixes,
          MOBILE_OFFSET + world.next(`aml-mobile:${telecom.id}`, false),
        ),
      ),
      telecom,
      id: ident('id_number', idNumber(seed, ID_OFFSET + world.next('aml-id', false))),
      device: ident('device_id', deviceId(seed, DEVICE_OFFSET + world.next('aml-device', false))),
      ip: ident('ip', accessIp(seed, IP_OFFSET + world.next('aml-ip', false))),
      im: ident(
        'im_account',
        chatAccount(world, platform, IM_OFFSET + world.next('aml-im', false)),
      ),
      platform,
      family: rng.int(0, world.population.size - 1),
      employer: rng.chance(0.5) ? rng.int(0, hubs.employerCount - 1) : undefined,
    };
    ring.holders.push(holder);
    return holder;
  };

  const where = quotas(weights, plan.size, rng);
  // A hub account (what fans in or out) sits at an outside bank more often than not: each
  // member then sees its own accounts paying one account it does not hold, and only
  // together do they see the fan.
  for (const hub of hubPositions(plan.typology, plan.size)) {
    if (!rng.chance(0.6) || !where[hub]?.member) continue;
    const outside = where.flatMap((w, j) => (w.member ? [] : [j]));
    if (outside.length === 0) continue;
    const j = rng.pick(outside);
    [where[hub], where[j]] = [where[j] as Institution, where[hub] as Institution];
  }
  if (plan.typology === 'cycle') traceable(where, members, rng);
  for (let i = 0; i < plan.size; i++) {
    const institution = where[i] as Institution;
    const n = ACCOUNT_OFFSET + world.next(`aml-acct:${institution.id}`, false);
    let kind: IdentifierKind = 'bank_account';
    let value: string;
    if (institution.type === 'payment') value = paymentAccount(seed, institution.accountPrefix, n);
    else if (rng.chance(0.8)) {
      kind = 'bank_card';
      value = bankCard(seed, institution.bins[0] ?? '620000', n, 19);
    } else value = domesticAccount(seed, institution.accountPrefix, n);
    // One person behind several accounts, as real mules are: often at another bank.
    const shared = ring.holders.length > 0 && rng.chance(knobs.sharedHolders);
    const holder = shared ? rng.pick(ring.holders) : newHolder();
    ring.accounts.push({ ident: ident(kind, value), institution, holder, primary: !shared });
    if (institution.member) ring.memberHeld++;
  }

  structure(ring, rng.fork('structure'));
  flows(world, ring, rng.fork('flows'));
  planReports(world, ring, rng.fork('reports'));
  return ring.built();
}

/** A chat account on a platform, in the form the platform's accounts take. */
function chatAccount(world: World, platform: Institution, n: number): string {
  const name = platform.imPlatform;
  if (name === 'qq') return `qq:${world.population.qqNumber(n)}`;
  if (name === 'wechat')
    return `wechat:wxid_${hash32(world.seed, 'aml-wxid', n).toString(36)}${n.toString(36)}`;
  return `${name}:u${n.toString(36)}`;
}

/**
 * A cycle the consortium can follow round: at most every other account outside it, and
 * never two outside accounts in a row, so that every hop touches a member (each member
 * still sees only its own hops). Changes `where` in place.
 */
function traceable(where: Institution[], members: readonly Institution[], rng: Rng): void {
  const n = where.length;
  const outside = where.filter((w) => !w.member);
  const inside = where.filter((w) => w.member);
  while (outside.length > Math.floor(n / 2)) {
    outside.pop();
    inside.push(rng.pick(members));
  }
  const at = new Set(outside.map((_, k) => Math.floor((k * n) / outside.length)));
  const shuffled = rng.sample(inside, inside.length);
  let o = 0;
  let m = 0;
  for (let i = 0; i < n; i++) where[i] = (at.has(i) ? outside[o++] : shuffled[m++]) as Institution;
}

/** Accounts at the centre of a typology (see structure). */
function hubPositions(typology: Typology, n: number): number[] {
  if (typology === 'scatter_gather') return [0, n - 1];
  if (typology === 'fan_in' || typology === 'fan_out' || typology === 'gather_scatter') return [0];
  return [];
}

/**
 * n draws by weight, as even as they can be (largest remainders, ties broken at random),
 * in random order: a small ring is spread as the weights say, not as luck has it.
 */
function quotas<T>(weights: readonly (readonly [T, number])[], n: number, rng: Rng): T[] {
  const total = weights.reduce((s, [, w]) => s + w, 0);
  const exact = weights.map(([item, w]) => ({ item, q: (n * w) / total, jitter: rng.float() }));
  const out: T[] = [];
  for (const e of exact) for (let k = Math.floor(e.q); k > 0; k--) out.push(e.item);
  const byRemainder = exact
    .slice()
    .sort((a, b) => b.q - Math.floor(b.q) - (a.q - Math.floor(a.q)) || a.jitter - b.jitter);
  for (const e of byRemainder) if (out.length < n) out.push(e.item);
  return rng.sample(out, n);
}

/** The typology's shape: layers and edges (cycle and random walk are paths, made in flows). */
function structure(ring: LaunderingRing, rng: Rng): void {
  const n = ring.accounts.length;
  const all = Array.from({ length: n }, (_, i) => i);
  const connect = (from: readonly number[], to: readonly number[], full: boolean) => {
    for (const a of from)
      ring.next.set(a, full ? [...to] : rng.sample(to, rng.int(1, Math.min(3, to.length))));
    // Every account of the next layer has at least one feeder.
    to.forEach((b, k) => {
      if (!from.some((a) => ring.next.get(a)?.includes(b)))
        ring.next.get(from[k % from.length] as number)?.push(b);
    });
  };
  const layered = (...layers: number[][]) => {
    ring.layers.push(...layers);
    for (let l = 0; l + 1 < layers.length; l++)
      connect(layers[l] as number[], layers[l + 1] as number[], false);
  };
  switch (ring.plan.typology) {
    case 'fan_out':
      ring.layers.push([0], all.slice(1));
      ring.next.set(0, all.slice(1));
      break;
    case 'fan_in':
      ring.layers.push(all.slice(1), [0]);
      for (const a of all.slice(1)) ring.next.set(a, [0]);
      break;
    case 'scatter_gather': {
      const mids = all.slice(1, n - 1);
      ring.layers.push([0], mids, [n - 1]);
      ring.next.set(0, mids);
      for (const m of mids) ring.next.set(m, [n - 1]);
      break;
    }
    case 'gather_scatter': {
      const k = Math.max(1, Math.floor((n - 1) / 2));
      const sources = all.slice(1, 1 + k);
      const targets = all.slice(1 + k);
      ring.layers.push(sources, [0], targets);
      for (const s of sources) ring.next.set(s, [0]);
      ring.next.set(0, targets);
      break;
    }
    case 'bipartite': {
      const half = Math.floor(n / 2);
      ring.layers.push(all.slice(0, half), all.slice(half));
      const [a, b] = ring.layers as [number[], number[]];
      for (const x of a) ring.next.set(x, rng.sample(b, rng.int(2, Math.min(4, b.length))));
      b.forEach((y, k) => {
        if (!a.some((x) => ring.next.get(x)?.includes(y)))
          ring.next.get(a[k % a.length] as number)?.push(y);
      });
      break;
    }
    case 'stack': {
      const depth = clamp(Math.log2(n), 3, 6);
      const layers: number[][] = Array.from({ length: depth }, () => []);
      for (const i of all) layers[Math.min(depth - 1, Math.floor((i * depth) / n))]?.push(i);
      layered(...layers);
      break;
    }
    default:
      break;
  }
}

const round = (x: number, to: number) => Math.max(to, Math.round(x / to) * to);

/**
 * The money: rounds of placement spread over the ring's life; in each, money enters the
 * first layer (cash, off the books) and moves along the structure with a delay of hours
 * to days per hop and a small cut each time. Cycles return the money to where it
 * started; random walks wander over the ring's accounts.
 */
function flows(world: World, ring: LaunderingRing, rng: Rng): void {
  const { plan } = ring;
  const n = ring.accounts.length;
  const start = world.time(plan.startDay, 0);
  const end = world.time(plan.endDay + 1, 0) - 1000;
  const span = end - start;
  const rounds = clamp(span / (10 * DAY_MS), 1, 8);
  const hop = (at: number, from: number, to: number, amount: number) => {
    if (at > end || amount < 100) return;
    const day = world.dayOf(at);
    const list = ring.hops.get(day) ?? [];
    ring.hops.set(day, list);
    list.push({ at, from, to, amount });
    ring.transfers++;
    ring.launderedCny += amount;
  };
  const cut = (amount: number) => round(amount * (1 - 0.005 - 0.015 * rng.float()), 10);
  for (let r = 0; r < rounds; r++) {
    const t0 = start + Math.floor(((r + rng.float() * 0.8) * span) / rounds);
    const amount = round(rng.logNormal(150_000, 0.7) * Math.sqrt(n / 8), 100);
    // Hours between hops: a long path must still fit in its round.
    const pathHours = (len: number) =>
      Math.max(0.5, Math.min(48, span / rounds / 3_600_000 / Math.max(1, len)));
    if (plan.typology === 'cycle' || plan.typology === 'random_walk') {
      const path: number[] = [];
      if (plan.typology === 'cycle') {
        const first = rng.int(0, n - 1);
        for (let k = 0; k <= n; k++) path.push((first + k) % n);
      } else {
        path.push(rng.int(0, n - 1));
        for (let k = rng.int(4, Math.min(16, n + 4)); k > 0; k--) {
          let to = rng.int(0, n - 2);
          if (to >= (path[path.length - 1] as number)) to++;
          path.push(to);
        }
      }
      const hours = pathHours(path.length);
      let at = t0;
      let left = amount;
      for (let k = 0; k + 1 < path.length; k++) {
        at += Math.round((0.5 + rng.float()) * hours * 3_600_000);
        hop(at, path[k] as number, path[k + 1] as number, left);
        left = cut(left);
      }
      continue;
    }
    // Layered typologies: each account passes on what it received, once it has all of it.
    const arrived = new Map<number, { amount: number; at: number }>();
    const first = ring.layers[0] ?? [];
    const shares = first.map(() => 0.5 + rng.float());
    const total = shares.reduce((s, x) => s + x, 0);
    first.forEach((a, k) => {
      arrived.set(a, {
        amount: round((amount * (shares[k] as number)) / total, 100),
        at: t0 + rng.int(0, 72) * 3_600_000,
      });
    });
    const hours = pathHours(ring.layers.length * 2);
    for (const layer of ring.layers) {
      for (const a of layer) {
        const got = arrived.get(a);
        const targets = ring.next.get(a) ?? [];
        if (got === undefined || targets.length === 0) continue;
        const weights = targets.map(() => 0.5 + rng.float());
        const sum = weights.reduce((s, x) => s + x, 0);
        const out = cut(got.amount);
        targets.forEach((b, k) => {
          const at = got.at + Math.round((1 + rng.float() * 2) * hours * 3_600_000);
          const share = round((out * (weights[k] as number)) / sum, 10);
          hop(at, a, b, share);
          const was = arrived.get(b);
          arrived.set(b, {
            amount: (was?.amount ?? 0) + share,
            at: Math.max(was?.at ?? 0, at),
          });
        });
      }
    }
  }
}

/**
 * Partial reporting: a share of the ring's member-held accounts (drawn per ring from
 * [2/3, 4/3] of the knob: 20 to 40 % at the default) reported by the holding member,
 * mostly as confirmed fraud, at times spread uniformly over the year before the world's
 * end (as an outside benchmark's reports are 0 to 11 months old).
 */
function planReports(world: World, ring: LaunderingRing, rng: Rng): void {
  const share = world.knobs.reportedShare;
  const lo = (2 / 3) * share;
  const hi = Math.min(1, (4 / 3) * share);
  const held = ring.accounts.filter((a) => a.institution.member);
  const n = held.length;
  let k = Math.round((lo + (hi - lo) * rng.float()) * n);
  if (Math.ceil(lo * n) <= Math.floor(hi * n))
    k = Math.max(Math.ceil(lo * n - 1e-9), Math.min(Math.floor(hi * n + 1e-9), k));
  const endMs = world.time(world.options.days, 0);
  const from = Math.max(world.startMs, endMs - 365 * DAY_MS);
  for (const account of rng.sample(held, k)) {
    const occurredAt = from + Math.floor((rng.float() * (endMs - from - 2 * DAY_MS)) / 1000) * 1000;
    const at = Math.min(endMs - 1000, occurredAt + rng.int(1, 14 * 24) * 3_600_000);
    const type = rng.weighted<ReportType>([
      ['confirmed_fraud', 75],
      ['suspected', 18],
      ['police_confirmed', 7],
    ]);
    const report: PlannedReport = {
      account,
      at,
      occurredAt,
      type,
      category: rng.chance(0.5) ? ring.plan.category : 'other',
    };
    const day = world.dayOf(at);
    const list = ring.planned.get(day) ?? [];
    ring.planned.set(day, list);
    list.push(report);
    ring.reported++;
  }
}
