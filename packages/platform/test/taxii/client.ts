/**
 * A TAXII 2.1 client for tests, written from the OASIS specification alone and not from the
 * platform's server: "TAXII Version 2.1", OASIS Standard, 10 June 2021
 * (https://docs.oasis-open.org/cti/taxii/v2.1/os/taxii-v2.1-os.html). It asks what a TAXII
 * client asks and holds every answer to the specification, so that a test using it checks
 * the server against the standard, not against the server's own reading of it.
 *
 * Sections implemented (numbers and titles as in the specification):
 * - 1.6.8 Content Negotiation, 1.6.8.1 Media Types, 1.6.8.2 Version Parameter
 * - 1.6.9 Authentication and Authorization (the platform takes `Authorization: Bearer`)
 * - 2 Data Types (identifier, integer, list, timestamp, dictionary)
 * - 3.1 Endpoints; 3.2 HTTP Headers; 3.3 Sorting; 3.4 Filtering; 3.4.1 Supported Fields
 *   for Match; 3.5 Pagination; 3.6 Errors; 3.6.1 Error Message; 3.7 Envelope Resource;
 *   3.8 Property Names
 * - 4.1 Server Discovery, 4.1.1 Discovery Resource; 4.2 Get API Root Information,
 *   4.2.1 API Root Resource; 4.3 Get Status, 4.3.1 Status Resource
 * - 5.1 Get Collections, 5.1.1 Collections Resource; 5.2 Get a Collection, 5.2.1 Collection
 *   Resource; 5.3 Get Object Manifests, 5.3.1 Manifest Resource; 5.4 Get Objects; 5.6 Get an
 *   Object; 5.8 Get Object Versions, 5.8.1 Versions Resource
 * - 7.1.1 Custom Properties: Requirements; 8.2.1 TAXII Server Core Requirements (the
 *   discovery URL); 8.4.1 TAXII 2.1 Client (User-Agent)
 *
 * Not implemented: 5.5 Add Objects and 5.7 Delete an Object (the platform only serves),
 * 3.9 DNS SRV Names, and TLS (8.5.1): tests talk plain HTTP to a local server.
 *
 * Where the specification is ambiguous or contradicts itself, a comment where the choice
 * is made says what the specification says and what was decided.
 */

/** The media type and version this client asks for and insists on (1.6.8.2). */
export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';

const USER_AGENT = 'credence-taxii-test-client/0.1';
const DEFAULT_MAX_PAGES = 1000;

/** A response that breaks the specification: which resource, which field, and how. */
export class TaxiiConformanceError extends Error {
  readonly resource: string;
  readonly field: string;
  readonly problem: string;
  readonly url: string;

  constructor(resource: string, field: string, problem: string, url: string) {
    super(`TAXII 2.1: ${resource} ${field}: ${problem} (GET ${url})`);
    this.name = 'TaxiiConformanceError';
    this.resource = resource;
    this.field = field;
    this.problem = problem;
    this.url = url;
  }
}

/** A conforming error answer (400- and 500-series, 3.6), with its error message (3.6.1). */
export class TaxiiError extends Error {
  readonly status: number;
  readonly error: TaxiiErrorMessage;
  readonly url: string;
  readonly headers: Headers;

  constructor(status: number, error: TaxiiErrorMessage, url: string, headers: Headers) {
    super(`TAXII ${status}: ${error.title} (GET ${url})`);
    this.name = 'TaxiiError';
    this.status = status;
    this.error = error;
    this.url = url;
    this.headers = headers;
  }
}

/** 3.6.1 Error Message. */
export interface TaxiiErrorMessage {
  title: string;
  description?: string;
  error_id?: string;
  error_code?: string;
  http_status?: string;
  external_details?: string;
  details?: Record<string, unknown>;
}

/** 4.1.1 Discovery Resource. */
export interface Discovery {
  title: string;
  description?: string;
  contact?: string;
  default?: string;
  api_roots?: string[];
}

/** 4.2.1 API Root Resource. */
export interface ApiRoot {
  title: string;
  description?: string;
  versions: string[];
  max_content_length: number;
}

/** 4.3.1 Status Resource, the `status-details` type. */
export interface StatusDetails {
  id: string;
  version: string;
  message?: string;
}

/** 4.3.1 Status Resource. */
export interface Status {
  id: string;
  status: 'complete' | 'pending';
  request_timestamp?: string;
  total_count: number;
  success_count: number;
  successes?: StatusDetails[];
  failure_count: number;
  failures?: StatusDetails[];
  pending_count: number;
  pendings?: StatusDetails[];
}

/** 5.2.1 Collection Resource. */
export interface Collection {
  id: string;
  title: string;
  description?: string;
  alias?: string;
  can_read: boolean;
  can_write: boolean;
  media_types?: string[];
}

/** 5.1.1 Collections Resource. */
export interface Collections {
  collections?: Collection[];
}

/** What this client checks of a STIX object inside an envelope: its `type` and `id`. */
export interface StixObject {
  type: string;
  id: string;
  [property: string]: unknown;
}

/** 3.7 Envelope Resource. */
export interface Envelope {
  more?: boolean;
  next?: string;
  objects?: StixObject[];
}

/** 5.3.1 Manifest Resource, the `manifest-record` type. */
export interface ManifestRecord {
  id: string;
  date_added: string;
  version: string;
  media_type?: string;
}

/**
 * 5.3.1 Manifest Resource. The specification gives the manifest `more` but no `next`, yet
 * lets the manifest endpoint take a `next` parameter (5.3) and says paging takes it from
 * the answer (3.5); a `next` is therefore read here as on the envelope, and without one
 * the client pages on by `added_after` (3.5).
 */
export interface Manifest {
  more?: boolean;
  next?: string;
  objects?: ManifestRecord[];
}

/** 5.8.1 Versions Resource (with `next` read as on the manifest, for the same reason). */
export interface Versions {
  more?: boolean;
  next?: string;
  versions?: string[];
}

/** The URL parameters of 3.4 Filtering. `match` keys are the fields, e.g. `type`. */
export interface PageQuery {
  limit?: number | undefined;
  next?: string | undefined;
  addedAfter?: string | undefined;
  match?: Record<string, string> | undefined;
}

/** The same without `next`, which paging supplies itself. */
export type PagingQuery = Omit<PageQuery, 'next'>;

/** The 3.2 custom headers of a page, and the rest of its headers for anything else. */
export interface PageHeaders {
  dateAddedFirst?: string;
  dateAddedLast?: string;
  headers: Headers;
  url: string;
}

export interface ObjectsPage extends PageHeaders {
  envelope: Envelope;
}

export interface ManifestPage extends PageHeaders {
  manifest: Manifest;
}

export interface VersionsPage extends PageHeaders {
  versions: Versions;
}

export interface TaxiiClientOptions {
  /** The server's discovery URL, `<server>/taxii2/` (8.2.1). */
  discoveryUrl: string;
  /** Sent as `Authorization: Bearer <credential>` on every request (1.6.9). */
  credential: string;
  fetch?: typeof fetch;
  /** How many pages `allObjects` and `allManifest` follow before calling the server endless. */
  maxPages?: number;
}

/**
 * The version parameter of a TAXII media type, or undefined for any other media type.
 * Type, subtype and parameter names are case-insensitive and values may be quoted
 * (RFC 7231 §3.1.1.1, which 1.6.8 defers to); other parameters such as a charset are let be.
 */
export function taxiiVersionOf(mediaType: string | null): string | undefined {
  if (mediaType === null) return undefined;
  const [essence = '', ...parameters] = mediaType.split(';');
  if (essence.trim().toLowerCase() !== 'application/taxii+json') return undefined;
  const versions = parameters
    .map((p) => p.split('=').map((part) => part.trim()))
    .filter(([name]) => name?.toLowerCase() === 'version')
    .map(([, value = '']) => value.replace(/^"(.*)"$/, '$1'));
  return versions.length === 1 ? versions[0] : undefined;
}

/** Whether a Content-Type is the one every TAXII 2.1 answer carries (3.1, 4 and 5). */
export function isTaxii21MediaType(mediaType: string | null): boolean {
  return taxiiVersionOf(mediaType) === '2.1';
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * Whether a string is a TAXII `timestamp` (2): RFC 3339, UTC with "Z", and exactly the
 * format YYYY-MM-DDTHH:MM:SS.ssssssZ. The specification's own examples break this
 * ("2016-11-02T12:34:34.12345Z", "2016-11-04T03:04:051Z") and 1.7.1 speaks of millisecond
 * precision, but the normative type says the TAXII timestamp MUST have microsecond
 * precision, so six fractional digits are required here. A leap second (:60) is let be.
 */
export function isTaxiiTimestamp(value: string): boolean {
  if (!TIMESTAMP.test(value)) return false;
  const calendar = value.slice(0, 19).replace(/:60$/, ':59');
  const parsed = new Date(`${calendar}Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 19) === calendar;
}

const IDENTIFIER = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** Custom property names, 7.1.1: ASCII a–z, 0–9 and underscore, 3 to 250 long. */
const CUSTOM_PROPERTY = /^[a-z0-9_]{3,250}$/;

type Json = Record<string, unknown>;
type Read<T> = (value: unknown, field: string) => T;

const at = (path: string, key: string) => (path === '' ? key : `${path}.${key}`);

/**
 * Field-by-field checks of one resource of one answer. Each check either returns the value
 * it was given, now known to be of its type, or throws a TaxiiConformanceError naming the
 * resource and the field, so a failing test says exactly what the server got wrong.
 */
class Shape {
  constructor(
    readonly resource: string,
    readonly url: string,
  ) {}

  fail(field: string, problem: string): never {
    throw new TaxiiConformanceError(this.resource, field, problem, this.url);
  }

  readonly object = (value: unknown, field: string): Json => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(field, `expected a JSON object, got ${describe(value)}`);
    }
    return value as Json;
  };

  readonly string = (value: unknown, field: string): string => {
    if (typeof value !== 'string') this.fail(field, `expected a string, got ${describe(value)}`);
    return value;
  };

  /** Literal true or false (2, `boolean`). */
  readonly boolean = (value: unknown, field: string): boolean => {
    if (typeof value !== 'boolean') {
      this.fail(field, `expected true or false, got ${describe(value)}`);
    }
    return value;
  };

  readonly timestamp = (value: unknown, field: string): string => {
    const text = this.string(value, field);
    if (!isTaxiiTimestamp(text)) {
      this.fail(field, `expected a timestamp YYYY-MM-DDTHH:MM:SS.ssssssZ, got ${describe(text)}`);
    }
    return text;
  };

  /** An RFC 4122 version 4 UUID (2, `identifier`). Hex digits of either case are taken. */
  readonly identifier = (value: unknown, field: string): string => {
    const text = this.string(value, field);
    if (!IDENTIFIER.test(text)) {
      this.fail(field, `expected a version 4 UUID, got ${describe(text)}`);
    }
    return text;
  };

  /** A whole number within I-JSON's range (2, `integer`), at least `min`. */
  integer(value: unknown, field: string, min: number): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      this.fail(field, `expected an integer, got ${describe(value)}`);
    }
    if (value < min) this.fail(field, `expected an integer of at least ${min}, got ${value}`);
    return value;
  }

  /** A list (2): a JSON array of at least one value, each of the item's type. */
  list<T>(value: unknown, field: string, item: Read<T>): T[] {
    if (!Array.isArray(value)) this.fail(field, `expected a list, got ${describe(value)}`);
    if (value.length === 0) {
      this.fail(field, 'is an empty list; TAXII prohibits empty lists (omit the property)');
    }
    return value.map((v, i) => item(v, `${field}[${i}]`));
  }

  /** A property the resource's table marks required (3.8: it MUST be present). */
  required<T>(o: Json, path: string, key: string, read: Read<T>): T {
    if (!Object.hasOwn(o, key)) this.fail(at(path, key), 'is required but missing');
    return read(o[key], at(path, key));
  }

  optional<T>(o: Json, path: string, key: string, read: Read<T>): T | undefined {
    return Object.hasOwn(o, key) ? read(o[key], at(path, key)) : undefined;
  }

  /**
   * Any property beyond the table's is a custom property and MUST be named as 7.1.1 says;
   * this is what catches a misspelt or wrongly cased property name (3.8).
   */
  customOnly(o: Json, path: string, known: readonly string[]): void {
    for (const key of Object.keys(o)) {
      if (!known.includes(key) && !CUSTOM_PROPERTY.test(key)) {
        this.fail(at(path, key), 'is neither a property of this resource nor a valid custom name');
      }
    }
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function readErrorMessage(s: Shape, body: unknown, status: number): TaxiiErrorMessage {
  const o = s.object(body, '(body)');
  s.customOnly(o, '', [
    'title',
    'description',
    'error_id',
    'error_code',
    'http_status',
    'external_details',
    'details',
  ]);
  s.required(o, '', 'title', s.string);
  for (const key of ['description', 'error_id', 'error_code', 'external_details']) {
    s.optional(o, '', key, s.string);
  }
  s.optional(o, '', 'details', s.object);
  // The specification types http_status as a string ("409" in its example): a number is
  // a deviation, and the value MUST match the status of the answer.
  const httpStatus = s.optional(o, '', 'http_status', s.string);
  if (httpStatus !== undefined && httpStatus !== String(status)) {
    s.fail('http_status', `is "${httpStatus}" but the HTTP status is ${status}`);
  }
  return o as unknown as TaxiiErrorMessage;
}

function readApiRoot(s: Shape, body: unknown): ApiRoot {
  const o = s.object(body, '(body)');
  s.customOnly(o, '', ['title', 'description', 'versions', 'max_content_length']);
  s.required(o, '', 'title', s.string);
  s.optional(o, '', 'description', s.string);
  const versions = s.required(o, '', 'versions', (v, f) =>
    s.list(v, f, (item, field) => {
      const version = taxiiVersionOf(s.string(item, field));
      if (version === undefined || !/^\d+\.\d+$/.test(version)) {
        s.fail(field, `expected a TAXII media type with its version parameter, got "${item}"`);
      }
      return version;
    }),
  );
  if (!versions.includes('2.1')) s.fail('versions', `must include "${TAXII_MEDIA_TYPE}"`);
  s.required(o, '', 'max_content_length', (v, f) => s.integer(v, f, 1));
  return o as unknown as ApiRoot;
}

function readStatusDetails(s: Shape, value: unknown, field: string): StatusDetails {
  const o = s.object(value, field);
  s.customOnly(o, field, ['id', 'version', 'message']);
  s.required(o, field, 'id', s.string);
  s.required(o, field, 'version', s.string);
  s.optional(o, field, 'message', s.string);
  return o as unknown as StatusDetails;
}

function readStatus(s: Shape, body: unknown): Status {
  const o = s.object(body, '(body)');
  const counts = ['total_count', 'success_count', 'failure_count', 'pending_count'];
  const lists = ['successes', 'failures', 'pendings'];
  s.customOnly(o, '', ['id', 'status', 'request_timestamp', ...counts, ...lists]);
  s.required(o, '', 'id', s.identifier);
  const status = s.required(o, '', 'status', s.string);
  if (status !== 'complete' && status !== 'pending') {
    s.fail('status', `must be "complete" or "pending", got "${status}"`);
  }
  s.optional(o, '', 'request_timestamp', s.timestamp);
  for (const key of counts) s.required(o, '', key, (v, f) => s.integer(v, f, 0));
  const details = (v: unknown, f: string) => readStatusDetails(s, v, f);
  for (const key of lists) s.optional(o, '', key, (v, f) => s.list(v, f, details));
  return o as unknown as Status;
}

function readCollection(s: Shape, value: unknown, path: string): Collection {
  const o = s.object(value, path === '' ? '(body)' : path);
  s.customOnly(o, path, [
    'id',
    'title',
    'description',
    'alias',
    'can_read',
    'can_write',
    'media_types',
  ]);
  s.required(o, path, 'id', s.identifier);
  s.required(o, path, 'title', s.string);
  s.optional(o, path, 'description', s.string);
  s.optional(o, path, 'alias', s.string);
  s.required(o, path, 'can_read', s.boolean);
  s.required(o, path, 'can_write', s.boolean);
  s.optional(o, path, 'media_types', (v, f) => s.list(v, f, s.string));
  return o as unknown as Collection;
}

function readCollections(s: Shape, body: unknown): Collections {
  const o = s.object(body, '(body)');
  s.customOnly(o, '', ['collections']);
  s.optional(o, '', 'collections', (v, f) =>
    s.list(v, f, (item, field) => readCollection(s, item, field)),
  );
  return o as Collections;
}

/**
 * An object of an envelope MUST be a STIX object (3.7). Short of validating STIX, this
 * checks what every STIX object has: a string `type`, and an `id` of the form `type--…`.
 */
function readStixObject(s: Shape, value: unknown, field: string): StixObject {
  const o = s.object(value, field);
  const type = s.required(o, field, 'type', s.string);
  const id = s.required(o, field, 'id', s.string);
  if (!id.startsWith(`${type}--`)) s.fail(at(field, 'id'), `"${id}" is not a STIX id of "${type}"`);
  return o as StixObject;
}

/** `more` and `next` of an envelope, manifest or versions resource (3.7, 5.3.1, 5.8.1). */
function readPaging(s: Shape, o: Json): void {
  s.optional(o, '', 'more', s.boolean);
  // The specification says `next` MAY be populated if `more` is true but does not forbid
  // it otherwise; a `next` beside `more: false` is let be and paging stops on `more`.
  s.optional(o, '', 'next', s.string);
}

function readEnvelope(s: Shape, body: unknown): Envelope {
  const o = s.object(body, '(body)');
  s.customOnly(o, '', ['more', 'next', 'objects']);
  readPaging(s, o);
  s.optional(o, '', 'objects', (v, f) =>
    s.list(v, f, (item, field) => readStixObject(s, item, field)),
  );
  return o as Envelope;
}

function readManifestRecord(s: Shape, value: unknown, field: string): ManifestRecord {
  const o = s.object(value, field);
  s.customOnly(o, field, ['id', 'date_added', 'version', 'media_type']);
  s.required(o, field, 'id', s.string);
  s.required(o, field, 'date_added', s.timestamp);
  s.required(o, field, 'version', s.string);
  s.optional(o, field, 'media_type', s.string);
  return o as unknown as ManifestRecord;
}

function readManifest(s: Shape, body: unknown): Manifest {
  const o = s.object(body, '(body)');
  s.customOnly(o, '', ['more', 'next', 'objects']);
  readPaging(s, o);
  s.optional(o, '', 'objects', (v, f) =>
    s.list(v, f, (item, field) => readManifestRecord(s, item, field)),
  );
  return o as Manifest;
}

function readVersions(s: Shape, body: unknown): Versions {
  const o = s.object(body, '(body)');
  s.customOnly(o, '', ['more', 'next', 'versions']);
  readPaging(s, o);
  s.optional(o, '', 'versions', (v, f) => s.list(v, f, s.string));
  return o as Versions;
}

/**
 * X-TAXII-Date-Added-First and -Last (3.2): timestamps, first no later than last (3.3).
 * The specification requires them on every 200 of these endpoints, yet defines them as
 * the date_added of the first and last object of the response: an answer with no objects
 * has none to give, so they are required only when the answer holds something.
 */
function readDateAdded(s: Shape, headers: Headers, count: number): PageHeaders {
  const page: PageHeaders = { headers, url: s.url };
  const first = headers.get('x-taxii-date-added-first');
  const last = headers.get('x-taxii-date-added-last');
  if (count > 0 && first === null) s.fail('X-TAXII-Date-Added-First', 'header is missing');
  if (count > 0 && last === null) s.fail('X-TAXII-Date-Added-Last', 'header is missing');
  if (first !== null) page.dateAddedFirst = s.timestamp(first, 'X-TAXII-Date-Added-First');
  if (last !== null) page.dateAddedLast = s.timestamp(last, 'X-TAXII-Date-Added-Last');
  if (first !== null && last !== null && first > last) {
    s.fail('X-TAXII-Date-Added-Last', `${last} is before X-TAXII-Date-Added-First ${first}`);
  }
  return page;
}

/** The checks 3.4 puts on any answer to a query: the limit, and added_after. */
function checkQuery(s: Shape, query: PageQuery, page: PageHeaders, count: number, field: string) {
  if (query.limit !== undefined && count > query.limit) {
    s.fail(field, `holds ${count} items but the request's limit was ${query.limit}`);
  }
  // Timestamps of this one fixed-width format order as strings do.
  const after = query.addedAfter;
  if (after !== undefined && isTaxiiTimestamp(after) && page.dateAddedFirst !== undefined) {
    if (page.dateAddedFirst <= after) {
      s.fail(
        'X-TAXII-Date-Added-First',
        `${page.dateAddedFirst} is not after added_after ${after}`,
      );
    }
  }
}

/** The match fields of 3.4.1 that can be checked from an id: `id`, and `type` for STIX ids. */
function checkMatch(
  s: Shape,
  match: Record<string, string> | undefined,
  ids: string[],
  field: string,
) {
  const wanted = (key: string) => match?.[key]?.split(',');
  const idsWanted = wanted('id');
  const typesWanted = wanted('type');
  ids.forEach((id, i) => {
    if (idsWanted !== undefined && !idsWanted.includes(id)) {
      s.fail(`${field}[${i}]`, `${id} does not match match[id]=${match?.id}`);
    }
    const type = id.includes('--') ? id.slice(0, id.indexOf('--')) : undefined;
    if (typesWanted !== undefined && type !== undefined && !typesWanted.includes(type)) {
      s.fail(`${field}[${i}]`, `${id} does not match match[type]=${match?.type}`);
    }
  });
}

/**
 * The manifest shows each record's date_added, so its order (3.3: ascending by date
 * added) and the headers' agreement with its first and last record (3.2) can be checked.
 */
function checkManifestOrder(s: Shape, records: ManifestRecord[], page: PageHeaders): void {
  records.forEach((record, i) => {
    const before = records[i - 1];
    if (before !== undefined && record.date_added < before.date_added) {
      s.fail(`objects[${i}].date_added`, `${record.date_added} is before the record above it`);
    }
  });
  const first = records[0]?.date_added;
  const last = records[records.length - 1]?.date_added;
  if (first !== undefined && page.dateAddedFirst !== first) {
    s.fail('X-TAXII-Date-Added-First', `is ${page.dateAddedFirst}, the first record's is ${first}`);
  }
  if (last !== undefined && page.dateAddedLast !== last) {
    s.fail('X-TAXII-Date-Added-Last', `is ${page.dateAddedLast}, the last record's is ${last}`);
  }
}

/**
 * The URL parameters of 3.4, sent as given (not checked first) so that a test can send
 * malformed ones on purpose and expect the server's 400.
 */
function withQuery(url: URL, query: PageQuery): URL {
  if (query.limit !== undefined) url.searchParams.set('limit', String(query.limit));
  if (query.next !== undefined) url.searchParams.set('next', query.next);
  if (query.addedAfter !== undefined) url.searchParams.set('added_after', query.addedAfter);
  for (const [field, value] of Object.entries(query.match ?? {})) {
    url.searchParams.set(`match[${field}]`, value);
  }
  return url;
}

/** An endpoint under an API Root: each segment escaped, and the trailing "/" of 3.1. */
function endpoint(apiRoot: URL, ...segments: string[]): URL {
  const path = segments.map((segment) => `${encodeURIComponent(segment)}/`).join('');
  return new URL(path, apiRoot);
}

/** Where paging goes on from: the answer's `more` and `next` (3.5). */
interface Cursor {
  more: boolean;
  next: string | undefined;
}

interface Answer {
  body: unknown;
  headers: Headers;
  shape: Shape;
}

/**
 * A TAXII 2.1 client that checks every answer against the specification. Each request
 * carries the TAXII Accept header and the bearer credential; each answer must have the
 * endpoint's status, the TAXII 2.1 Content-Type, and a body shaped as the resource's table
 * says, or a TaxiiConformanceError names what is wrong. Error answers become TaxiiErrors.
 */
export class TaxiiClient {
  readonly discoveryUrl: URL;
  private readonly credential: string;
  private readonly fetch: typeof fetch;
  private readonly maxPages: number;

  constructor(options: TaxiiClientOptions) {
    this.discoveryUrl = new URL(options.discoveryUrl);
    // 8.2.1: the Discovery API is /taxii2/ at the root of the server.
    if (this.discoveryUrl.pathname !== '/taxii2/') {
      throw new RangeError(`a TAXII 2.1 discovery URL ends in /taxii2/ at the server's root`);
    }
    this.credential = options.credential;
    // Called through a closure, not as a method of this client: some fetches need their own `this`.
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  }

  /** 4.1 Server Discovery: GET /taxii2/, with the API Root URLs held to 4.1.1. */
  async discovery(): Promise<Discovery> {
    const { body, shape: s } = await this.get(this.discoveryUrl, 'discovery');
    const o = s.object(body, '(body)');
    s.customOnly(o, '', ['title', 'description', 'contact', 'default', 'api_roots']);
    s.required(o, '', 'title', s.string);
    s.optional(o, '', 'description', s.string);
    s.optional(o, '', 'contact', s.string);
    const roots = s.optional(o, '', 'api_roots', (v, f) =>
      s.list(v, f, (item, field) => {
        const root = s.string(item, field);
        this.checkApiRootUrl(s, root, field);
        return root;
      }),
    );
    const byDefault = s.optional(o, '', 'default', s.string);
    if (byDefault !== undefined && !roots?.includes(byDefault)) {
      s.fail('default', `"${byDefault}" is not one of api_roots`);
    }
    return o as unknown as Discovery;
  }

  /**
   * An API Root URL as a discovery answer gives it, made absolute: a relative one (which
   * begins with a single "/", 4.1.1) is resolved against the discovery URL, as RFC 3986
   * resolves any relative reference. The trailing "/" endpoints need (3.1) is added if
   * missing.
   */
  resolveApiRoot(apiRootUrl: string): URL {
    const url = new URL(apiRootUrl, this.discoveryUrl);
    if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
    return url;
  }

  /** The API Roots of a discovery answer, each made absolute. */
  apiRootUrls(discovery: Discovery): string[] {
    return (discovery.api_roots ?? []).map((root) => this.resolveApiRoot(root).href);
  }

  /** 4.2 Get API Root Information. */
  async apiRoot(apiRootUrl: string): Promise<ApiRoot> {
    const { body, shape } = await this.get(this.resolveApiRoot(apiRootUrl), 'api-root');
    return readApiRoot(shape, body);
  }

  /** 4.3 Get Status; the answer's id must be the one asked for. */
  async status(apiRootUrl: string, statusId: string): Promise<Status> {
    const url = endpoint(this.resolveApiRoot(apiRootUrl), 'status', statusId);
    const { body, shape } = await this.get(url, 'status');
    const status = readStatus(shape, body);
    if (status.id !== statusId) shape.fail('id', `is ${status.id}, but ${statusId} was asked for`);
    return status;
  }

  /** 5.1 Get Collections. */
  async collections(apiRootUrl: string): Promise<Collections> {
    const url = endpoint(this.resolveApiRoot(apiRootUrl), 'collections');
    const { body, shape } = await this.get(url, 'collections');
    return readCollections(shape, body);
  }

  /** 5.2 Get a Collection, by its id or its alias (5.2.1), which the answer must carry. */
  async collection(apiRootUrl: string, id: string): Promise<Collection> {
    const url = endpoint(this.resolveApiRoot(apiRootUrl), 'collections', id);
    const { body, shape } = await this.get(url, 'collection');
    const collection = readCollection(shape, body, '');
    if (collection.id !== id && collection.alias !== id) {
      shape.fail('id', `is ${collection.id}, but ${id} was asked for`);
    }
    return collection;
  }

  /** 5.4 Get Objects: one page, with the filters and paging of 3.4. */
  async objects(
    apiRootUrl: string,
    collectionId: string,
    query: PageQuery = {},
  ): Promise<ObjectsPage> {
    const root = this.resolveApiRoot(apiRootUrl);
    const url = withQuery(endpoint(root, 'collections', collectionId, 'objects'), query);
    return this.objectsPage(url, query);
  }

  /**
   * Every page of 5.4 Get Objects, in order, following 3.5 until `more` is false. Pages
   * rather than objects are yielded so a test sees each page's headers and how many
   * pages there were.
   */
  allObjects(
    apiRootUrl: string,
    collectionId: string,
    query: PagingQuery = {},
  ): AsyncGenerator<ObjectsPage, void, undefined> {
    return this.pages(
      'envelope',
      query,
      (q) => this.objects(apiRootUrl, collectionId, q),
      (page) => ({ more: page.envelope.more === true, next: page.envelope.next }),
    );
  }

  /**
   * 5.6 Get an Object: an envelope of that object's versions, each of which must have the
   * id asked for. Of the match fields only version and spec_version apply (5.6).
   */
  async object(
    apiRootUrl: string,
    collectionId: string,
    objectId: string,
    query: PageQuery = {},
  ): Promise<ObjectsPage> {
    const root = this.resolveApiRoot(apiRootUrl);
    const path = endpoint(root, 'collections', collectionId, 'objects', objectId);
    const page = await this.objectsPage(withQuery(path, query), query);
    const s = new Shape('envelope', page.url);
    checkMatch(
      s,
      { id: objectId },
      (page.envelope.objects ?? []).map((o) => o.id),
      'objects',
    );
    return page;
  }

  /** 5.3 Get Object Manifests: one page. */
  async manifest(
    apiRootUrl: string,
    collectionId: string,
    query: PageQuery = {},
  ): Promise<ManifestPage> {
    const root = this.resolveApiRoot(apiRootUrl);
    const url = withQuery(endpoint(root, 'collections', collectionId, 'manifest'), query);
    const { body, headers, shape: s } = await this.get(url, 'manifest');
    const manifest = readManifest(s, body);
    const records = manifest.objects ?? [];
    const page = readDateAdded(s, headers, records.length);
    checkQuery(s, query, page, records.length, 'objects');
    checkManifestOrder(s, records, page);
    const after = query.addedAfter;
    records.forEach((record, i) => {
      if (after !== undefined && isTaxiiTimestamp(after) && record.date_added <= after) {
        s.fail(
          `objects[${i}].date_added`,
          `${record.date_added} is not after added_after ${after}`,
        );
      }
    });
    checkMatch(
      s,
      query.match,
      records.map((r) => r.id),
      'objects',
    );
    return { ...page, manifest };
  }

  /** Every page of 5.3 Get Object Manifests, paged as allObjects pages. */
  allManifest(
    apiRootUrl: string,
    collectionId: string,
    query: PagingQuery = {},
  ): AsyncGenerator<ManifestPage, void, undefined> {
    return this.pages(
      'manifest',
      query,
      (q) => this.manifest(apiRootUrl, collectionId, q),
      (page) => ({ more: page.manifest.more === true, next: page.manifest.next }),
    );
  }

  /** 5.8 Get Object Versions: one page. */
  async versions(
    apiRootUrl: string,
    collectionId: string,
    objectId: string,
    query: PageQuery = {},
  ): Promise<VersionsPage> {
    const root = this.resolveApiRoot(apiRootUrl);
    const path = endpoint(root, 'collections', collectionId, 'objects', objectId, 'versions');
    const { body, headers, shape: s } = await this.get(withQuery(path, query), 'versions');
    const versions = readVersions(s, body);
    const count = versions.versions?.length ?? 0;
    const page = readDateAdded(s, headers, count);
    checkQuery(s, query, page, count, 'versions');
    return { ...page, versions };
  }

  private async objectsPage(url: URL, query: PageQuery): Promise<ObjectsPage> {
    const { body, headers, shape: s } = await this.get(url, 'envelope');
    const envelope = readEnvelope(s, body);
    const objects = envelope.objects ?? [];
    const page = readDateAdded(s, headers, objects.length);
    checkQuery(s, query, page, objects.length, 'objects');
    checkMatch(
      s,
      query.match,
      objects.map((o) => o.id),
      'objects',
    );
    return { ...page, envelope };
  }

  /**
   * 3.5 Pagination: the same query again with the answer's `next`, or, when `more` is
   * true and there is no `next`, with `added_after` set to X-TAXII-Date-Added-Last, until
   * `more` is false. A server that never ends is caught: a `next` seen before, an
   * added_after that does not move, or more than `maxPages` pages throw. Pages must also
   * follow one another in date-added order (3.3). The specification's fallback asks for
   * objects strictly after the last date added, so objects sharing that instant with the
   * last one may be skipped; it is followed as written.
   */
  private async *pages<P extends PageHeaders>(
    resource: string,
    query: PagingQuery,
    fetchPage: (query: PageQuery) => Promise<P>,
    cursor: (page: P) => Cursor,
  ): AsyncGenerator<P, void, undefined> {
    const seen = new Set<string>();
    let request: PageQuery = { ...query };
    let previous: P | undefined;
    for (let count = 1; ; count++) {
      const page = await fetchPage(request);
      const s = new Shape(resource, page.url);
      const { more, next } = cursor(page);
      if (previous?.dateAddedLast !== undefined && page.dateAddedFirst !== undefined) {
        if (page.dateAddedFirst < previous.dateAddedLast) {
          s.fail('X-TAXII-Date-Added-First', 'goes back before the previous page (3.3)');
        }
      }
      yield page;
      if (!more) return;
      if (count >= this.maxPages) s.fail('more', `is still true after ${count} pages`);
      if (next !== undefined) {
        if (seen.has(next)) s.fail('next', `repeats "${next}", given already on an earlier page`);
        seen.add(next);
        request = { ...query, next };
      } else {
        const last = page.dateAddedLast;
        if (last === undefined) {
          s.fail('more', 'is true with neither next nor X-TAXII-Date-Added-Last');
        }
        if (last === request.addedAfter) s.fail('X-TAXII-Date-Added-Last', `stays at ${last}`);
        request = { ...query, addedAfter: last };
      }
      previous = page;
    }
  }

  /**
   * 4.1.1: API Root URLs are HTTPS absolute URLs or relative ones beginning with a single
   * "/" (not "//" nor "../"), and carry no query. Tests run without TLS, so an http URL is
   * let be when the discovery URL itself is http; TLS is not what these tests check.
   */
  private checkApiRootUrl(s: Shape, raw: string, field: string): void {
    if (raw.startsWith('//') || raw.startsWith('../')) {
      s.fail(field, `"${raw}": a relative API Root URL begins with a single "/"`);
    }
    if (raw.includes('?')) s.fail(field, `"${raw}" has a query component`);
    if (raw.startsWith('/')) return;
    if (!URL.canParse(raw)) s.fail(field, `"${raw}" is neither an absolute nor a "/" URL`);
    const protocols = this.discoveryUrl.protocol === 'http:' ? ['https:', 'http:'] : ['https:'];
    if (!protocols.includes(new URL(raw).protocol)) s.fail(field, `"${raw}" is not HTTPS`);
  }

  /**
   * One GET. Redirects are not followed: no endpoint defines one, and following one could
   * carry the credential elsewhere. Anything but 200 or an error is a deviation (the
   * endpoints of 4 and 5 answer 200); errors are checked and thrown as TaxiiErrors.
   */
  private async get(url: URL, resource: string): Promise<Answer> {
    const response = await this.fetch(url, {
      method: 'GET',
      redirect: 'manual',
      headers: {
        Accept: TAXII_MEDIA_TYPE,
        Authorization: `Bearer ${this.credential}`,
        'User-Agent': USER_AGENT,
      },
    });
    const text = await response.text();
    if (response.status >= 400) throw errorFrom(response, text, url.href);
    const shape = new Shape(resource, url.href);
    if (response.status !== 200) {
      shape.fail('(HTTP status)', `expected 200, got ${response.status}`);
    }
    checkContentType(shape, response.headers);
    return { body: parseJson(shape, text), headers: response.headers, shape };
  }
}

/**
 * An error answer held to 3.6 and the failure responses of each endpoint: the TAXII
 * Content-Type and an error message (3.6.1) as the payload, and on a 401 the
 * WWW-Authenticate challenge of 1.6.9. 3.1 says such answers MAY carry an error message,
 * but every endpoint's table (normative, 3.1) names `error` as the failure payload, so
 * the specification is read here as requiring one.
 */
function errorFrom(response: Response, text: string, url: string): TaxiiError {
  const s = new Shape('error', url);
  checkContentType(s, response.headers);
  if (response.status === 401 && !response.headers.has('www-authenticate')) {
    s.fail('WWW-Authenticate', 'header is missing from a 401');
  }
  const message = readErrorMessage(s, parseJson(s, text), response.status);
  return new TaxiiError(response.status, message, url, response.headers);
}

function checkContentType(s: Shape, headers: Headers): void {
  const contentType = headers.get('content-type');
  if (!isTaxii21MediaType(contentType)) {
    s.fail(
      'Content-Type',
      `expected ${TAXII_MEDIA_TYPE}, got ${describe(contentType ?? undefined)}`,
    );
  }
}

function parseJson(s: Shape, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return s.fail('(body)', `is not JSON: ${describe(text)}`);
  }
}
