/** `credence member outcome`: what the member did with an answer or an alert. */
import { AMOUNT_BANDS } from '@credence/core/wire/amount-band';
import { OUTCOMES, type Outcome } from '@credence/core/wire/outcomes';
import { Argument, type Command, InvalidArgumentError, Option } from 'commander';
import { cacheFileOption, configOption, sessionCache, withSession } from './member-common.js';
import { endpoint } from './platform-endpoint.js';

interface OutcomeFlags {
  readonly kind?: string;
  readonly token?: string;
  readonly checkId?: string;
  readonly amount?: number;
  readonly at?: string;
  readonly config: string;
  readonly cache?: string;
}

const yuan = (text: string): number => {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0)
    throw new InvalidArgumentError('a number of yuan, 0 or more');
  return value;
};

async function recordOutcome(
  outcome: Outcome,
  value: string | undefined,
  flags: OutcomeFlags,
): Promise<void> {
  if ((value === undefined) === (flags.token === undefined))
    throw new InvalidArgumentError('give the identifier (with --kind) or its --token, one of them');
  if (value !== undefined && flags.kind === undefined)
    throw new InvalidArgumentError('give --kind with the identifier');
  const { outcomeItems, sendOutcomes } = await import('@credence/member/outcomes');
  const input = {
    outcome,
    ...(value === undefined
      ? { token: flags.token as string }
      : { identifier: { kind: flags.kind as string, value } }),
    ...(flags.checkId === undefined ? {} : { checkId: flags.checkId }),
    ...(flags.amount === undefined ? {} : { amountCny: flags.amount }),
    ...(flags.at === undefined ? {} : { at: flags.at }),
  };
  // A token needs no key server: only an identifier opens a session to tokenize it.
  const items =
    value === undefined
      ? await outcomeItems(undefined, [input])
      : await withSession(flags.config, { ...sessionCache(flags.cache), threads: 0 }, (session) =>
          outcomeItems(session, [input]),
        );
  const [result] = await sendOutcomes(endpoint({ config: flags.config }), items);
  if (result === undefined) throw new Error('the platform gave no result');
  console.log(
    result.status === 'recorded'
      ? `${outcome} recorded as outcome ${result.id} (log entry outcome/${result.id})`
      : `${outcome} was recorded before, as outcome ${result.id}: nothing changed`,
  );
}

/** `credence member outcome <outcome> [value]`. */
export function registerOutcome(member: Command): void {
  member
    .command('outcome')
    .description(
      'Tell the platform what you did with an answer (--check-id from check --json) or an alert about a token you watch: blocked, suspended, held, frozen, recovered, a case opened, or a false positive. The identifier is tokenized here; an amount leaves as its band.',
    )
    .addArgument(new Argument('<outcome>', 'what you did').choices(OUTCOMES))
    .argument('[value]', 'the identifier acted on, as written (with --kind); or give --token')
    .option('--kind <kind>', 'phone, bank_card, bank_account, url, … (SPEC §4)')
    .option('--token <token>', 'the token acted on (from an alert), instead of the identifier')
    .option('--check-id <id>', 'the checkId of the answer acted on (credence member check --json)')
    .addOption(
      new Option(
        '--amount <yuan>',
        `payment_held, funds_recovered: the amount in yuan (sent as its band: ${AMOUNT_BANDS.join(', ')})`,
      ).argParser(yuan),
    )
    .option('--at <time>', 'when it was done, RFC 3339 (default: now)')
    .addOption(configOption())
    .addOption(cacheFileOption())
    .action(recordOutcome);
}
