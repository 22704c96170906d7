import { normalizeIdentifier } from '@credence/core/identifiers/normalize';
import { type AmountBand, amountBand } from '@credence/core/wire/amount-band';
import { OUTCOMES_WITH_AMOUNT, type Outcome, type OutcomeItem } from '@credence/core/wire/outcomes';
import type { MemberSession } from './member-session.js';
import { type PlatformEndpoint, platformRequest } from './platform-client.js';

/**
 * Outcomes (issue 17, docs/outcomes.md): the member tells the platform what it did with an
 * answer (by the answer's checkId) or an alert (about a token it watches). An identifier
 * is tokenized here, like any raw data; an exact amount becomes its band here: neither
 * leaves the member.
 */

/** One outcome as the member's people or systems give it. */
export interface OutcomeInput {
  readonly outcome: Outcome;
  /** The identifier acted on (tokenized here), or its token. */
  readonly identifier?: { readonly kind: string; readonly value: string };
  readonly token?: string;
  readonly checkId?: string;
  /** payment_held, funds_recovered: the amount in yuan (sent as its band). */
  readonly amountCny?: number;
  /** When it was done (RFC 3339); now when absent. */
  readonly at?: string;
}

export interface OutcomeResult {
  readonly index: number;
  readonly status: 'recorded' | 'duplicate';
  readonly id: number;
}

/** The wire form of the inputs: identifiers tokenized (through `session`), amounts as bands. */
export async function outcomeItems(
  session: Pick<MemberSession, 'tokenize' | 'config'> | undefined,
  inputs: readonly OutcomeInput[],
): Promise<OutcomeItem[]> {
  const raw = inputs.flatMap((input, i) => (input.identifier === undefined ? [] : [i]));
  if (raw.length > 0 && session === undefined)
    throw new Error('an identifier must be tokenized: give the member config');
  const tokens: string[] = [];
  if (session !== undefined && raw.length > 0) {
    const identifiers = raw.map((i) => {
      const { kind, value } = (inputs[i] as OutcomeInput).identifier as {
        kind: string;
        value: string;
      };
      return normalizeIdentifier(kind, value, { phoneRegion: session.config.phoneRegion });
    });
    tokens.push(...(await session.tokenize(identifiers)));
  }
  const tokenOf = new Map(raw.map((i, j) => [i, tokens[j] as string]));
  return inputs.map((input, i) => {
    const token = tokenOf.get(i) ?? input.token;
    if (token === undefined) throw new Error('an outcome names an identifier or a token');
    if (
      input.amountCny !== undefined &&
      !(Number.isFinite(input.amountCny) && input.amountCny >= 0)
    )
      throw new Error('an amount is a number of yuan, 0 or more');
    const amount: AmountBand | undefined =
      input.amountCny === undefined ? undefined : amountBand(input.amountCny);
    if (OUTCOMES_WITH_AMOUNT.includes(input.outcome) && amount === undefined)
      throw new Error(`${input.outcome} needs the amount`);
    return {
      token,
      outcome: input.outcome,
      ...(input.checkId === undefined ? {} : { checkId: input.checkId }),
      ...(amount === undefined ? {} : { amount }),
      ...(input.at === undefined ? {} : { at: input.at }),
    };
  });
}

/** Sends outcomes in requests of up to 1,000; the results in the order given. */
export async function sendOutcomes(
  platform: PlatformEndpoint,
  items: readonly OutcomeItem[],
): Promise<OutcomeResult[]> {
  const results: OutcomeResult[] = [];
  for (let i = 0; i < items.length; i += 1000) {
    const answer = await platformRequest<{ results: OutcomeResult[] }>(
      platform,
      'POST',
      '/v1/outcomes',
      { outcomes: items.slice(i, i + 1000) },
    );
    for (const r of answer.results) results.push({ ...r, index: r.index + i });
  }
  return results;
}
