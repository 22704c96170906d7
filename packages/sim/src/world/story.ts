import type { Category, ReportType } from '@credence/core/wire/vocabulary';
import type { Institution } from '../institutions.js';
import { Rng } from '../rng.js';
import { link, report } from './emit.js';
import type { ReportEntity } from './events.js';
import { sweep } from './mule-money.js';
import type { Ring } from './ring.js';
import { victimStory } from './victim-story.js';
import type { World } from './world.js';

export { victimStory };

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
