import { type LogEntry, recordDigest } from '@credence/core/log/entries';
import { describe, expect, it } from 'vitest';
import { judgeOwnName } from '../src/own-name.js';

/** How a member judges an entry in its name that its own tool did not write (issue 11). */
const CREATED = '2026-12-01T00:00:00.000Z';
const LATER = '2026-12-02T00:00:00.000Z';
const entry = (kind: LogEntry['kind'], subject: string, record: unknown, time = CREATED) => ({
  kind,
  time,
  member: 'bank-a',
  subject,
  digest: recordDigest(record),
});
const judge = (e: LogEntry, record: unknown, enrolled = false) =>
  judgeOwnName(
    7,
    e,
    { type: 'event', record },
    { ownKeys: new Set(['OWN']), createdAt: CREATED, enrolmentCredential: enrolled },
  );

describe('an entry in the member’s name it did not write', () => {
  it('is a finding when it is a contribution, whatever its record', () => {
    for (const kind of ['report', 'link_batch', 'retraction', 'report_script'] as const)
      expect(judge(entry(kind, 'r_1', {}), {}).finding?.kind).toBe('foreign_entry');
  });

  it('names every key event but its enrolment key, and how to object to one announced', () => {
    const announced = {
      event: 'announced',
      publicKey: 'X',
      by: 'operator',
      replaces: ['OWN'],
      activatesAt: Date.parse('2026-12-04T00:00:00Z'),
    };
    const found = judge(entry('key_event', 'X', announced), announced).finding;
    expect(found?.kind).toBe('foreign_key');
    expect(found?.message).toContain('credence member keys object X');
    expect(found?.message).toContain('2026-12-04T00:00:00.000Z');
    // The key it gave at enrolment, added with it, is its own.
    const enrolled = { event: 'added', publicKey: 'OWN', by: 'operator', replaces: [] };
    expect(judge(entry('key_event', 'OWN', enrolled), enrolled)).toEqual({});
    // An old key of its own announced again (it may have leaked), the same key added
    // later, a change in its own name that its tool did not make: each is named.
    const again = { ...announced, publicKey: 'OWN', replaces: ['NEW'] };
    expect(judge(entry('key_event', 'OWN', again), again).finding?.kind).toBe('foreign_key');
    expect(judge(entry('key_event', 'OWN', enrolled, LATER), enrolled).finding?.kind).toBe(
      'foreign_key',
    );
    for (const event of ['added', 'revoked']) {
      const signed = { event, publicKey: 'OWN', by: 'member', replaces: [] };
      expect(judge(entry('key_event', 'OWN', signed), signed).finding?.kind).toBe('foreign_key');
    }
    // The operator revoking a key is told, not a finding (a lockout is no impersonation).
    const revoked = { event: 'revoked', publicKey: 'OWN', by: 'operator', replaces: [] };
    expect(judge(entry('key_event', 'OWN', revoked), revoked)).toEqual({
      notice: expect.stringContaining('revoked'),
    });
  });

  it('takes one enrolment credential, with its creation, and names every other', () => {
    const issued = { event: 'credential_issued', at: 1, by: 'operator' };
    expect(judge(entry('member_event', 'bank-a', issued), issued)).toMatchObject({
      notice: expect.stringContaining('enrolment'),
      enrolmentCredential: true,
    });
    expect(judge(entry('member_event', 'bank-a', issued), issued, true).finding?.kind).toBe(
      'foreign_credential',
    );
    expect(judge(entry('member_event', 'bank-a', issued, LATER), issued).finding?.kind).toBe(
      'foreign_credential',
    );
    const created = { event: 'created', name: 'Bank A', type: 'bank' };
    expect(judge(entry('member_event', 'bank-a', created, LATER), created).finding?.kind).toBe(
      'foreign_credential',
    );
    // What the operator may do, told but no finding.
    for (const r of [
      { event: 'status', status: 'disabled' },
      { event: 'credentials_revoked', at: 1, by: 'operator' },
      created,
    ])
      expect(judge(entry('member_event', 'bank-a', r), r)).toEqual({ notice: expect.any(String) });
  });

  it('tells of an outcome reported in its name, with what it followed', () => {
    const r = {
      event: 'outcome',
      id: 3,
      salt: 's',
      token: 't',
      outcome: 'account_frozen',
      basis: 'check',
      verdict: 'fraud',
      checkedAt: 1,
      amount: null,
      at: 2,
    };
    expect(judge(entry('outcome', 'outcome/3', r), r)).toEqual({
      notice:
        'entry 7 (2026-12-01T00:00:00.000Z): outcome 3 reported in your name: account_frozen after a fraud answer',
    });
    const alert = { ...r, basis: 'watch', verdict: null, checkedAt: null };
    expect(judge(entry('outcome', 'outcome/3', alert), alert).notice).toContain('after an alert');
  });

  it('does not take a record that is not the one logged', () => {
    const logged = { event: 'added', publicKey: 'X', by: 'operator', replaces: [] };
    const shown = { event: 'added', publicKey: 'OWN', by: 'operator', replaces: [] };
    expect(judge(entry('key_event', 'OWN', logged), shown).finding?.kind).toBe('foreign_key');
    const status = { event: 'status', status: 'active' };
    const m = entry('member_event', 'bank-a', {
      event: 'credential_issued',
      at: 5,
      by: 'operator',
    });
    expect(judge(m, status).finding?.kind).toBe('foreign_credential');
  });
});
