import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maskNarrative } from '@credence/core/narrative/mask';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveOptions, type SimOptions } from '../src/options.js';
import { simulate } from '../src/simulate.js';

/**
 * `--boilerplate` and `--brief` (issue 11): a reporting form's closing sentence on a share
 * of the narratives, and narratives told briefly. Each changes the narratives only, and
 * only when asked for.
 */

const BASE = { seed: 3, scale: 0.3, days: 90 } as const;
const dirs: string[] = [];

function world(options: Partial<SimOptions>): Map<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'credence-sim-form-'));
  dirs.push(dir);
  simulate(resolveOptions({ ...BASE, ...options }), dir);
  const files = new Map<string, string>();
  // Every file of every member, and those of its folders (the police's seized lists).
  for (const m of readdirSync(join(dir, 'members')).sort())
    for (const name of readdirSync(join(dir, 'members', m), { recursive: true }).sort()) {
      const path = join(dir, 'members', m, String(name));
      if (statSync(path).isFile()) files.set(`${m}/${String(name)}`, readFileSync(path, 'utf8'));
    }
  files.set('truth.json', readFileSync(join(dir, 'truth.json'), 'utf8'));
  return files;
}

const narratives = (files: Map<string, string>) =>
  new Map(
    [...files]
      .filter(([name]) => name.endsWith('reports.jsonl'))
      .flatMap(([, text]) => text.split('\n').filter((l) => l !== ''))
      .map((l) => JSON.parse(l) as { ref: string; narrative?: string })
      .filter((r) => r.narrative !== undefined)
      .map((r) => [r.ref, r.narrative as string]),
  );

let plain: Map<string, string>;
let formed: Map<string, string>;
let brief: Map<string, string>;

beforeAll(() => {
  plain = world({});
  formed = world({ boilerplate: 0.9 });
  brief = world({ brief: 1 });
});

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('a reporting form and brief narratives', () => {
  it('are shares from 0 to 1', () => {
    expect(() => resolveOptions({ boilerplate: 1.5 })).toThrow(/boilerplate: a share from 0 to 1/);
    expect(() => resolveOptions({ brief: -0.1 })).toThrow(/brief: a share from 0 to 1/);
  });

  it('change nothing when off', () => {
    expect(world({ boilerplate: 0, brief: 0 })).toEqual(plain);
  });

  it('end about 90 % of narratives with the form, the same sentence once masked, and change nothing else', () => {
    const before = narratives(plain);
    const after = narratives(formed);
    expect([...after.keys()]).toEqual([...before.keys()]);
    let ended = 0;
    const masked = new Map<string, number>();
    for (const [ref, text] of after) {
      const original = before.get(ref) as string;
      expect(text.startsWith(original), ref).toBe(true);
      if (text === original) continue;
      ended++;
      const form = maskNarrative(text.slice(original.length).trim(), { phoneRegion: 'CN' });
      masked.set(form, (masked.get(form) ?? 0) + 1);
    }
    expect(ended / after.size).toBeGreaterThan(0.85);
    expect(ended / after.size).toBeLessThan(0.95);
    // Masked (NFKC: the Chinese comma is ","), mostly one sentence in each language; the
    // account is sometimes an account number rather than a card.
    const common = [...masked].sort((a, b) => b[1] - a[1]).map(([form]) => form);
    expect(common[0]).toBe('对方来电号码⟨PHONE⟩,让我转账到⟨CARD⟩,还报出了我的身份证号⟨ID⟩。');
    expect(common).toContain(
      "The caller's number was ⟨PHONE⟩, they had me transfer the money to ⟨CARD⟩, and they also read out my ID number ⟨ID⟩.",
    );
    expect((masked.get(common[0] as string) as number) / ended).toBeGreaterThan(0.5);
    // Nothing but narratives changed: links and the truth are as they were.
    for (const [name, text] of plain)
      if (!name.endsWith('reports.jsonl')) expect(formed.get(name), name).toBe(text);
  });

  it('tell narratives briefly: how it began and how it ended', () => {
    const before = narratives(plain);
    const after = narratives(brief);
    expect([...after.keys()]).toEqual([...before.keys()]);
    const length = (m: Map<string, string>) =>
      [...m.values()].map((t) => t.length).sort((a, b) => a - b)[m.size >> 1] as number;
    expect(length(after)).toBeLessThan(length(before) / 2);
  });
});
