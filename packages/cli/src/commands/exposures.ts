/** `credence exposures`: the police's uploads of seized lists, as counts (operator, auditors). */
import type { ExposureJson, ExposureUpload } from '@credence/core/wire/exposures';
import { type PlatformEndpoint, platformRequest } from '@credence/member/platform-client';
import { type Command, Option } from 'commander';
import { endpoint } from './platform-endpoint.js';

/** Every upload the credential may see, page by page (the police: their own, without counts). */
export async function listExposures(
  platform: PlatformEndpoint,
): Promise<(ExposureUpload | ExposureJson)[]> {
  const all: (ExposureUpload | ExposureJson)[] = [];
  for (let after = 0; ; ) {
    const page = await platformRequest<{
      exposures: (ExposureUpload | ExposureJson)[];
      next: number | null;
    }>(platform, 'GET', `/v1/exposures?limit=1000&after=${after}`);
    all.push(...page.exposures);
    if (page.next === null) return all;
    after = page.next;
  }
}

/** An upload as a person reads it. */
export function describeExposure(e: ExposureUpload | ExposureJson): string {
  const counts = !('alerts' in e)
    ? ''
    : `; watched: ${e.matched}; exposed alerts: ${Object.entries(e.alerts)
        .map(([type, n]) => `${type} ${n}`)
        .join(', ')}`;
  return `exposure ${e.id}  ${e.list} part ${e.part}  by ${e.member}, seized ${e.seizedAt}, uploaded ${e.createdAt}: ${e.tokens} tokens${counts}`;
}

export function registerExposures(program: Command): void {
  program
    .command('exposures')
    .description(
      'Seized lists the police uploaded, as counts: tokens, how many members watch, exposed alerts by member type (operator, auditors; the police see their own, without the counts).',
    )
    .addOption(
      new Option(
        '--config <file>',
        'a JSON file with the platform url and a credential (the operator’s, an auditor’s or a police member’s)',
      ).makeOptionMandatory(),
    )
    .option('--json', 'print them as JSON')
    .action(async (flags: { config: string; json?: boolean }) => {
      const list = await listExposures(endpoint({ config: flags.config }));
      console.log(
        flags.json
          ? JSON.stringify(list, null, 2)
          : list.map(describeExposure).join('\n') || 'no uploads',
      );
    });
}
