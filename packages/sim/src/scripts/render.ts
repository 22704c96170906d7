import type { Rng } from '../rng.js';
import type { BuiltinPlaceholder, ScriptTemplate } from './script-template.js';

export type Fill = Partial<Record<BuiltinPlaceholder, string>>;

const PLACEHOLDER = /\{(\w+)\}/g;

/** Probability that an optional line is left out of one retelling. */
const SKIP_OPTIONAL = 0.35;

/**
 * One victim's retelling of a script: optional lines sometimes left out, one phrasing
 * per line, placeholders filled with this victim's details and the template's variable
 * words. Chinese lines join without spaces, English lines with one. A brief retelling
 * (`credence sim --brief`) says only how it began and how it ended: the first line and
 * the last.
 *
 * @throws Error when a placeholder has no value: a template and its story disagree.
 */
export function renderNarrative(
  template: ScriptTemplate,
  rng: Rng,
  fill: Fill,
  prefix = '',
  brief = false,
): string {
  const lines: string[] = [];
  const told = brief ? [template.lines[0], template.lines.at(-1)] : template.lines;
  for (const line of told) {
    if (line === undefined) continue;
    if (!brief && line.optional === true && rng.chance(SKIP_OPTIONAL)) continue;
    const text = rng.pick(line.alts).replace(PLACEHOLDER, (_, name: string) => {
      const builtin = fill[name as BuiltinPlaceholder];
      if (builtin !== undefined) return builtin;
      const choices = template.vars[name];
      if (choices !== undefined) return rng.pick(choices);
      throw new Error(`template ${template.id}: nothing fills {${name}}`);
    });
    lines.push(text);
  }
  return prefix + lines.join(template.lang === 'zh' ? '' : ' ');
}

const grouped = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** An amount of yuan as a person writes it. */
export function formatAmount(yuan: number, lang: 'zh' | 'en', rng: Rng): string {
  if (lang === 'en') {
    return rng.pick([
      `${grouped(yuan)} yuan`,
      `RMB ${grouped(yuan)}`,
      `¥${grouped(yuan)}`,
      `CNY ${yuan}`,
    ]);
  }
  const forms = [`${yuan}元`, `${grouped(yuan)}元`, `人民币${yuan}元`, `¥${yuan}`];
  if (yuan >= 10_000 && yuan % 1000 === 0) forms.push(`${yuan / 10_000}万元`, `${yuan / 10_000}万`);
  return rng.pick(forms);
}

const EN_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

export function formatDate(ms: number, lang: 'zh' | 'en', rng: Rng): string {
  const d = new Date(ms);
  const month = d.getUTCMonth();
  const day = d.getUTCDate();
  if (lang === 'zh') return rng.chance(0.8) ? `${month + 1}月${day}日` : `${month + 1}月${day}号`;
  return rng.chance(0.5) ? `${day} ${EN_MONTHS[month]}` : `${EN_MONTHS[month]} ${day}`;
}

const ZH_NUMERALS = [
  '零',
  '一',
  '二',
  '三',
  '四',
  '五',
  '六',
  '七',
  '八',
  '九',
  '十',
  '十一',
  '十二',
];

export function formatTimeOfDay(ms: number, lang: 'zh' | 'en', rng: Rng): string {
  // The world runs on China Standard Time for what people say.
  const hour = (new Date(ms).getUTCHours() + 8) % 24;
  if (lang === 'en') {
    const h12 = hour % 12 === 0 ? 12 : hour % 12;
    const suffix = hour < 12 ? 'am' : 'pm';
    return rng.pick([
      `around ${h12}${suffix}`,
      `at about ${h12}${suffix}`,
      hour >= 18 ? 'in the evening' : hour < 12 ? 'in the morning' : 'in the afternoon',
    ]);
  }
  const part =
    hour < 6 ? '凌晨' : hour < 12 ? '上午' : hour < 13 ? '中午' : hour < 18 ? '下午' : '晚上';
  const h12 = hour > 12 ? hour - 12 : hour;
  const numeral = rng.chance(0.5) ? String(h12) : (ZH_NUMERALS[h12] ?? String(h12));
  return rng.pick([`${part}${numeral}点`, `${part}${numeral}点多`, `${part}${numeral}点左右`]);
}
