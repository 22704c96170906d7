import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { iso7064Mod11_2, luhnCheckDigit } from '@credence/core/identifiers/checksums';
import { expect, it } from 'vitest';
import { audited, credence, type Scenario } from './platform-scenario.js';

/**
 * Steps of the platform's scenario: every receipt verifies and the log audits clean; a
 * recycled number's new holder is cleared, and the audit bears the answer out (issue 12).
 */
export function describeAudit(scenario: Scenario) {
  const { dir, configs } = scenario;

  it('verifies every receipt it kept, and the whole log audits clean', () => {
    for (const member of ['bank-a', 'bank-b']) {
      const verify = credence('member', 'verify', '--config', configs[member] as string);
      expect(verify.code, verify.out + verify.err).toBe(0);
      expect(verify.out).toContain('Everything verifies');
      // bank-b submitted (bank-a only watched and checked).
      if (member === 'bank-b')
        expect(verify.out).toMatch(/Held: [1-9][\d,]* receipts, [1-9][\d,]* entries/);
    }
    const added = credence('members', 'add', 'auditor-1', '--type', 'auditor', '--db', scenario.db);
    expect(added.code, added.err).toBe(0);
    scenario.auditor = added.out.trim();
    const audit = audited(scenario);
    expect(audit.code, audit.out + audit.err).toBe(0);
    const report = JSON.parse(audit.out) as { entries: number; kinds: Record<string, number> };
    expect(report.kinds.report).toBeGreaterThan(12_000);
    expect(report.kinds.member_event).toBeGreaterThan(0);
    expect(report.kinds.key_event).toBeGreaterThan(0);
  });

  it("clears a recycled number's new holder once a member submits the reassignment, and the audit bears the answer out (issue 12)", () => {
    const now = Date.now();
    const at = (days: number) => new Date(now - days * DAY).toISOString();
    // A call centre: three numbers in one handset, reported at both banks 40 days ago;
    // the first was registered with the ring's identity.
    reportsTheCallCentre(scenario, at);
    const ops = credence('members', 'add', 'ops-12', '--type', 'operator', '--db', scenario.db);
    expect(ops.code, ops.err).toBe(0);
    const operator = join(dir, 'operator-12.json');
    writeFileSync(
      operator,
      JSON.stringify({ url: scenario.platform?.url, credential: ops.out.trim() }),
    );
    analyzeAs(operator);
    const [p1, card] = checkAtBankA(scenario, ['phone', number(1)], ['bank_card', newCard]);
    expect(p1).toMatchObject({ reporters: 2 });
    expect(p1?.verdict).not.toBe('clear');
    const ring = p1?.ring?.id;
    expect(ring).toMatch(/^ring-/);
    // Before the reassignment is known, the new holder's card is the ring's.
    expect(card).toMatchObject({ verdict: 'suspicious', ring: { id: ring } });

    // bank-b, which carries the number, reports that it changed hands 20 days ago.
    submitAs(scenario, 'bank-b', 'reassigned.jsonl', [
      {
        link: 'reassigned',
        from: { kind: 'phone', value: number(1) },
        to: { kind: 'id_number', value: newId },
        at: at(20),
        count: 1,
      },
    ]);
    analyzeAs(operator);
    const [today, cardToday, holder, p2, p3] = checkAtBankA(
      scenario,
      ['phone', number(1)],
      ['bank_card', newCard],
      ['id_number', newId],
      ['phone', number(2)],
      ['phone', number(3)],
    );
    for (const a of [today, cardToday, holder])
      expect(a).toMatchObject({ verdict: 'clear', reporters: 0, ring: null });
    expect(today?.explanation).toContain(
      `Given to a new holder on ${at(20).slice(0, 10)}; 2 earlier reports concern the earlier holder.`,
    );
    // The former holder's ring stays, with the numbers that are still its own. (Its id
    // is made from its smallest reported token's name: when that was the recycled
    // number, whose former holder's epoch is now named apart, the id changes.)
    for (const a of [p2, p3]) {
      expect(a?.verdict).not.toBe('clear');
      expect(a?.ring?.id).toMatch(/^ring-/);
    }
    expect(p3?.ring?.id).toBe(p2?.ring?.id);
    // An auditor, handed the answer, recomputes it from the log: the same.
    const { value: _, ...answer } = today as unknown as Record<string, unknown>;
    const answers = join(dir, 'answers-12.json');
    writeFileSync(answers, JSON.stringify([answer]));
    const held = audited(scenario, '--answers', answers);
    expect(held.code, held.out + held.err).toBe(0);
    expect((JSON.parse(held.out) as { answers: unknown }).answers).toEqual({
      checked: 1,
      verified: 1,
    });
  }, 120_000);
}

const DAY = 86_400_000;
const number = (i: number) => `1390012${String(i).padStart(4, '0')}`;
const idNumber = (serial: string) => `${serial}${iso7064Mod11_2(serial)}`;
const luhn = (payload: string) => `${payload}${luhnCheckDigit(payload)}`;
const handset = luhn('35693803564380');
const ringId = idNumber('11010519491231002');
const newId = idNumber('11010519800312004');
const newCard = luhn('622202123456789012');

/** A member submits these lines from a file of its own, all accepted. */
function submitAs(scenario: Scenario, member: string, name: string, lines: object[]) {
  const file = join(scenario.dir, member, name);
  writeFileSync(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
  const r = credence('member', 'submit', file, '--config', scenario.configs[member] as string);
  expect(r.code, r.err).toBe(0);
}

/**
 * A call centre: three numbers in one handset, reported at both banks 40 days ago, the
 * first registered with the ring's identity; and the number's new holder's card.
 */
function reportsTheCallCentre(scenario: Scenario, at: (days: number) => string) {
  for (const member of ['bank-a', 'bank-b'])
    submitAs(
      scenario,
      member,
      'ring-12.jsonl',
      [1, 2, 3].map((i) => ({
        ref: `${member}-ring12-${i}`,
        type: 'victim_report',
        category: 'impersonate_authority',
        occurredAt: at(40 + i),
        entities: [{ role: 'caller', kind: 'phone', value: number(i) }],
      })),
    );
  submitAs(scenario, 'bank-b', 'ring-12-links.jsonl', [
    ...[1, 2, 3].map((i) => ({
      link: 'login',
      from: { kind: 'phone', value: number(i) },
      to: { kind: 'imei', value: handset },
      at: at(60),
      count: 1,
    })),
    {
      link: 'registered_with',
      from: { kind: 'phone', value: number(1) },
      to: { kind: 'id_number', value: ringId },
      at: at(90),
      count: 1,
    },
  ]);
  // The number's new holder opens a card at bank-a, registered with it, 10 days ago.
  submitAs(scenario, 'bank-a', 'new-card.jsonl', [
    {
      link: 'registered_with',
      from: { kind: 'bank_card', value: newCard },
      to: { kind: 'phone', value: number(1) },
      at: at(10),
      count: 1,
    },
  ]);
}

/** Joint analysis, run by the operator whose config is `operator`. */
function analyzeAs(operator: string) {
  const r = credence('analyze', '--config', operator);
  expect(r.code, r.err).toBe(0);
}

/** bank-a's answers for each identifier, in order. */
function checkAtBankA(scenario: Scenario, ...values: [string, string][]) {
  const { configs } = scenario;
  const answers: Record<string, unknown>[] = [];
  for (const [kind, value] of values) {
    const c = credence(
      'member',
      'check',
      '--kind',
      kind,
      value,
      '--config',
      configs['bank-a'] as string,
      '--json',
    );
    expect(c.code, c.err).toBe(0);
    answers.push(...(JSON.parse(c.out) as Record<string, unknown>[]));
  }
  return answers as {
    verdict: string;
    reporters: number;
    explanation: string;
    ring: { id: string } | null;
  }[];
}
