import type { Category, EntityRole, ReportType } from '@credence/core/wire/vocabulary';
import { personRaw } from '../formatting.js';
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
import type { Ident, LinkEvent, ReportEntity, ReportEvent } from './events.js';
import { victimNeighbourhood } from './honest.js';
import type { Campaign, MuleAccount, Ring, Sim } from './ring.js';
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

const round = (x: number, to: number) => Math.max(to, Math.round(x / to) * to);

function link(
  world: World,
  ring: Ring | undefined,
  at: number,
  type: LinkEvent['link'],
  from: Ident,
  to: Ident,
  seenBy: readonly Institution[],
  count = 1,
  amountCny?: number,
): void {
  world.emit({
    type: 'link',
    at,
    link: type,
    from,
    to,
    count,
    seenBy,
    ...(amountCny === undefined ? {} : { amountCny }),
    ...(ring ? { ring } : {}),
  });
}

function report(world: World, event: Omit<ReportEvent, 'type'>): void {
  if (!event.member.member) return;
  world.emit({ type: 'report', ...event });
}

const displayIm = (ident: Ident) =>
  ident.kind === 'im_account' ? ident.value.slice(ident.value.indexOf(':') + 1) : ident.value;

/** Money arriving at a mule account waits for the night's sweep (see sweep). */
function credit(world: World, mule: MuleAccount, amount: number, at: number): void {
  const day = world.dayOf(at);
  mule.incoming.set(day, (mule.incoming.get(day) ?? 0) + amount);
}

/**
 * The night's sweep: every account that received money today passes it on to its
 * next-layer accounts, layer by layer, so a day's money reaches the cash-out accounts
 * the same night. Cash-out accounts keep it (withdrawn at ATMs, off the books).
 */
function sweep(world: World, ring: Ring, day: number, rng: Rng): void {
  ring.mules.forEach((layer, depth) => {
    for (const mule of layer) {
      const amount = mule.incoming.get(day);
      if (amount === undefined) continue;
      mule.incoming.delete(day);
      const when = world.time(day, 17 + depth * 1.5 + rng.float());
      loginFor(world, ring, mule, when, rng);
      if (mule.next.length === 0 || amount < 500) continue;
      const targets = mule.next.length === 1 || rng.chance(0.5) ? [rng.pick(mule.next)] : mule.next;
      let left = round(amount * 0.995, 1);
      targets.forEach((target, i) => {
        const share =
          i === targets.length - 1 ? left : round(left * (0.3 + 0.4 * rng.float()), 100);
        left -= share;
        if (share <= 0) return;
        link(
          world,
          ring,
          when,
          'transfer',
          mule.ident,
          target.ident,
          [mule.holder, target.holder],
          1,
          share,
        );
        credit(world, target, share, when);
      });
    }
  });
}

/** Operators log in to a mule account from their phones (once a day is recorded). */
function loginFor(world: World, ring: Ring, mule: MuleAccount, at: number, rng: Rng): void {
  const key = `${mule.ident.value}@${world.dayOf(at)}`;
  if (ring.loggedIn.has(key)) return;
  ring.loggedIn.add(key);
  link(world, ring, at - 60_000, 'login', mule.ident, mule.device, [mule.holder]);
  if (rng.chance(0.6)) link(world, ring, at - 60_000, 'login', mule.ident, mule.ip, [mule.holder]);
}

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
  const category = template.category;
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
  const mentioned: { role: EntityRole; ident: Ident }[] = [];
  let last = t0;

  let caller: Sim | undefined;
  if (channels.has('call') && ring.callers.length > 0) {
    caller = rng.pick(ring.callers);
    caller.calls++;
    link(
      world,
      ring,
      t0,
      'call',
      caller.ident,
      { kind: 'phone', value: victim.phone },
      [caller.operator, victim.telecom],
      rng.int(1, 3),
    );
    if (rng.chance(0.4)) {
      const other = rng.pick(ring.callers);
      other.calls++;
      link(
        world,
        ring,
        t0 + rng.int(20, 600) * 60_000,
        'call',
        other.ident,
        { kind: 'phone', value: victim.phone },
        [other.operator, victim.telecom],
      );
    }
    fill.callerPhone = personRaw('phone', caller.ident.value, storyRng, lang);
    mentioned.push({ role: 'caller', ident: caller.ident });
  }
  let sender: Sim | undefined;
  if (channels.has('sms') && ring.smsSenders.length > 0) {
    sender = rng.pick(ring.smsSenders);
    sender.calls++;
    link(
      world,
      ring,
      Math.max(world.time(day, 0), t0 - rng.int(5, 600) * 60_000),
      'sms',
      sender.ident,
      { kind: 'phone', value: victim.phone },
      [sender.operator, victim.telecom],
    );
    fill.smsSender = personRaw('phone', sender.ident.value, storyRng, lang);
    mentioned.push({ role: 'sms_sender', ident: sender.ident });
  }
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

  // Payments.
  const loss = round(
    rng.logNormal(MEDIAN_LOSS[category], 0.9),
    MEDIAN_LOSS[category] >= 10_000 ? 1000 : 100,
  );
  const paid: MuleAccount[] = [];
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
  let amount1 = loss;
  // A phished card or a hijacked phone is emptied by the ring itself: the transfer
  // happens all the same, only the victim did not make it.
  if ((channels.has('transfer') || !channels.has('wallet')) && firstLayer.length > 0) {
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
    const account = paid[0];
    if (account) {
      fill.account = personRaw(account.ident.kind, account.ident.value, storyRng, lang);
      fill.accountName = account.holderName;
      fill.bankName = account.holderBank[lang];
    }
  }
  fill.amount = formatAmount(loss, lang, storyRng);
  fill.amount1 = formatAmount(amount1, lang, storyRng);
  fill.refund ??= formatAmount(round(loss * 0.02 + 50, 10), lang, storyRng);
  ring.lossCny += loss;

  victimNeighbourhood(world, victim, t0, rng);

  const narrative = (member: Institution, seed: number) => () =>
    withForm(
      renderNarrative(
        template,
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
  const story = { ring, campaign, lang, occurredAt: t0, category } as const;
  const mentions = (roles: readonly EntityRole[], p: number): ReportEntity[] =>
    mentioned
      .filter((m) => roles.includes(m.role) && rng.chance(p))
      .map((m) => ({ ...m, by: 'person' as const }));

  // The victim's bank (or payment company).
  if (paid.length > 0 && payerInstitution.member && rng.chance(0.75)) {
    const at = last + rng.int(1, 72) * 3_600_000;
    const entities: ReportEntity[] = [
      { role: 'payer_account', ident: payer, by: 'system' },
      ...paid.map((m) => ({
        role: 'beneficiary_account' as const,
        ident: m.ident,
        by: 'person' as const,
      })),
      ...mentions(['caller', 'contact', 'url', 'app', 'wallet', 'sms_sender'], 0.25),
    ];
    if (rng.chance(0.5))
      entities.push({
        role: 'victim',
        ident: { kind: 'phone', value: victim.phone },
        by: 'system',
      });
    report(world, {
      ...story,
      at,
      member: payerInstitution,
      reportType: 'victim_report',
      lossCny: loss,
      entities,
      narrative: narrative(payerInstitution, rng.u32()),
    });
    if (rng.chance(0.45)) {
      const confirmed: ReportEntity[] = [
        { role: 'payer_account', ident: payer, by: 'system' },
        ...paid.map((m) => ({
          role: 'beneficiary_account' as const,
          ident: m.ident,
          by: 'system' as const,
        })),
      ];
      report(world, {
        ...story,
        at: at + rng.int(1, 7) * DAY_MS,
        member: payerInstitution,
        reportType: 'confirmed_fraud',
        lossCny: loss,
        entities: confirmed,
      });
    }
  } else if (wallet && payerInstitution.member && rng.chance(0.5)) {
    const at = last + rng.int(1, 72) * 3_600_000;
    report(world, {
      ...story,
      at,
      member: payerInstitution,
      reportType: 'victim_report',
      lossCny: loss,
      entities: [
        { role: 'victim', ident: { kind: 'phone', value: victim.phone }, by: 'system' },
        ...mentions(['wallet', 'contact', 'url', 'caller'], 0.8),
      ],
      narrative: narrative(payerInstitution, rng.u32()),
    });
  }
  // The victim's telecom.
  const contactSim = caller ?? sender;
  if (contactSim && victim.telecom.member && rng.chance(0.45)) {
    const entities: ReportEntity[] = [
      { role: caller ? 'caller' : 'sms_sender', ident: contactSim.ident, by: 'system' },
      { role: 'victim', ident: { kind: 'phone', value: victim.phone }, by: 'system' },
      ...mentions(['url'], 0.6),
    ];
    const withNarrative = rng.chance(0.6);
    report(world, {
      ...story,
      at: t0 + rng.int(2, 120) * 3_600_000,
      member: victim.telecom,
      reportType: 'victim_report',
      ...(rng.chance(0.5) ? { lossCny: loss } : {}),
      entities,
      ...(withNarrative ? { narrative: narrative(victim.telecom, rng.u32()) } : {}),
    });
  }
  // The victim's platform.
  if ((contact || app || url) && victim.platform.member && rng.chance(0.4)) {
    const entities: ReportEntity[] = [
      { role: 'victim', ident: { kind: 'im_account', value: victim.im }, by: 'system' },
      ...(contact && contact.host === victim.platform
        ? [{ role: 'contact' as const, ident: contact.ident, by: 'system' as const }]
        : mentions(['contact'], 0.7)),
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
      ...mentions(['url', 'wallet'], 0.6),
    ];
    report(world, {
      ...story,
      at: t0 + rng.int(1, 96) * 3_600_000,
      member: victim.platform,
      reportType: 'victim_report',
      lossCny: loss,
      entities,
      narrative: narrative(victim.platform, rng.u32()),
    });
  }
  // A police case: the police confirm the fraud and report the first account and its
  // device (and, half the time, the whole case with the victim's loss). Only police
  // members send police_confirmed; without one, the banks report what the police told
  // them as confirmed fraud.
  const police = world.police;
  if (paid.length > 0 && rng.chance(0.3)) {
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
      const entities: ReportEntity[] = [
        { role: 'payer_account', ident: payer, by: 'system' },
        ...paid.map((m) => ({
          role: 'beneficiary_account' as const,
          ident: m.ident,
          by: 'system' as const,
        })),
      ];
      if (caller) entities.push({ role: 'caller', ident: caller.ident, by: 'system' });
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
}

/** What a ring does on a day: set-up, weekly activity of its accounts, victims, detection. */
export function ringDay(world: World, ring: Ring, day: number): void {
  const rng = Rng.of(world.seed, 'ring-day', ring.plan.index, day);
  const plan = ring.plan;
  const at = (hours: number) => world.time(day, hours);
  if (day <= plan.endDay) {
    if (day === plan.startDay) setUp(world, ring, rng);
    if ((day - plan.startDay) % 7 === 0) weekly(world, ring, day, rng);
    const perDay = plan.victims / (plan.endDay - plan.startDay + 1);
    const count = rng.poisson(perDay);
    for (let i = 0; i < count; i++)
      victimStory(world, ring, rng.pick(plan.campaigns), day, rng.fork('victim', i));
  }
  sweep(world, ring, day, rng);
  ring.loggedIn.clear();
  if (day > plan.endDay) return;

  // Members' own detection: busy SIMs, fan-in accounts, busy IM accounts, spreading apps.
  const category = (c: Category) => (rng.chance(0.5) ? c : 'other');
  const primary = ring.categories[0] ?? 'other';
  const suspect = (member: Institution, entities: ReportEntity[], c: Category) =>
    report(world, {
      ring,
      lang: 'zh',
      at: at(rng.int(0, 15)),
      member,
      reportType: 'suspected' as ReportType,
      category: c,
      occurredAt: at(0),
      entities,
    });
  for (const sim of [...ring.callers, ...ring.smsSenders]) {
    if (!sim.flagged && sim.calls >= 8 && rng.chance(0.3)) {
      sim.flagged = true;
      suspect(
        sim.operator,
        [
          {
            role: ring.callers.includes(sim) ? 'caller' : 'sms_sender',
            ident: sim.ident,
            by: 'system',
          },
          { role: 'device', ident: sim.device, by: 'system' },
        ],
        category(primary),
      );
    }
  }
  for (const mule of ring.mules[0] ?? []) {
    if (!mule.flagged && mule.payers >= 3 && rng.chance(0.35)) {
      mule.flagged = true;
      suspect(
        mule.holder,
        [
          { role: 'beneficiary_account', ident: mule.ident, by: 'system' },
          { role: 'device', ident: mule.device, by: 'system' },
          { role: 'ip', ident: mule.ip, by: 'system' },
        ],
        'other',
      );
    }
  }
  for (const contact of ring.contacts) {
    if (!contact.flagged && contact.victims >= 5 && rng.chance(0.3)) {
      contact.flagged = true;
      suspect(
        contact.host,
        [
          { role: 'contact', ident: contact.ident, by: 'system' },
          { role: 'device', ident: rng.pick(ring.operatorDevices), by: 'system' },
        ],
        category(primary),
      );
    }
  }
  for (const app of ring.apps) {
    if (!app.flagged && app.installs >= 3 && rng.chance(0.3)) {
      app.flagged = true;
      const host = rng.pick(world.internets.filter((x) => x.member));
      const entities: ReportEntity[] = [{ role: 'app', ident: app.ident, by: 'system' }];
      if (ring.urls.length > 0)
        entities.push({ role: 'url', ident: rng.pick(ring.urls), by: 'system' });
      suspect(host, entities, 'malware_app');
    }
  }
}

function setUp(world: World, ring: Ring, rng: Rng): void {
  const day = ring.plan.startDay;
  const at = () => world.time(day, rng.float() * 14);
  for (const sim of ring.sims) {
    link(world, ring, at(), 'registered_with', sim.ident, sim.registrant, [sim.operator]);
  }
  for (const contact of ring.contacts) {
    if (contact.sim)
      link(world, ring, at(), 'registered_with', contact.ident, contact.sim.ident, [contact.host]);
  }
  for (const layer of ring.mules) {
    for (const mule of layer) {
      link(world, ring, at(), 'registered_with', mule.ident, mule.holderPhone, [mule.holder]);
      link(world, ring, at(), 'registered_with', mule.ident, mule.holderId, [mule.holder]);
    }
  }
}

function weekly(world: World, ring: Ring, day: number, rng: Rng): void {
  const at = () => world.time(day, rng.float() * 14);
  for (const sim of ring.sims) {
    link(world, ring, at(), 'login', sim.ident, sim.device, [sim.operator], rng.int(3, 40));
  }
  for (const contact of ring.contacts) {
    link(
      world,
      ring,
      at(),
      'login',
      contact.ident,
      rng.pick(ring.operatorDevices),
      [contact.host],
      rng.int(1, 20),
    );
    if (rng.chance(0.7))
      link(
        world,
        ring,
        at(),
        'login',
        contact.ident,
        rng.pick(ring.ips),
        [contact.host],
        rng.int(1, 20),
      );
  }
}
