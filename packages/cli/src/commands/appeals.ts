/** `credence appeals list|uphold|reject`: the operator rules on appeals. */
import {
  APPEAL_STATUSES,
  type AppealJson,
  type AppealStatus,
  REJECTION_REASONS,
  type RejectionReason,
} from '@credence/core/wire/appeals';
import { platformRequest } from '@credence/member/platform-client';
import { Argument, type Command, InvalidArgumentError, Option } from 'commander';
import { endpoint } from './platform-endpoint.js';

/** An appeal as a person reads it. */
export function describeAppeal(a: AppealJson): string {
  const ruled =
    a.status === 'open'
      ? 'open'
      : `${a.status} ${a.ruledAt ?? ''} by ${a.ruledBy ?? '?'}${a.rulingReason === null ? '' : ` (${a.rulingReason})`}`;
  return `appeal ${a.id}  ${a.kind} ${a.token}  through ${a.member} ${a.openedAt} (${a.reason})  ${ruled}`;
}

/** Prints the appeals the credential may see (`appeals list`, `member appeal list`). */
export async function printAppeals(flags: {
  readonly status?: AppealStatus;
  readonly config: string;
  readonly json?: boolean;
}): Promise<void> {
  const { listAppeals } = await import('@credence/member/appeals');
  const list = await listAppeals(endpoint({ config: flags.config }), flags.status);
  console.log(
    flags.json
      ? JSON.stringify(list, null, 2)
      : list.map(describeAppeal).join('\n') || 'no appeals',
  );
}

const configOption = () =>
  new Option(
    '--config <file>',
    "a JSON file with the platform url and the operator's credential",
  ).makeOptionMandatory();

const appealId = (text: string): number => {
  if (!/^[1-9]\d{0,14}$/.test(text)) throw new InvalidArgumentError('an appeal id: 1, 2, …');
  return Number(text);
};

type Ruled = { appeal: AppealJson; sequence: number; alerts: number };

export function registerAppeals(program: Command): void {
  const appeals = program
    .command('appeals')
    .description(
      'Appeals people opened through members: list them (operator, auditors), uphold or reject one (operator).',
    );
  appeals
    .command('list')
    .addOption(new Option('--status <status>').choices(APPEAL_STATUSES))
    .addOption(configOption())
    .option('--json', 'print them as JSON')
    .action(printAppeals);
  appeals
    .command('uphold')
    .addArgument(new Argument('<id>', "the appeal's id").argParser(appealId))
    .addOption(configOption())
    .action(async (id: number, flags: { config: string }) => {
      const ruled = await platformRequest<Ruled>(
        endpoint({ config: flags.config }),
        'POST',
        `/v1/appeals/${id}/uphold`,
        {},
      );
      console.log(
        `appeal ${id} upheld (log entry appeal/${id}, sequence ${ruled.sequence}): checks of ${ruled.appeal.token} leave out what was said of it until now; ${ruled.alerts} member${ruled.alerts === 1 ? '' : 's'} told`,
      );
    });
  appeals
    .command('reject')
    .addArgument(new Argument('<id>', "the appeal's id").argParser(appealId))
    .addOption(
      new Option('--reason <reason>', 'why (logged)')
        .choices(REJECTION_REASONS)
        .makeOptionMandatory(),
    )
    .addOption(configOption())
    .action(async (id: number, flags: { reason: RejectionReason; config: string }) => {
      await platformRequest<Ruled>(
        endpoint({ config: flags.config }),
        'POST',
        `/v1/appeals/${id}/reject`,
        { reason: flags.reason },
      );
      console.log(`appeal ${id} rejected (${flags.reason}; log entry appeal/${id})`);
    });
}
