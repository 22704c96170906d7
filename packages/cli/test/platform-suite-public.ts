import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mondayOf } from '@credence/core/wire/statistics';
import { expect, it } from 'vitest';
import { audited, credence, phone, type Scenario } from './platform-scenario.js';

/**
 * A step of the platform's scenario: appeals and public statistics from the command line
 * (issue 17, docs/appeals.md, docs/statistics.md), against `credence serve`. A number
 * bank-b reported is appealed through bank-a and upheld by the operator, and bank-b's
 * check then answers clear; the operator releases a closed week of counts, anyone reads
 * it with no credential, and the same release again is refused; the audit holds both to
 * the log.
 */
export function describeAppealsAndStatistics(scenario: Scenario) {
  it('opens an appeal at a member, upholds it as the operator, and the number is clear', () => {
    const { dir, configs } = scenario;
    const bankA = configs['bank-a'] as string;
    const bankB = configs['bank-b'] as string;
    const number = phone(81);
    const raw = join(dir, 'bank-b', 'appeal-report.jsonl');
    writeFileSync(
      raw,
      `${JSON.stringify({ ref: 'b-appeal', type: 'victim_report', category: 'impersonate_authority', occurredAt: new Date(Date.now() - 3 * 86_400_000).toISOString(), entities: [{ role: 'caller', kind: 'phone', value: number }] })}\n`,
    );
    expect(credence('member', 'submit', raw, '--config', bankB).code).toBe(0);
    const check = () => {
      const r = credence('member', 'check', '--kind', 'phone', number, '--config', bankB, '--json');
      expect(r.code, r.err).toBe(0);
      return (JSON.parse(r.out) as { verdict: string; explanation: string }[])[0];
    };
    expect(check()?.verdict).not.toBe('clear');
    const opened = credence(
      'member',
      'appeal',
      'open',
      number,
      '--kind',
      'phone',
      '--reason',
      'number_spoofed',
      '--config',
      bankA,
      '--json',
    );
    expect(opened.code, opened.err).toBe(0);
    const appeal = JSON.parse(opened.out) as { id: number; member: string; status: string };
    expect(appeal).toMatchObject({ member: 'bank-a', status: 'open' });
    expect(opened.out).not.toContain(number);
    const operator = operatorFile(scenario);
    const open = credence('appeals', 'list', '--status', 'open', '--config', operator, '--json');
    expect(open.code, open.err).toBe(0);
    expect((JSON.parse(open.out) as { id: number }[]).map((a) => a.id)).toContain(appeal.id);
    const upheld = credence('appeals', 'uphold', String(appeal.id), '--config', operator);
    expect(upheld.code, upheld.err).toBe(0);
    expect(upheld.out).toContain(`appeal ${appeal.id} upheld`);
    const after = check();
    expect(after?.verdict).toBe('clear');
    expect(after?.explanation).toContain('Appeal upheld');
    const again = credence('appeals', 'uphold', String(appeal.id), '--config', operator);
    expect(again.code).toBe(1);
    expect(again.err).toContain('appeal.ruled');
  }, 120_000);

  it('releases a closed week as the operator; anyone reads it with no credential', () => {
    const { dir, configs } = scenario;
    const bankB = configs['bank-b'] as string;
    const DAY = 86_400_000;
    const monday = mondayOf(Date.now()) - 21 * DAY;
    const week = new Date(monday).toISOString().slice(0, 10);
    const raw = join(dir, 'bank-b', 'stats-report.jsonl');
    writeFileSync(
      raw,
      `${JSON.stringify({ ref: 'b-stats', type: 'victim_report', category: 'romance', occurredAt: new Date(monday + 2 * DAY).toISOString(), entities: [{ role: 'caller', kind: 'phone', value: phone(82) }] })}\n`,
    );
    expect(credence('member', 'submit', raw, '--config', bankB).code).toBe(0);
    const url = scenario.platform?.url as string;
    const operator = operatorFile(scenario);
    const made = credence(
      'stats',
      'release',
      '--week',
      week,
      '--cut',
      'category',
      '--epsilon',
      '0.5',
      '--config',
      operator,
      '--json',
    );
    expect(made.code, made.err).toBe(0);
    const { release, spent } = JSON.parse(made.out) as {
      release: { cells: { key: string; count: number | null }[] };
      spent: { week: number; total: number };
    };
    expect(spent).toEqual({ week: 0.5, total: 0.5 });
    expect(release.cells.map((c) => c.key)).toContain('romance');
    // No credential anywhere: the URL alone.
    const read = credence('stats', '--platform', url, '--json');
    expect(read.code, read.err).toBe(0);
    expect(JSON.parse(read.out)).toMatchObject({
      releases: [{ week, cut: 'category', epsilon: 0.5, cells: release.cells }],
      budget: { spentTotal: 0.5 },
    });
    const text = credence('stats', '--platform', url);
    expect(text.out).toContain(`week of ${week} by category: ε 0.5`);
    expect(text.out).toContain('privacy budget: ε 1 a week, 52 in all; spent 0.5');
    const twice = credence(
      'stats',
      'release',
      '--week',
      week,
      '--cut',
      'category',
      '--config',
      operator,
    );
    expect(twice.code).toBe(1);
    expect(twice.err).toContain('stats.released');
    const over = credence(
      'stats',
      'release',
      '--week',
      week,
      '--cut',
      'loss',
      '--epsilon',
      '0.6',
      '--config',
      operator,
    );
    expect(over.code).toBe(1);
    expect(over.err).toContain('stats.budget_exhausted');
    const audit = audited(scenario);
    expect(audit.code, audit.out + audit.err).toBe(0);
  }, 120_000);
}

/** An operator's file for this step (enrolled once). */
export function operatorFile(scenario: Scenario): string {
  const file = join(scenario.dir, 'operator-public.json');
  if (existsSync(file)) return file;
  const ops = credence('members', 'add', 'ops-public', '--type', 'operator', '--db', scenario.db);
  expect(ops.code, ops.err).toBe(0);
  writeFileSync(file, JSON.stringify({ url: scenario.platform?.url, credential: ops.out.trim() }));
  return file;
}
