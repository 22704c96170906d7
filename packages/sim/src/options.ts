import { CredenceError } from '@credence/core/errors';
import { parseDateTime } from '@credence/core/wire/date-time';
import type { MemberCounts } from './institutions.js';

/** What `credence sim` takes. Every field has a default; the defaults are the demo world. */
export interface SimOptions {
  /** Any unsigned 32-bit integer. The same seed and options give byte-identical output. */
  readonly seed: number;
  /** Size of the world: 1 is the demo (about 5,000 reports); 200 is about a million. */
  readonly scale: number;
  readonly members: MemberCounts;
  /** First day of the world (UTC), YYYY-MM-DD. */
  readonly start: string;
  readonly days: number;
  /**
   * Share of narratives (0 to 1) that end with a reporting form's sentence (see
   * scripts/reporting-form). Absent or 0: none, and the world is byte for byte what it
   * was without the option.
   */
  readonly boilerplate?: number;
  /**
   * Share of narratives (0 to 1) told briefly: how it began and how it ended, the
   * script's first line and last. Absent or 0: none.
   */
  readonly brief?: number;
  /**
   * Money-laundering rings per unit of scale and half year (issue 12): fan-out, fan-in,
   * cycles, scatter-gather, gather-scatter, bipartite, stacks and random walks through
   * accounts that also carry honest traffic, with partial reporting, honest hubs and
   * honest people reported once. Absent or 0: none, and the world is what it was.
   */
  readonly laundering?: number;
  /**
   * Another author's world: K ≥ 1 draws every knob (see knobs.ts) from [0.5, 1.5] times
   * its default, from a stream keyed by (seed, K). Absent or 0: the defaults.
   */
  readonly variant?: number;
}

export const DEFAULT_OPTIONS: SimOptions = {
  seed: 7,
  scale: 1,
  members: { bank: 3, payment: 0, telecom: 2, internet: 2, police: 1 },
  start: '2026-05-01',
  days: 182,
};

function invalid(field: string, message: string): never {
  throw new CredenceError('sim.invalid_option', `${field}: ${message}`, { details: { field } });
}

/** Validates options once, at the edge; the simulator trusts them afterwards. */
export function resolveOptions(
  input: Partial<Omit<SimOptions, 'members'>> & { members?: Partial<MemberCounts> } = {},
): SimOptions {
  const o = {
    ...DEFAULT_OPTIONS,
    ...input,
    members: { ...DEFAULT_OPTIONS.members, ...(input.members ?? {}) },
  };
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff)
    invalid('seed', 'an integer from 0 to 4294967295');
  if (!Number.isFinite(o.scale) || o.scale <= 0 || o.scale > 2000)
    invalid('scale', 'a number above 0, at most 2000');
  if (!Number.isInteger(o.days) || o.days < 28 || o.days > 3660)
    invalid('days', 'an integer from 28 to 3660');
  if (o.boilerplate !== undefined && !(o.boilerplate >= 0 && o.boilerplate <= 1))
    invalid('boilerplate', 'a share from 0 to 1');
  if (o.brief !== undefined && !(o.brief >= 0 && o.brief <= 1))
    invalid('brief', 'a share from 0 to 1');
  if (
    o.laundering !== undefined &&
    !(Number.isFinite(o.laundering) && o.laundering >= 0 && o.laundering <= 10_000)
  )
    invalid('laundering', 'a number of rings from 0 to 10000');
  if (
    o.variant !== undefined &&
    !(Number.isInteger(o.variant) && o.variant >= 0 && o.variant <= 0xffffffff)
  )
    invalid('variant', 'an integer from 0 to 4294967295');
  // A day that exists (2026-02-30 does not): the rule every event time is held to.
  if (!/^\d{4}-\d{2}-\d{2}$/.test(o.start) || parseDateTime(`${o.start}T00:00:00Z`) === undefined)
    invalid('start', 'a date written YYYY-MM-DD');
  for (const [type, count] of Object.entries(o.members)) {
    if (!Number.isInteger(count) || count < 0 || count > 12)
      invalid(`members.${type}`, 'an integer from 0 to 12');
  }
  if (o.members.bank + o.members.payment < 1)
    invalid('members.bank', 'the consortium needs at least one bank or payment company');
  if (o.members.telecom < 1)
    invalid('members.telecom', 'the consortium needs at least one telecom');
  if (o.members.internet < 1)
    invalid('members.internet', 'the consortium needs at least one internet company');
  return o;
}
