/** `credence member export-stix`: a TAXII collection of the platform as one STIX 2.1 bundle file (issue 18). */
import { type Command, Option } from 'commander';
import { configOption, withSession } from './member-common.js';

export function registerExportStix(member: Command): void {
  member
    .command('export-stix')
    .description(
      "Write a collection of the platform's TAXII 2.1 server (flagged tokens, rings or campaigns) to a STIX 2.1 bundle file, page by page (docs/interop.md).",
    )
    .addOption(
      new Option('--collection <name>', 'the collection')
        .choices(['flagged-tokens', 'rings', 'campaigns'])
        .default('flagged-tokens'),
    )
    .requiredOption('--out <file>', 'the bundle file to write (whole or not at all)')
    .option('--added-after <time>', 'only what the collection took after this RFC 3339 time')
    .addOption(configOption())
    .action(
      async (flags: {
        collection: 'flagged-tokens' | 'rings' | 'campaigns';
        out: string;
        addedAfter?: string;
        config: string;
      }) => {
        const { exportStix } = await import('@credence/member/stix-export');
        const done = await withSession(flags.config, { threads: 0, cache: false }, (session) =>
          exportStix(session.platform, {
            collection: flags.collection,
            out: flags.out,
            ...(flags.addedAfter === undefined ? {} : { addedAfter: flags.addedAfter }),
          }),
        );
        console.log(
          `${flags.out}: a STIX 2.1 bundle of ${done.objects.toLocaleString('en-US')} objects of ${flags.collection} (${done.pages} page${done.pages === 1 ? '' : 's'}), ${done.bundleId}`,
        );
      },
    );
}
