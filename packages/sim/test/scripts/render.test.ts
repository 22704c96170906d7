import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/rng.js';
import {
  type Fill,
  formatAmount,
  formatDate,
  formatTimeOfDay,
  renderNarrative,
} from '../../src/scripts/render.js';
import {
  BUILTIN_PLACEHOLDERS,
  type BuiltinPlaceholder,
} from '../../src/scripts/script-template.js';
import { EN_TEMPLATES } from '../../src/scripts/templates-en.js';
import { ZH_TEMPLATES } from '../../src/scripts/templates-zh.js';

const FULL: Fill = Object.fromEntries(
  Object.keys(BUILTIN_PLACEHOLDERS).map((name) => [name, `<${name}>`]),
) as Record<BuiltinPlaceholder, string>;

describe('renderNarrative', () => {
  it('fills every placeholder of every template', () => {
    const rng = Rng.of(1);
    for (const template of [...ZH_TEMPLATES, ...EN_TEMPLATES]) {
      for (let i = 0; i < 20; i++) {
        const text = renderNarrative(template, rng, FULL, 'prefix: ');
        expect(text.startsWith('prefix: ')).toBe(true);
        expect(text, template.id).not.toMatch(/[{}]/);
      }
    }
  });

  it('varies between retellings but is a function of its generator', () => {
    const template = ZH_TEMPLATES[0];
    if (template === undefined) throw new Error('no templates');
    const a = renderNarrative(template, Rng.of(5), FULL);
    expect(renderNarrative(template, Rng.of(5), FULL)).toBe(a);
    const others = new Set(
      Array.from({ length: 10 }, (_, i) => renderNarrative(template, Rng.of(100 + i), FULL)),
    );
    expect(others.size).toBeGreaterThan(5);
  });

  it('refuses a story that lacks a value its template needs', () => {
    const template = ZH_TEMPLATES.find((t) =>
      t.lines.some((l) => l.alts.some((a) => a.includes('{amount}'))),
    );
    if (template === undefined) throw new Error('no template with an amount');
    const { amount: _, ...partial } = FULL;
    expect(() => {
      for (let i = 0; i < 50; i++) renderNarrative(template, Rng.of(i), partial);
    }).toThrow(/nothing fills \{amount\}/);
  });
});

describe('formatting of amounts, dates and times', () => {
  it('writes amounts people recognise', () => {
    const rng = Rng.of(1);
    const zh = new Set(Array.from({ length: 100 }, () => formatAmount(52_000, 'zh', rng)));
    expect(zh).toContain('52000元');
    expect(zh).toContain('5.2万元');
    const en = new Set(Array.from({ length: 100 }, () => formatAmount(52_000, 'en', rng)));
    expect(en).toContain('52,000 yuan');
  });

  it('writes dates and times of day in China Standard Time', () => {
    const rng = Rng.of(2);
    const ms = Date.parse('2026-11-20T02:12:00Z'); // 10:12 CST
    expect(formatDate(ms, 'zh', rng)).toMatch(/^11月20[日号]$/);
    expect(formatDate(ms, 'en', rng)).toMatch(/20/);
    expect(formatTimeOfDay(ms, 'zh', rng)).toMatch(/^上午(10|十)点/);
  });
});
