/**
 * The demo's outcomes (issue 17, docs/outcomes.md): bank-a says what it did with the
 * answers it acted on, as a bank would — it freezes the accounts and holds the card
 * payments that were warned about — and, where an answer warned about one of its own
 * customers who is no ring's (the world's truth says), marks it a false positive. The
 * operator's dashboard and `credence outcomes` then have something to measure.
 */
import type { IdentifierCheck } from '@credence/member/checks';
import type { MemberSession } from '@credence/member/member-session';
import { type OutcomeInput, outcomeItems, sendOutcomes } from '@credence/member/outcomes';

/** What a bank does with a warning about an identifier of this kind, if anything. */
const ACTION: Readonly<Record<string, OutcomeInput['outcome']>> = {
  bank_account: 'account_frozen',
  bank_card: 'payment_held',
};

export async function demoOutcomes(
  session: MemberSession,
  checks: readonly IdentifierCheck[],
  /** The values of every ring's identifiers in the world's truth. */
  inRings: ReadonlySet<string>,
): Promise<{ recorded: number; falsePositives: number }> {
  const inputs: OutcomeInput[] = [];
  const seen = new Set<string>();
  for (const { identifier, answer } of checks) {
    if (answer.verdict === 'clear' || answer.checkId === undefined) continue;
    if (seen.has(answer.token)) continue;
    seen.add(answer.token);
    const base = { token: answer.token, checkId: answer.checkId };
    if (!inRings.has(identifier.value)) inputs.push({ ...base, outcome: 'false_positive' });
    else {
      const outcome = ACTION[identifier.kind];
      if (outcome === undefined) continue;
      inputs.push({
        ...base,
        outcome,
        // A held payment's amount, made up but plausible, leaves as its band.
        ...(outcome === 'payment_held' ? { amountCny: 2_000 + 1_000 * (inputs.length % 40) } : {}),
      });
    }
    if (inputs.length >= 40) break;
  }
  if (inputs.length === 0) return { recorded: 0, falsePositives: 0 };
  const results = await sendOutcomes(session.platform, await outcomeItems(undefined, inputs));
  return {
    recorded: results.filter((r) => r.status === 'recorded').length,
    falsePositives: inputs.filter((i) => i.outcome === 'false_positive').length,
  };
}
