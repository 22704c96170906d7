import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveOptions } from '@credence/sim/options';
import { simulate } from '@credence/sim/simulate';
import { afterAll, describe, expect, it } from 'vitest';

const readme = readFileSync(resolve(import.meta.dirname, '../../../README.md'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'credence-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the README's quick start", () => {
  it('names no identifier to check that the demo does not hold', () => {
    const quickStart = readme.slice(
      readme.indexOf('## Quick start'),
      readme.indexOf('\n## ', readme.indexOf('## Quick start') + 1),
    );
    const checks = [...quickStart.matchAll(/member check .*--kind (\S+) (\S+)/g)];
    expect(checks.length).toBeGreaterThan(0);
    // The demo world npm start writes (credence start's defaults), bank-a's own files.
    simulate(resolveOptions({}), dir);
    const bankA = readdirSync(join(dir, 'members', 'bank-a'))
      .map((f) => readFileSync(join(dir, 'members', 'bank-a', f), 'utf8'))
      .join('\n');
    for (const [, kind, value] of checks) {
      if (value?.startsWith('<')) continue; // a placeholder: the demo prints the values
      expect(bankA, `${kind} ${value}`).toContain(value);
    }
  }, 60_000);
});
