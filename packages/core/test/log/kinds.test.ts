import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RECORD_TYPE_OF } from '../../src/log/audit-records.js';
import { ENTRY_KINDS, entryKind, isLogEntryKind, LOG_ENTRY_KINDS } from '../../src/log/kinds.js';

/** docs/log.md's table of kinds: kind → subject, as written there (without code quotes). */
function documentedKinds(): Map<string, string> {
  const doc = readFileSync(new URL('../../../../docs/log.md', import.meta.url), 'utf8');
  const rows = new Map<string, string>();
  for (const line of doc.split('\n')) {
    const cells = /^\| `([a-z_]+)` \|([^|]*)\|([^|]*)\|/.exec(line);
    if (cells !== null)
      rows.set(cells[1] as string, (cells[3] as string).trim().replaceAll('`', ''));
  }
  return rows;
}

describe('the declared kinds of log entry', () => {
  it('are the kinds docs/log.md documents, with the same subjects', () => {
    const documented = documentedKinds();
    expect([...documented.keys()].sort()).toEqual([...LOG_ENTRY_KINDS].sort());
    for (const kind of LOG_ENTRY_KINDS)
      expect(documented.get(kind), kind).toBe(ENTRY_KINDS[kind].subject);
  });

  it('hold every kind a member writes or that is unique to a record an auditor can check', () => {
    for (const kind of LOG_ENTRY_KINDS) {
      const k = entryKind(kind);
      if (k.role === 'contribution') {
        expect(k.writers, kind).toEqual(['member']);
        expect(k.record, kind).toBeDefined();
        expect(k.unique, kind).toBe(true);
      }
      if (k.unique) expect(k.record, kind).toBeDefined();
      expect(RECORD_TYPE_OF[kind]).toBe(k.record);
    }
  });

  it('recognize only their own names', () => {
    expect(isLogEntryKind('report')).toBe(true);
    for (const other of ['__proto__', 'constructor', 'toString', 'Report', ''])
      expect(isLogEntryKind(other), other).toBe(false);
  });

  it('name an entry as the audit tells a person', () => {
    expect(ENTRY_KINDS.report.describe({ member: 'bank-a', subject: 'r_1' })).toBe(
      'report r_1 of bank-a',
    );
    expect(ENTRY_KINDS.alerts.describe({ member: 'bank-a', subject: 'alerts/3' })).toBe(
      'the 3 alerts raised by a write of bank-a',
    );
    expect(ENTRY_KINDS.member_event.describe({ member: 'bank-a', subject: 'bank-a' })).toBe(
      'the member event bank-a of bank-a',
    );
  });
});
