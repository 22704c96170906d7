import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageLedger } from '../src/usage.js';

const dir = mkdtempSync(join(tmpdir(), 'credence-usage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const member = { id: 'bank-a', tokenSha256: '0'.repeat(64), quotaPerDay: 10, ratePerMinute: 1000 };

describe('UsageLedger', () => {
  it('keeps counts across a restart, so a restart does not refill a quota', () => {
    const clock = { now: () => Date.parse('2026-11-25T10:00:00Z') };
    const state = join(dir, 'usage.json');
    const first = new UsageLedger(clock, state);
    expect(first.reserve(member, 7)).toMatchObject({ ok: true, remaining: 3 });
    first.close();
    expect(JSON.parse(readFileSync(state, 'utf8'))).toEqual({ counts: { '2026-11-25/bank-a': 7 } });
    const second = new UsageLedger(clock, state);
    expect(second.used('bank-a')).toBe(7);
    expect(second.reserve(member, 4)).toMatchObject({ ok: false, reason: 'quota' });
    expect(second.day('2026-11-25')).toEqual({ 'bank-a': 7 });
    second.close();
  });
});
