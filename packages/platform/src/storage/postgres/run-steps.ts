import type pg from 'pg';
import type { Query, Step } from '../sql/steps.js';
import { appendInTx } from './log-writes.js';

/** Converted texts kept: shared SQL has a fixed set of texts. */
const MAX_KEPT_TEXTS = 1024;
const numbered = new Map<string, string>();

/** `?` placeholders (storage/sql/steps.ts) as PostgreSQL's `$1, $2, …`. */
export function pgText(text: string): string {
  let converted = numbered.get(text);
  if (converted === undefined) {
    let n = 0;
    converted = text.replace(/\?/g, () => `$${++n}`);
    if (numbered.size < MAX_KEPT_TEXTS) numbered.set(text, converted);
  }
  return converted;
}

/**
 * Runs shared SQL on a PostgreSQL client inside the caller's transaction, or on the
 * pool (each statement on its own) for a step that only reads and never appends.
 */
export async function runPgSteps<T>(db: pg.Pool | pg.PoolClient, step: Step<T>): Promise<T> {
  let next = step.next();
  while (next.done !== true) next = step.next(await answer(db, next.value));
  return next.value;
}

async function answer(db: pg.Pool | pg.PoolClient, query: Query): Promise<unknown> {
  switch (query.op) {
    case 'dialect':
      return 'postgres';
    case 'append':
      if (!('release' in db)) throw new Error('a log append runs inside a transaction');
      return appendInTx(db, query.entries);
    case 'all':
      return (await db.query(pgText(query.text), query.params as unknown[])).rows;
    case 'run':
      return (await db.query(pgText(query.text), query.params as unknown[])).rowCount ?? 0;
  }
}
