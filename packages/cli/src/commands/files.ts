import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { readJsonFile } from '@credence/server-kit/json-file';

/** A JSON file named on the command line; a missing or broken one is said in one sentence. */
export const readJson = readJsonFile;

/** Writes JSON; secret files (key shares, credentials) are readable by their owner only. */
export function writeJson(path: string, value: unknown, secret = false): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`, { mode: secret ? 0o600 : 0o644 });
  if (secret) chmodSync(path, 0o600);
}

export { existsSync };
