import { describe, expect, it } from 'vitest';
import { clearsAt } from '../../src/risk/expiry.js';
import { assess, DEFAULT_POLICY } from '../../src/risk/policy.js';
import type { TokenStats } from '../../src/risk/token-summary.js';

const DAY = 86_400_000;
const now = Date.parse('2026-12-07T00:00:00Z');
const row = (memberId: string, type: TokenStats['type'], lastSeen: number): TokenStats => ({
  memberId,
  type,
  reports: 1,
  firstSeen: lastSeen,
  lastSeen,
  categories: 1,
});

describe('when a token stops being suspicious', () => {
  it('is where assess turns clear, to the minute', () => {
    // A victim report (0.5) of a phone (half-life 90 days) falls below 0.3 after
    // 90 × log2(0.5 / 0.3) ≈ 66.3 days.
    const stats = [row('bank-a', 'victim_report', now - 10 * DAY)];
    const at = clearsAt(DEFAULT_POLICY, 'phone', stats, now) as number;
    expect((at - (now - 10 * DAY)) / DAY).toBeCloseTo(90 * Math.log2(0.5 / 0.3), 3);
    expect(assess(DEFAULT_POLICY, 'phone', stats, at).verdict).toBe('clear');
    expect(assess(DEFAULT_POLICY, 'phone', stats, at - 60_000).verdict).toBe('suspicious');
  });

  it('combines members, and weighs them as checks do', () => {
    const stats = [
      row('bank-a', 'suspected', now - DAY),
      row('telco-b', 'victim_report', now - 30 * DAY),
      row('telco-b', 'suspected', now),
    ];
    const at = clearsAt(DEFAULT_POLICY, 'url', stats, now) as number;
    expect(assess(DEFAULT_POLICY, 'url', stats, at).verdict).toBe('clear');
    expect(assess(DEFAULT_POLICY, 'url', stats, at - 60_000).verdict).not.toBe('clear');
    const light = (m: string) => (m === 'telco-b' ? 0.5 : 1);
    const lighter = clearsAt(DEFAULT_POLICY, 'url', stats, now, light) as number;
    expect(lighter).toBeLessThan(at);
    expect(assess(DEFAULT_POLICY, 'url', stats, lighter, light).verdict).toBe('clear');
  });

  it('is now when already clear, and never when a floor holds it', () => {
    expect(clearsAt(DEFAULT_POLICY, 'ip', [row('a', 'suspected', now - 400 * DAY)], now)).toBe(now);
    expect(
      clearsAt(DEFAULT_POLICY, 'phone', [row('a', 'police_confirmed', now - 4000 * DAY)], now),
    ).toBeUndefined();
  });
});
