import { describe, expect, it } from 'vitest';
import { currentHolder, reassignedWords } from '../../src/holders/current-holder.js';

const DAY = 86_400_000;
const T = Date.UTC(2026, 5, 10);

describe('the current holder of a reassigned token', () => {
  const rows = [
    { memberId: 'a', firstSeen: T - 9 * DAY, lastSeen: T - DAY, reports: 3 },
    { memberId: 'b', firstSeen: T - 5 * DAY, lastSeen: T, reports: 1 },
    { memberId: 'c', firstSeen: T + DAY, lastSeen: T + 2 * DAY, reports: 2 },
  ];

  it('keeps every row of a token never reassigned', () => {
    expect(currentHolder(rows, undefined)).toEqual({ stats: rows, earlier: 0 });
  });

  it('leaves out the rows that all predate the reassignment, and counts their reports', () => {
    expect(currentHolder(rows, T)).toEqual({ stats: [rows[1], rows[2]], earlier: 3 });
    expect(currentHolder(rows, T + 3 * DAY)).toEqual({ stats: [], earlier: 6 });
  });

  it('says when, and how many reports concern the earlier holder', () => {
    expect(reassignedWords(T + 5000, 3)).toBe(
      'Given to a new holder on 2026-06-10; 3 earlier reports concern the earlier holder.',
    );
    expect(reassignedWords(T, 1)).toBe(
      'Given to a new holder on 2026-06-10; 1 earlier report concerns the earlier holder.',
    );
  });
});
