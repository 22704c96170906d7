import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { audited, credence, phone, type Scenario } from './platform-scenario.js';
import { operatorFile } from './platform-suite-public.js';

/**
 * A step of the platform's scenario (issue 18, docs/filters.md): the operator publishes
 * the compact filters; a member pulls them, verifies them against the log, and checks
 * numbers against them without asking the platform; a filter file changed after the pull
 * is refused; the log audits clean with the filters in it.
 */
export function describeFilters(scenario: Scenario) {
  it('publishes filters that a member pulls, verifies against the log and checks numbers against locally', async () => {
    const bankA = scenario.configs['bank-a'] as string;
    const raw = join(scenario.dir, 'bank-a', 'filters.jsonl');
    writeFileSync(
      raw,
      `${JSON.stringify({ ref: 'a-filter-1', type: 'victim_report', category: 'fake_loan', occurredAt: new Date().toISOString(), entities: [{ role: 'caller', kind: 'phone', value: phone(500) }] })}\n`,
    );
    expect(credence('member', 'submit', raw, '--config', bankA).code).toBe(0);
    const operator = operatorFile(scenario);
    const published = credence('filters', 'publish', '--config', operator);
    expect(published.code, published.err).toBe(0);
    expect(published.out).toMatch(/published key \S+, 8-bit: base version 1, /);
    expect(published.out).toMatch(/published key \S+, 16-bit: base version 1, /);
    expect(credence('filters', 'publish', '--config', operator).out).toContain(
      'nothing moved since the newest filters: nothing published',
    );
    // The operator publishes; only those who may check read them.
    expect(credence('filters', 'list', '--config', operator).code).toBe(1);

    const pulled = credence('member', 'filter', 'pull', '--config', bankA);
    expect(pulled.code, pulled.err).toBe(0);
    expect(pulled.out).toMatch(
      /8-bit: base version 1, [\d,]+ tokens, .*\(fetched and verified against the log\)/,
    );
    expect(pulled.out).toMatch(
      /16-bit: base version 1, [\d,]+ tokens, .*\(fetched and verified against the log\)/,
    );
    expect(credence('member', 'filter', 'pull', '--config', bankA).out).toContain('held already');

    const checked = credence(
      'member',
      'filter',
      'check',
      '--kind',
      'phone',
      phone(500),
      phone(501),
      '--config',
      bankA,
    );
    expect(checked.code, checked.err).toBe(0);
    expect(checked.out).toContain(`phone +86${phone(500)}: maybe flagged`);
    expect(checked.out).toContain(`phone +86${phone(501)}: not flagged`);

    // A number reported since: additions over base 1, a small file, fetched alone.
    writeFileSync(
      raw,
      `${JSON.stringify({ ref: 'a-filter-2', type: 'victim_report', category: 'fake_loan', occurredAt: new Date().toISOString(), entities: [{ role: 'caller', kind: 'phone', value: phone(502) }] })}\n`,
    );
    expect(credence('member', 'submit', raw, '--config', bankA).code).toBe(0);
    expect(credence('filters', 'publish', '--config', operator).out).toMatch(
      /published key \S+, 16-bit: additions to base 1, version 2, 1 tokens/,
    );
    const listed = credence('filters', 'list', '--config', bankA, '--json');
    expect(listed.code, listed.err).toBe(0);
    expect(
      (JSON.parse(listed.out) as { release: { bits: number; version: number; base?: number } }[])
        .filter((f) => f.release.bits === 16)
        .map((f) => [f.release.version, f.release.base]),
    ).toEqual([
      [1, undefined],
      [2, 1],
    ]);
    const delta = credence('member', 'filter', 'pull', '--config', bankA);
    expect(delta.code, delta.err).toBe(0);
    expect(delta.out).toMatch(/16-bit: base version 1, .*\(held already\)/);
    expect(delta.out).toMatch(
      /16-bit: additions to base 1, version 2, 1 tokens, .*\(fetched and verified against the log\)/,
    );
    const both = credence(
      'member',
      'filter',
      'check',
      '--kind',
      'phone',
      phone(502),
      phone(501),
      '--config',
      bankA,
    );
    expect(both.code, both.err).toBe(0);
    expect(both.out).toContain(
      `phone +86${phone(502)}: maybe flagged (confirm with credence member check) [filter 1 + additions 2]`,
    );
    expect(both.out).toContain(`phone +86${phone(501)}: not flagged [filter 1 + additions 2]`);

    // A kept filter changed on disk is refused, not used.
    const dir = join(scenario.dir, 'bank-a', 'filters');
    const file = join(
      dir,
      readdirSync(dir).find((f) => f.endsWith('-16-additions.crff')) as string,
    );
    const bytes = readFileSync(file);
    const flipped = Buffer.from(bytes);
    flipped[40] = (flipped[40] as number) ^ 1;
    writeFileSync(file, flipped);
    const refused = credence(
      'member',
      'filter',
      'check',
      '--kind',
      'phone',
      phone(500),
      '--config',
      bankA,
    );
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('member.filter_refused');
    writeFileSync(file, bytes);

    const audit = audited(scenario);
    expect(audit.code, audit.out + audit.err).toBe(0);
  }, 120_000);
}
