import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

/** Writes JSON; secret files (key shares, credentials) are readable by their owner only. */
export function writeJson(path: string, value: unknown, secret = false): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`, { mode: secret ? 0o600 : 0o644 });
  if (secret) chmodSync(path, 0o600);
}

export { existsSync };
