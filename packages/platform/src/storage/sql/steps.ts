/**
 * SQL written once for both stores. A repository function is a generator of Steps: it
 * yields each statement (text with `?` placeholders, as SQLite writes them) and receives
 * its result, so one function runs synchronously inside a better-sqlite3 transaction and
 * asynchronously on a PostgreSQL client (sqlite/run-steps.ts, postgres/run-steps.ts).
 * Functions compose with `yield*`, so several repositories share one transaction: the
 * transaction is the runner's, not the repository's.
 *
 * Where the two dialects differ, a function asks which one runs it (`dialect()`) and
 * branches there, and only there.
 */

import type { LogAppend } from '../../domain/types.js';
import type { EntryToAppend } from '../log-append.js';

export type Dialect = 'sqlite' | 'postgres';

/** One request to the runner. */
export type Query =
  | { readonly op: 'all'; readonly text: string; readonly params: readonly unknown[] }
  | { readonly op: 'run'; readonly text: string; readonly params: readonly unknown[] }
  | { readonly op: 'dialect' }
  | { readonly op: 'append'; readonly entries: readonly EntryToAppend[] };

/** A piece of work on the store that returns T. */
export type Step<T> = Generator<Query, T, unknown>;

/** The rows a query returns. */
export function* all<R>(text: string, ...params: readonly unknown[]): Step<R[]> {
  return (yield { op: 'all', text, params }) as R[];
}

/** The first row a query returns (write the query so that there is at most one). */
export function* get<R>(text: string, ...params: readonly unknown[]): Step<R | undefined> {
  return (yield* all<R>(text, ...params))[0];
}

/** Runs a statement that returns no rows; the number of rows it changed. */
export function* run(text: string, ...params: readonly unknown[]): Step<number> {
  return (yield { op: 'run', text, params }) as number;
}

/** Which store runs the step. */
export function* dialect(): Step<Dialect> {
  return (yield { op: 'dialect' }) as Dialect;
}

/**
 * Appends entries to the transparency log in the step's transaction, by the dialect's
 * own bulk writer (storage/log-append.ts plans it). Call after every other lock the
 * transaction takes: the log's state row, locked until commit, orders appends.
 */
export function* append(entries: readonly EntryToAppend[]): Step<LogAppend | undefined> {
  if (entries.length === 0) return undefined;
  return (yield { op: 'append', entries }) as LogAppend | undefined;
}

/**
 * `column IN (keys)` and its parameters: one array parameter on PostgreSQL (one text
 * whatever the count), a placeholder per key on SQLite (`type` is the array's SQL type).
 */
export function* inList(
  column: string,
  keys: readonly (string | number)[],
  type: 'text' | 'bigint' | 'int',
): Step<{ text: string; params: unknown[] }> {
  return (yield* dialect()) === 'postgres'
    ? { text: `${column} = ANY(?::${type}[])`, params: [keys] }
    : { text: `${column} IN (${keys.map(() => '?').join(', ')})`, params: [...keys] };
}

/**
 * A JSON column: PostgreSQL's jsonb arrives parsed, SQLite's TEXT as text. (The dialect
 * decides, not the value's type: a JSON document may itself be a string.)
 */
export function* readJson(value: unknown): Step<unknown> {
  return (yield* dialect()) === 'sqlite' ? (JSON.parse(value as string) as unknown) : value;
}
