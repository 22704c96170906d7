import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Category } from '@credence/core/wire/vocabulary';
import { DEFAULT_KNOBS, hasIssue12, type Knobs } from './knobs.js';
import type { SimOptions } from './options.js';
import { MemberWriter } from './output/member-writer.js';
import { type RingSummary, TruthWriter } from './output/truth-writer.js';
import { Rng } from './rng.js';
import type { ScriptTemplate } from './scripts/script-template.js';
import { EN_TEMPLATES } from './scripts/templates-en.js';
import { ZH_TEMPLATES } from './scripts/templates-zh.js';
import type { WorldEvent } from './world/events.js';
import { HonestActivity } from './world/honest.js';
import { HonestHubs } from './world/hubs.js';
import {
  createLaunderingRing,
  type LaunderingRing,
  launderingDay,
  planLaundering,
} from './world/laundering.js';
import { type Campaign, createRing, type Ring, type RingPlan } from './world/ring.js';
import { writeSeized } from './world/seized.js';
import { ringDay } from './world/story.js';
import { type EventSink, World } from './world/world.js';

/** Version of the output format and of the generator's behaviour. */
export const GENERATOR = 'credence-sim/1';

/** Rings per unit of scale and half year (182 days). */
const RINGS_PER_SCALE = 60;

/** How common each kind of scam is, relative to the others. */
const CATEGORY_WEIGHT: Readonly<Record<Category, number>> = {
  task_rebate: 14,
  fake_investment: 12,
  fake_customer_service: 10,
  impersonate_authority: 8,
  fake_loan: 8,
  romance: 6,
  fake_shopping: 6,
  phishing_sms: 6,
  fake_credit_repair: 5,
  impersonate_acquaintance: 5,
  malware_app: 5,
  game_trading: 4,
  sextortion: 3,
  other: 3,
};

/** English scripts target the few English-speaking residents. */
const ENGLISH_WEIGHT = 0.1;

export interface SimSummary {
  readonly generator: string;
  readonly options: SimOptions;
  readonly members: readonly {
    readonly member: string;
    readonly type: string;
    readonly reports: number;
    readonly links: number;
  }[];
  readonly reports: number;
  readonly links: number;
  readonly rings: number;
  readonly ringSizes: { readonly median: number; readonly max: number };
  /** Share of rings whose identifiers appear in the files of two or more members. */
  readonly multiMemberShare: number;
  /** Among rings with at least 20 seen identifiers: the largest share one member sees. */
  readonly largeRings: number;
  readonly largeRingMaxShare: number;
  readonly campaigns: number;
  readonly campaignsByCategory: Readonly<Partial<Record<Category, number>>>;
  readonly victims: number;
  readonly lossCny: number;
  readonly noise: {
    readonly falseReports: number;
    readonly typos: number;
    readonly recycledPhones: number;
  };
  readonly eventsAfterEnd: number;
  /** With issue 12's options only (absent otherwise, so the default world is unchanged). */
  readonly knobs?: Knobs;
  readonly laundering?: {
    readonly rings: number;
    readonly accounts: number;
    readonly memberHeld: number;
    readonly reported: number;
    /** reported / memberHeld over all laundering rings. */
    readonly reportedShare: number;
    readonly transfers: number;
    readonly launderedCny: number;
    readonly falselyReported: number;
  };
}

/** Orders each day's events by time and hands them to the writers. */
class Scheduler implements EventSink {
  private readonly buckets = new Map<number, WorldEvent[]>();
  currentDay = 0;
  afterEnd = 0;

  constructor(
    private readonly world: () => World,
    private readonly days: number,
  ) {}

  emit(event: WorldEvent): void {
    const day = this.world().dayOf(event.at);
    if (day < this.currentDay)
      throw new Error(`an event on day ${day} was emitted on day ${this.currentDay}`);
    if (day >= this.days) {
      this.afterEnd++;
      return;
    }
    let bucket = this.buckets.get(day);
    if (bucket === undefined) {
      bucket = [];
      this.buckets.set(day, bucket);
    }
    bucket.push(event);
    if (event.ring) event.ring.pending++;
  }

  take(day: number): WorldEvent[] {
    const events = this.buckets.get(day) ?? [];
    this.buckets.delete(day);
    // Array.prototype.sort is stable: events at the same second keep emission order.
    return events.sort((a, b) => a.at - b.at);
  }
}

function campaignsOf(): Campaign[] {
  const templates: ScriptTemplate[] = [...ZH_TEMPLATES, ...EN_TEMPLATES];
  return templates.map((template, index) => ({
    index,
    id: `campaign-${String(index + 1).padStart(2, '0')}`,
    template,
    ringIds: [],
    reports: 0,
  }));
}

function planRings(world: World, campaigns: readonly Campaign[]): RingPlan[] {
  const { scale, days } = world.options;
  const rng = Rng.of(world.seed, 'plans');
  // Scale is intensity: rings per half year, so a longer world has more of them.
  const count = Math.max(3, Math.round((RINGS_PER_SCALE * scale * days) / 182));
  const weighted = campaigns.map(
    (c) =>
      [
        c,
        CATEGORY_WEIGHT[c.template.category] * (c.template.lang === 'en' ? ENGLISH_WEIGHT : 1),
      ] as const,
  );
  const drafts = Array.from({ length: count }, () => {
    const duration = rng.int(21, 120);
    const startDay = rng.int(0, days - 21);
    const primary = rng.weighted(weighted);
    const chosen = [primary];
    if (rng.chance(0.2)) {
      const second = rng.weighted(
        weighted.filter(([c]) => c.template.lang === primary.template.lang && c !== primary),
      );
      chosen.push(second);
    }
    const victims = Math.max(
      4,
      Math.min(600, Math.round(rng.logNormal(world.knobs.fraudVictims, 0.9))),
    );
    return {
      startDay,
      endDay: Math.min(days - 1, startDay + duration),
      victims,
      campaigns: chosen,
    };
  });
  drafts.sort((a, b) => a.startDay - b.startDay);
  const width = String(count).length;
  return drafts.map((d, index) => ({
    ...d,
    index,
    id: `ring-${String(index + 1).padStart(Math.max(4, width), '0')}`,
  }));
}

const median = (xs: number[]) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length === 0 ? 0 : (s[Math.floor(s.length / 2)] ?? 0);
};

/** What a caller can follow of a run. */
export interface SimHooks {
  /** Called after each day is written: progress for people, memory samples for benchmarks. */
  readonly onDay?: (day: number, days: number) => void;
}

/** What the written reports and closed rings add up to, counted as the days go by. */
interface Totals {
  victims: number;
  lossCny: number;
  typos: number;
  falseReports: number;
}

/** What the laundering rings added up to as they closed (issue 12's options only). */
interface LaunderingTotals {
  accounts: number;
  memberHeld: number;
  reported: number;
  transfers: number;
  launderedCny: number;
}

/**
 * Writes a synthetic consortium world into `outDir`: world.json, truth.json and, per
 * member, members/<id>/{member.json, reports.jsonl, links.jsonl}. Streams day by day;
 * memory grows with the activity of a day and the rings alive at once, not with the
 * length of the output.
 */
export function simulate(options: SimOptions, outDir: string, hooks: SimHooks = {}): SimSummary {
  mkdirSync(outDir, { recursive: true });
  const scheduler = new Scheduler(() => world, options.days);
  const world: World = new World(options, scheduler);
  const campaigns = campaignsOf();
  const plans = planRings(world, campaigns);
  const writer = new MemberWriter(world, outDir);
  const truth = new TruthWriter(outDir, world.members);
  const honest = new HonestActivity(world);
  const summaries: RingSummary[] = [];
  const totals: Totals = { victims: 0, lossCny: 0, typos: 0, falseReports: 0 };

  const close = (ring: Ring, day: number) => {
    summaries.push(truth.ring(ring));
    totals.victims += ring.victims;
    totals.lossCny += ring.lossCny;
    honest.recycle(
      world.knobs.recycledNumbers === DEFAULT_KNOBS.recycledNumbers
        ? ring
        : recyclingView(world, ring),
      day,
    );
  };

  // Issue 12: laundering rings (built up front, in their own number spaces, since their
  // reports can predate their accounts' first transfer), honest hubs, honest people
  // reported once. None of it exists, nor draws from any stream, without the options.
  const issue12 = hasIssue12(options);
  const hubs = issue12 ? new HonestHubs(world, (options.laundering ?? 0) > 0, true) : undefined;
  const laundering = hubs
    ? planLaundering(world)
        .map((plan) => createLaunderingRing(world, plan, hubs))
        .sort((a, b) => a.aliveDay - b.aliveDay)
    : [];
  const launderingSummaries: RingSummary[] = [];
  const aml: LaunderingTotals = {
    accounts: 0,
    memberHeld: 0,
    reported: 0,
    transfers: 0,
    launderedCny: 0,
  };
  const closeLaundering = (ring: LaunderingRing) => {
    launderingSummaries.push(truth.launderingRing(ring));
    aml.accounts += ring.accounts.length;
    aml.memberHeld += ring.memberHeld;
    aml.reported += ring.reported;
    aml.launderedCny += ring.launderedCny;
    aml.transfers += ring.transfers;
  };
  let launderingActive: LaunderingRing[] = [];
  let nextLaundering = 0;

  let active: Ring[] = [];
  let nextPlan = 0;
  for (let day = 0; day < options.days; day++) {
    scheduler.currentDay = day;
    while (nextPlan < plans.length && plans[nextPlan]?.startDay === day) {
      const plan = plans[nextPlan++] as RingPlan;
      const ring = createRing(world, plan);
      for (const c of plan.campaigns) c.ringIds.push(ring.id);
      active.push(ring);
    }
    for (const ring of active) ringDay(world, ring, day);
    honest.day(day);
    if (hubs) {
      while (laundering[nextLaundering]?.aliveDay === day)
        launderingActive.push(laundering[nextLaundering++] as LaunderingRing);
      for (const ring of launderingActive) launderingDay(world, ring, hubs, day);
      hubs.day(day);
    }

    for (const event of scheduler.take(day)) write(event, writer, truth, totals);
    active = active.filter((ring) => {
      if (day < ring.plan.endDay || ring.pending > 0) return true;
      close(ring, day);
      return false;
    });
    launderingActive = launderingActive.filter((ring) => {
      if (day < ring.plan.closeDay || ring.pending > 0 || ring.planned.size > 0) return true;
      closeLaundering(ring);
      return false;
    });
    hooks.onDay?.(day, options.days);
  }
  for (const ring of active) close(ring, options.days);
  for (const ring of launderingActive) closeLaundering(ring);
  writer.close();
  const seized = writeSeized(world, world.seizures, outDir);

  const counts = writer.counts();
  const header = {
    generator: GENERATOR,
    seed: options.seed,
    scale: options.scale,
    start: options.start,
    days: options.days,
    members: world.members.map((m) => ({ id: m.id, type: m.type })),
  };
  truth.finish(header, campaigns, honest.recycledLog, issue12, seized);
  const summary = summarize(world, campaigns, counts, summaries, totals, {
    recycledPhones: honest.recycledLog.length,
    eventsAfterEnd: scheduler.afterEnd,
    laundering: issue12
      ? {
          rings: launderingSummaries.length,
          ...aml,
          reportedShare: aml.memberHeld === 0 ? 0 : aml.reported / aml.memberHeld,
          falselyReported: hubs?.accusations ?? 0,
        }
      : undefined,
  });
  writeManifest(world, summary, outDir, issue12);
  return summary;
}

/**
 * One event of the day to the members' files, and what the truth file says of it: the
 * ring and campaign it belongs to, a false report or an honest person named, typos.
 */
function write(event: WorldEvent, writer: MemberWriter, truth: TruthWriter, totals: Totals): void {
  if (event.type === 'link') {
    writer.link(event);
  } else {
    const written = writer.report(event);
    if (written !== undefined) {
      if (event.ring) event.ring.reports++;
      if (event.campaign) {
        event.campaign.reports++;
        if (written.hasNarrative) truth.campaignReport(event.campaign, written.ref);
      }
      if (event.noise?.subject) {
        truth.falselyReported(written.ref, event.noise.subject);
      } else if (event.noise) {
        truth.falseReport(written.ref, event.noise.reason);
        totals.falseReports++;
      }
      for (const kind of written.typos) {
        truth.typo(written.ref, kind);
        totals.typos++;
      }
    }
  }
  if (event.ring) event.ring.pending--;
}

/** The run in numbers: what each member got, the rings, the noise, the laundering. */
function summarize(
  world: World,
  campaigns: readonly Campaign[],
  counts: readonly { member: string; reports: number; links: number }[],
  summaries: readonly RingSummary[],
  totals: Totals,
  rest: {
    readonly recycledPhones: number;
    readonly eventsAfterEnd: number;
    /** With issue 12's options only (absent otherwise, so the default world is unchanged). */
    readonly laundering: SimSummary['laundering'];
  },
): SimSummary {
  const memberRows = counts.map((c) => ({
    ...c,
    type: world.members.find((m) => m.id === c.member)?.type ?? '',
  }));
  const large = summaries.filter((s) => s.size >= 20);
  const byCategory: Partial<Record<Category, number>> = {};
  for (const c of campaigns)
    if (c.ringIds.length > 0)
      byCategory[c.template.category] = (byCategory[c.template.category] ?? 0) + 1;
  return {
    generator: GENERATOR,
    options: world.options,
    members: memberRows,
    reports: counts.reduce((s, c) => s + c.reports, 0),
    links: counts.reduce((s, c) => s + c.links, 0),
    rings: summaries.length,
    ringSizes: {
      median: median(summaries.map((s) => s.size)),
      max: Math.max(0, ...summaries.map((s) => s.size)),
    },
    multiMemberShare:
      summaries.length === 0
        ? 0
        : summaries.filter((s) => s.members >= 2).length / summaries.length,
    largeRings: large.length,
    largeRingMaxShare: Math.max(0, ...large.map((s) => s.maxShare)),
    campaigns: campaigns.filter((c) => c.ringIds.length > 0).length,
    campaignsByCategory: byCategory,
    victims: totals.victims,
    lossCny: totals.lossCny,
    noise: {
      falseReports: totals.falseReports,
      typos: totals.typos,
      recycledPhones: rest.recycledPhones,
    },
    eventsAfterEnd: rest.eventsAfterEnd,
    ...(rest.laundering ? { knobs: world.knobs, laundering: rest.laundering } : {}),
  };
}

/** world.json: the options, the institutions as the members know them, and the summary. */
function writeManifest(world: World, summary: SimSummary, outDir: string, issue12: boolean): void {
  const manifest = {
    generator: GENERATOR,
    options: world.options,
    ...(issue12 ? { knobs: world.knobs } : {}),
    members: world.members.map((m) => ({ id: m.id, type: m.type, name: m.name, nameZh: m.nameZh })),
    institutions: world.institutions.map((i) => ({
      id: i.id,
      type: i.type,
      member: i.member,
      ...(i.bins.length > 0 ? { bins: i.bins } : {}),
      ...(i.accountPrefix ? { accountPrefix: i.accountPrefix } : {}),
      ...(i.mobilePrefixes.length > 0 ? { mobilePrefixes: i.mobilePrefixes } : {}),
      ...(i.overseas ? { overseas: true } : {}),
      ...(i.imPlatform ? { imPlatform: i.imPlatform } : {}),
      ...(i.emailDomains.length > 0 ? { emailDomains: i.emailDomains } : {}),
    })),
    summary: { ...summary, options: undefined, knobs: undefined },
  };
  writeFileSync(
    join(outDir, 'world.json'),
    `${JSON.stringify(manifest, null, 2)}
`,
  );
}

/**
 * A variant's recycling rate without changing how recycling works (honest.ts recycles
 * each caller at 0.3): the ring is shown with as many of its SIMs as make the expected
 * number recycled the knob's share of its callers, callers first, then its other SIMs.
 */
function recyclingView(world: World, ring: Ring): Ring {
  const rng = Rng.of(world.seed, 'recycling-view', ring.plan.index);
  const want = Math.round(
    (ring.callers.length * world.knobs.recycledNumbers) / DEFAULT_KNOBS.recycledNumbers,
  );
  const others = ring.sims.filter((s) => !ring.callers.includes(s));
  const shown =
    want <= ring.callers.length
      ? rng.sample(ring.callers, want)
      : [...ring.callers, ...rng.sample(others, want - ring.callers.length)];
  return Object.assign(Object.create(ring) as Ring, { callers: shown });
}
