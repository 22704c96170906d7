import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { credence, temporaryFolders } from './command-line.js';

/** The member's tools that need no platform: `credence normalize` and `credence member validate`. */

const temp = temporaryFolders();

describe('credence normalize', () => {
  it('prints the normalized identifier', () => {
    const r = credence('normalize', 'phone', '0086 138 0013 8000');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ kind: 'phone', value: '+8613800138000', derived: [] });
  });

  it('marks a number that is not valid for its country as unverified, and refuses a bad region', () => {
    const r = credence('normalize', 'phone', '95588');
    expect(JSON.parse(r.out)).toEqual({
      kind: 'phone',
      value: '+8695588',
      derived: [],
      unverified: true,
    });
    const bad = credence('normalize', 'phone', '95588', '--region', 'XX');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("option '--region <cc>' argument 'XX' is invalid");
  });

  it('explains a rejection by code, without echoing the value', () => {
    const r = credence('normalize', 'bank_card', '4111 1111 1111 1112');
    expect(r.code).toBe(1);
    expect(r.err).toContain('identifier.bank_card.checksum');
    expect(r.err).not.toContain('4111');
  });
});

describe('credence member validate', () => {
  const record = (fields: Record<string, unknown>) => JSON.stringify(fields);
  const report = {
    ref: 'r1',
    type: 'victim_report',
    category: 'fake_loan',
    occurredAt: '2026-11-20T10:12:00Z',
    entities: [{ role: 'caller', kind: 'phone', value: '+86 138 0013 8000' }],
  };
  const link = {
    link: 'call',
    from: { kind: 'phone', value: '+86 171 0023 4567' },
    to: { kind: 'phone', value: '13800138000' },
    at: '2026-11-19T23:59:59+08:00',
    count: 4,
  };

  it('counts a good file by type and kind, rejects nothing, and exits 0 without any config', () => {
    const dir = temp();
    const file = join(dir, 'raw.jsonl');
    writeFileSync(file, `${record(report)}\n${record(link)}\n${record(link)}\n`);
    const r = credence('member', 'validate', file);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('raw.jsonl: 3 lines: 1 reports (victim_report 1), 2 links (call 2).');
    expect(r.out).toContain('Identifiers kept: phone 5.');
    expect(r.out).toContain('Nothing rejected.');
  });

  it('lists every rejected line with the reason, and kept identifiers to look at, exiting 4', () => {
    const dir = temp();
    const file = join(dir, 'raw.jsonl');
    const lines = [
      record({ ...report, entities: [{ role: 'caller', kind: 'phone', value: '95588' }] }),
      record({ ...report, ref: 'r2', type: 'rumour', occurredAt: '9999-01-01T00:00:00Z' }),
      record({ ...link, to: { kind: 'phone', value: 'withheld' } }),
      '{"ref": broken',
      record({ ...link, from: { kind: 'phone', value: '17951 138 0013 8000' } }),
    ];
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = credence('member', 'validate', file);
    expect(r.code).toBe(4);
    expect(r.out).toContain('Rejected: 3 lines and 1 identifiers');
    expect(r.out).toContain('line 2 (ref r2): type record.enum: must be one of:');
    expect(r.out).toContain('line 2 (ref r2): occurredAt record.date_range');
    expect(r.out).toContain('line 3: to.value identifier.phone.unparseable');
    expect(r.out).toContain('line 4: (line) record.json');
    expect(r.out).toContain(
      'line 1: entities[0].value phone "95588" → +8695588: not a valid number of its country',
    );
    expect(r.out).toContain('line 5: from.value phone "17951 138 0013 8000" → +8613800138000');
    // A rejection names the field and the rule, never the value.
    expect(r.out).not.toContain('withheld');
    const json = JSON.parse(credence('member', 'validate', file, '--json').out) as {
      rejections: unknown[];
      surprises: { value: string }[];
    };
    expect(json.rejections).toHaveLength(4);
    expect(json.surprises.map((s) => s.value)).toEqual(['+8695588', '+8613800138000']);
  });

  it('reads CSV by its header, and says when the file is missing', () => {
    const dir = temp();
    const file = join(dir, 'raw.csv');
    writeFileSync(
      file,
      'ref,type,category,occurredAt,entities.0.role,entities.0.kind,entities.0.value\nr1,suspected,other,2026-11-20T10:12:00Z,caller,phone,95588\n',
    );
    const r = credence('member', 'validate', file);
    expect(r.out).toContain('raw.csv: 1 lines: 1 reports (suspected 1), 0 links.');
    expect(r.code).toBe(0);
    const missing = credence('member', 'validate', join(dir, 'nope.jsonl'));
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('nope.jsonl');
  });
});
