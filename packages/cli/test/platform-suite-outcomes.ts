import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { audited, credence, phone, type Scenario } from './platform-scenario.js';

/**
 * A step of the platform's scenario: outcomes from the command line (issue 17,
 * docs/outcomes.md). bank-b reports a number; bank-a checks it, freezes the account and
 * holds a payment, naming the answer by its check id; bank-b cannot use bank-a's id; the
 * auditor reads the measures; the audit holds every outcome to the log.
 */
export function describeOutcomes(scenario: Scenario) {
  it('records outcomes against a check, refuses another member’s check id, and measures them', () => {
    const { dir, configs } = scenario;
    const bankA = configs['bank-a'] as string;
    const bankB = configs['bank-b'] as string;
    const number = phone(71);
    const raw = join(dir, 'bank-b', 'outcome-report.jsonl');
    writeFileSync(
      raw,
      `${JSON.stringify({ ref: 'b-outcome', type: 'victim_report', category: 'fake_investment', occurredAt: new Date().toISOString(), entities: [{ role: 'caller', kind: 'phone', value: number }] })}\n`,
    );
    expect(credence('member', 'submit', raw, '--config', bankB).code).toBe(0);
    const checked = credence(
      'member',
      'check',
      '--kind',
      'phone',
      number,
      '--config',
      bankA,
      '--json',
    );
    expect(checked.code, checked.err).toBe(0);
    const [answer] = JSON.parse(checked.out) as {
      verdict: string;
      checkId: string;
      token: string;
    }[];
    expect(answer?.verdict).toBe('suspicious');
    const frozen = credence(
      'member',
      'outcome',
      'account_frozen',
      number,
      '--kind',
      'phone',
      '--check-id',
      answer?.checkId as string,
      '--config',
      bankA,
    );
    expect(frozen.code, frozen.err).toBe(0);
    expect(frozen.out).toMatch(
      /^account_frozen recorded as outcome \d+ \(log entry outcome\/\d+\)/,
    );
    const held = credence(
      'member',
      'outcome',
      'payment_held',
      '--token',
      answer?.token as string,
      '--check-id',
      answer?.checkId as string,
      '--amount',
      '23000',
      '--config',
      bankA,
    );
    expect(held.code, held.err).toBe(0);
    // The same answer named by bank-b: refused, naming the field, never the id or the number.
    const stolen = credence(
      'member',
      'outcome',
      'false_positive',
      number,
      '--kind',
      'phone',
      '--check-id',
      answer?.checkId as string,
      '--config',
      bankB,
    );
    expect(stolen.code).toBe(1);
    expect(stolen.err).toContain('outcome.check_unknown');
    expect(stolen.err).toContain('outcomes[0].checkId');
    expect(stolen.err).not.toContain(answer?.checkId as string);
    expect(stolen.err).not.toContain(number);
    // Without a check id, only about a watched token.
    const unwatched = credence(
      'member',
      'outcome',
      'call_blocked',
      number,
      '--kind',
      'phone',
      '--config',
      bankB,
    );
    expect(unwatched.code).toBe(1);
    expect(unwatched.err).toContain('outcome.token_unwatched');
    const usage = credence(
      'member',
      'outcome',
      'payment_held',
      number,
      '--kind',
      'phone',
      '--config',
      bankA,
    );
    expect(usage.code).toBe(1);
    expect(usage.err).toContain('payment_held needs the amount');
    const auditor = join(dir, 'auditor-outcomes.json');
    writeFileSync(
      auditor,
      JSON.stringify({ url: scenario.platform?.url, credential: scenario.auditor }),
    );
    const summary = credence('outcomes', '--config', auditor, '--json');
    expect(summary.code, summary.err).toBe(0);
    expect(JSON.parse(summary.out)).toMatchObject({
      outcomes: { account_frozen: 1, payment_held: 1 },
      precision: {
        warnings: 1,
        falsePositives: 0,
        precision: 1,
        byMemberType: [{ memberType: 'bank', warnings: 1 }],
      },
      amounts: [{ outcome: 'payment_held', bands: { '10k-100k': 1 } }],
    });
    const text = credence('outcomes', '--config', auditor);
    expect(text.out).toContain('warnings acted on: 100.0 % right (1 of 1; 0 false positives)');
    expect(text.out).toContain('payment_held: 1 × 10k-100k; together ¥10,000 to ¥100,000');
    const audit = audited(scenario);
    expect(audit.code, audit.out + audit.err).toBe(0);
  }, 120_000);
}
