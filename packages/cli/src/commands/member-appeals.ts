/** `credence member appeal open|list`: appeals a member opens for the people it serves. */
import { APPEAL_REASONS, APPEAL_STATUSES, type AppealReason } from '@credence/core/wire/appeals';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { printAppeals } from './appeals.js';
import { cacheFileOption, configOption, sessionCache, withSession } from './member-common.js';
import { endpoint } from './platform-endpoint.js';

interface OpenFlags {
  readonly kind?: string;
  readonly token?: string;
  readonly reason: AppealReason;
  readonly config: string;
  readonly cache?: string;
  readonly json?: boolean;
}

async function open(value: string | undefined, flags: OpenFlags): Promise<void> {
  if ((value === undefined) === (flags.token === undefined))
    throw new InvalidArgumentError('give the identifier (with --kind) or its --token, one of them');
  if (value !== undefined && flags.kind === undefined)
    throw new InvalidArgumentError('give --kind with the identifier');
  const { appealToken, openAppeal } = await import('@credence/member/appeals');
  const platform = endpoint({ config: flags.config });
  const appeal =
    value === undefined
      ? await appealToken(platform, flags.token as string, flags.reason)
      : await withSession(flags.config, { ...sessionCache(flags.cache), threads: 0 }, (session) =>
          openAppeal(session, platform, { kind: flags.kind as string, value }, flags.reason),
        );
  console.log(
    flags.json
      ? JSON.stringify(appeal, null, 2)
      : `appeal ${appeal.id} opened (log entry appeal/${appeal.id}); the operator rules on it: credence member appeal list shows its state`,
  );
}

export function registerAppeal(member: Command): void {
  const appeal = member
    .command('appeal')
    .description(
      'Appeals for people who say an identifier was flagged wrongly: open one (the identifier is tokenized here; the platform learns the token and a reason code, never the person), and follow the ones you opened.',
    );
  appeal
    .command('open')
    .argument('[value]', 'the identifier as the person wrote it (with --kind); or give --token')
    .option('--kind <kind>', 'phone, bank_card, bank_account, url, … (SPEC §4)')
    .option('--token <token>', 'the token, instead of the identifier (from an alert)')
    .addOption(
      new Option('--reason <reason>', 'why the person says it was flagged wrongly')
        .choices(APPEAL_REASONS)
        .makeOptionMandatory(),
    )
    .addOption(configOption())
    .addOption(cacheFileOption())
    .option('--json', 'print the appeal as JSON')
    .action(open);
  appeal
    .command('list')
    .description('The appeals you opened, and how the operator ruled')
    .addOption(new Option('--status <status>').choices(APPEAL_STATUSES))
    .addOption(configOption())
    .option('--json', 'print them as JSON')
    .action(printAppeals);
}
