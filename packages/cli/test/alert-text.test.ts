import type { Alert } from '@credence/member/alerts';
import { describe, expect, it } from 'vitest';
import { describeAlert } from '../src/commands/member.js';

const base = {
  cursor: '12.34',
  token: 'tok',
  kind: 'phone',
  occurredAt: '2026-12-01T00:00:00.000Z',
  createdAt: '2026-12-01T00:00:01.000Z',
};
const watched = {
  get: (t: string) => (t === 'tok' ? { kind: 'phone', value: '+8613800138000' } : undefined),
};

describe('an alert as a member reads it', () => {
  it.each([
    [{ source: 'link', linkType: 'call' }, 'phone +8613800138000 in a call link by another member'],
    [{ source: 'link' }, 'phone +8613800138000 in a link by another member'],
    [{ source: 'link', linkType: null }, 'phone +8613800138000 in a link by another member'],
    [
      { source: 'report', reportType: 'confirmed_fraud', category: 'romance' },
      'phone +8613800138000 reported (confirmed_fraud, romance) by another member',
    ],
    [
      { source: 'ring', ringId: 'ring-01' },
      'phone +8613800138000 put in ring-01 by joint analysis,',
    ],
  ])('%j', (fields, expected) => {
    const text = describeAlert({ ...base, ...fields } as unknown as Alert, watched);
    expect(text).toContain(expected);
    // Time, sentence, cursor: two spaces between them, none doubled inside the sentence.
    expect(text.split('  ')).toHaveLength(3);
  });

  it('names the token when the member does not watch it', () => {
    expect(
      describeAlert({ ...base, source: 'link', linkType: 'sms' } as Alert, undefined),
    ).toContain('phone tok in a sms link');
  });
});
