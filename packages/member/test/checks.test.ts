import { describe, expect, it } from 'vitest';
import { type CheckAnswer, describeCheck } from '../src/checks.js';

/** An answer as POST /v1/check gives it for a token nobody reported, in a ring. */
const answer: CheckAnswer = {
  token: 'tok',
  verdict: 'suspicious',
  score: 0.6312345,
  reporters: 0,
  reports: {},
  categories: ['fake_investment'],
  firstSeen: null,
  lastSeen: null,
  ring: {
    id: 'ring-0123456789abcdef',
    score: 0.966201,
    size: 12,
    categories: ['fake_investment'],
    risk: 0.6312345,
    reason: 'money moved with a bank card of ring-0123456789abcdef',
  },
  rank: { score: 0.93456, percentile: 0.99234, model: 'rank-2', reason: 'path' },
  explanation:
    'Not reported by any member. In ring-0123456789abcdef (12 identifiers, score 0.97): …',
  policyVersion: 1,
  checkId: 'chk_0',
  basis: { logSize: 10, analysis: 1, checkedAt: '2026-12-06T00:00:00.000Z', quality: null },
};

describe('a check as a person reads it', () => {
  it('names the ring and its rounded score, not an object', () => {
    const text = describeCheck({ identifier: { kind: 'phone', value: '+8613800138000' }, answer });
    expect(text).not.toContain('[object Object]');
    expect(text).toContain('phone +8613800138000: SUSPICIOUS (score 0.63)');
    expect(text).toContain(
      '  ring ring-0123456789abcdef: 12 identifiers, score 0.97; fake_investment',
    );
    expect(text).toContain('  ranked 0.93, above 99.2 % of scored identifiers (rank-2)');
    expect(text).not.toMatch(/\d\.\d{4,}/);
  });

  it('says nothing of a ring or rank the answer does not have', () => {
    const text = describeCheck({
      identifier: { kind: 'phone', value: '+8613800138000' },
      answer: {
        ...answer,
        verdict: 'clear',
        score: 0,
        ring: null,
        rank: null,
        explanation: 'No reports.',
      },
    });
    expect(text).toBe('phone +8613800138000: clear (score 0.00)\n  No reports.');
  });
});
