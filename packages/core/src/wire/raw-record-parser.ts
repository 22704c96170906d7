import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { hostRequire } from '../host.js';
import type { IdentifierKind } from '../identifiers/kinds.js';
import { checkEventTime } from './date-time.js';
import type { FieldError } from './field-error.js';
import type { RawEndpoint, RawEntity, RawLink, RawReport } from './raw-records.js';
import type { Category, EntityRole, LinkType, ReportType } from './vocabulary.js';

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
  'record.region',
  'record.count',
  'record.entities',
  'record.narrative',
  'record.evidence',
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

/**
 * The raw formats' JSON Schemas (packages/core/schemas, described in docs/formats.md) are
 * the single description of a record: what a field may hold, which are required, and the
 * error code and message each field gives (`x-credence-error`). This module validates
 * with them and adds only what a schema cannot say: a time's range, which depends on the
 * member's clock (wire/date-time), and a link's default count.
 */
interface SchemaNode {
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly items?: SchemaNode;
  readonly enum?: readonly string[];
  readonly maxItems?: number;
  readonly 'x-credence-error'?: { readonly code: RecordErrorCode; readonly message?: string };
  readonly 'x-credence-unknown'?: string;
}

function loadSchema(name: string): SchemaNode & Record<string, unknown> {
  // Through the package's exports, which find the file from src/, dist/ or the CLI's bundle.
  return hostRequire(`@credence/core/schemas/${name}.schema.json`, import.meta.url) as SchemaNode &
    Record<string, unknown>;
}

/** The JSON Schemas of a raw report and a raw link, as published in packages/core/schemas. */
export const RAW_REPORT_SCHEMA = loadSchema('raw-report');
export const RAW_LINK_SCHEMA = loadSchema('raw-link');

const ajv = new Ajv2020({ allErrors: true, strict: true });
ajv.addKeyword({ keyword: 'x-credence-error', schemaType: 'object' });
ajv.addKeyword({ keyword: 'x-credence-unknown', schemaType: 'string' });
const validateReport = ajv.compile(RAW_REPORT_SCHEMA);
const validateLink = ajv.compile(RAW_LINK_SCHEMA);

const fieldsOf = (node: SchemaNode | undefined): readonly string[] =>
  Object.keys(node?.properties ?? {});
/** The fields of each kind of record: anything else is `record.unknown_field`. */
export const REPORT_FIELDS = fieldsOf(RAW_REPORT_SCHEMA);
export const LINK_FIELDS = fieldsOf(RAW_LINK_SCHEMA);
export const ENTITY_FIELDS = fieldsOf(RAW_REPORT_SCHEMA.properties?.entities?.items);
export const ENDPOINT_FIELDS = fieldsOf(RAW_LINK_SCHEMA.properties?.from);
export const MAX_ENTITIES = RAW_REPORT_SCHEMA.properties?.entities?.maxItems as number;

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

/** A field error and where its field comes in the schema's order, for a stable listing. */
interface Placed extends FieldError {
  readonly order: readonly number[];
}

/** `entities[0].role` from the path segments `entities`, `0`, `role`. */
const fieldName = (path: readonly string[]) =>
  path.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');

/** The schema node of a field, and its place: each segment's index among its siblings. */
function locate(schema: SchemaNode, path: readonly string[]) {
  let node: SchemaNode | undefined = schema;
  const order: number[] = [];
  for (const segment of path) {
    if (/^\d+$/.test(segment) && node?.items !== undefined) {
      order.push(Number(segment));
      node = node.items;
      continue;
    }
    const names = fieldsOf(node);
    const at = names.indexOf(segment);
    order.push(at < 0 ? names.length : at);
    node = at < 0 ? undefined : node?.properties?.[segment];
  }
  return { node, order };
}

function schemaErrors(schema: SchemaNode, errors: readonly ErrorObject[]): Placed[] {
  const seen = new Set<string>();
  const out: Placed[] = [];
  for (const e of errors) {
    const path = e.instancePath.split('/').slice(1);
    const params = e.params as { additionalProperty?: string; missingProperty?: string };
    const unknown = e.keyword === 'additionalProperties';
    const extra = unknown ? params.additionalProperty : params.missingProperty;
    const full = extra === undefined ? path : [...path, extra];
    const field = fieldName(full);
    if (seen.has(field)) continue;
    seen.add(field);
    const { node, order } = locate(schema, full);
    if (unknown) {
      const parent = locate(schema, path).node;
      out.push({
        field,
        code: 'record.unknown_field',
        message: parent?.['x-credence-unknown'] ?? 'is not a field of the record',
        order,
      });
      continue;
    }
    const rule = node?.['x-credence-error'];
    out.push({
      field,
      code: rule?.code ?? 'record.type',
      message:
        rule?.message ??
        (node?.enum === undefined
          ? 'does not match the format'
          : `must be one of: ${node.enum.join(', ')}`),
      order,
    });
  }
  return out;
}

/** Validates against the schema, then the time's range by the member's clock. */
function check(
  schema: SchemaNode,
  validate: ValidateFunction,
  json: Json,
  timeField: 'occurredAt' | 'at',
  now: number,
): FieldError[] {
  const placed = validate(json) ? [] : schemaErrors(schema, validate.errors ?? []);
  const time = json[timeField];
  if (typeof time === 'string' && !placed.some((e) => e.field === timeField)) {
    const checked = checkEventTime(time, now);
    if (!checked.ok)
      placed.push({
        field: timeField,
        code: checked.problem === 'format' ? 'record.date_time' : 'record.date_range',
        message: checked.message,
        order: locate(schema, [timeField]).order,
      });
  }
  placed.sort((a, b) => compareOrder(a.order, b.order));
  return placed.map(({ field, code, message }) => ({ field, code, message }));
}

function compareOrder(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++)
    if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}

const endpointOf = (value: unknown): RawEndpoint => {
  const e = own(value as object);
  return { kind: e.kind as IdentifierKind, value: e.value as string };
};

function parseReport(json: Json, now: number): ParseResult {
  const errors = check(RAW_REPORT_SCHEMA, validateReport, json, 'occurredAt', now);
  if (errors.length > 0) return { ok: false, errors };
  const entities: RawEntity[] = (json.entities as unknown[]).map((value) => {
    const e = own(value as object);
    return { role: e.role as EntityRole, ...endpointOf(e) };
  });
  const report: RawReport = {
    ref: json.ref as string,
    type: json.type as ReportType,
    category: json.category as Category,
    occurredAt: json.occurredAt as string,
    ...(json.lossCny === undefined ? {} : { lossCny: json.lossCny as number }),
    ...(json.region === undefined ? {} : { region: json.region as string }),
    entities,
    ...(json.narrative === undefined ? {} : { narrative: json.narrative as string }),
    ...(json.evidence === undefined
      ? {}
      : {
          evidence: (json.evidence as unknown[]).map((value) => {
            const f = own(value as object);
            return {
              file: f.file as string,
              ...(f.mediaType === undefined ? {} : { mediaType: f.mediaType as string }),
            };
          }),
        }),
    ...(json.shareScript === undefined ? {} : { shareScript: json.shareScript as boolean }),
  };
  return { ok: true, record: { kind: 'report', report } };
}

function parseLink(json: Json, now: number): ParseResult {
  const errors = check(RAW_LINK_SCHEMA, validateLink, json, 'at', now);
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    record: {
      kind: 'link',
      link: {
        link: json.link as LinkType,
        from: endpointOf(json.from),
        to: endpointOf(json.to),
        at: json.at as string,
        count: (json.count as number | undefined) ?? 1,
        ...(json.amountCny === undefined ? {} : { amountCny: json.amountCny as number }),
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
