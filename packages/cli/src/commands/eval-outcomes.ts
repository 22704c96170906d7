import { createHash } from 'node:crypto';
import type { OutcomeItem, OutcomeSummary } from '@credence/core/wire/outcomes';
import { type PlatformEndpoint, platformRequest } from '@credence/member/platform-client';

/**
 * Outcomes on a simulator world (issue 17, docs/outcomes.md): after the pipeline loaded
 * the world, the first member checks every token the members hold and acts on some of
 * the warnings — each token's fate decided by a hash of it, so a run repeats — saying
 * what it found: right (`case_opened`) when the token is a true ring's, `false_positive`
 * otherwise, and wrong about it at a small rate, as people are. The platform's measure
 * (`GET /v1/outcomes/summary`) is then held against the true precision of every warning,
 * per category.
 *
 * Half the warned tokens are acted on (the "acted" half); the other half is held out, and
 * checked again after the outcomes: the true precision of its warnings before and after
 * the contributors' quality weights moved is the weights' effect on tokens they were not
 * learned from.
 */

/** How the simulated member acts. */
export const OUTCOME_PROTOCOL = {
  /** Share of warned tokens in the acted half (the rest is held out). */
  acted: 0.5,
  /** Share of its outcomes the member gets wrong (says false positive of a ring's token, or the reverse). */
  errorRate: 0.05,
} as const;

export interface CategoryPrecision {
  readonly category: string;
  /** Warned tokens of the category (the checks' answers), all of them. */
  readonly warnings: number;
  /** Of those, the share that are a true ring's. */
  readonly truePrecision: number | null;
  /** The platform's measure from the outcomes sent (over the acted half). */
  readonly measured: number | null;
  readonly acted: number;
}

export interface OutcomeMeasure {
  readonly protocol: typeof OUTCOME_PROTOCOL;
  /** Tokens checked, and those answered suspicious or fraud. */
  readonly checked: number;
  readonly warnings: number;
  readonly acted: number;
  readonly truePrecision: number | null;
  readonly measured: number | null;
  readonly byCategory: readonly CategoryPrecision[];
  /** The held-out half, checked before and after the outcomes moved the weights. */
  readonly heldOut: {
    readonly before: { readonly warnings: number; readonly truePrecision: number | null };
    readonly after: { readonly warnings: number; readonly truePrecision: number | null };
  };
  /** Members whose weight the outcomes lowered, with it. */
  readonly weights: Readonly<Record<string, number>>;
}

interface Answer {
  readonly token: string;
  readonly verdict: string;
  readonly categories: readonly string[];
  readonly checkId: string;
}

/** A number in [0, 1) from a token and a purpose: the same every run. */
const draw = (token: string, purpose: string) =>
  createHash('sha256').update(`${purpose}\u0000${token}`).digest().readUInt32BE(0) / 2 ** 32;

const share = (hits: number, of: number) => (of === 0 ? null : hits / of);

async function checkAll(platform: PlatformEndpoint, tokens: readonly string[]): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < tokens.length; i += 1000) {
    const { results } = await platformRequest<{ results: Answer[] }>(
      platform,
      'POST',
      '/v1/check',
      {
        tokens: tokens.slice(i, i + 1000),
      },
    );
    answers.push(...results);
  }
  return answers;
}

const warned = (answers: readonly Answer[]) => answers.filter((a) => a.verdict !== 'clear');

export async function simulateOutcomes(options: {
  /** The member that checks and acts (its credential). */
  readonly member: PlatformEndpoint;
  readonly operator: PlatformEndpoint;
  /** Every token the members hold. */
  readonly tokens: readonly string[];
  /** Every true ring's token. */
  readonly ringTokens: ReadonlySet<string>;
}): Promise<OutcomeMeasure> {
  const { member, operator, ringTokens } = options;
  const answers = await checkAll(member, options.tokens);
  const warnings = warned(answers);
  const isActed = (a: Answer) => draw(a.token, 'acted') < OUTCOME_PROTOCOL.acted;
  const acted = warnings.filter(isActed);
  const heldOut = warnings.filter((a) => !isActed(a)).map((a) => a.token);
  const items: OutcomeItem[] = acted.map((a) => {
    const wrong = draw(a.token, 'wrong') < OUTCOME_PROTOCOL.errorRate;
    const right = ringTokens.has(a.token) !== wrong;
    return {
      token: a.token,
      checkId: a.checkId,
      outcome: right ? 'case_opened' : 'false_positive',
    };
  });
  for (let i = 0; i < items.length; i += 1000)
    await platformRequest(member, 'POST', '/v1/outcomes', { outcomes: items.slice(i, i + 1000) });
  const summary = await platformRequest<OutcomeSummary>(operator, 'GET', '/v1/outcomes/summary');
  const after = warned(await checkAll(member, heldOut));

  const categories = new Map<string, { n: number; ring: number }>();
  for (const a of warnings)
    for (const c of a.categories.length === 0 ? ['none'] : a.categories) {
      const entry = categories.get(c) ?? { n: 0, ring: 0 };
      entry.n++;
      if (ringTokens.has(a.token)) entry.ring++;
      categories.set(c, entry);
    }
  const measured = new Map(summary.precision.byCategory.map((c) => [c.category, c]));
  const trueShare = (list: readonly { token: string }[]) =>
    share(list.filter((a) => ringTokens.has(a.token)).length, list.length);
  return {
    protocol: OUTCOME_PROTOCOL,
    checked: answers.length,
    warnings: warnings.length,
    acted: acted.length,
    truePrecision: trueShare(warnings),
    measured: summary.precision.precision,
    byCategory: [...categories]
      .map(([category, c]) => ({
        category,
        warnings: c.n,
        truePrecision: share(c.ring, c.n),
        measured: measured.get(category)?.precision ?? null,
        acted: measured.get(category)?.warnings ?? 0,
      }))
      .sort((a, b) => b.warnings - a.warnings),
    heldOut: {
      before: {
        warnings: heldOut.length,
        truePrecision: trueShare(heldOut.map((token) => ({ token }))),
      },
      after: { warnings: after.length, truePrecision: trueShare(after) },
    },
    weights: Object.fromEntries(
      Object.entries(summary.quality?.members ?? {})
        .filter(([, q]) => q.weight < 1)
        .map(([m, q]) => [m, q.weight]),
    ),
  };
}

const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(1)} %`);

/** The measure as `credence eval` prints it. */
export function describeOutcomeMeasure(m: OutcomeMeasure): string {
  const weights = Object.entries(m.weights)
    .map(([member, w]) => `${member} ${w}`)
    .join(', ');
  return [
    `Outcomes: ${m.warnings.toLocaleString('en-US')} of ${m.checked.toLocaleString('en-US')} tokens warned about; ${m.acted.toLocaleString('en-US')} acted on (${100 * m.protocol.acted} %, ${100 * m.protocol.errorRate} % of outcomes wrong).`,
    `  warning precision: ${pct(m.truePrecision)} true, ${pct(m.measured)} as the platform measures it from the outcomes`,
    ...m.byCategory.map(
      (c) =>
        `  ${c.category}: ${c.warnings} warnings, ${pct(c.truePrecision)} true, ${pct(c.measured)} measured (${c.acted} acted on)`,
    ),
    `  held-out warnings, before / after the outcomes moved the weights: ${m.heldOut.before.warnings} at ${pct(m.heldOut.before.truePrecision)} / ${m.heldOut.after.warnings} at ${pct(m.heldOut.after.truePrecision)}${weights === '' ? '' : `; weights below 1: ${weights}`}`,
  ].join('\n');
}
