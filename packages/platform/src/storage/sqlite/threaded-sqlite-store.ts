import { Worker } from 'node:worker_threads';
import { workerEntry } from '@credence/core/worker-entry';
import type { Store } from '../store.js';
import { SqliteStore } from './sqlite-store.js';

/** Read-only methods served on the calling thread (see ThreadedSqliteStore.open). */
const READ_HERE: ReadonlySet<string> = new Set([
  'logNodes',
  'logEntries',
  'logHead',
  'memberVersion',
  // A check's flagged tokens whose summaries the view does not hold (point reads).
  'tokenStates',
]);

import type { Answer, Call } from './sqlite-worker.js';

/**
 * The embedded store as the platform runs it: a SqliteStore on a thread of its own.
 * SQLite calls are synchronous; on the event loop a 5,000-report batch would hold up
 * every risk check for the length of its transaction. Here the writer thread runs them
 * one at a time, while the event loop parses, verifies and answers checks; arguments and
 * results cross by structured clone.
 */
export class ThreadedSqliteStore {
  readonly dialect = 'sqlite' as const;
  private readonly worker: Worker;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  private nextId = 0;
  private failed: Error | undefined;
  /** A read-only connection on this thread for the log's reads (opened on first use). */
  private reader: SqliteStore | undefined;

  private constructor(private readonly path: string) {
    const entry = workerEntry(import.meta.url, 'sqlite-worker');
    this.worker = new Worker(entry.script, {
      eval: entry.eval,
      execArgv: entry.execArgv ?? [],
      workerData: { path },
    });
    this.worker.on('message', (answer: Answer) => {
      const p = this.pending.get(answer.id);
      if (p === undefined) return;
      this.pending.delete(answer.id);
      if ('error' in answer) {
        const error = Object.assign(new Error(answer.error.message), {
          name: answer.error.name,
          ...(answer.error.code === undefined ? {} : { code: answer.error.code }),
        });
        p.reject(error);
      } else p.resolve(answer.result);
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => {
      if (this.pending.size > 0) this.fail(new Error(`the SQLite thread stopped (exit ${code})`));
    });
  }

  private fail(error: Error): void {
    this.failed = error;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  private call(method: string, args: readonly unknown[]): Promise<unknown> {
    if (this.failed !== undefined) return Promise.reject(this.failed);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, method, args } satisfies Call);
    });
  }

  private read(method: string, args: readonly unknown[]): Promise<unknown> {
    this.reader ??= new SqliteStore(this.path, { readOnly: true });
    const store = this.reader as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    return (store[method] as (...a: unknown[]) => Promise<unknown>).apply(this.reader, [...args]);
  }

  /**
   * A Store whose methods run on the SQLite thread, but for the log's reads: those are a
   * few indexed lookups each, cheaper done here on a read-only connection than sent
   * across threads, and proofs are read far more often than the log is written. The
   * member version too: it is polled every second and must not wait behind a batch.
   */
  static open(path: string): Store {
    const threaded = new ThreadedSqliteStore(path);
    return new Proxy(threaded, {
      get(target, property, receiver) {
        if (property === 'dialect') return target.dialect;
        if (property === 'then') return undefined;
        if (typeof property !== 'string') return Reflect.get(target, property, receiver);
        if (property === 'close')
          return async () => {
            await target.reader?.close();
            if (target.failed === undefined) await target.call('close', []);
            await target.worker.terminate();
          };
        // What the adapter does not have, the thread does not either (a port's optional
        // method, such as watchChanges, is absent here as on SqliteStore).
        if (
          typeof (SqliteStore.prototype as unknown as Record<string, unknown>)[property] !==
          'function'
        )
          return undefined;
        if (READ_HERE.has(property)) return (...args: unknown[]) => target.read(property, args);
        return (...args: unknown[]) => target.call(property, args);
      },
    }) as unknown as Store;
  }
}
