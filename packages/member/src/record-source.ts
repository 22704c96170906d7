import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  ENDPOINT_FIELDS,
  ENTITY_FIELDS,
  LINK_FIELDS,
  MAX_ENTITIES,
  REPORT_FIELDS,
} from '@credence/core/wire/raw-record-parser';
import { CsvError, parse } from 'csv-parse';
import { MemberError } from './member-error.js';
import { readTextLines } from './text-lines.js';

/**
 * Raw input files (SPEC §5): JSON Lines, or CSV whose header names the same fields by
 * their JSON paths ("ref", "entities.0.kind", "from.value", …). Yields each record with
 * its line number (CSV: the record's number, header excluded, plus one), or the reason
 * it cannot be read. Text is decoded strictly (text-lines.ts): UTF-8 unless the member
 * names the encoding.
 */
export type SourceItem =
  | { readonly line: number; readonly value: unknown }
  | { readonly line: number; readonly error: string };

export interface ReadOptions {
  /** A WHATWG encoding label (default utf-8). */
  readonly encoding?: string;
}

const NUMERIC = new Set(['lossCny', 'count', 'amountCny']);
const BOOLEAN = new Set(['shareScript']);

/**
 * Where a CSV column goes in a record: a top-level field, a field of the i-th entity, or
 * a field of a link's end. Null for a column without a name, whose cells must be empty.
 */
type Column =
  | { readonly kind: 'top'; readonly field: string }
  | { readonly kind: 'entity'; readonly index: number; readonly field: string }
  | { readonly kind: 'end'; readonly end: 'from' | 'to'; readonly field: string }
  | null;

// Evidence files are a list of objects, which JSON Lines carries and a CSV row does not.
const TOP_FIELDS = new Set<string>(
  [...REPORT_FIELDS, ...LINK_FIELDS].filter(
    (f) => f !== 'entities' && f !== 'from' && f !== 'to' && f !== 'evidence',
  ),
);
const ENTITY = new RegExp(`^entities\\.(0|[1-9]\\d?)\\.(${ENTITY_FIELDS.join('|')})$`);
const END = new RegExp(`^(from|to)\\.(${ENDPOINT_FIELDS.join('|')})$`);
// What a header cell may show in an error: a field path's characters only. A file
// without its header has data in the first row, which must not be echoed.
const SHOWABLE = /^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z0-9_$]+){0,3}$/;

/**
 * Reads a CSV header: each column names a field of a report or a link, by the path the
 * JSON form has. Anything else (an unknown name, a path through `__proto__`,
 * `constructor` or `prototype`, an entity beyond the 64th, a repeated column) refuses
 * the whole file before anything is read from it, naming the column: a wrong column
 * would silently drop data or, worse, set what the member did not mean.
 */
export function csvColumns(header: readonly string[], file = 'the CSV file'): Column[] {
  const seen = new Map<string, number>();
  return header.map((cell, i) => {
    const name = cell.trim();
    const column = `column ${i + 1} of the header${SHOWABLE.test(name) ? ` ("${name}")` : ''}`;
    if (name === '') return null;
    const previous = seen.get(name);
    if (previous !== undefined)
      throw new MemberError('member.input', `${file}: ${column} repeats column ${previous + 1}`);
    seen.set(name, i);
    if (TOP_FIELDS.has(name)) return { kind: 'top', field: name };
    const entity = ENTITY.exec(name);
    if (entity !== null && Number(entity[1]) < MAX_ENTITIES)
      return { kind: 'entity', index: Number(entity[1]), field: entity[2] as string };
    const end = END.exec(name);
    if (end !== null) return { kind: 'end', end: end[1] as 'from' | 'to', field: end[2] as string };
    throw new MemberError(
      'member.input',
      `${file}: ${column} is not a field of a report or a link (a field such as ref, occurredAt, entities.0.kind or from.value; is the header row missing?)`,
    );
  });
}

/** A cell as JSON would carry it: numbers and the shareScript flag typed, the rest text. */
function typed(field: string, raw: string): unknown {
  if (NUMERIC.has(field) && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (BOOLEAN.has(field) && /^(true|false)$/.test(raw)) return raw === 'true';
  return raw;
}

/**
 * A CSV row as the record the JSON form would be. Every object is made without a
 * prototype and every key comes from the checked header, so no cell can reach
 * Object.prototype. A value under a column without a name becomes a field "(column n)",
 * which the parser names as not a field of the format.
 */
export function csvCellsToRecord(
  columns: readonly Column[],
  cells: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  const entities: Record<string, unknown>[] = [];
  cells.forEach((raw, i) => {
    if (raw === '') return;
    const column = i < columns.length ? columns[i] : null;
    if (column === null || column === undefined) {
      out[`(column ${i + 1})`] = raw;
      return;
    }
    const value = typed(column.field, raw);
    if (column.kind === 'top') out[column.field] = value;
    else if (column.kind === 'entity') {
      entities[column.index] ??= Object.create(null) as Record<string, unknown>;
      (entities[column.index] as Record<string, unknown>)[column.field] = value;
    } else {
      out[column.end] ??= Object.create(null) as Record<string, unknown>;
      (out[column.end] as Record<string, unknown>)[column.field] = value;
    }
  });
  // Entity columns left empty (a report with fewer entities than the header has) leave
  // no entity behind.
  const present = entities.filter((e) => e !== undefined);
  if (present.length > 0) out.entities = present;
  return out;
}

/** A CSV row given as {column: cell}: the header is checked as csvColumns does. */
export function csvRowToRecord(row: Readonly<Record<string, string>>): Record<string, unknown> {
  return csvCellsToRecord(csvColumns(Object.keys(row)), Object.values(row));
}

async function* csvRecords(path: string, encoding: string | undefined): AsyncGenerator<SourceItem> {
  let columns: Column[] | undefined;
  for await (const { line, cells } of csvRows(path, encoding)) {
    if (columns === undefined) {
      columns = csvColumns(cells, path);
      continue;
    }
    yield { line, value: csvCellsToRecord(columns, cells) };
  }
}

/**
 * A CSV file's rows, the header first, each with its number (the header's is 1), decoded
 * strictly (text-lines.ts). A fault of the file, its decoding or the CSV ends the rows
 * with a MemberError that says where and what, never the text around it.
 */
export async function* csvRows(
  path: string,
  encoding: string | undefined,
): AsyncGenerator<{ readonly line: number; readonly cells: string[] }> {
  const text = Readable.from(
    (async function* () {
      for await (const l of readTextLines(path, encoding)) yield l.text + l.eol;
    })(),
  );
  const parser = parse({ bom: true, skip_empty_lines: true, relax_column_count: true });
  // A failure of either side (the file, its decoding, the CSV) ends the rows with it.
  const piped = pipeline(text, parser);
  piped.catch(() => undefined);
  let n = 0;
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      n++;
      yield { line: n, cells };
    }
    await piped;
  } catch (error) {
    // csv-parse's messages quote the text around the fault: say only where and what.
    if (error instanceof CsvError)
      throw new MemberError(
        'member.input',
        `${path}: not valid CSV at line ${error.lines ?? '?'} (${error.code})`,
      );
    throw error;
  } finally {
    text.destroy();
  }
}

async function* jsonLines(path: string, encoding: string | undefined): AsyncGenerator<SourceItem> {
  for await (const { line, text } of readTextLines(path, encoding)) {
    if (text.trim().length === 0) continue;
    try {
      yield { line, value: JSON.parse(text) as unknown };
    } catch {
      yield { line, error: 'is not valid JSON' };
    }
  }
}

export function readRecords(
  path: string,
  format: 'jsonl' | 'csv',
  options: ReadOptions = {},
): AsyncGenerator<SourceItem> {
  return format === 'csv' ? csvRecords(path, options.encoding) : jsonLines(path, options.encoding);
}
