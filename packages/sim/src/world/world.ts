import { type HouseStyle, randomHouseStyle } from '../formatting.js';
import { buildInstitutions, type Institution } from '../institutions.js';
import { type Knobs, resolveKnobs } from '../knobs.js';
import type { SimOptions } from '../options.js';
import { Population } from '../population.js';
import { Rng } from '../rng.js';
import type { WorldEvent } from './events.js';
import { Seizures } from './seized.js';

export const DAY_MS = 86_400_000;
/** People in the population per unit of scale. */
const PEOPLE_PER_SCALE = 20_000;

/** Receives the world's events; the simulator's scheduler is the real one. */
export interface EventSink {
  emit(event: WorldEvent): void;
}

/**
 * The shared context of one simulated world: options, institutions, population, the
 * counters from which planted identifiers are drawn, and the event sink.
 */
export class World {
  readonly seed: number;
  readonly institutions: readonly Institution[];
  readonly members: readonly Institution[];
  readonly banks: readonly Institution[];
  readonly payments: readonly Institution[];
  /** Mainland operators, members first, then the outsider. */
  readonly telecoms: readonly Institution[];
  readonly mvno: Institution;
  readonly overseas: Institution;
  readonly internets: readonly Institution[];
  /** The police member that files police-confirmed cases (none: their banks report them as confirmed fraud). */
  readonly police: Institution | undefined;
  readonly population: Population;
  readonly startMs: number;
  readonly styles: ReadonlyMap<Institution, HouseStyle>;
  /** The knobs of this world: the defaults, or a variant's (see knobs.ts). */
  readonly knobs: Knobs;
  private readonly counters = new Map<string, number>();
  /** The last few hundred victims: some are defrauded twice. */
  readonly recentVictims: number[] = [];
  /** The lists of personal data the police seize from rings (seized.ts). */
  readonly seizures: Seizures = new Seizures(this);

  constructor(
    readonly options: SimOptions,
    readonly sink: EventSink,
  ) {
    this.seed = options.seed;
    this.knobs = resolveKnobs(options);
    this.institutions = buildInstitutions(options.members);
    this.members = this.institutions.filter((i) => i.member);
    const ofType = (t: Institution['type']) => this.institutions.filter((i) => i.type === t);
    this.banks = ofType('bank');
    this.payments = ofType('payment');
    const telecoms = ofType('telecom');
    this.telecoms = telecoms.filter(
      (t) => t.mobilePrefixes.length > 0 && !t.id.startsWith('outside-mvno'),
    );
    this.mvno = telecoms.find((t) => t.id.startsWith('outside-mvno')) ?? fail('mvno');
    this.overseas = telecoms.find((t) => t.overseas) ?? fail('overseas operator');
    this.internets = ofType('internet');
    this.police = this.members.find((m) => m.type === 'police');
    this.startMs = Date.parse(`${options.start}T00:00:00Z`);

    const styleRng = Rng.of(this.seed, 'house-styles');
    this.styles = new Map(this.members.map((m) => [m, randomHouseStyle(styleRng)]));

    const emailDomains: [string, Institution, number][] = [];
    const weights: Record<string, number> = {
      'qq.com': 40,
      '163.com': 30,
      'gmail.com': 15,
      'outlook.com': 15,
    };
    for (const host of this.internets)
      for (const d of host.emailDomains) emailDomains.push([d, host, weights[d] ?? 10]);
    this.population = new Population(
      this.seed,
      Math.max(2_000, Math.round(PEOPLE_PER_SCALE * options.scale)),
      {
        telecoms: [...this.telecoms.map((t) => [t, 10] as const), [this.mvno, 1] as const],
        banks: this.banks.map((b) => [b, 10] as const),
        payments: this.payments,
        platforms: this.internets.map((p) => [p, p.member ? 10 : 3] as const),
        emailDomains,
      },
    );
  }

  /**
   * The next counter in a number space for planted identifiers. Counters of spaces that
   * people also draw from (by their index) start above the population, so planted
   * values never equal a person's; spaces of their own start at 0.
   */
  next(space: string, shared = true): number {
    const n = this.counters.get(space) ?? (shared ? this.population.size : 0);
    this.counters.set(space, n + 1);
    return n;
  }

  emit(event: WorldEvent): void {
    this.sink.emit(event);
  }

  /** Milliseconds of a day index plus hours. */
  time(day: number, hours: number): number {
    return this.startMs + day * DAY_MS + Math.round(hours * 3600) * 1000;
  }

  dayOf(ms: number): number {
    return Math.floor((ms - this.startMs) / DAY_MS);
  }
}

function fail(what: string): never {
  throw new Error(`institutions lack the ${what}`);
}
