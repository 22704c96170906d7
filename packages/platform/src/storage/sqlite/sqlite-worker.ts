import { parentPort, workerData } from 'node:worker_threads';
import type { Store } from '../store.js';
import { SqliteStore } from './sqlite-store.js';

/**
 * The SQLite writer thread: owns the one connection of a ThreadedSqliteStore and runs
 * the store's methods in the order they arrive (better-sqlite3 is synchronous, so each
 * transaction runs to its end before the next call is taken).
 */
export interface Call {
  readonly id: number;
  readonly method: string;
  readonly args: readonly unknown[];
}

export type Answer =
  | { readonly id: number; readonly result: unknown }
  | { readonly id: number; readonly error: { name: string; message: string; code?: string } };

const port = parentPort;
if (port === null) throw new Error('sqlite-worker runs as a worker thread');
const store = new SqliteStore((workerData as { path: string }).path);
const methods = store as unknown as Record<
  string,
  (...args: readonly unknown[]) => Promise<unknown>
>;

port.on('message', async ({ id, method, args }: Call) => {
  try {
    const run = methods[method];
    if (typeof run !== 'function' || method === 'constructor')
      throw new TypeError(`no store method ${method}`);
    const result = await run.apply(store, [...args]);
    port.postMessage({ id, result } satisfies Answer);
    if (method === ('close' satisfies keyof Store)) port.close();
  } catch (error) {
    const e = error as { name?: string; message?: string; code?: unknown };
    port.postMessage({
      id,
      error: {
        name: e.name ?? 'Error',
        message: e.message ?? String(error),
        ...(typeof e.code === 'string' ? { code: e.code } : {}),
      },
    } satisfies Answer);
  }
});
