import { FINGERPRINT_SIZE, minhash, similarity } from '@credence/core/narrative/fingerprint';
import type { Category } from '@credence/core/wire/vocabulary';
import { describe, expect, it } from 'vitest';
import { FORM_SHARE, findCampaigns, type ScriptReport } from '../../src/campaigns/campaigns.js';
import {
  type FormValues,
  formMask,
  formValues,
  MIN_STORY_SLOTS,
  storySimilarity,
} from '../../src/campaigns/form-values.js';
import { adjustedRandIndex, purity } from '../../src/evaluation/metrics.js';

/** Story similarity of two signatures given the form values. */
const story = (form: FormValues) => (a: Uint32Array, b: Uint32Array) =>
  storySimilarity(a, formMask(a, form), b, formMask(b, form));

/**
 * Issue 11: in 1,200 real Chinese fraud narratives, 1,089 ended with the same masked
 * sentence, and it chained unrelated scripts into one campaign. Here nine short scripts
 * (six Chinese, three English, each its own category), told by four members, 90 % of
 * the tellings ending with a reporting form's sentence.
 */

const NOW = Date.UTC(2026, 10, 1);
const ZH_FORM = '对方来电号码⟨PHONE⟩，让我转账到⟨CARD⟩，还报出了我的身份证号⟨ID⟩。';
const EN_FORM =
  "The caller's number was ⟨PHONE⟩, they had me transfer the money to ⟨CARD⟩, and they also read out my ID number ⟨ID⟩.";

const ZH: Readonly<Partial<Record<Category, readonly string[]>>> = {
  fake_credit_repair: [
    '对方自称支付平台客服，',
    '说我大学时开过校园贷，',
    '不注销会影响征信，',
    '让我下载软件共享屏幕，',
    '把网贷额度借出来转到监管账户，',
    '我转了⟨AMOUNT⟩。',
  ],
  fake_customer_service: [
    '有人打电话说是快递理赔客服，',
    '说我的包裹丢了可以三倍赔偿，',
    '让我打开备用金验证账户，',
    '说打款失败要先转⟨AMOUNT⟩，',
    '后来又让我从网贷借钱再转。',
  ],
  task_rebate: [
    '在抖音上有人私信我招兼职，',
    '给视频点赞截图就有佣金，',
    '后来拉我进任务群做连单，',
    '充值越来越多提不了现，',
    '客服说操作失误要交解冻金。',
  ],
  impersonate_authority: [
    '一个自称公安局的警官打来电话，',
    '说我涉嫌一起洗钱案，',
    '要我配合调查不能告诉家人，',
    '让我把存款转到安全账户清查，',
    '还发来一张通缉令。',
  ],
  fake_investment: [
    '网上认识一个投资导师，',
    '拉我进股票群说有内幕消息，',
    '让我在一个平台上买原始股，',
    '前几次赚了一点还能提现，',
    '后来投了⟨AMOUNT⟩就登不上了。',
  ],
  romance: [
    '在交友软件认识一个男人，',
    '聊了一个月说要和我结婚，',
    '他说在博彩网站发现漏洞，',
    '让我一起下注稳赚不赔，',
    '我充了钱以后他就消失了。',
  ],
};
const EN: Readonly<Partial<Record<Category, readonly string[]>>> = {
  phishing_sms: [
    'I got a text saying my parcel was held at customs.',
    'The link asked me to pay a small release fee.',
    'I entered my card details on the page.',
    'Later that night money was taken from my card.',
  ],
  fake_loan: [
    'A man offered me a quick loan with no credit check.',
    'He said I had to pay an insurance deposit first.',
    'Then a second fee to unfreeze the loan.',
    'The loan never came and he blocked me.',
  ],
  game_trading: [
    'I tried to sell my game account on a trading site.',
    'The buyer said the site had frozen my payment.',
    'Customer service told me to deposit money to unlock it.',
    'I paid twice and never got anything back.',
  ],
};

interface Told extends ScriptReport {
  /** The script it tells (the truth the clustering is held against). */
  readonly script: string;
}

/** Tellings of each script: lines dropped in turn; `form(k)` says whether the k-th ends with the form. */
function tellings(perScript = 12, form = (k: number) => k % 10 !== 7): Told[] {
  const out: Told[] = [];
  for (const [lang, scripts] of [
    ['zh', ZH],
    ['en', EN],
  ] as const)
    for (const [category, lines] of Object.entries(scripts) as [Category, readonly string[]][])
      for (let i = 0; i < perScript; i++) {
        const k = out.length;
        const kept = lines.filter((_, j) =>
          lines.length > 4 ? (j + i) % 4 !== 0 : (j + i) % 5 !== 0,
        );
        let text = kept.join(lang === 'zh' ? '' : ' ');
        if (form(k)) text += lang === 'zh' ? ZH_FORM : ` ${EN_FORM}`;
        out.push({
          id: `r${String(k).padStart(3, '0')}`,
          member: `member-${k % 4}`,
          category,
          occurredAt: NOW - 86_400_000,
          signature: minhash(text),
          script: category,
        });
      }
  return out;
}

/** Purity and adjusted Rand index of the campaigns against the scripts, and the scripts of each campaign. */
function score(input: readonly Told[], options: { formShare?: number } = {}) {
  const campaigns = findCampaigns(input, { now: NOW, ...options });
  const label = input.map((_, i) => `alone-${i}`);
  campaigns.forEach((c, k) => {
    for (const i of c.reports) label[i] = `campaign-${k}`;
  });
  const truth = input.map((r) => r.script);
  return {
    campaigns,
    scripts: campaigns.map((c) => new Set(c.reports.map((i) => input[i]?.script))),
    purity: purity(label, truth),
    ari: adjustedRandIndex(label, truth),
  };
}

/** Pairs of tellings of different scripts at least as alike as the clustering's threshold. */
function crossPairs(input: readonly Told[], alike: (a: Uint32Array, b: Uint32Array) => number) {
  let n = 0;
  for (let a = 0; a < input.length; a++)
    for (let b = a + 1; b < input.length; b++) {
      const x = input[a] as Told;
      const y = input[b] as Told;
      if (x.script !== y.script && alike(x.signature, y.signature) >= 0.25) n++;
    }
  return n;
}

describe('a reporting form every narrative ends with (issue 11)', () => {
  it('chains unrelated scripts, Chinese and English, under the plain estimate', () => {
    const input = tellings();
    const plain = score(input, { formShare: 1 });
    // One campaign holds several Chinese scripts, another the English ones.
    const mixed = plain.scripts.filter((s) => s.size > 1);
    expect(mixed.length).toBeGreaterThanOrEqual(2);
    expect(mixed.some((s) => s.has('fake_credit_repair'))).toBe(true);
    expect(mixed.some((s) => s.has('fake_loan'))).toBe(true);
    expect(plain.purity).toBeLessThan(0.7);
    expect(crossPairs(input, similarity)).toBeGreaterThan(100);
  });

  it('keeps each script its own campaign: campaigns are about the story, not the form', () => {
    const input = tellings();
    const found = score(input);
    expect(found.scripts.map((s) => s.size)).toEqual(new Array(9).fill(1));
    expect(found.campaigns).toHaveLength(9);
    expect(found.purity).toBe(1);
    expect(found.ari).toBe(1);
    const form = formValues(input, FORM_SHARE);
    expect(crossPairs(input, story(form))).toBe(0);
  });

  it('changes nothing where there is no form', () => {
    const input = tellings(12, () => false);
    const plain = score(input, { formShare: 1 });
    const found = score(input);
    expect(found.purity).toBe(1);
    expect(found.campaigns.map((c) => c.reports)).toEqual(plain.campaigns.map((c) => c.reports));
  });

  it('does not let one member flood the statistic', () => {
    // One member files 400 tellings of one script, 79 % of all fingerprints, under every
    // category in turn (so that only the count by member stands in its way).
    const input = tellings();
    const lines = ZH.romance as readonly string[];
    const categories = [...Object.keys(ZH), ...Object.keys(EN)] as Category[];
    for (let i = 0; i < 400; i++)
      input.push({
        id: `flood-${i}`,
        member: 'member-9',
        category: categories[i % categories.length] as Category,
        occurredAt: NOW,
        signature: minhash(`${lines.filter((_, j) => (j + i) % 5 !== 0).join('')}第${i}次。`),
        script: 'romance',
      });
    const count = new Map<string, number>();
    for (const r of input) for (const key of keysOf(r)) count.set(key, (count.get(key) ?? 0) + 1);
    const others = new Set(input.filter((r) => r.member !== 'member-9').flatMap(keysOf));
    const floodOnly = new Set(
      input
        .filter((r) => r.member === 'member-9')
        .flatMap(keysOf)
        .filter((k) => !others.has(k)),
    );
    // Counted plainly, values that only the flood carries would be form…
    const plainShare = (key: string) => (count.get(key) ?? 0) / input.length;
    expect(Math.max(...[...floodOnly].map(plainShare))).toBeGreaterThan(0.5);
    // …but no member decides alone: none of them is.
    const form = formValues(input, FORM_SHARE);
    const formKeys = form.flatMap((values, i) => [...values].map((v) => `${i}:${v}`));
    expect(formKeys.filter((key) => floodOnly.has(key))).toEqual([]);
    const found = score(input);
    expect(found.purity).toBe(1);
    expect(found.scripts.filter((s) => s.has('romance'))).toHaveLength(1);
  });

  it('does not let one member hide a form by flooding the count', () => {
    // One member files 2,000 distinct narratives without the form (95 % of all).
    const input = tellings();
    for (let i = 0; i < 2000; i++)
      input.push({
        id: `junk-${i}`,
        member: 'member-9',
        category: 'other',
        occurredAt: NOW,
        signature: minhash(`Report number ${i} of ${i * 7919} with ${(i * 104729) % 99991} pages.`),
        script: `junk-${i}`,
      });
    const found = score(input);
    for (const script of [...Object.keys(ZH), ...Object.keys(EN)])
      expect(found.scripts.filter((s) => s.has(script)).map((s) => s.size)).toEqual([1]);
  });

  it('finds no form in a platform that has seen one script, however often', () => {
    const lines = ZH.fake_customer_service as readonly string[];
    const input: ScriptReport[] = Array.from({ length: 200 }, (_, i) => ({
      id: `p${i}`,
      member: `member-${i % 5}`,
      category: 'fake_customer_service',
      occurredAt: NOW,
      signature: minhash(lines.filter((_, j) => (j + i) % 5 !== 0).join('') + ZH_FORM),
    }));
    expect(formValues(input, FORM_SHARE).every((values) => values.size === 0)).toBe(true);
    const campaigns = findCampaigns(input, { now: NOW });
    expect(campaigns).toHaveLength(1);
    expect(campaigns[0]?.reports).toHaveLength(200);
  });

  it('is a function of the fingerprints, not of their order', () => {
    const input = tellings();
    const reversed = [...input].reverse();
    const ids = (rs: readonly ScriptReport[]) =>
      findCampaigns(rs, { now: NOW })
        .map((c) => c.reports.map((i) => rs[i]?.id).sort())
        .sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1));
    expect(ids(reversed)).toEqual(ids(input));
    expect(formValues(reversed, FORM_SHARE)).toEqual(formValues(input, FORM_SHARE));
  });
});

describe('storySimilarity', () => {
  const signature = (f: (i: number) => number) =>
    Uint32Array.from({ length: FINGERPRINT_SIZE }, (_, i) => f(i));

  it('is the plain estimate when no value is form', () => {
    const a = signature((i) => i);
    const b = signature((i) => (i % 3 === 0 ? i : 1000 + i));
    const none = Array.from({ length: FINGERPRINT_SIZE }, () => new Set<number>());
    expect(story(none)(a, b)).toBe(similarity(a, b));
  });

  it('leaves out the slots whose smaller value is form, and counts the rest', () => {
    // Slots 0–63: both hold the form's value 7. Slots 64–127: story, equal on every other.
    const a = signature((i) => (i < 64 ? 7 : 100 + i));
    const b = signature((i) => (i < 64 ? 7 : i % 2 === 0 ? 100 + i : 500 + i));
    const form = Array.from({ length: FINGERPRINT_SIZE }, (_, i) => new Set(i < 64 ? [7] : []));
    expect(similarity(a, b)).toBe(0.75);
    expect(story(form)(a, b)).toBe(0.5);
    // Where one narrative's minimum is a story shingle smaller than the other's form value,
    // the slot counts (that shingle is in one narrative only): a difference.
    const c = signature((i) => (i < 64 ? 3 : 100 + i));
    expect(story(form)(a, c)).toBe(64 / 128);
  });

  it(`counts at least ${MIN_STORY_SLOTS} slots, so that a few story slots cannot make a pair alike`, () => {
    // 120 slots of form; of the 8 story slots, 4 equal: not 0.5, but 4 of 32.
    const a = signature((i) => (i < 120 ? 7 : 100 + i));
    const b = signature((i) => (i < 120 ? 7 : i % 2 === 0 ? 100 + i : 500 + i));
    const form = Array.from({ length: FINGERPRINT_SIZE }, (_, i) => new Set(i < 120 ? [7] : []));
    expect(story(form)(a, b)).toBe(4 / MIN_STORY_SLOTS);
  });
});

function keysOf(r: ScriptReport): string[] {
  return Array.from(r.signature, (v, i) => `${i}:${v}`);
}
