import { describe, expect, it } from 'vitest';
import {
  assess,
  checkPolicyRules,
  DEFAULT_POLICY,
  PolicyError,
  parsePolicy,
} from '../../src/risk/policy.js';
import type { TokenStats } from '../../src/risk/token-summary.js';

const DAY = 86_400_000;
const now = Date.UTC(2026, 11, 1);

function row(memberId: string, type: TokenStats['type'], daysAgo: number): TokenStats {
  const at = now - daysAgo * DAY;
  return { memberId, type, reports: 1, firstSeen: at, lastSeen: at, categories: 1 };
}

describe('the policy (issue 12)', () => {
  it('never makes fraud from one member’s confirmed report, fresh or old', () => {
    for (const days of [0, 30, 200, 365, 1000])
      expect(
        assess(DEFAULT_POLICY, 'bank_card', [row('bank-a', 'confirmed_fraud', days)], now),
      ).toMatchObject({ verdict: 'suspicious', reporters: 1 });
    // However many of one member's reports.
    const many = [row('bank-a', 'confirmed_fraud', 1), row('bank-a', 'victim_report', 2)];
    expect(assess(DEFAULT_POLICY, 'phone', many, now).verdict).toBe('suspicious');
  });

  it('keeps a confirmed case from fading to suspicious within a year', () => {
    // A phone number's evidence halves every 90 days; the floor keeps confirmed cases.
    for (const days of [0, 180, 364]) {
      expect(
        assess(DEFAULT_POLICY, 'phone', [row('bank-a', 'police_confirmed', days)], now).verdict,
      ).toBe('fraud');
      expect(
        assess(
          DEFAULT_POLICY,
          'phone',
          [row('bank-a', 'confirmed_fraud', days), row('bank-b', 'confirmed_fraud', days)],
          now,
        ).verdict,
      ).toBe('fraud');
    }
    // A complaint does fade: a victim's report of a phone a year old counts little.
    const old = assess(DEFAULT_POLICY, 'phone', [row('bank-a', 'victim_report', 365)], now);
    expect(old.verdict).toBe('clear');
    expect(old.score).toBeLessThan(0.05);
  });

  it('reads a policy written before the floor as keeping nothing', () => {
    const { ageFloor: _, ...before } = DEFAULT_POLICY;
    const policy = parsePolicy(JSON.parse(JSON.stringify(before)));
    expect(policy.ageFloor).toEqual({
      police_confirmed: 0,
      confirmed_fraud: 0,
      victim_report: 0,
      suspected: 0,
    });
    // 365 days on a 90-day half-life: 0.95 × 2^(−365/90) ≈ 0.058.
    const a = assess(policy, 'phone', [row('bank-a', 'police_confirmed', 365)], now);
    expect(a.score).toBeCloseTo(0.95 * 2 ** (-365 / 90), 5);
  });

  it('refuses to put in force a weight that brands alone, naming it', () => {
    expect(() => checkPolicyRules(DEFAULT_POLICY)).not.toThrow();
    const alone = {
      ...DEFAULT_POLICY,
      weights: { ...DEFAULT_POLICY.weights, confirmed_fraud: 0.8 },
    };
    expect(() => checkPolicyRules(alone)).toThrow(PolicyError);
    expect(() => checkPolicyRules(alone)).toThrow(/weights\.confirmed_fraud/);
    // Police confirmation may brand alone.
    expect(() =>
      checkPolicyRules({
        ...DEFAULT_POLICY,
        weights: { ...DEFAULT_POLICY.weights, police_confirmed: 1 },
      }),
    ).not.toThrow();
    expect(() => parsePolicy({ ...DEFAULT_POLICY, ageFloor: { police_confirmed: 2 } })).toThrow(
      /ageFloor\.police_confirmed/,
    );
  });

  it('answers a token nobody reported as clear without a kind, and needs one for a reported token', () => {
    expect(assess(DEFAULT_POLICY, undefined, [], now)).toMatchObject({
      verdict: 'clear',
      score: 0,
      reporters: 0,
    });
    expect(() => assess(DEFAULT_POLICY, undefined, [row('bank-a', 'suspected', 1)], now)).toThrow(
      TypeError,
    );
  });
});
