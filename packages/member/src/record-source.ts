import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';

/**
 * Raw input files (SPEC §5): JSON Lines, or CSV whose header names the same fields by
 * their JSON paths ("ref", "entities.0.kind", "from.value", …). Yields each record with
 * its line number (CSV: the record's number, header excluded, plus one), or the reason
 * it cannot be read.
 */
export type SourceItem =
  | { readonly line: number; readonly value: unknown }
  | { readonly line: number; readonly error: string };

const NUMERIC = new Set(['lossCny', 'count', 'amountCny']);
const BOOLEAN = new Set(['shareScript']);

/** Sets a dotted JSON path ("entities.0.kind") in an object, making arrays for numbers. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node: Record<string, unknown> | unknown[] = target;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const key: string | number = /^\d+$/.test(part) ? Number(part) : part;
    if (i === parts.length - 1) {
      (node as Record<string | number, unknown>)[key] = value;
      return;
    }
    const nextIsIndex = /^\d+$/.test(parts[i + 1] as string);
    const existing = (node as Record<string | number, unknown>)[key];
    if (existing === undefined)
      (node as Record<string | number, unknown>)[key] = nextIsIndex ? [] : {};
    node = (node as Record<string | number, unknown>)[key] as Record<string, unknown> | unknown[];
  }
}

export function csvRowToRecord(row: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [column, raw] of Object.entries(row)) {
    if (raw === '') continue;
    const leaf = column.split('.').at(-1) ?? column;
    setPath(
      out,
      column,
      NUMERIC.has(leaf) && /^-?\d+(\.\d+)?$/.test(raw)
        ? Number(raw)
        : BOOLEAN.has(leaf) && /^(true|false)$/.test(raw)
          ? raw === 'true'
          : raw,
    );
  }
  if (Array.isArray(out.entities)) out.entities = out.entities.filter((e) => e !== undefined);
  return out;
}

export async function* readRecords(
  path: string,
  format: 'jsonl' | 'csv',
): AsyncGenerator<SourceItem> {
  if (format === 'csv') {
    const parser = createReadStream(path).pipe(
      parse({ columns: true, bom: true, skip_empty_lines: true, relax_column_count: true }),
    );
    let n = 1;
    for await (const row of parser as AsyncIterable<Record<string, string>>) {
      n++;
      yield { line: n, value: csvRowToRecord(row) };
    }
    return;
  }
  const lines = createInterface({
    input: createReadStream(path),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let n = 0;
  for await (const text of lines) {
    n++;
    if (text.trim().length === 0) continue;
    try {
      yield { line: n, value: JSON.parse(text) as unknown };
    } catch {
      yield { line: n, error: 'is not valid JSON' };
    }
  }
}
