import { minhash } from '@credence/core/narrative/fingerprint';
import type { Category } from '@credence/core/wire/vocabulary';
import { describe, expect, it } from 'vitest';
import { findCampaigns, type ScriptReport } from '../../src/campaigns/campaigns.js';

const NOW = Date.UTC(2026, 10, 1);
const DAY = 86_400_000;

/** Tellings of one script: the same lines, some dropped, names and amounts masked. */
function telling(lines: readonly string[], i: number): string {
  return lines.filter((_, k) => (k + i) % 4 !== 0).join('');
}

const LOAN = [
  '对方说是某支付平台的工作人员⟨NAME⟩，',
  '查到我在校期间开通了校园贷，',
  '说国家要求清理大学生贷款，不注销会影响个人征信，',
  '他让我下载软件打开屏幕共享，',
  '说要把各平台的额度全部借出来清零，转到监管账户核验，',
  '我先转了⟨AMOUNT⟩到账户⟨CARD⟩，',
  '后来打官方客服才知道被骗了。',
];
const PARCEL = [
  '有个电话说是物流公司的理赔客服，',
  '说我的包裹运输途中丢了，可以三倍理赔，',
  '客服让我装了一个软件共享屏幕，',
  '让我打开支付软件里的备用金，',
  '说理赔打款失败需要验证账户，让我先转⟨AMOUNT⟩，',
  '之后说资金冻结要从网贷借钱再转一次，',
  '事后打官方客服才知道包裹根本没丢。',
];

function reports(): ScriptReport[] {
  const out: ScriptReport[] = [];
  const add = (lines: readonly string[], i: number, category: Category, daysAgo: number) =>
    out.push({
      id: `r${String(out.length).padStart(3, '0')}`,
      member: `member-${i % 3}`,
      category,
      occurredAt: NOW - daysAgo * DAY,
      signature: minhash(telling(lines, i)),
      ...(i % 2 === 0 ? { script: telling(lines, i) } : {}),
    });
  for (let i = 0; i < 12; i++) add(LOAN, i, 'fake_credit_repair', i < 8 ? 3 : 10);
  for (let i = 0; i < 9; i++) add(PARCEL, i, 'fake_customer_service', 20);
  out.push({
    id: 'r999',
    member: 'member-9',
    category: 'fake_shopping',
    occurredAt: NOW - DAY,
    signature: minhash('我在网上买东西付了⟨AMOUNT⟩，两个星期了还没发货，商家也不回消息。'),
  });
  return out;
}

describe('campaigns', () => {
  it('group the tellings of each script across members, and leave a lone report out', () => {
    const input = reports();
    const campaigns = findCampaigns(input, { now: NOW });
    expect(campaigns).toHaveLength(2);
    const [loan, parcel] = campaigns;
    expect(loan?.reports.map((i) => input[i]?.id).sort()).toEqual(
      input.filter((r) => r.category === 'fake_credit_repair').map((r) => r.id),
    );
    expect(parcel?.reports).toHaveLength(9);
    expect(loan).toMatchObject({
      category: 'fake_credit_repair',
      categories: { fake_credit_repair: 12 },
      members: 3,
      firstSeen: NOW - 10 * DAY,
      lastSeen: NOW - 3 * DAY,
    });
    // 8 reports this week, 4 the week before.
    expect(loan?.weekly.slice(-2)).toEqual([4, 8]);
    expect(loan?.growth).toBe(2);
    expect(parcel?.growth).toBeNull();
    expect(loan?.id).toMatch(/^campaign-[0-9a-f]{16}$/);
  });

  it('show a representative only from reports whose member shared the script', () => {
    const input = reports().map((r) => ({ ...r, script: undefined }));
    expect(findCampaigns(input, { now: NOW })[0]?.representative).toBeUndefined();
    const shared = reports();
    const loan = findCampaigns(shared, { now: NOW })[0];
    expect(shared[loan?.representative as number]?.script).toBeDefined();
  });

  it('join only reports at least as alike as the threshold', () => {
    // At 0.99 only identical tellings join (telling i and i + 4 are the same text).
    const input = reports();
    const strict = findCampaigns(input, { now: NOW, threshold: 0.99 });
    expect(strict.length).toBeGreaterThan(2);
    for (const c of strict) {
      const first = input[c.reports[0] as number]?.signature;
      for (const i of c.reports) expect(input[i]?.signature).toEqual(first);
    }
  });

  it('keep a template sent more often than a band bucket holds as one campaign', () => {
    const sms = minhash('【ETC】您的车载设备认证已失效，今日内不重新认证将停用，请点击⟨URL⟩办理。');
    const input: ScriptReport[] = Array.from({ length: 1500 }, (_, i) => ({
      id: `s${i}`,
      member: `member-${i % 4}`,
      category: 'phishing_sms',
      occurredAt: NOW - DAY,
      signature: sms,
    }));
    const campaigns = findCampaigns(input, { now: NOW, maxBucket: 1000 });
    expect(campaigns).toHaveLength(1);
    expect(campaigns[0]?.reports).toHaveLength(1500);
    expect(campaigns[0]?.members).toBe(4);
  });
});
