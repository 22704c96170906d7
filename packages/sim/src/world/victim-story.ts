import type { Category, EntityRole } from '@credence/core/wire/vocabulary';
import { personRaw } from '../formatting.js';
import type { Lang } from '../identity/names.js';
import type { Institution } from '../institutions.js';
import type { Person } from '../population.js';
import { Rng } from '../rng.js';
import {
  type Fill,
  formatAmount,
  formatDate,
  formatTimeOfDay,
  renderNarrative,
} from '../scripts/render.js';
import { withForm } from '../scripts/reporting-form.js';
import type { Channel } from '../scripts/script-template.js';
import { link, report } from './emit.js';
import type { Ident, ReportEntity } from './events.js';
import { victimNeighbourhood } from './honest.js';
import { credit, round } from './mule-money.js';
import type { Campaign, Contact, MuleAccount, Ring, RingApp, Sim } from './ring.js';
import { DAY_MS, type World } from './world.js';

/** Median loss per victim in yuan, by category. */
const MEDIAN_LOSS: Readonly<Record<Category, number>> = {
  task_rebate: 30_000,
  fake_investment: 120_000,
  fake_loan: 8_000,
  fake_customer_service: 40_000,
  impersonate_authority: 150_000,
  fake_credit_repair: 30_000,
  game_trading: 5_000,
  romance: 200_000,
  impersonate_acquaintance: 30_000,
  fake_shopping: 3_000,
  phishing_sms: 15_000,
  malware_app: 50_000,
  sextortion: 20_000,
  other: 10_000,
};

/** Scripts that draw the victim into paying again and again. */
const ESCALATING: ReadonlySet<Category> = new Set([
  'task_rebate',
  'fake_investment',
  'romance',
  'fake_loan',
  'impersonate_authority',
]);
/** Scripts that pay a small sum back first, to gain trust. */
const REFUNDING: ReadonlySet<Category> = new Set(['task_rebate', 'fake_investment']);

// biome-ignore format: a table
const INTAKE: Readonly<Record<Institution['type'], { zh: readonly string[]; en: readonly string[] }>> = {
  bank: { zh: ['客户来电称：', '客户到网点反映：', '客户自述：', ''], en: ['Customer states: ', 'Customer reported at the branch: ', ''] },
  payment: { zh: ['用户申诉：', '用户自述：', ''], en: ['User complaint: ', ''] },
  telecom: { zh: ['用户来电投诉：', '用户反映：', ''], en: ['Subscriber complaint: ', ''] },
  internet: { zh: ['用户举报：', '举报内容：', ''], en: ['User report: ', ''] },
  police: { zh: ['报案人陈述：', '接警记录：', ''], en: ['Complainant states: ', 'Case intake: ', ''] },
};

/**
 * One victim's story as its phases share it. Each phase draws from `rng` (and the
 * retelling from `storyRng`) in the order the story unfolds, so a world is what it was.
 */
interface Scene {
  readonly world: World;
  readonly ring: Ring;
  readonly campaign: Campaign;
  readonly rng: Rng;
  /** Draws for how the victim writes dates, numbers and sums in the retelling. */
  readonly storyRng: Rng;
  readonly lang: Lang;
  readonly channels: ReadonlySet<Channel>;
  readonly victim: Person;
  /** When the ring first reached the victim. */
  readonly t0: number;
  /** The first call or text, which may come before t0 (a text announcing the call). */
  firstContact: number;
  /** The placeholders of the victim's retelling, filled in as the story unfolds. */
  readonly fill: Fill;
  /** What the script put before the victim, which the victim may name in a report. */
  readonly mentioned: { role: EntityRole; ident: Ident }[];
}

/** How the ring reached the victim, and when the last of it happened. */
interface Approach {
  readonly caller: Sim | undefined;
  readonly sender: Sim | undefined;
  readonly contact: Contact | undefined;
  readonly url: Ident | undefined;
  readonly app: RingApp | undefined;
  readonly last: number;
}

/** What the victim lost and through which accounts, and when the last payment went. */
interface Payment {
  readonly loss: number;
  readonly paid: MuleAccount[];
  readonly payer: Ident;
  readonly payerInstitution: Institution;
  readonly wallet: Ident | undefined;
  readonly last: number;
}

const displayIm = (ident: Ident) =>
  ident.kind === 'im_account' ? ident.value.slice(ident.value.indexOf(':') + 1) : ident.value;

function pickVictim(world: World, lang: 'zh' | 'en', rng: Rng): Person {
  if (world.recentVictims.length > 50 && rng.chance(world.knobs.sharedVictims)) {
    const again = world.population.person(rng.pick(world.recentVictims));
    if (again.lang === lang) return again;
  }
  for (;;) {
    const person = world.population.person(rng.int(0, world.population.size - 1));
    if (person.lang === lang) {
      world.recentVictims.push(person.index);
      if (world.recentVictims.length > 500) world.recentVictims.shift();
      return person;
    }
  }
}

/**
 * One victim's story: contact through the script's channels, payments into the mule
 * network, and the reports the victim's bank, telecom and platform file afterwards, each
 * with the victim's own retelling of the script.
 */
export function victimStory(
  world: World,
  ring: Ring,
  campaign: Campaign,
  day: number,
  rng: Rng,
): void {
  const template = campaign.template;
  const lang = template.lang;
  const channels = new Set(template.channels);
  const victim = pickVictim(world, lang, rng);
  ring.victims++;
  const t0 = world.time(day, rng.int(0, 13) + rng.float()); // 08:00 to 21:59 CST (00:00Z is 08:00 CST)
  const storyRng = rng.fork('story');
  const fill: Fill = {
    date: formatDate(t0, lang, storyRng),
    time: formatTimeOfDay(t0, lang, storyRng),
    victimName: victim.name.full,
    victimPhone: personRaw('phone', victim.phone, storyRng, lang),
    victimCard: personRaw('bank_card', victim.card, storyRng, lang),
    victimId: personRaw('id_number', victim.idNumber, storyRng, lang),
    fakeName: ring.persona[lang].full,
    fakeSurname: ring.persona[lang].surname,
    brand: ring.brand[lang],
  };
  const scene: Scene = {
    world,
    ring,
    campaign,
    rng,
    storyRng,
    lang,
    channels,
    victim,
    t0,
    firstContact: t0,
    fill,
    mentioned: [],
  };
  const approach = approachVictim(scene, day);
  world.seizures.victim(ring, victim, scene.firstContact);
  const payment = pay(scene, day, approach.last);
  ring.lossCny += payment.loss;

  victimNeighbourhood(world, victim, t0, rng);

  payerReports(scene, payment);
  telecomReport(scene, approach, payment);
  platformReport(scene, approach, payment);
  policeReports(scene, approach, payment);
}

/** The ring's first moves: calls, texts, a chat contact, a link, an app to install. */
function approachVictim(scene: Scene, day: number): Approach {
  const { world, ring, rng, storyRng, lang, channels, victim, t0, fill, mentioned } = scene;
  const caller = callVictim(scene);
  const sender = textVictim(scene, day);
  const contact =
    channels.has('im') && ring.contacts.length > 0 ? rng.pick(ring.contacts) : undefined;
  if (contact) {
    contact.victims++;
    fill.contactIm = displayIm(contact.ident);
    mentioned.push({ role: 'contact', ident: contact.ident });
  }
  const url =
    ring.urls.length > 0 && (channels.has('url') || channels.has('sms') || channels.has('app'))
      ? rng.pick(ring.urls)
      : undefined;
  if (url) {
    fill.url = personRaw('url', url.value, storyRng, lang);
    if (channels.has('url') || channels.has('sms')) mentioned.push({ role: 'url', ident: url });
  }
  let last = t0;
  const app = channels.has('app') && ring.apps.length > 0 ? rng.pick(ring.apps) : undefined;
  if (app) {
    app.installs++;
    last = t0 + rng.int(10, 90) * 60_000;
    link(world, ring, last, 'install', { kind: 'device_id', value: victim.deviceId }, app.ident, [
      victim.platform,
    ]);
    fill.appName = ring.brand[lang];
    mentioned.push({ role: 'app', ident: app.ident });
  }
  return { caller, sender, contact, url, app, last };
}

/** A call (now and then a second, from another SIM) when the script starts with one. */
function callVictim(scene: Scene): Sim | undefined {
  const { ring, rng, storyRng, lang, channels, t0, fill, mentioned } = scene;
  if (!channels.has('call') || ring.callers.length === 0) return undefined;
  const caller = rng.pick(ring.callers);
  reachBySim(scene, caller, t0, 'call', rng.int(1, 3));
  if (rng.chance(0.4))
    reachBySim(scene, rng.pick(ring.callers), t0 + rng.int(20, 600) * 60_000, 'call');
  fill.callerPhone = personRaw('phone', caller.ident.value, storyRng, lang);
  mentioned.push({ role: 'caller', ident: caller.ident });
  return caller;
}

/** A text message earlier the same day when the script starts with one. */
function textVictim(scene: Scene, day: number): Sim | undefined {
  const { world, ring, rng, storyRng, lang, channels, t0, fill, mentioned } = scene;
  if (!channels.has('sms') || ring.smsSenders.length === 0) return undefined;
  const sender = rng.pick(ring.smsSenders);
  reachBySim(scene, sender, Math.max(world.time(day, 0), t0 - rng.int(5, 600) * 60_000), 'sms');
  fill.smsSender = personRaw('phone', sender.ident.value, storyRng, lang);
  mentioned.push({ role: 'sms_sender', ident: sender.ident });
  return sender;
}

/** One of the ring's SIMs calls or texts the victim's phone, as both operators record it. */
function reachBySim(scene: Scene, sim: Sim, at: number, type: 'call' | 'sms', count = 1): void {
  const { world, ring, victim } = scene;
  scene.firstContact = Math.min(scene.firstContact, at);
  sim.calls++;
  link(
    world,
    ring,
    at,
    type,
    sim.ident,
    { kind: 'phone', value: victim.phone },
    [sim.operator, victim.telecom],
    count,
  );
}

/** The loss, and the payments that move it into the ring's first layer of mule accounts. */
function pay(scene: Scene, day: number, approached: number): Payment {
  const { ring, rng, storyRng, lang, channels, victim, fill, mentioned } = scene;
  const category = scene.campaign.template.category;
  const loss = round(
    rng.logNormal(MEDIAN_LOSS[category], 0.9),
    MEDIAN_LOSS[category] >= 10_000 ? 1000 : 100,
  );
  const payer: Ident =
    victim.payment && rng.chance(0.2)
      ? { kind: 'bank_account', value: victim.payment.account }
      : { kind: 'bank_card', value: victim.card };
  const payerInstitution =
    payer.kind === 'bank_card' || !victim.payment ? victim.bank : victim.payment.institution;
  const wallet =
    channels.has('wallet') && ring.wallets.length > 0 ? rng.pick(ring.wallets) : undefined;
  if (wallet) {
    fill.wallet = personRaw('wallet', wallet.value, storyRng, lang);
    mentioned.push({ role: 'wallet', ident: wallet });
  }
  const firstLayer = ring.activeFirstLayer(day);
  let transfers = { paid: [] as MuleAccount[], amount1: loss, last: approached };
  // A phished card or a hijacked phone is emptied by the ring itself: the transfer
  // happens all the same, only the victim did not make it.
  if ((channels.has('transfer') || !channels.has('wallet')) && firstLayer.length > 0) {
    transfers = transfer(scene, firstLayer, loss, payer, payerInstitution, approached);
    const account = transfers.paid[0];
    if (account) {
      fill.account = personRaw(account.ident.kind, account.ident.value, storyRng, lang);
      fill.accountName = account.holderName;
      fill.bankName = account.holderBank[lang];
    }
  }
  fill.amount = formatAmount(loss, lang, storyRng);
  fill.amount1 = formatAmount(transfers.amount1, lang, storyRng);
  fill.refund ??= formatAmount(round(loss * 0.02 + 50, 10), lang, storyRng);
  return { loss, paid: transfers.paid, payer, payerInstitution, wallet, last: transfers.last };
}

/**
 * The loss in growing instalments (more of them for escalating scripts), mostly into one
 * account, with a small refund first where the script pays back to gain trust.
 */
function transfer(
  scene: Scene,
  firstLayer: readonly MuleAccount[],
  loss: number,
  payer: Ident,
  payerInstitution: Institution,
  approached: number,
): { paid: MuleAccount[]; amount1: number; last: number } {
  const { world, ring, rng, storyRng, lang, fill } = scene;
  const category = scene.campaign.template.category;
  const paid: MuleAccount[] = [];
  let amount1 = loss;
  let last = approached;
  const n = ESCALATING.has(category) ? rng.int(2, 5) : rng.int(1, 2);
  const weights = Array.from({ length: n }, (_, i) => 2 ** i);
  const total = weights.reduce((s, w) => s + w, 0);
  let at = last + rng.int(15, 120) * 60_000;
  let left = loss;
  for (let i = 0; i < n; i++) {
    const amount = i === n - 1 ? left : round((loss * (weights[i] ?? 1)) / total, 100);
    left -= amount;
    if (amount <= 0) continue;
    if (i === 0) amount1 = amount;
    // The script usually names one account and sticks to it; now and then a new one.
    const mule =
      paid.length > 0 && rng.chance(0.85)
        ? (paid[paid.length - 1] as MuleAccount)
        : rng.pick(firstLayer);
    if (!paid.includes(mule)) {
      paid.push(mule);
      mule.payers++;
    }
    link(
      world,
      ring,
      at,
      'transfer',
      payer,
      mule.ident,
      [payerInstitution, mule.holder],
      1,
      amount,
    );
    credit(world, mule, amount, at);
    if (i === 0 && REFUNDING.has(category)) {
      const refund = round(amount * 0.1 + 50, 10);
      fill.refund = formatAmount(refund, lang, storyRng);
      link(
        world,
        ring,
        at + rng.int(30, 240) * 60_000,
        'transfer',
        mule.ident,
        payer,
        [mule.holder, payerInstitution],
        1,
        refund,
      );
    }
    last = at;
    at += rng.int(1, 30) * 3_600_000;
  }
  return { paid, amount1, last };
}

/** What every report of the story says of it. */
const storyOf = (scene: Scene) =>
  ({
    ring: scene.ring,
    campaign: scene.campaign,
    lang: scene.lang,
    occurredAt: scene.t0,
    category: scene.campaign.template.category,
    victimRegion: scene.victim.province,
  }) as const;

/** The victim's retelling for one member's report, rendered when the report is written. */
function narrative(scene: Scene, member: Institution, seed: number): () => string {
  const { world, lang, fill } = scene;
  return () =>
    withForm(
      renderNarrative(
        scene.campaign.template,
        Rng.of(world.seed, 'narrative', seed),
        fill,
        Rng.of(world.seed, 'intake', seed).pick(INTAKE[member.type][lang]),
        // Drawn only when the option is on, so that a world without it is what it was.
        (world.options.brief ?? 0) > 0 &&
          Rng.of(world.seed, 'brief', seed).chance(world.options.brief ?? 0),
      ),
      lang,
      world.options.boilerplate ?? 0,
      [world.seed, seed],
      () => ({
        phone: fill.callerPhone ?? fill.smsSender ?? (fill.victimPhone as string),
        account: fill.account ?? (fill.victimCard as string),
        idNumber: fill.victimId as string,
      }),
    );
}

/** Some of what the script put before the victim, in the victim's own words. */
const mentions = (scene: Scene, roles: readonly EntityRole[], p: number): ReportEntity[] =>
  scene.mentioned
    .filter((m) => roles.includes(m.role) && scene.rng.chance(p))
    .map((m) => ({ ...m, by: 'person' as const }));

/** The payer and every account paid, as the system recorded them. */
const confirmedAccounts = (payment: Payment): ReportEntity[] => [
  { role: 'payer_account', ident: payment.payer, by: 'system' },
  ...payment.paid.map((m) => ({
    role: 'beneficiary_account' as const,
    ident: m.ident,
    by: 'system' as const,
  })),
];

/** The victim's bank (or payment company): the victim's report, then at times confirmed fraud. */
function payerReports(scene: Scene, payment: Payment): void {
  const { world, rng, victim } = scene;
  const { loss, paid, payer, payerInstitution, wallet, last } = payment;
  const story = storyOf(scene);
  if (paid.length > 0 && payerInstitution.member && rng.chance(0.75)) {
    const at = last + rng.int(1, 72) * 3_600_000;
    const entities: ReportEntity[] = [
      { role: 'payer_account', ident: payer, by: 'system' },
      ...paid.map((m) => ({
        role: 'beneficiary_account' as const,
        ident: m.ident,
        by: 'person' as const,
      })),
      ...mentions(scene, ['caller', 'contact', 'url', 'app', 'wallet', 'sms_sender'], 0.25),
    ];
    if (rng.chance(0.5))
      entities.push({
        role: 'victim',
        ident: { kind: 'phone', value: victim.phone },
        by: 'system',
      });
    payerVictimReport(scene, payment, at, entities);
    if (rng.chance(0.45)) {
      report(world, {
        ...story,
        at: at + rng.int(1, 7) * DAY_MS,
        member: payerInstitution,
        reportType: 'confirmed_fraud',
        lossCny: loss,
        entities: confirmedAccounts(payment),
      });
    }
  } else if (wallet && payerInstitution.member && rng.chance(0.5)) {
    const at = last + rng.int(1, 72) * 3_600_000;
    payerVictimReport(scene, payment, at, [
      { role: 'victim', ident: { kind: 'phone', value: victim.phone }, by: 'system' },
      ...mentions(scene, ['wallet', 'contact', 'url', 'caller'], 0.8),
    ]);
  }
}

/** The victim's report to the bank (or payment company) the victim paid from. */
function payerVictimReport(
  scene: Scene,
  payment: Payment,
  at: number,
  entities: readonly ReportEntity[],
): void {
  report(scene.world, {
    ...storyOf(scene),
    at,
    member: payment.payerInstitution,
    reportType: 'victim_report',
    lossCny: payment.loss,
    entities,
    narrative: narrative(scene, payment.payerInstitution, scene.rng.u32()),
  });
}

/** The victim's telecom, when the ring called or texted. */
function telecomReport(scene: Scene, approach: Approach, payment: Payment): void {
  const { world, rng, victim, t0 } = scene;
  const { caller, sender } = approach;
  const contactSim = caller ?? sender;
  if (!contactSim || !victim.telecom.member || !rng.chance(0.45)) return;
  const entities: ReportEntity[] = [
    { role: caller ? 'caller' : 'sms_sender', ident: contactSim.ident, by: 'system' },
    { role: 'victim', ident: { kind: 'phone', value: victim.phone }, by: 'system' },
    ...mentions(scene, ['url'], 0.6),
  ];
  const withNarrative = rng.chance(0.6);
  report(world, {
    ...storyOf(scene),
    at: t0 + rng.int(2, 120) * 3_600_000,
    member: victim.telecom,
    reportType: 'victim_report',
    ...(rng.chance(0.5) ? { lossCny: payment.loss } : {}),
    entities,
    ...(withNarrative ? { narrative: narrative(scene, victim.telecom, rng.u32()) } : {}),
  });
}

/** The victim's platform, when the ring reached the victim through a chat, a link or an app. */
function platformReport(scene: Scene, approach: Approach, payment: Payment): void {
  const { world, rng, victim, t0 } = scene;
  const { contact, app, url } = approach;
  if (!(contact || app || url) || !victim.platform.member || !rng.chance(0.4)) return;
  const entities: ReportEntity[] = [
    { role: 'victim', ident: { kind: 'im_account', value: victim.im }, by: 'system' },
    ...(contact && contact.host === victim.platform
      ? [{ role: 'contact' as const, ident: contact.ident, by: 'system' as const }]
      : mentions(scene, ['contact'], 0.7)),
    ...(app
      ? [
          { role: 'app' as const, ident: app.ident, by: 'system' as const },
          {
            role: 'device' as const,
            ident: { kind: 'device_id' as const, value: victim.deviceId },
            by: 'system' as const,
          },
        ]
      : []),
    ...mentions(scene, ['url', 'wallet'], 0.6),
  ];
  report(world, {
    ...storyOf(scene),
    at: t0 + rng.int(1, 96) * 3_600_000,
    member: victim.platform,
    reportType: 'victim_report',
    lossCny: payment.loss,
    entities,
    narrative: narrative(scene, victim.platform, rng.u32()),
  });
}

/**
 * A police case: the police confirm the fraud and report the first account and its
 * device (and, half the time, the whole case with the victim's loss). Only police
 * members send police_confirmed; without one, the banks report what the police told
 * them as confirmed fraud.
 */
function policeReports(scene: Scene, approach: Approach, payment: Payment): void {
  const { world, rng } = scene;
  const { loss, paid, payerInstitution, last } = payment;
  const police = world.police;
  if (paid.length === 0 || !rng.chance(0.3)) return;
  const story = storyOf(scene);
  const mule = paid[0] as MuleAccount;
  const at = last + rng.int(3, 20) * DAY_MS;
  report(world, {
    ...story,
    at,
    member: police ?? mule.holder,
    reportType: police === undefined ? 'confirmed_fraud' : 'police_confirmed',
    entities: [
      { role: 'beneficiary_account', ident: mule.ident, by: 'system' },
      { role: 'device', ident: mule.device, by: 'system' },
    ],
  });
  if (payerInstitution.member && rng.chance(0.5)) {
    const entities = confirmedAccounts(payment);
    if (approach.caller)
      entities.push({ role: 'caller', ident: approach.caller.ident, by: 'system' });
    report(world, {
      ...story,
      at: at + rng.int(0, 3) * DAY_MS,
      member: police ?? payerInstitution,
      reportType: police === undefined ? 'confirmed_fraud' : 'police_confirmed',
      lossCny: loss,
      entities,
    });
  }
}
