import { afterEach } from 'vitest';
import { type Harness, harness } from './harness.js';
import type { Backend } from './postgres.js';

/**
 * A harness on a backend for the test that asks for it: the returned function opens
 * one; after the test, it is closed and its PostgreSQL schema dropped (also when the
 * harness failed to open).
 */
export function harnessPerTest(): (
  backend: Backend,
  config?: NonNullable<Parameters<typeof harness>[0]>['config'],
) => Promise<Harness> {
  let h: Harness | undefined;
  let drop: () => Promise<void> = async () => {};
  afterEach(async () => {
    await h?.close();
    await drop();
    h = undefined;
    drop = async () => {};
  });
  return async (backend, config) => {
    const b = await backend();
    drop = b.drop;
    h = await harness({
      ...(b.db === undefined ? {} : { db: b.db }),
      ...(config === undefined ? {} : { config }),
    });
    return h;
  };
}
