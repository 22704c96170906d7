import { describe, expect, it } from 'vitest';
import { parseRawRecord as parseAt } from '../../src/wire/raw-record-parser.js';

// The member's clock, as the tokenizer passes it: a few days after the records below.
const NOW = Date.parse('2026-12-03T09:00:00Z');
const parseRawRecord = (value: unknown) => parseAt(value, { now: NOW });

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
    // In the schema's order of fields (packages/core/schemas).
    expect(fields({ ...report, entities: [{ role: 'boss', kind: 'phone', value: 1 }] })).toEqual([
      'entities[0].role',
      'entities[0].value',
    ]);
    expect(fields({ ...report, entities: ['+86 138 0013 8000'] })).toEqual(['entities[0]']);
    expect(fields({ ...report, entities: [{ role: 'caller', kind: 'phone' }] })).toEqual([
      'entities[0].value',
    ]);
    expect(fields({ ...report, entities: [{ ...report.entities[0], note: 'x' }] })).toEqual([
      'entities[0].note',
    ]);
    const { type: _, category: __, ...missing } = report;
    expect(fields(missing)).toEqual(['type', 'category']);
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

  it('gives each field the code and message its schema names', () => {
    const r = parseRawRecord({ ...report, type: 'rumour', lossCny: 'lots', extra: 1 });
    expect(r.ok ? [] : r.errors).toEqual([
      {
        field: 'type',
        code: 'record.enum',
        message: 'must be one of: police_confirmed, confirmed_fraud, victim_report, suspected',
      },
      { field: 'lossCny', code: 'record.amount', message: 'must be a non-negative number of yuan' },
      { field: 'extra', code: 'record.unknown_field', message: 'is not a field of a report' },
    ]);
  });

  it('says when a line is neither', () => {
    expect(fields([])).toEqual(['(record)']);
    expect(fields({ hello: 1 })).toEqual(['(record)']);
  });
});

describe('the times of reports and links (wire/date-time)', () => {
  const codes = (value: unknown) => {
    const r = parseRawRecord(value);
    return r.ok ? [] : r.errors.map((e) => `${e.field} ${e.code}`);
  };

  it.each([
    ['a day that does not exist', '2026-02-30T00:00:00Z'],
    ['29 February of a common year', '2026-02-29T12:00:00Z'],
    ['hour 24', '2026-11-20T24:00:00Z'],
    ['minute 60', '2026-11-20T10:60:00Z'],
    ['a leap second', '2026-11-20T10:12:60Z'],
    ['an offset of 24 hours', '2026-11-20T10:12:00+24:00'],
    ['no offset', '2026-11-20T10:12:00'],
    ['a date alone', '2026-11-20'],
  ])('refuses %s', (_, time) => {
    expect(codes({ ...report, occurredAt: time })).toEqual(['occurredAt record.date_time']);
    expect(codes({ ...link, at: time })).toEqual(['at record.date_time']);
  });

  it.each([
    ['the end of time', '9999-12-31T23:59:59Z'],
    ['tomorrow', '2026-12-04T09:00:00Z'],
    ['six minutes ahead of the clock', '2026-12-03T09:06:00Z'],
    ['before 1990', '1989-12-31T23:59:59Z'],
    ['the epoch', '1970-01-01T00:00:00Z'],
    ['year 95, which Date.UTC would read as 1995', '0095-06-01T00:00:00Z'],
  ])('refuses %s as out of range', (_, time) => {
    expect(codes({ ...report, occurredAt: time })).toEqual(['occurredAt record.date_range']);
    expect(codes({ ...link, at: time })).toEqual(['at record.date_range']);
  });

  it.each([
    ['29 February of a leap year', '2024-02-29T12:00:00Z'],
    ['a time within the clock skew', '2026-12-03T09:04:59Z'],
    ['the earliest time', '1990-01-01T00:00:00Z'],
    ['an offset', '2026-12-03T13:00:00+08:00'],
    ['nanoseconds', '2026-11-20T10:12:00.123456789Z'],
  ])('accepts %s', (_, time) => {
    expect(codes({ ...report, occurredAt: time })).toEqual([]);
    expect(codes({ ...link, at: time })).toEqual([]);
  });
});

describe('what a record inherits', () => {
  it('reads only the fields the record has, not what Object.prototype carries', () => {
    const { shareScript: _, ...plain } = { ...report, shareScript: false };
    const polluted = Object.create({ shareScript: true, lossCny: 9 }) as Record<string, unknown>;
    Object.assign(polluted, plain);
    const r = parseRawRecord(polluted);
    expect(r.ok && r.record.kind === 'report' && 'shareScript' in r.record.report).toBe(false);
  });

  it('names a "__proto__" field of a JSON line as unknown', () => {
    const line = JSON.parse(
      `{"__proto__":{"shareScript":true},${JSON.stringify(report).slice(1)}`,
    ) as unknown;
    expect(fields(line)).toEqual(['__proto__']);
  });
});
