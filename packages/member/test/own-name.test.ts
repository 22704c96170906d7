import { type LogEntry, recordDigest } from '@credence/core/log/entries';
import { describe, expect, it } from 'vitest';
import { judgeOwnName } from '../src/own-name.js';

/** How a member judges an entry in its name that its own tool did not write (issue 11). */
const CREATED = '2026-12-01T00:00:00.000Z';
const entry = (
  kind: LogEntry['kind'],
  subject: string,
  record: unknown,
  time = CREATED,
): LogEntry => ({
  kind,
  time,
  member: 'bank-a',
  subject,
  digest: recordDigest(record),
});
const judge = (e: LogEntry, record: unknown, ownKeys: string[] = ['OWN']) =>
  judgeOwnName(7, e, { type: 'event', record }, { ownKeys: new Set(ownKeys), createdAt: CREATED });

describe('an entry in the member’s name it did not write', () => {
  it('is a finding when it is a contribution, whatever its record', () => {
    for (const kind of ['report', 'link_batch', 'retraction', 'report_script'] as const)
      expect(judge(entry(kind, 'r_1', {}), {}).finding?.kind).toBe('foreign_entry');
  });

  it('names a key it does not hold, and how to object to one announced', () => {
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
    const added = { event: 'added', publicKey: 'X', by: 'member', replaces: [] };
    expect(judge(entry('key_event', 'X', added), added).finding?.kind).toBe('foreign_key');
    // Its own key (enrolment, or one it asked the operator for) is no finding.
    const own = {
      event: 'announced',
      publicKey: 'OWN',
      by: 'operator',
      replaces: [],
      activatesAt: 0,
    };
    expect(judge(entry('key_event', 'OWN', own), own)).toEqual({});
  });

  it('tells its enrolment credential from one issued later', () => {
    const issued = { event: 'credential_issued', at: 1, by: 'operator' };
    expect(judge(entry('member_event', 'bank-a', issued), issued).notice).toContain('enrolment');
    const later = entry('member_event', 'bank-a', issued, '2026-12-02T00:00:00.000Z');
    expect(judge(later, issued).finding?.kind).toBe('foreign_credential');
    // What the operator may do, told but no finding.
    for (const r of [
      { event: 'status', status: 'disabled' },
      { event: 'credentials_revoked', at: 1, by: 'operator' },
      { event: 'created', name: 'Bank A', type: 'bank' },
    ])
      expect(judge(entry('member_event', 'bank-a', r), r)).toEqual({ notice: expect.any(String) });
  });

  it('does not take a record that is not the one logged', () => {
    const logged = { event: 'added', publicKey: 'OWN', by: 'operator', replaces: [] };
    const shown = { event: 'added', publicKey: 'X', by: 'member', replaces: [] };
    const e = entry('key_event', 'X', logged);
    expect(judge(e, shown).finding?.kind).toBe('foreign_key');
    const status = { event: 'status', status: 'active' };
    const m = entry('member_event', 'bank-a', {
      event: 'credential_issued',
      at: 5,
      by: 'operator',
    });
    expect(judge(m, status).finding?.kind).toBe('foreign_credential');
  });
});
