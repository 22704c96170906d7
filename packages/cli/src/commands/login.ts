import { platformRequest } from '@credence/member/platform-client';
import type { Command } from 'commander';
import { endpoint } from './platform-endpoint.js';

/**
 * `credence login`: a one-time link to the platform's dashboard (/ui/) for the person
 * holding an operator's or auditor's credential (operator.json): the platform keeps only
 * its SHA-256, for 10 minutes and one use. Give it only to the person it is for.
 */
export function registerLogin(program: Command): void {
  program
    .command('login')
    .description(
      "Print a one-time link to the platform's dashboard (/ui/): the operator's and auditors' views.",
    )
    .requiredOption(
      '--config <file>',
      'a JSON file with the platform url and your credential (operator.json)',
    )
    .action(async (flags: { config: string }) => {
      const platform = endpoint(flags);
      const { path } = await platformRequest<{ path: string }>(
        platform,
        'POST',
        '/v1/ui/links',
        undefined,
        { retries: 2 },
      );
      console.log(`${platform.url.replace(/\/$/, '')}${path}`);
    });
}
