import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveOptions } from '../src/options.js';
import { simulate } from '../src/simulate.js';

/**
 * A world made without the options of issue 12 (`laundering`, `variant`) is byte for byte
 * the default world. Its digest was computed from the simulator before those options
 * existed (commit 33d72da: afac42e9…), and computed again once, on purpose, when the
 * consortium gained its police member (issue 13: police_confirmed is sent by police
 * members only, so the police, not the banks they told, report the cases they
 * confirmed). Any other change to the default world shows here. Issue 17's additions
 * came later, from streams of their own: reports' regions, the police's seized lists
 * (members/police-a/seized/), members' customers.txt and truth's `seized`. With those
 * taken out the world is still that digest; with them it is DIGEST_ISSUE_17.
 */
const DIGEST_DEFAULT_WORLD = '3446df3090ac2841d5977d1c92bddabdc75068b4eab10ee1f4a69ad722a24d5b';
const DIGEST_ISSUE_17 = '50ded9d1ffc3550b222d0aa2f81b8e2a1212522a293498e93dfcf170267fd6bc';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/**
 * One digest over every file of a world: its path and its bytes, in path order; with
 * `withoutIssue17`, each report line written again without its `region`, truth.json
 * without `seized`, and the seized lists and customers' files left out.
 */
function digest(root: string, withoutIssue17 = false): string {
  const hash = createHash('sha256');
  const added = (path: string) =>
    withoutIssue17 && (path.includes('/seized/') || path.endsWith('/customers.txt'));
  const bytes = (path: string): Buffer | string => {
    if (withoutIssue17 && path.endsWith('truth.json'))
      return readFileSync(path, 'utf8').replace(/,\n {2}"seized": .*\n\}\n$/s, '\n}\n');
    if (!withoutIssue17 || !path.endsWith('reports.jsonl')) return readFileSync(path);
    return readFileSync(path, 'utf8')
      .split('\n')
      .map((line) => {
        if (line === '') return line;
        const { region: _, ...rest } = JSON.parse(line) as Record<string, unknown>;
        return JSON.stringify(rest);
      })
      .join('\n');
  };
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (added(path)) continue;
      if (statSync(path).isDirectory()) walk(path);
      else hash.update(`${path.slice(root.length)}\n`).update(bytes(path));
    }
  };
  walk(root);
  return hash.digest('hex');
}

describe('the default world', () => {
  it('is byte for byte what it was before the laundering and variant options (with the police member; issue 17’s additions aside)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'credence-sim-default-'));
    dirs.push(dir);
    simulate(resolveOptions({ seed: 11, scale: 0.3, days: 120 }), dir);
    expect(digest(dir, true)).toBe(DIGEST_DEFAULT_WORLD);
    expect(digest(dir)).toBe(DIGEST_ISSUE_17);
  });

  it('has the police report the cases they confirmed, and no one else', () => {
    const typesBy = (dir: string) => {
      const by = new Map<string, Set<string>>();
      for (const member of readdirSync(join(dir, 'members'))) {
        const lines = readFileSync(join(dir, 'members', member, 'reports.jsonl'), 'utf8')
          .split('\n')
          .filter((l) => l !== '');
        by.set(member, new Set(lines.map((l) => (JSON.parse(l) as { type: string }).type)));
      }
      return by;
    };
    for (const laundering of [0, 5]) {
      const dir = mkdtempSync(join(tmpdir(), 'credence-sim-police-'));
      dirs.push(dir);
      simulate(resolveOptions({ seed: 11, scale: 0.3, days: 120, laundering }), dir);
      const by = typesBy(dir);
      expect([...(by.get('police-a') ?? [])]).toEqual(['police_confirmed']);
      for (const [member, types] of by)
        if (member !== 'police-a') expect(types.has('police_confirmed'), member).toBe(false);
    }
    // Without a police member, the banks report what the police told them as fraud.
    const dir = mkdtempSync(join(tmpdir(), 'credence-sim-nopolice-'));
    dirs.push(dir);
    simulate(resolveOptions({ seed: 11, scale: 0.3, days: 120, members: { police: 0 } }), dir);
    const by = typesBy(dir);
    expect(by.has('police-a')).toBe(false);
    for (const types of by.values()) expect(types.has('police_confirmed')).toBe(false);
  });
});
