import { describe, expect, it } from 'vitest';
import { decide, parseDisclosurePolicy } from '../src/disclosures.js';

/** member.json's disclosurePolicy (docs/cases.md): first matching rule decides, else a person. */
const request = (police: string, type: string) =>
  ({
    police,
    basis: {
      type,
      caseNumber: 'x',
      statute: 'y',
      approvedBy: 'z',
      expiresAt: '2027-01-01T00:00:00Z',
    },
  }) as Parameters<typeof decide>[1];

describe('the disclosure policy', () => {
  const policy = parseDisclosurePolicy({
    rules: [
      { police: ['police-sz'], basis: ['court_order', 'emergency'], decision: 'approve' },
      { basis: ['police_investigation'], decision: 'deny', reason: 'a court order, please' },
    ],
  });

  it('lets the first matching rule decide and leaves the rest to a person', () => {
    expect(decide(policy, request('police-sz', 'court_order'))).toMatchObject({
      decision: 'approve',
    });
    expect(decide(policy, request('police-sz', 'police_investigation'))).toMatchObject({
      decision: 'deny',
      reason: 'a court order, please',
    });
    expect(decide(policy, request('police-bj', 'court_order'))).toBe('wait');
    expect(decide(parseDisclosurePolicy(undefined), request('police-sz', 'court_order'))).toBe(
      'wait',
    );
  });

  it('refuses a rule it cannot read, naming the field', () => {
    const field = (value: unknown) => {
      try {
        parseDisclosurePolicy(value);
      } catch (error) {
        return (error as { details: { field: string } }).details.field;
      }
      return 'accepted';
    };
    expect(field({})).toBe('disclosurePolicy.rules');
    expect(field({ rules: [{ decision: 'maybe' }] })).toBe('disclosurePolicy.rules[0].decision');
    expect(field({ rules: [{ decision: 'approve', basis: ['hunch'] }] })).toBe(
      'disclosurePolicy.rules[0].basis',
    );
    expect(field({ rules: [{ decision: 'approve', police: 'police-sz' }] })).toBe(
      'disclosurePolicy.rules[0].police',
    );
    expect(field({ rules: [{ decision: 'approve', everyone: true }] })).toBe(
      'disclosurePolicy.rules[0]',
    );
    expect(field({ rules: [{ decision: 'deny', reason: '' }] })).toBe(
      'disclosurePolicy.rules[0].reason',
    );
  });
});
