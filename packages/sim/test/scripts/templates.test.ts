import { CATEGORIES } from '@credence/core/wire/vocabulary';
import { describe, expect, it } from 'vitest';
import {
  BUILTIN_PLACEHOLDERS,
  type Channel,
  type ScriptTemplate,
} from '../../src/scripts/script-template.js';
import { EN_TEMPLATES } from '../../src/scripts/templates-en.js';
import { ZH_TEMPLATES } from '../../src/scripts/templates-zh.js';

const ALL: readonly ScriptTemplate[] = [...ZH_TEMPLATES, ...EN_TEMPLATES];

/** A well-formed placeholder: `{name}` with an identifier inside. */
const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

function placeholdersIn(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
}

function isBuiltin(name: string): name is keyof typeof BUILTIN_PLACEHOLDERS {
  return Object.hasOwn(BUILTIN_PLACEHOLDERS, name);
}

function lineTexts(t: ScriptTemplate): string[] {
  return t.lines.flatMap((line) => line.alts);
}

function varTexts(t: ScriptTemplate): string[] {
  return Object.values(t.vars).flat();
}

function allTexts(t: ScriptTemplate): string[] {
  return [...lineTexts(t), ...varTexts(t)];
}

/** The channel a built-in placeholder belongs to, or null. */
function channelOf(name: string): Channel | null {
  return isBuiltin(name) ? BUILTIN_PLACEHOLDERS[name] : null;
}

describe('script templates: the catalogue', () => {
  it('are in the language of their file', () => {
    expect(ZH_TEMPLATES.filter((t) => t.lang !== 'zh').map((t) => t.id)).toEqual([]);
    expect(EN_TEMPLATES.filter((t) => t.lang !== 'en').map((t) => t.id)).toEqual([]);
  });

  it('have unique ids of the form lang-category-n', () => {
    const ids = ALL.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    const bad = ALL.filter(
      (t) => !new RegExp(`^${t.lang}-${t.category.replace(/_/g, '-')}-[1-9][0-9]*$`).test(t.id),
    );
    expect(bad.map((t) => t.id)).toEqual([]);
  });

  it('cover every category: two zh (one for other) and one en', () => {
    const missing: string[] = [];
    for (const category of CATEGORIES) {
      const zh = ZH_TEMPLATES.filter((t) => t.category === category).length;
      const en = EN_TEMPLATES.filter((t) => t.category === category).length;
      if (zh < (category === 'other' ? 1 : 2)) missing.push(`zh ${category}: ${zh}`);
      if (en < 1) missing.push(`en ${category}: ${en}`);
    }
    expect(missing).toEqual([]);
  });

  it('have non-empty, duplicate-free channels', () => {
    const bad = ALL.filter(
      (t) => t.channels.length === 0 || new Set(t.channels).size !== t.channels.length,
    );
    expect(bad.map((t) => t.id)).toEqual([]);
  });
});

describe('script templates: placeholders, channels and vars', () => {
  it('use only built-in placeholders or their own vars', () => {
    const problems: string[] = [];
    for (const t of ALL) {
      for (const text of allTexts(t)) {
        for (const name of placeholdersIn(text)) {
          if (!isBuiltin(name) && !Object.hasOwn(t.vars, name)) problems.push(`${t.id}: {${name}}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('use channel-bound placeholders only for their own channels', () => {
    const problems: string[] = [];
    for (const t of ALL) {
      for (const text of allTexts(t)) {
        for (const name of placeholdersIn(text)) {
          const channel = channelOf(name);
          if (channel !== null && !t.channels.includes(channel)) {
            problems.push(`${t.id}: {${name}} needs channel ${channel}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('mention every listed channel in their lines', () => {
    const problems: string[] = [];
    for (const t of ALL) {
      const used = new Set(lineTexts(t).flatMap(placeholdersIn).map(channelOf));
      for (const channel of t.channels) {
        if (!used.has(channel)) problems.push(`${t.id}: channel ${channel} unused`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('use every var key in their lines and keep vars small', () => {
    const problems: string[] = [];
    for (const t of ALL) {
      const used = new Set(lineTexts(t).flatMap(placeholdersIn));
      const keys = Object.keys(t.vars);
      if (keys.length < 1 || keys.length > 4) problems.push(`${t.id}: ${keys.length} var keys`);
      for (const key of keys) {
        if (isBuiltin(key)) problems.push(`${t.id}: var ${key} shadows a built-in`);
        if (!used.has(key)) problems.push(`${t.id}: var ${key} unused`);
        const n = t.vars[key]?.length ?? 0;
        if (n < 2 || n > 4) problems.push(`${t.id}: var ${key} has ${n} alternatives`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('script templates: lines and their text', () => {
  it('have 6 to 12 lines, some optional, most with several phrasings', () => {
    const problems: string[] = [];
    for (const t of ALL) {
      const n = t.lines.length;
      const optional = t.lines.filter((line) => line.optional === true).length;
      const varied = t.lines.filter((line) => line.alts.length >= 2).length;
      if (n < 6 || n > 12) problems.push(`${t.id}: ${n} lines`);
      if (optional < 2) problems.push(`${t.id}: ${optional} optional lines`);
      if (optional === n) problems.push(`${t.id}: no required line`);
      if (varied * 2 < n) problems.push(`${t.id}: only ${varied} of ${n} lines have 2+ alts`);
      t.lines.forEach((line, i) => {
        if (line.alts.length < 1 || line.alts.length > 4) {
          problems.push(`${t.id} line ${i}: ${line.alts.length} alts`);
        }
      });
    }
    expect(problems).toEqual([]);
  });

  it('have no empty alternatives and no stray or nested braces', () => {
    const problems: string[] = [];
    for (const t of ALL) {
      for (const text of allTexts(t)) {
        if (text.trim() === '') problems.push(`${t.id}: empty alternative`);
        if (/[{}]/.test(text.replace(PLACEHOLDER, '')))
          problems.push(`${t.id}: braces in "${text}"`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('write money only through placeholders', () => {
    const money = /[0-9]\s*(元|块|万|千|yuan|rmb)|[¥$￥]\s*[0-9]|rmb\s*[0-9]/i;
    const problems = ALL.flatMap((t) =>
      allTexts(t)
        .filter((text) => money.test(text))
        .map((text) => `${t.id}: ${text}`),
    );
    expect(problems).toEqual([]);
  });
});
