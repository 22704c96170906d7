import {
  IDENTIFIER_ERRORS,
  type IdentifierErrorCode,
} from '@credence/core/identifiers/identifier-error';
import type { IdentifierKind } from '@credence/core/identifiers/kinds';
import { tryNormalizeIdentifier } from '@credence/core/identifiers/normalize';
import type { PhoneRegion } from '@credence/core/identifiers/phone';
import { checkEventTime, parseDateTime } from '@credence/core/wire/date-time';
import type { RawEntity, RawReport } from '@credence/core/wire/raw-records';
import type { Category, EntityRole, ReportType } from '@credence/core/wire/vocabulary';
import { field } from './stix-bundle.js';
import { type Comparison, parseStixPattern } from './stix-pattern.js';

/**
 * STIX 2.1 objects from another source (MISP, OpenCTI…) as raw reports of the member's
 * own format (docs/formats.md), to be tokenized and submitted like any other: each
 * indicator whose pattern names identifiers Credence takes becomes one report, and each
 * observable of those types that no indicator names becomes one too. What is left out is
 * counted by reason, and said per object, never with the value: STIX_SKIPS and the
 * identifier errors.
 */

/** Why something of the file is not taken. Messages name the rule, never a value. */
export const STIX_SKIPS = {
  'stix.object': 'not a STIX object: a JSON object with a type and an id',
  'stix.version':
    'the file holds this object (its id) again in a version as new or newer: that one is taken',
  'stix.revoked': 'the indicator is revoked',
  'stix.benign': 'the indicator is typed benign: it names nothing malicious',
  'stix.expired':
    'the indicator is valid until a time already past: its source no longer holds it to be true',
  'stix.pattern_type':
    'the pattern is not STIX patterning (Sigma, YARA, Snort… are not read): no identifier taken',
  'stix.pattern': 'the pattern does not follow the STIX patterning grammar',
  'stix.time':
    "valid_from (an observable's time) must be an RFC 3339 time from 1990 up to now, as occurredAt",
  'stix.no_time':
    'an observable with no time of its own (no observed-data, no created): give --observed-at',
  'stix.not_taken':
    'compares a property that names no identifier Credence takes (file hashes, ports, accounts…)',
  'stix.operator':
    'compares with an operator other than =, or under NOT: only = names an identifier, the others are not guessed at',
  'stix.not_string': 'the value compared is not a string',
  'stix.cidr': 'an address range (CIDR) is not one address: it cannot be a token',
  'stix.repeated':
    'the same identifier is taken already (earlier in the indicator, or from an indicator or observable of the file)',
  'stix.no_identifiers':
    'the indicator names no identifier Credence takes (its comparisons say why): no report',
} as const satisfies Record<string, string>;

export type StixSkipCode = keyof typeof STIX_SKIPS;
export type SkipCode = StixSkipCode | IdentifierErrorCode;

/**
 * The reasons that leave out something the file meant as an identifier Credence takes
 * (a value that does not normalize, a range, an operator not =, a time refused), as
 * opposed to what is not for Credence at all (file hashes, YARA rules): `member
 * import-stix` exits 4 when any of these occurred, as `member submit` does for a rejected
 * identifier.
 */
export const LEFT_OUT: ReadonlySet<SkipCode> = new Set<SkipCode>([
  ...(Object.keys(IDENTIFIER_ERRORS) as IdentifierErrorCode[]),
  'stix.cidr',
  'stix.operator',
  'stix.not_string',
  'stix.time',
  'stix.no_time',
]);

/** One thing left out of an object, with the comparison it was (1-based) when it was one. */
export interface StixSkip {
  readonly code: SkipCode;
  readonly message: string;
  readonly comparison?: number;
}

/** What became of one indicator or observable: the refs it became, and what was left out. */
export interface StixOutcome {
  readonly id: string;
  readonly type: string;
  readonly refs: readonly string[];
  readonly identifiers: number;
  readonly skipped: readonly StixSkip[];
}

export interface StixSummary {
  /** Objects in the file, of every type. */
  objects: number;
  indicators: number;
  /** Observables (SCOs) of the types taken. */
  observables: number;
  reports: number;
  /** Identifiers written into reports, by kind. */
  taken: Partial<Record<IdentifierKind, number>>;
  skipped: Partial<Record<SkipCode, number>>;
}

export interface StixMapping {
  readonly reports: readonly RawReport[];
  readonly outcomes: readonly StixOutcome[];
  readonly summary: StixSummary;
}

export interface StixMappingOptions {
  readonly type: ReportType;
  readonly category: Category;
  readonly phoneRegion: PhoneRegion;
  /** The member's clock: no event may be in the future. */
  readonly now: number;
  /** The ref of a STIX id (stix-refs.ts). */
  readonly refOf: (id: string) => string;
  /** occurredAt for observables with no time of their own; without it they are left out. */
  readonly observedAt?: string;
}

/** The kinds an import takes, and the role each plays in the report (docs/formats.md). */
type TakenKind = 'url' | 'domain' | 'email' | 'ip' | 'phone';
const ROLE: Readonly<Record<TakenKind, EntityRole>> = {
  url: 'url',
  domain: 'url',
  email: 'contact',
  ip: 'ip',
  phone: 'caller',
};

/**
 * The object paths of a pattern taken, with the kind each names. STIX has no phone
 * number object: OpenCTI's `phone-number` observable, the custom `x-phone-number` others
 * write, and the phone of MISP's account objects are read. `…_ref.value` is an IP unless
 * its conjunction types the reference otherwise (REF_TYPES).
 */
const PATTERN_PATHS: ReadonlyMap<string, TakenKind> = new Map<string, TakenKind>([
  ['url:value', 'url'],
  ['domain-name:value', 'domain'],
  ['email-addr:value', 'email'],
  ['ipv4-addr:value', 'ip'],
  ['ipv6-addr:value', 'ip'],
  ['phone-number:value', 'phone'],
  ['x-phone-number:value', 'phone'],
  ['user-account:x_misp_phone', 'phone'],
  ['network-traffic:src_ref.value', 'ip'],
  ['network-traffic:dst_ref.value', 'ip'],
  ['email-message:from_ref.value', 'email'],
  ['email-message:sender_ref.value', 'email'],
  ['email-message:reply_to_refs[*].value', 'email'],
]);

/** A reference's type (`…_ref.type = '…'`) as the kind its value is. */
const REF_TYPES: ReadonlyMap<string, TakenKind> = new Map<string, TakenKind>([
  ['url', 'url'],
  ['domain-name', 'domain'],
  ['email-addr', 'email'],
  ['ipv4-addr', 'ip'],
  ['ipv6-addr', 'ip'],
]);

/** Observables (SCOs) taken: their type, and the property holding the value. */
const OBSERVABLES: ReadonlyMap<string, { kind: TakenKind; property: string }> = new Map([
  ['url', { kind: 'url' as TakenKind, property: 'value' }],
  ['domain-name', { kind: 'domain' as TakenKind, property: 'value' }],
  ['email-addr', { kind: 'email' as TakenKind, property: 'value' }],
  ['ipv4-addr', { kind: 'ip' as TakenKind, property: 'value' }],
  ['ipv6-addr', { kind: 'ip' as TakenKind, property: 'value' }],
  ['phone-number', { kind: 'phone' as TakenKind, property: 'value' }],
  ['x-phone-number', { kind: 'phone' as TakenKind, property: 'value' }],
  // Older misp-stix releases: one custom type per MISP attribute type.
  ['x-misp-object-phone-number', { kind: 'phone' as TakenKind, property: 'x_misp_value' }],
]);

/** The kind of observable an object is, if taken (MISP's custom attribute by its x_misp_type). */
function observableOf(object: unknown): { kind: TakenKind; property: string } | undefined {
  const type = field(object, 'type');
  if (type === 'x-misp-attribute')
    return field(object, 'x_misp_type') === 'phone-number'
      ? { kind: 'phone', property: 'x_misp_value' }
      : undefined;
  return typeof type === 'string' ? OBSERVABLES.get(type) : undefined;
}

/** The largest number of entities in one report (the raw format's 64). */
const MAX_ENTITIES = 64;

/**
 * A name from the file (an object path, a pattern type) as a skip may show it: short and
 * of the characters such names are made of, else not at all. A quoted property name may
 * hold any text, and a skip never shows a value.
 */
const shown = (name: string): string | undefined =>
  /^[A-Za-z0-9_:.'[\]*-]{1,80}$/.test(name) ? name : undefined;

const skip = (code: SkipCode, detail?: string, comparison?: number): StixSkip => ({
  code,
  message: `${code in STIX_SKIPS ? STIX_SKIPS[code as StixSkipCode] : IDENTIFIER_ERRORS[code as IdentifierErrorCode]}${detail === undefined ? '' : ` (${detail})`}`,
  ...(comparison === undefined ? {} : { comparison }),
});

/** An identifier to put in a report, or why not. */
type Candidate = { readonly entity: RawEntity; readonly key: string } | { readonly skip: StixSkip };

/** The one address of a single-address CIDR (/32, /128); a wider range is stix.cidr. */
function singleAddress(value: string): string | undefined {
  const slash = value.lastIndexOf('/');
  if (slash < 0) return value;
  const prefix = value.slice(slash + 1);
  const address = value.slice(0, slash);
  const full = address.includes(':') ? '128' : '32';
  return prefix === full ? address : undefined;
}

/** A value of a kind taken, normalized (as tokenizing will), as an entity; or why it is left out. */
function candidate(
  kind: TakenKind,
  raw: string,
  region: PhoneRegion,
  comparison?: number,
): Candidate {
  const value = kind === 'ip' ? singleAddress(raw.trim()) : raw;
  if (value === undefined) return { skip: skip('stix.cidr', undefined, comparison) };
  const result = tryNormalizeIdentifier(kind, value, { phoneRegion: region });
  if (!result.ok) return { skip: skip(result.error.code, undefined, comparison) };
  return {
    entity: { role: ROLE[kind], kind, value },
    key: `${kind}\u0000${result.identifier.value}`,
  };
}

/** The kind a comparison's path names, if one is taken. */
function kindOf(c: Comparison): TakenKind | undefined {
  const path = `${c.objectType}:${c.property.replace(/\[[^\]]*\]/g, '[*]')}`;
  const kind = PATTERN_PATHS.get(path);
  if (kind === undefined || c.refType === undefined) return kind;
  return REF_TYPES.get(c.refType);
}

/** One comparison of a pattern as a candidate, or undefined for a reference's type that qualified a sibling. */
function comparisonCandidate(c: Comparison, n: number, region: PhoneRegion): Candidate | undefined {
  if (c.typesSibling === true) return undefined;
  const kind = kindOf(c);
  if (kind === undefined)
    return { skip: skip('stix.not_taken', shown(`${c.objectType}:${c.property}`), n) };
  if (c.operator !== '=' || c.negated)
    return { skip: skip('stix.operator', `${c.negated ? 'NOT ' : ''}${c.operator}`, n) };
  if (c.literal?.type !== 'string') return { skip: skip('stix.not_string', undefined, n) };
  return candidate(kind, c.literal.value, region, n);
}

/** The counts and reports being made, and the identifiers taken so far (for stix.repeated). */
class Collector {
  readonly reports: RawReport[] = [];
  readonly outcomes: StixOutcome[] = [];
  readonly summary: StixSummary = {
    objects: 0,
    indicators: 0,
    observables: 0,
    reports: 0,
    taken: {},
    skipped: {},
  };
  /** kind NUL normalized value of every identifier an indicator or observable gave. */
  readonly seen = new Set<string>();

  constructor(private readonly options: StixMappingOptions) {}

  /** An object's reports (its entities in parts of at most 64) and its outcome. */
  add(
    id: string,
    type: string,
    occurredAt: string | undefined,
    entities: readonly RawEntity[],
    skipped: StixSkip[],
  ): void {
    const refs: string[] = [];
    if (entities.length > 0 && occurredAt !== undefined) {
      const base = this.options.refOf(id);
      for (let part = 0; part * MAX_ENTITIES < entities.length; part++) {
        const ref = part === 0 ? base : `${base}.${part + 1}`;
        refs.push(ref);
        this.reports.push({
          ref,
          type: this.options.type,
          category: this.options.category,
          occurredAt,
          entities: entities.slice(part * MAX_ENTITIES, (part + 1) * MAX_ENTITIES),
        });
      }
      for (const e of entities) this.summary.taken[e.kind] = (this.summary.taken[e.kind] ?? 0) + 1;
      this.summary.reports += refs.length;
    }
    this.skipped(skipped);
    this.outcomes.push({ id, type, refs, identifiers: entities.length, skipped });
  }

  skipped(skips: readonly StixSkip[]): void {
    for (const s of skips) this.summary.skipped[s.code] = (this.summary.skipped[s.code] ?? 0) + 1;
  }

  /** The entities of candidates, each identifier once; repeats become stix.repeated. */
  entities(candidates: readonly (Candidate | undefined)[], skipped: StixSkip[]): RawEntity[] {
    const entities: RawEntity[] = [];
    for (const [i, c] of candidates.entries()) {
      if (c === undefined) continue;
      if ('skip' in c) skipped.push(c.skip);
      else if (this.seen.has(c.key)) skipped.push(skip('stix.repeated', undefined, i + 1));
      else {
        this.seen.add(c.key);
        entities.push(c.entity);
      }
    }
    return entities;
  }
}

/** The time of an event, checked as occurredAt is: the text, or the reason it is refused. */
function eventTime(
  value: unknown,
  now: number,
  what: string,
): { time: string } | { skip: StixSkip } {
  const checked = checkEventTime(value, now);
  return checked.ok
    ? { time: value as string }
    : { skip: skip('stix.time', `${what}: ${checked.message}`) };
}

/** What of an indicator makes it no report at all, before its pattern is read. */
function indicatorRefusal(object: unknown, now: number): StixSkip | undefined {
  if (field(object, 'revoked') === true) return skip('stix.revoked');
  const until = field(object, 'valid_until');
  if (typeof until === 'string' && Date.parse(until) <= now) return skip('stix.expired');
  const types = field(object, 'indicator_types');
  if (Array.isArray(types) && types.includes('benign')) return skip('stix.benign');
  // STIX 2.0 indicators (MISP's 2.0 export) have no pattern_type: their patterns are STIX.
  const patternType = field(object, 'pattern_type');
  if (patternType !== undefined && patternType !== 'stix')
    return skip(
      'stix.pattern_type',
      typeof patternType === 'string' ? shown(patternType) : undefined,
    );
  return undefined;
}

function takeIndicator(object: unknown, id: string, into: Collector, options: StixMappingOptions) {
  const refused = indicatorRefusal(object, options.now);
  if (refused !== undefined) return into.add(id, 'indicator', undefined, [], [refused]);
  const time = eventTime(field(object, 'valid_from'), options.now, 'valid_from');
  if ('skip' in time) return into.add(id, 'indicator', undefined, [], [time.skip]);
  const pattern = field(object, 'pattern');
  const parsed =
    typeof pattern === 'string'
      ? parseStixPattern(pattern)
      : { ok: false as const, message: 'pattern is not a string' };
  if (!parsed.ok)
    return into.add(id, 'indicator', undefined, [], [skip('stix.pattern', parsed.message)]);
  const skipped: StixSkip[] = [];
  const entities = into.entities(
    parsed.comparisons.map((c, i) => comparisonCandidate(c, i + 1, options.phoneRegion)),
    skipped,
  );
  // Counted apart from its comparisons' reasons: how many indicators gave no report.
  if (entities.length === 0) skipped.push(skip('stix.no_identifiers'));
  into.add(id, 'indicator', time.time, entities, skipped);
}

/** The time of an observable: its observed-data's, else its own created, else --observed-at. */
function observableTime(
  object: unknown,
  id: string,
  observed: ReadonlyMap<string, string>,
  options: StixMappingOptions,
): { time: string } | { skip: StixSkip } {
  const time = observed.get(id) ?? field(object, 'created') ?? options.observedAt;
  if (time === undefined) return { skip: skip('stix.no_time') };
  return eventTime(time, options.now, 'time');
}

function takeObservable(
  object: unknown,
  id: string,
  observed: ReadonlyMap<string, string>,
  into: Collector,
  options: StixMappingOptions,
) {
  const type = field(object, 'type') as string;
  const { kind, property } = observableOf(object) as { kind: TakenKind; property: string };
  const value = field(object, property);
  const taken =
    typeof value === 'string'
      ? candidate(kind, value, options.phoneRegion)
      : { skip: skip('stix.not_string') };
  if ('skip' in taken) return into.add(id, type, undefined, [], [taken.skip]);
  // Named by an indicator already (tools export both): that says more than a missing time.
  if (into.seen.has(taken.key)) return into.add(id, type, undefined, [], [skip('stix.repeated')]);
  const time = observableTime(object, id, observed, options);
  if ('skip' in time) return into.add(id, type, undefined, [], [time.skip]);
  into.add(id, type, time.time, into.entities([taken], []), []);
}

/** `modified` in milliseconds, or -Infinity where it is absent or not a time (SCOs have none). */
const modifiedOf = (object: unknown): number =>
  parseDateTime(field(object, 'modified')) ?? Number.NEGATIVE_INFINITY;

/**
 * Of the objects with the same id, the index of the newest (by modified; the first of
 * equals): the others are stix.version. Ids are kept in a Map, so no id can be a key of
 * an object's prototype.
 */
function newestVersions(objects: readonly unknown[]): Map<string, number> {
  const newest = new Map<string, number>();
  objects.forEach((object, i) => {
    const id = field(object, 'id');
    if (typeof id !== 'string') return;
    const kept = newest.get(id);
    if (kept === undefined || modifiedOf(object) > modifiedOf(objects[kept])) newest.set(id, i);
  });
  return newest;
}

/** Each observable's earliest first_observed among the observed-data that refer to it. */
function observedTimes(objects: readonly unknown[]): Map<string, string> {
  const times = new Map<string, string>();
  for (const object of objects) {
    if (field(object, 'type') !== 'observed-data') continue;
    const first = field(object, 'first_observed');
    const refs = field(object, 'object_refs');
    const ms = parseDateTime(first);
    if (ms === undefined || !Array.isArray(refs)) continue;
    for (const ref of refs) {
      if (typeof ref !== 'string') continue;
      const kept = times.get(ref);
      if (kept === undefined || ms < (parseDateTime(kept) as number))
        times.set(ref, first as string);
    }
  }
  return times;
}

/** What an object is to the import: an indicator, an observable taken, or neither. */
function roleOf(object: unknown): 'indicator' | 'observable' | undefined {
  if (field(object, 'type') === 'indicator') return 'indicator';
  return observableOf(object) === undefined ? undefined : 'observable';
}

/**
 * The raw reports of a file's STIX objects (stix-bundle.ts), with what became of each
 * indicator and observable. Indicators are taken first, so that an observable naming an
 * identifier an indicator names already is stix.repeated rather than a second report.
 */
export function stixToReports(
  objects: readonly unknown[],
  options: StixMappingOptions,
): StixMapping {
  const into = new Collector(options);
  into.summary.objects = objects.length;
  const newest = newestVersions(objects);
  const observed = observedTimes(objects);
  const later: { object: unknown; id: string }[] = [];
  for (const [i, object] of objects.entries()) {
    const role = roleOf(object);
    const type = field(object, 'type');
    const id = field(object, 'id');
    if (typeof type !== 'string' || typeof id !== 'string') {
      into.add('', '', undefined, [], [skip('stix.object')]);
      continue;
    }
    if (role === undefined) continue;
    if (role === 'indicator') into.summary.indicators++;
    else into.summary.observables++;
    if (newest.get(id) !== i) into.add(id, type, undefined, [], [skip('stix.version')]);
    else if (role === 'indicator') takeIndicator(object, id, into, options);
    else later.push({ object, id });
  }
  for (const { object, id } of later) takeObservable(object, id, observed, into, options);
  return { reports: into.reports, outcomes: into.outcomes, summary: into.summary };
}
