import { IDENTIFIER_KINDS, type IdentifierKind } from '../identifiers/kinds.js';
import { checkEventTime } from './date-time.js';
import type { FieldError } from './field-error.js';
import type { RawEndpoint, RawEntity, RawLink, RawReport } from './raw-records.js';
import { CATEGORIES, ENTITY_ROLES, LINK_TYPES, REPORT_TYPES } from './vocabulary.js';

/**
 * Checks one raw input record (SPEC §5) at the member side, field by field, so that a bad
 * line is reported with every field that is wrong while the rest of the file goes on.
 * Identifier values are only checked to be strings here; normalization checks them.
 */

/**
 * Codes of field errors in raw records (docs/errors.md). Their messages name the rule
 * (the allowed values, the expected form), never the value found.
 */
export const RECORD_ERROR_CODES = [
  'record.json',
  'record.kind',
  'record.type',
  'record.enum',
  'record.ref',
  'record.date_time',
  'record.date_range',
  'record.amount',
  'record.count',
  'record.entities',
  'record.narrative',
  'record.share_script',
  'record.unknown_field',
  'record.no_valid_entities',
] as const;
export type RecordErrorCode = (typeof RECORD_ERROR_CODES)[number];

export type RawRecord =
  | { readonly kind: 'report'; readonly report: RawReport }
  | { readonly kind: 'link'; readonly link: RawLink };

export type ParseResult =
  | { readonly ok: true; readonly record: RawRecord }
  | { readonly ok: false; readonly errors: readonly FieldError[] };

export interface ParseOptions {
  /**
   * The member's clock (milliseconds since the epoch): no event may be later than now,
   * give or take the skew the platform allows (wire/date-time).
   */
  readonly now: number;
}

const REF = /^[A-Za-z0-9._:-]{1,128}$/;
/** The fields of each kind of record (SPEC §5): anything else is `record.unknown_field`. */
export const REPORT_FIELDS = [
  'ref',
  'type',
  'category',
  'occurredAt',
  'lossCny',
  'entities',
  'narrative',
  'shareScript',
] as const;
export const ENTITY_FIELDS = ['role', 'kind', 'value'] as const;
export const LINK_FIELDS = ['link', 'from', 'to', 'at', 'count', 'amountCny'] as const;
export const ENDPOINT_FIELDS = ['kind', 'value'] as const;
export const MAX_ENTITIES = 64;
const MAX_NARRATIVE = 20_000;

type Json = Record<string, unknown>;

/**
 * The record's own fields in an object without a prototype: what is read from it is what
 * the line says, never something inherited (`__proto__`, `constructor`, or a property
 * that some other code put on Object.prototype).
 */
function own(value: object): Json {
  const copy: Json = Object.create(null);
  for (const [key, v] of Object.entries(value)) copy[key] = v;
  return copy;
}

class Collector {
  readonly errors: FieldError[] = [];
  add(field: string, code: RecordErrorCode, message: string): void {
    this.errors.push({ field, code, message });
  }
}

function oneOf<T extends string>(
  c: Collector,
  json: Json,
  field: string,
  allowed: readonly T[],
  path = field,
): T | undefined {
  const v = json[field];
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    c.add(path, 'record.enum', `must be one of: ${allowed.join(', ')}`);
    return undefined;
  }
  return v as T;
}

function dateTime(c: Collector, json: Json, field: string, now: number): string | undefined {
  const v = json[field];
  const checked = checkEventTime(v, now);
  if (!checked.ok) {
    c.add(
      field,
      checked.problem === 'format' ? 'record.date_time' : 'record.date_range',
      checked.message,
    );
    return undefined;
  }
  return v as string;
}

function amount(c: Collector, json: Json, field: string): number | undefined {
  const v = json[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    c.add(field, 'record.amount', 'must be a non-negative number of yuan');
    return undefined;
  }
  return v;
}

function endpoint(c: Collector, value: unknown, path: string): RawEndpoint | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    c.add(path, 'record.type', 'must be an object with kind and value');
    return undefined;
  }
  const e = own(value);
  const kind = oneOf<IdentifierKind>(c, e, 'kind', IDENTIFIER_KINDS, `${path}.kind`);
  if (typeof e.value !== 'string') c.add(`${path}.value`, 'record.type', 'must be a string');
  return kind === undefined || typeof e.value !== 'string' ? undefined : { kind, value: e.value };
}

function parseReport(json: Json, now: number): ParseResult {
  const c = new Collector();
  if (typeof json.ref !== 'string' || !REF.test(json.ref))
    c.add('ref', 'record.ref', 'must be 1 to 128 letters, digits or . _ : -');
  const type = oneOf(c, json, 'type', REPORT_TYPES);
  const category = oneOf(c, json, 'category', CATEGORIES);
  const occurredAt = dateTime(c, json, 'occurredAt', now);
  const lossCny = amount(c, json, 'lossCny');
  const entities: RawEntity[] = [];
  if (
    !Array.isArray(json.entities) ||
    json.entities.length === 0 ||
    json.entities.length > MAX_ENTITIES
  ) {
    c.add('entities', 'record.entities', `must be a list of 1 to ${MAX_ENTITIES} entities`);
  } else {
    json.entities.forEach((value: unknown, i) => {
      const path = `entities[${i}]`;
      const e = endpoint(c, value, path);
      const role =
        typeof value === 'object' && value !== null
          ? oneOf(c, own(value), 'role', ENTITY_ROLES, `${path}.role`)
          : undefined;
      if (e !== undefined && role !== undefined) entities.push({ role, ...e });
    });
  }
  if (
    json.narrative !== undefined &&
    (typeof json.narrative !== 'string' || json.narrative.length > MAX_NARRATIVE)
  ) {
    c.add('narrative', 'record.narrative', `must be text of at most ${MAX_NARRATIVE} characters`);
  }
  if (json.shareScript !== undefined && typeof json.shareScript !== 'boolean')
    c.add('shareScript', 'record.share_script', 'must be true or false');
  for (const field of Object.keys(json)) {
    if (!(REPORT_FIELDS as readonly string[]).includes(field))
      c.add(field, 'record.unknown_field', 'is not a field of a report');
  }
  if (
    c.errors.length > 0 ||
    type === undefined ||
    category === undefined ||
    occurredAt === undefined
  )
    return { ok: false, errors: c.errors };
  const report: RawReport = {
    ref: json.ref as string,
    type,
    category,
    occurredAt,
    ...(lossCny === undefined ? {} : { lossCny }),
    entities,
    ...(typeof json.narrative === 'string' ? { narrative: json.narrative } : {}),
    ...(typeof json.shareScript === 'boolean' ? { shareScript: json.shareScript } : {}),
  };
  return { ok: true, record: { kind: 'report', report } };
}

function parseLink(json: Json, now: number): ParseResult {
  const c = new Collector();
  const link = oneOf(c, json, 'link', LINK_TYPES);
  const from = endpoint(c, json.from, 'from');
  const to = endpoint(c, json.to, 'to');
  const at = dateTime(c, json, 'at', now);
  const count = json.count ?? 1;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1)
    c.add('count', 'record.count', 'must be a positive integer');
  const amountCny = amount(c, json, 'amountCny');
  for (const field of Object.keys(json)) {
    if (!(LINK_FIELDS as readonly string[]).includes(field))
      c.add(field, 'record.unknown_field', 'is not a field of a link');
  }
  if (
    c.errors.length > 0 ||
    link === undefined ||
    from === undefined ||
    to === undefined ||
    at === undefined
  )
    return { ok: false, errors: c.errors };
  return {
    ok: true,
    record: {
      kind: 'link',
      link: {
        link,
        from,
        to,
        at,
        count: count as number,
        ...(amountCny === undefined ? {} : { amountCny }),
      },
    },
  };
}

/** A report has a `ref`; a link has a `link`. */
export function parseRawRecord(value: unknown, options: ParseOptions): ParseResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      ok: false,
      errors: [{ field: '(record)', code: 'record.type', message: 'must be a JSON object' }],
    };
  }
  const json = own(value);
  if ('link' in json) return parseLink(json, options.now);
  if ('ref' in json) return parseReport(json, options.now);
  return {
    ok: false,
    errors: [
      {
        field: '(record)',
        code: 'record.kind',
        message: 'is neither a report (has "ref") nor a link (has "link")',
      },
    ],
  };
}
