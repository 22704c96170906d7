import type Database from 'better-sqlite3';
import type { Query, Step } from '../sql/steps.js';
import { SqliteLog } from './log-writes.js';

/** Prepared statements kept per text: shared SQL has a fixed set of texts, but for lists. */
const MAX_KEPT_STATEMENTS = 512;

/**
 * Runs shared SQL (storage/sql/steps.ts) on better-sqlite3, synchronously, so that it
 * runs inside `db.transaction` and one transaction spans every repository a step calls.
 */
export class SqliteSteps {
  private readonly statements = new Map<string, Database.Statement<unknown[], unknown>>();
  readonly log: SqliteLog;

  constructor(readonly db: Database.Database) {
    this.log = new SqliteLog(db);
  }

  run<T>(step: Step<T>): T {
    let next = step.next();
    while (next.done !== true) next = step.next(this.answer(next.value));
    return next.value;
  }

  /** Runs the step in one transaction (nested: a savepoint inside the caller's). */
  transaction<T>(step: Step<T>): T {
    return this.db.transaction(() => this.run(step))();
  }

  private answer(query: Query): unknown {
    switch (query.op) {
      case 'dialect':
        return 'sqlite';
      case 'append':
        return this.log.append(query.entries);
      case 'all':
        return this.prepare(query.text).all(...query.params);
      case 'run':
        return this.prepare(query.text).run(...query.params).changes;
    }
  }

  private prepare(text: string): Database.Statement<unknown[], unknown> {
    let statement = this.statements.get(text);
    if (statement === undefined) {
      statement = this.db.prepare<unknown[], unknown>(text);
      if (this.statements.size < MAX_KEPT_STATEMENTS) this.statements.set(text, statement);
    }
    return statement;
  }
}
