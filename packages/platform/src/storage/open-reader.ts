import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

/** A `--db` value that names a PostgreSQL server rather than a SQLite file. */
export const isPostgresUrl = (db: string): boolean => /^postgres(ql)?:\/\//.test(db);

/**
 * A second connection to a store, for reading on a thread of its own (the analysis
 * thread reads the evidence this way): beside the writer, a SQLite file opened read-only
 * (WAL lets it read what is committed while the writer writes), or one connection to the
 * PostgreSQL primary (what it reads must be as fresh as a run's own write).
 */
export function openReader(db: string): Store {
  return isPostgresUrl(db) ? new PostgresStore(db, 1) : new SqliteStore(db, { readOnly: true });
}
