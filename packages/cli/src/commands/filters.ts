/** `credence filters list|publish`: the platform's compact filters of flagged tokens (docs/filters.md). */
import type { FilterRelease } from '@credence/core/filters/filter-release';
import { platformRequest } from '@credence/member/platform-client';
import { type Command, Option } from 'commander';
import { endpoint } from './platform-endpoint.js';

/** A release as a person reads it. */
export const describeRelease = (r: FilterRelease): string =>
  `key ${r.keyId}, ${r.bits}-bit: ${r.base === undefined ? 'base' : `additions to base ${r.base},`} version ${r.version}, ${r.tokens.toLocaleString('en-US')} tokens, sha256 ${r.sha256}, built ${r.createdAt}`;

const configOption = (who: string) =>
  new Option(
    '--config <file>',
    `a JSON file with the platform url and ${who} credential`,
  ).makeOptionMandatory();

export function registerFilters(program: Command): void {
  const filters = program
    .command('filters')
    .description(
      "The platform's compact filters of flagged tokens: list the newest (members, police), publish now those whose tokens moved (operator).",
    );
  filters
    .command('list')
    .description('Per key id and width, the newest base and the newest additions over it.')
    .addOption(configOption("a member's or the police's"))
    .option('--json', 'print them as JSON')
    .action(async (flags: { config: string; json?: boolean }) => {
      const { filters: list } = await platformRequest<{
        filters: { release: FilterRelease; logIndex: number }[];
      }>(endpoint({ config: flags.config }), 'GET', '/v1/filters');
      console.log(
        flags.json
          ? JSON.stringify(list, null, 2)
          : list.map((f) => `${describeRelease(f.release)} (log entry ${f.logIndex})`).join('\n') ||
              'no filter published yet',
      );
    });
  filters
    .command('publish')
    .description(
      'Build and publish now the filters whose flagged tokens moved (as the interval of serve --filter-interval does).',
    )
    .addOption(configOption("the operator's"))
    .action(async (flags: { config: string }) => {
      const { published } = await platformRequest<{ published: FilterRelease[] }>(
        endpoint({ config: flags.config }),
        'POST',
        '/v1/filters/publish',
        {},
      );
      console.log(
        published.length === 0
          ? 'nothing moved since the newest filters: nothing published'
          : published.map((r) => `published ${describeRelease(r)}`).join('\n'),
      );
    });
}
