import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteTokenCache } from '../src/token-cache.js';

/**
 * Several member commands opening a new token cache at once (the CLI's failure suite runs
 * commands side by side) must agree on its salt: each offers one and keeps the one
 * stored, rather than the later failing on the first's row.
 */
const dir = mkdtempSync(join(tmpdir(), 'credence-token-cache-'));
const source = resolve(import.meta.dirname, '../src/token-cache.ts');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A process that opens the cache at time `at` and stores token `tok-<i>` for input byte i. */
const opener = (path: string, i: number, at: number) =>
  new Promise<{ code: number | null; err: string }>((done) => {
    // Every process waits for the same moment, its module loaded, then opens the cache.
    const script = `import { SqliteTokenCache } from ${JSON.stringify(source)};
while (Date.now() < ${at});
const cache = new SqliteTokenCache(${JSON.stringify(path)});
cache.putMany('k1', [[new Uint8Array([${i}]), 'tok-${i}']]);
cache.close();`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
    let err = '';
    child.stderr.on('data', (d) => {
      err += String(d);
    });
    child.on('close', (code) => done({ code, err }));
  });

describe('SqliteTokenCache opened by several processes at once', () => {
  it('is made once, with one salt every process uses', async () => {
    for (let round = 0; round < 3; round++) {
      const path = join(dir, `cache-${round}.sqlite`);
      const at = Date.now() + 4000;
      const runs = await Promise.all(Array.from({ length: 8 }, (_, i) => opener(path, i, at)));
      for (const r of runs) expect(r.code, r.err).toBe(0);
      const cache = new SqliteTokenCache(path);
      try {
        for (let i = 0; i < 8; i++) expect(cache.get('k1', new Uint8Array([i]))).toBe(`tok-${i}`);
      } finally {
        cache.close();
      }
    }
  }, 60_000);
});
