import { describe, expect, it } from 'vitest';
import { assess, DEFAULT_POLICY, parsePolicy } from '../../src/risk/policy.js';
import {
  countJudgements,
  DEFAULT_QUALITY,
  qualityWeight,
  weightsDiffer,
  weightsOf,
} from '../../src/risk/quality.js';

/** Contributors' quality weights (issue 17): bounded, smoothed, and what a score is multiplied by. */
describe('quality weights', () => {
  it('start at 1, fall with false positives as 1 − f / (n + prior), never below the floor', () => {
    expect(qualityWeight(DEFAULT_QUALITY, 0, 0)).toBe(1);
    expect(qualityWeight(DEFAULT_QUALITY, 1, 1)).toBe(0.91);
    expect(qualityWeight(DEFAULT_QUALITY, 10, 5)).toBe(0.75);
    expect(qualityWeight(DEFAULT_QUALITY, 1000, 1000)).toBe(0.5);
    expect(qualityWeight({ floor: 0, prior: 0 }, 4, 4)).toBe(0);
    expect(qualityWeight({ floor: 1, prior: 0 }, 4, 4)).toBe(1);
  });

  it('count one judgement per member and token, by its latest outcome, never of the judge itself', () => {
    const standing = new Map([
      ['t1', ['bank-a', 'bank-b']],
      ['t2', ['bank-a']],
    ]);
    const counts = countJudgements(
      [
        { by: 'bank-b', token: 't1', falsePositive: true },
        { by: 'telecom-a', token: 't1', falsePositive: false },
        { by: 'telecom-a', token: 't2', falsePositive: true },
        { by: 'bank-a', token: 't2', falsePositive: true },
        { by: 'telecom-a', token: 't9', falsePositive: true },
      ],
      (t) => standing.get(t) ?? [],
    );
    expect(Object.fromEntries(counts)).toEqual({
      'bank-a': { outcomes: 3, falsePositives: 2 },
      'bank-b': { outcomes: 1, falsePositives: 0 },
    });
    expect(weightsOf(DEFAULT_QUALITY, counts)).toEqual({
      'bank-a': { weight: 0.85, outcomes: 3, falsePositives: 2 },
      'bank-b': { weight: 1, outcomes: 1, falsePositives: 0 },
    });
  });

  it('differ only where a weight does (a member left out weighs 1)', () => {
    const one = { weight: 1, outcomes: 3, falsePositives: 0 };
    expect(weightsDiffer(undefined, { 'bank-a': one })).toBe(false);
    expect(weightsDiffer({ 'bank-a': one }, { 'bank-a': { ...one, outcomes: 4 } })).toBe(false);
    expect(weightsDiffer(undefined, { 'bank-a': { ...one, weight: 0.9 } })).toBe(true);
    expect(weightsDiffer({ 'bank-a': { ...one, weight: 0.9 } }, {})).toBe(true);
  });

  it("multiply each member's evidence in a score, and say so in the explanation", () => {
    const now = Date.parse('2026-12-06T00:00:00Z');
    const row = (memberId: string) => ({
      memberId,
      type: 'confirmed_fraud' as const,
      reports: 1,
      firstSeen: now,
      lastSeen: now,
      categories: 1,
    });
    const full = assess(DEFAULT_POLICY, 'phone', [row('bank-a'), row('bank-b')], now);
    const lighter = assess(DEFAULT_POLICY, 'phone', [row('bank-a'), row('bank-b')], now, (m) =>
      m === 'bank-a' ? 0.5 : 1,
    );
    expect(full.score).toBeCloseTo(1 - 0.3 * 0.3, 6);
    expect(lighter.score).toBeCloseTo(1 - 0.65 * 0.3, 6);
    expect(lighter.explanation).toContain('The reports of 1 of them weigh less');
    expect(full.explanation).not.toContain('weigh less');
  });

  it('take their rule from the policy, checked field by field; a policy without one takes the default', () => {
    const { quality: _, ...without } = DEFAULT_POLICY;
    expect(parsePolicy(JSON.parse(JSON.stringify(without))).quality).toEqual(DEFAULT_QUALITY);
    expect(parsePolicy({ ...DEFAULT_POLICY, quality: { floor: 0.2, prior: 3 } }).quality).toEqual({
      floor: 0.2,
      prior: 3,
    });
    for (const [quality, field] of [
      [{ floor: 1.5, prior: 3 }, 'quality.floor'],
      [{ floor: 0.5, prior: -1 }, 'quality.prior'],
      [{ floor: 0.5 }, 'quality.prior'],
      [{ floor: 0.5, prior: 1, weight: 2 }, 'quality.weight'],
    ] as const)
      expect(() => parsePolicy({ ...DEFAULT_POLICY, quality }), field).toThrow(field);
  });
});
