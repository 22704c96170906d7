import type { IdentifierKind } from '@credence/core/identifiers/kinds';
import type { Category } from '@credence/core/wire/vocabulary';
import { randomName } from '../identity/names.js';
import {
  bankCard,
  btcAddress,
  deviceId,
  domesticAccount,
  ethAddress,
  idNumber,
  imei,
  mobileNumber,
  offshoreIp,
  overseasIban,
  overseasMobile,
  paymentAccount,
  tronAddress,
} from '../identity/numbers.js';
import type { Institution } from '../institutions.js';
import { DEFAULT_KNOBS } from '../knobs.js';
import { Rng } from '../rng.js';
import type { Channel, ScriptTemplate } from '../scripts/script-template.js';
import type { Ident } from './events.js';
import { Planted } from './planted.js';
import type { World } from './world.js';

/** One scam script in use: a campaign (issue 2: one template per campaign). */
export interface Campaign {
  readonly index: number;
  readonly id: string;
  readonly template: ScriptTemplate;
  readonly ringIds: string[];
  reports: number;
}

/** What the generator decides before a ring starts: small, so all plans fit in memory. */
export interface RingPlan {
  readonly index: number;
  readonly id: string;
  readonly startDay: number;
  readonly endDay: number;
  /** Expected number of victims over the ring's life. */
  readonly victims: number;
  readonly campaigns: readonly Campaign[];
}

/** A SIM card of the ring, in a device (a phone or a SIM box), registered in a bought identity. */
export interface Sim {
  readonly ident: Ident;
  readonly operator: Institution;
  readonly device: Ident;
  readonly registrant: Ident;
  calls: number;
  flagged: boolean;
}

/** A ring's IM or mail account through which it talks to victims. */
export interface Contact {
  readonly ident: Ident;
  readonly host: Institution;
  /** The SIM it was registered with (IM accounts). */
  readonly sim: Sim | undefined;
  victims: number;
  flagged: boolean;
}

export interface RingApp {
  readonly ident: Ident;
  readonly name: string;
  installs: number;
  flagged: boolean;
}

/** A bank, payment or overseas account that moves the ring's money. */
export interface MuleAccount {
  readonly ident: Ident;
  readonly holder: Institution;
  readonly layer: number;
  readonly holderName: string;
  readonly holderPhone: Ident;
  readonly holderId: Ident;
  readonly holderBank: { readonly zh: string; readonly en: string };
  /** The operator phone and address this account is run from: its crew's. */
  device: Ident;
  ip: Ident;
  /** Accounts of the next layer this one sweeps its balance into. */
  readonly next: MuleAccount[];
  /** Money arrived, by day, waiting for the night's sweep. */
  readonly incoming: Map<number, number>;
  payers: number;
  flagged: boolean;
}

/**
 * A fraud operation: its call centre, accounts, apps, links and mule network, all
 * planted identifiers, and the bookkeeping of what each member got to see.
 */
export class Ring extends Planted {
  readonly plan: RingPlan;
  readonly categories: readonly Category[];
  readonly channels: ReadonlySet<Channel>;
  readonly brand: { readonly zh: string; readonly en: string; readonly latin: string };
  readonly persona: {
    readonly zh: ReturnType<typeof randomName>;
    readonly en: ReturnType<typeof randomName>;
  };
  /** Every SIM of the ring: callers, SMS senders and those its IM accounts were registered with. */
  readonly sims: Sim[] = [];
  readonly callers: Sim[] = [];
  readonly smsSenders: Sim[] = [];
  readonly contacts: Contact[] = [];
  readonly apps: RingApp[] = [];
  readonly urls: Ident[] = [];
  readonly operatorDevices: Ident[] = [];
  readonly ips: Ident[] = [];
  /** Layers of the mule network, first (paid by victims) to last (cash-out). */
  readonly mules: MuleAccount[][] = [];
  readonly wallets: Ident[] = [];
  /** Mule accounts logged in to, by "account@day": one login recorded per day. */
  readonly loggedIn = new Set<string>();
  victims = 0;
  lossCny = 0;
  firstEventDay = Number.POSITIVE_INFINITY;
  lastEventDay = -1;

  constructor(plan: RingPlan, brand: Ring['brand'], persona: Ring['persona']) {
    super(plan.id);
    this.plan = plan;
    this.categories = [...new Set(plan.campaigns.map((c) => c.template.category))];
    this.channels = new Set(plan.campaigns.flatMap((c) => c.template.channels));
    this.brand = brand;
    this.persona = persona;
  }

  /** Mule accounts victims pay into now: a rolling window over the first layer. */
  activeFirstLayer(day: number): MuleAccount[] {
    const first = this.mules[0] ?? [];
    if (first.length <= 2) return first;
    const span = Math.max(1, this.plan.endDay - this.plan.startDay);
    const progress = Math.min(0.999, Math.max(0, (day - this.plan.startDay) / span));
    const at = Math.floor(progress * (first.length - 1));
    return first.slice(at, at + 2);
  }
}

const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, Math.round(x)));

// biome-ignore format: a table
const BRAND_SYLLABLES: readonly (readonly [string, string])[] = [
  ['鑫', 'xin'], ['盛', 'sheng'], ['汇', 'hui'], ['财', 'cai'], ['富', 'fu'], ['达', 'da'], ['通', 'tong'],
  ['金', 'jin'], ['瑞', 'rui'], ['恒', 'heng'], ['安', 'an'], ['宝', 'bao'], ['隆', 'long'], ['华', 'hua'],
  ['元', 'yuan'], ['泰', 'tai'], ['丰', 'feng'], ['利', 'li'], ['康', 'kang'], ['盈', 'ying'], ['鸿', 'hong'],
  ['星', 'xing'], ['凯', 'kai'], ['裕', 'yu'], ['天', 'tian'], ['嘉', 'jia'], ['博', 'bo'], ['融', 'rong'],
];
// biome-ignore format: a table
const BRAND_SUFFIX: readonly (readonly [string, string, string])[] = [
  ['国际', 'Global', 'gj'], ['理财', 'Wealth', 'lc'], ['资本', 'Capital', 'zb'], ['商城', 'Mall', 'sc'],
  ['金服', 'Finance', 'jf'], ['优选', 'Select', 'yx'], ['证券', 'Securities', 'zq'], ['科技', 'Tech', 'kj'],
  ['数字', 'Digital', 'sz'], ['钱包', 'Wallet', 'qb'],
];
const TLDS: readonly string[] = [
  'top',
  'xyz',
  'com',
  'cn',
  'vip',
  'cc',
  'net',
  'shop',
  'online',
  'site',
  'icu',
  'com.cn',
];
const SHARED_HOSTS: readonly string[] = ['github.io', 'pages.dev', 'vercel.app'];
const URL_PATHS: readonly string[] = [
  'login',
  'download',
  'app',
  'h5/index',
  'register',
  'pay',
  'kefu',
  'case/query',
  'm/home',
];

/** What the parts of a ring's kit are built with: the ring's draws and its SIM supply. */
interface Workshop {
  readonly world: World;
  readonly ring: Ring;
  readonly rng: Rng;
  /** A new SIM of the ring's (see simSupply). */
  readonly newSim: () => Sim;
}

/** Builds a ring's whole kit of planted identifiers from its plan. */
export function createRing(world: World, plan: RingPlan): Ring {
  const seed = world.seed;
  const rng = Rng.of(seed, 'ring', plan.index);
  const brand = brandOf(rng);
  const ring = new Ring(plan, brand, { zh: randomName(rng, 'zh'), en: randomName(rng, 'en') });
  const v = plan.victims;
  const ch = ring.channels;

  // Operators' own phones and the addresses they work from: shared by every account the
  // ring runs, which is what ties its pieces together.
  for (let i = 0; i < clamp(v / 15, 1, 16); i++)
    ring.operatorDevices.push(
      ring.plant({ kind: 'device_id', value: deviceId(seed, world.next('device')) }),
    );
  for (let i = 0; i < clamp(v / 40, 1, 5); i++)
    ring.ips.push(ring.plant({ kind: 'ip', value: offshoreIp(seed, world.next('offshore-ip')) }));

  const shop: Workshop = { world, ring, rng, newSim: simSupply(world, ring, rng) };
  if (ch.has('call'))
    for (let i = 0; i < clamp(v / 6, 2, 60); i++) ring.callers.push(shop.newSim());
  if (ch.has('sms'))
    for (let i = 0; i < clamp(v / 15, 1, 10); i++) ring.smsSenders.push(shop.newSim());
  if (ch.has('im')) plantContacts(shop);
  if (ch.has('app')) plantApps(shop);
  if (ch.has('url') || ch.has('sms') || ch.has('app')) plantUrls(shop);
  // Every ring has a mule network unless its victims pay only in crypto: money from a
  // phished card or a hijacked phone goes somewhere too.
  if (ch.has('transfer') || !ch.has('wallet')) plantMules(shop);
  if (ch.has('wallet')) plantWallets(shop);
  return ring.built();
}

/** The ring's brand: two auspicious syllables and a line of business. */
function brandOf(rng: Rng): Ring['brand'] {
  const [a, la] = rng.pick(BRAND_SYLLABLES);
  const [b, lb] = rng.pick(BRAND_SYLLABLES);
  const [suffixZh, suffixEn, suffixLatin] = rng.pick(BRAND_SUFFIX);
  const latin = `${la}${lb}`;
  return {
    zh: `${a}${b}${suffixZh}`,
    en: `${latin.charAt(0).toUpperCase()}${latin.slice(1)} ${suffixEn}`,
    latin: `${latin}${suffixLatin}`,
  };
}

/**
 * The call centre's supply of SIMs: from several operators (virtual operators and overseas
 * numbers over-represented), grouped into SIM boxes, registered in bought identities.
 */
function simSupply(world: World, ring: Ring, rng: Rng): () => Sim {
  const seed = world.seed;
  const simBoxes: Ident[] = [];
  const registrants: Ident[] = [];
  return () => {
    const where = rng.weighted<Institution>([
      ...world.telecoms.map((t) => [t, 4] as const),
      [world.mvno, 3],
      [world.overseas, 2],
    ]);
    const phone = where.overseas
      ? overseasMobile(seed, world.next('overseas'))
      : mobileNumber(seed, where.id, where.mobilePrefixes, world.next(`mobile:${where.id}`));
    if (simBoxes.length === 0 || rng.chance(1 / 6))
      simBoxes.push(ring.plant({ kind: 'imei', value: imei(seed, world.next('imei')) }));
    if (registrants.length === 0 || rng.chance(1 / 4))
      registrants.push(ring.plant({ kind: 'id_number', value: idNumber(seed, world.next('id')) }));
    const sim: Sim = {
      ident: ring.plant({ kind: 'phone', value: phone }),
      operator: where,
      device: rng.pick(simBoxes),
      registrant: rng.pick(registrants),
      calls: 0,
      flagged: false,
    };
    ring.sims.push(sim);
    return sim;
  };
}

/**
 * Contacts: IM accounts on the platforms (registered with ring SIMs), and, for
 * English-speaking victims, some mailboxes.
 */
function plantContacts({ world, ring, rng, newSim }: Workshop): void {
  const { brand, plan } = ring;
  const english = plan.campaigns.some((c) => c.template.lang === 'en');
  for (let i = 0; i < clamp(plan.victims / 6, 1, 30); i++) {
    if (english && rng.chance(0.3)) {
      const host = rng.pick(world.internets.filter((x) => x.emailDomains.length > 0));
      const domain = rng.pick(host.emailDomains);
      ring.contacts.push({
        ident: ring.plant({
          kind: 'email',
          value: `${brand.latin}.${world.next('email').toString(36)}@${domain}`,
        }),
        host,
        sim: undefined,
        victims: 0,
        flagged: false,
      });
      continue;
    }
    const host = rng.weighted(
      world.internets.map((x) => [x, x.member ? 3 : english ? 4 : 1] as const),
    );
    const sim = ring.callers.length > 0 && rng.chance(0.3) ? rng.pick(ring.callers) : newSim();
    const n = world.next('im');
    const platform = host.imPlatform;
    const id =
      platform === 'qq'
        ? world.population.qqNumber(n)
        : platform === 'telegram'
          ? `${brand.latin}_${rng.pick(['kefu', 'support', 'vip', 'service', 'official'])}${n.toString(36)}`
          : platform === 'wechat'
            ? rng.chance(0.5)
              ? `wxid_${rng.chars('abcdefghijklmnopqrstuvwxyz0123456789', 10)}${n.toString(36)}`
              : `${brand.latin}${rng.pick(['_kefu', '-vip', '_teacher', '888', '_service'])}${n.toString(36)}`
            : `${brand.latin}_${n.toString(36)}`;
    ring.contacts.push({
      ident: ring.plant({ kind: 'im_account', value: `${platform}:${id}` }),
      host,
      sim,
      victims: 0,
      flagged: false,
    });
  }
}

/** Apps: sideloaded packages known by their SHA-256 or by a package name. */
function plantApps({ world, ring, rng }: Workshop): void {
  const { brand } = ring;
  for (let i = 0; i < (ring.plan.victims > 60 ? 2 : 1); i++) {
    const asHash = rng.chance(0.7);
    const value = asHash
      ? rng.hex(64)
      : `com.${brand.latin}.${rng.pick(['app', 'licai', 'mall', 'meeting', 'secure'])}${world.next('app').toString(36)}`;
    ring.apps.push({
      ident: ring.plant({ kind: 'app', value }),
      name: brand.zh,
      installs: 0,
      flagged: false,
    });
  }
}

/** Links: pages on throwaway domains or on shared hosting. */
function plantUrls({ world, ring, rng }: Workshop): void {
  const { brand } = ring;
  const v = ring.plan.victims;
  const domains: string[] = [];
  for (let i = 0; i < clamp(v / 50, 1, 3); i++) {
    const n = world.next('domain').toString(36);
    domains.push(
      rng.chance(0.2)
        ? `${brand.latin}${n}.${rng.pick(SHARED_HOSTS)}`
        : `${brand.latin}${n}.${rng.pick(TLDS)}`,
    );
  }
  const planted = domains.map((d) => ring.plant({ kind: 'domain', value: d }));
  for (let i = 0; i < clamp(v / 25, 1, 6); i++) {
    const scheme = rng.chance(0.6) ? 'https' : 'http';
    const d = rng.int(0, domains.length - 1);
    const host = rng.chance(0.3)
      ? `${rng.pick(['www', 'm', 'app', 'h5'])}.${domains[d]}`
      : domains[d];
    const query = rng.chance(0.3) ? `?code=${rng.int(1000, 9999)}` : '';
    const url = ring.plant({
      kind: 'url',
      value: `${scheme}://${host}/${rng.pick(URL_PATHS)}${query}`,
    });
    ring.urls.push(url);
    ring.urlDomains.set(url.value, planted[d] as Ident);
  }
}

/**
 * The mule network: layers that halve towards cash-out, spread over member and outside
 * institutions, each account sold by a real holder whose phone and identity number the
 * bank holds.
 */
function plantMules(shop: Workshop): void {
  const { world, ring, rng, newSim } = shop;
  const v = ring.plan.victims;
  // Herders often rebind a bought account to a SIM of theirs, to receive its one-time
  // passwords; one such SIM serves several accounts.
  const otpSims = new Map<Institution, Sim[]>();
  const otpSim = (holder: Institution): Sim => {
    const sims = otpSims.get(holder) ?? [];
    otpSims.set(holder, sims);
    if (sims.length === 0 || rng.chance(0.25)) sims.push(newSim());
    return rng.pick(sims);
  };
  const first = clamp(v / 8, 1, 40);
  const sizes = [first];
  if (v >= 10) sizes.push(Math.ceil(first / 2));
  if (v >= 40) sizes.push(Math.ceil(first / 4));
  sizes.push(Math.max(1, Math.ceil((sizes[sizes.length - 1] ?? 1) / 2)));
  // A variant's member share weighs member institutions up or down (1 at the default).
  const members = world.knobs.memberShare / DEFAULT_KNOBS.memberShare;
  const accountHolders = [
    ...world.banks.map((x) => [x, x.member ? 3 * members : 3] as const),
    ...world.payments.map((x) => [x, x.member ? 1.5 * members : 1.5] as const),
  ];
  sizes.forEach((size, layer) => {
    const cashOut = layer === sizes.length - 1;
    const accounts = Array.from({ length: size }, (_, i) =>
      muleAccount(shop, rng.weighted(accountHolders), layer, i, cashOut && v >= 40, otpSim),
    );
    const previous = ring.mules[layer - 1];
    if (previous !== undefined) feed(previous, accounts, rng);
    ring.mules.push(accounts);
  });
}

/** The `i`th account of a mule layer, at `holder` (or, cashing out, at times overseas). */
function muleAccount(
  { world, ring, rng }: Workshop,
  holder: Institution,
  layer: number,
  i: number,
  mayGoOverseas: boolean,
  otpSim: (holder: Institution) => Sim,
): MuleAccount {
  const seed = world.seed;
  const overseasCashOut = mayGoOverseas && rng.chance(0.3);
  const n = world.next(`acct:${holder.id}`);
  const value = overseasCashOut
    ? overseasIban(seed, world.next('iban'))
    : holder.type === 'payment'
      ? paymentAccount(seed, holder.accountPrefix, n)
      : rng.chance(0.8)
        ? bankCard(seed, holder.bins[0] ?? '620000', n, 19)
        : domesticAccount(seed, holder.accountPrefix, n);
  const kind: IdentifierKind =
    holder.type === 'bank' && /^\d{19}$/.test(value) && !overseasCashOut
      ? 'bank_card'
      : 'bank_account';
  const phoneOperator = rng.pick(world.telecoms);
  const name = randomName(rng, 'zh');
  const bankNames = overseasCashOut
    ? { zh: '境外银行', en: 'an overseas bank' }
    : { zh: holder.nameZh, en: holder.name };
  return {
    ident: ring.plant({ kind, value }),
    holder: overseasCashOut ? (world.banks.find((x) => !x.member) ?? holder) : holder,
    layer,
    holderName: name.full,
    holderPhone: rng.chance(0.6)
      ? otpSim(holder).ident
      : ring.plant({
          kind: 'phone',
          value: mobileNumber(
            seed,
            phoneOperator.id,
            phoneOperator.mobilePrefixes,
            world.next(`mobile:${phoneOperator.id}`),
          ),
        }),
    holderId: ring.plant({ kind: 'id_number', value: idNumber(seed, world.next('id')) }),
    holderBank: bankNames,
    device: ring.operatorDevices[i % ring.operatorDevices.length] as Ident,
    ip: ring.ips[i % ring.ips.length] as Ident,
    next: [],
    incoming: new Map(),
    payers: 0,
    flagged: false,
  };
}

/**
 * Each account of the previous layer sweeps into one or two of this layer's, and every
 * account here has at least one feeder: a tree-like flow, as mule herders run it, rather
 * than everything paying everything.
 */
function feed(previous: readonly MuleAccount[], accounts: readonly MuleAccount[], rng: Rng): void {
  previous.forEach((p, k) => {
    p.next.push(accounts[k % accounts.length] as MuleAccount);
  });
  for (const p of previous)
    if (accounts.length > 1 && rng.chance(0.3))
      p.next.push(rng.pick(accounts.filter((a) => !p.next.includes(a))));
  accounts.forEach((a, k) => {
    if (!previous.some((p) => p.next.includes(a))) previous[k % previous.length]?.next.push(a);
  });
  // A crew runs an account and what it feeds: the same phone and address.
  for (const a of accounts) {
    const parent = previous.find((p) => p.next.includes(a));
    if (parent) {
      a.device = parent.device;
      a.ip = parent.ip;
    }
  }
}

/** Crypto wallets the victims pay into: mostly TRON, then Ethereum, now and then Bitcoin. */
function plantWallets({ world, ring, rng }: Workshop): void {
  const seed = world.seed;
  for (let i = 0; i < clamp(ring.plan.victims / 40, 1, 3); i++) {
    const n = world.next('wallet');
    const value = rng.weighted<string>([
      [tronAddress(seed, n), 6],
      [ethAddress(seed, n), 3],
      [btcAddress(seed, n), 1],
    ]);
    ring.wallets.push(ring.plant({ kind: 'wallet', value }));
  }
}
