import type { SimOptions } from './options.js';
import { Rng } from './rng.js';

/**
 * The knobs another author of a simulator would have set otherwise (issue 12): ring sizes,
 * how much of a ring one member sees, how much of it is reported, how often honest people
 * are reported, how often victims and numbers are shared, how large honest hubs are and how
 * busy honest life is. A method that only works at the defaults is tuned to one generator,
 * so `--variant K` draws each from [0.5, 1.5] times its default.
 *
 * The defaults are the constants today's stories were written with, so a world at the
 * defaults is byte for byte what it was before the knobs existed: a knob multiplies by
 * exactly 1 or replaces a constant by the same constant.
 */
export interface Knobs {
  /** Laundering rings per unit of scale and half year (the `laundering` option). */
  readonly launderingRings: number;
  /** Median size of a laundering ring in accounts (log-normal, clamped to 4..200). */
  readonly launderingSize: number;
  /** Median number of victims of a fraud ring over its life. */
  readonly fraudVictims: number;
  /**
   * The share of a laundering ring's accounts its main member bank holds (the rest are
   * spread over other members and outsiders); for fraud rings, member banks' weight as
   * mule holders is multiplied by this over its default.
   */
  readonly memberShare: number;
  /** Share of a laundering ring's member-held accounts reported; each ring draws from
   * [2/3, 4/3] of it (20 to 40 % at the default). */
  readonly reportedShare: number;
  /** Multiplier of wrong reports: disputes, hubs taken for fraud, honest people reported once. */
  readonly falseReports: number;
  /** Chance that a victim is one already defrauded by a ring (often another). */
  readonly sharedVictims: number;
  /** Chance that a closed ring's caller number is sold again to an ordinary person. */
  readonly recycledNumbers: number;
  /** Median membership of an honest hub: a merchant's payers a day, a payroll, a Wi-Fi. */
  readonly hubSize: number;
  /** Multiplier of honest background traffic. */
  readonly honestVolume: number;
  /** Chance that a laundering account's holder already holds another of the ring's. */
  readonly sharedHolders: number;
}

export const DEFAULT_KNOBS: Knobs = {
  launderingRings: 0,
  launderingSize: 12,
  fraudVictims: 30,
  memberShare: 0.4,
  reportedShare: 0.3,
  falseReports: 1,
  sharedVictims: 0.05,
  recycledNumbers: 0.3,
  hubSize: 60,
  honestVolume: 1,
  sharedHolders: 0.25,
};

/** Knobs that are shares and must stay below one whatever the variant. */
const SHARES: ReadonlySet<keyof Knobs> = new Set([
  'memberShare',
  'reportedShare',
  'sharedVictims',
  'recycledNumbers',
  'sharedHolders',
]);

/**
 * The knobs of a world: the defaults (with the laundering option), or for variant K ≥ 1
 * each drawn independently from [0.5, 1.5] times its default, from a stream keyed by
 * (seed, K), in the fixed order of DEFAULT_KNOBS.
 */
export function resolveKnobs(options: SimOptions): Knobs {
  const base: Knobs = { ...DEFAULT_KNOBS, launderingRings: options.laundering ?? 0 };
  const variant = options.variant ?? 0;
  if (variant === 0) return base;
  const rng = Rng.of(options.seed, 'variant', variant);
  const out: Record<string, number> = {};
  for (const key of Object.keys(DEFAULT_KNOBS) as (keyof Knobs)[]) {
    const factor = Math.round((0.5 + rng.float()) * 1000) / 1000;
    const value = Number((base[key] * factor).toPrecision(6));
    out[key] = SHARES.has(key) ? Math.min(0.95, value) : value;
  }
  return out as unknown as Knobs;
}

/** Whether the world has any of issue 12's additions (and so records its knobs). */
export const hasIssue12 = (options: SimOptions): boolean =>
  (options.laundering ?? 0) > 0 || (options.variant ?? 0) > 0;
