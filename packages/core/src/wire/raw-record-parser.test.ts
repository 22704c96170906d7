import { describe, expect, it } from 'vitest';
import { parseRawRecord } from './raw-record-parser.js';

const report = {
  ref: 'bank-a-000123',
  type: 'victim_report',
  category: 'impersonate_authority',
  occurredAt: '2026-11-20T10:12:00Z',
  lossCny: 52000,
  entities: [{ role: 'caller', kind: 'phone', value: '+86 138 0013 8000' }],
  narrative: 'The caller said he was from the city police',
};
const link = {
  link: 'transfer',
  from: { kind: 'bank_card', value: '1' },
  to: { kind: 'bank_card', value: '2' },
  at: '2026-11-20T10:40:00+08:00',
  count: 1,
  amountCny: 52000,
};

const fields = (value: unknown) => {
  const r = parseRawRecord(value);
  return r.ok ? [] : r.errors.map((e) => e.field);
};

describe('parseRawRecord (SPEC §5 raw format)', () => {
  it('accepts the SPEC example report and link', () => {
    expect(parseRawRecord(report)).toEqual({ ok: true, record: { kind: 'report', report } });
    expect(parseRawRecord(link)).toEqual({ ok: true, record: { kind: 'link', link } });
  });

  it('defaults a link count to 1', () => {
    const { count: _, ...noCount } = link;
    const r = parseRawRecord(noCount);
    expect(r.ok && r.record.kind === 'link' && r.record.link.count).toBe(1);
  });

  it('names every wrong field of a report', () => {
    expect(
      fields({ ...report, type: 'rumour', category: 'x', occurredAt: '20/11/2026', lossCny: -5 }),
    ).toEqual(['type', 'category', 'occurredAt', 'lossCny']);
    expect(fields({ ...report, entities: [{ role: 'boss', kind: 'phone', value: 1 }] })).toEqual([
      'entities[0].value',
      'entities[0].role',
    ]);
    expect(fields({ ...report, entities: [] })).toEqual(['entities']);
    expect(fields({ ...report, ref: '' })).toEqual(['ref']);
    expect(fields({ ...report, extra: 1 })).toEqual(['extra']);
    expect(fields({ ...report, shareScript: 'yes' })).toEqual(['shareScript']);
  });

  it("keeps the member's choice to share a report's masked script, either way", () => {
    for (const shareScript of [true, false]) {
      const r = parseRawRecord({ ...report, shareScript });
      expect(r.ok && r.record.kind === 'report' && r.record.report.shareScript).toBe(shareScript);
    }
  });

  it('names every wrong field of a link', () => {
    expect(fields({ ...link, link: 'hug', count: 0, at: 'now', from: 'x' })).toEqual([
      'link',
      'from',
      'at',
      'count',
    ]);
    expect(fields({ ...link, to: { kind: 'shoe', value: 'x' } })).toEqual(['to.kind']);
  });

  it('says when a line is neither', () => {
    expect(fields([])).toEqual(['(record)']);
    expect(fields({ hello: 1 })).toEqual(['(record)']);
  });
});
