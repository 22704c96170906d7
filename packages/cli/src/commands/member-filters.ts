import { join } from 'node:path';
import type { Command } from 'commander';
import { describeRelease } from './filters.js';
import { cacheFileOption, configOption, sessionCache, withSession } from './member-common.js';

/** Where the member keeps its filters: `filters/` next to member.json. */
const filtersDir = (home: string) => join(home, 'filters');

/**
 * `credence member filter pull|check`: the platform's compact filters of flagged tokens
 * (docs/filters.md), pulled and verified against the log, and numbers checked against
 * them here, without the network.
 */
export function registerFilter(member: Command): void {
  const filter = member
    .command('filter')
    .description(
      "The platform's compact filters of flagged tokens: pull and verify them against the log, and check identifiers against them locally.",
    );
  filter
    .command('pull')
    .description('Fetch the newest filters, verify each against the log, and keep them.')
    .addOption(configOption())
    .action(async (flags: { config: string }) => {
      const { pullFilters } = await import('@credence/member/filters');
      const pulled = await withSession(flags.config, { threads: 0 }, async (session) => {
        const logKey = await (await session.logMonitor()).logKey();
        return pullFilters(session.platform, logKey, filtersDir(session.home));
      });
      if (pulled.length === 0) console.log('the platform has published no filter yet');
      for (const p of pulled)
        console.log(
          `${describeRelease(p.release)} (${p.fetched ? 'fetched and verified against the log' : 'held already'})`,
        );
    });
  filter
    .command('check')
    .description(
      'Check identifiers against the pulled filter (tokenized here): "maybe flagged" is confirmed by credence member check before any action beyond flagging.',
    )
    .argument('<value...>', 'the identifier(s), as written')
    .requiredOption('--kind <kind>', 'phone, bank_card, bank_account, url, … (SPEC §4)')
    .option('--bits <bits>', 'the filter to use: 8 or 16', '16')
    .addOption(configOption())
    .addOption(cacheFileOption())
    .action(
      async (
        values: string[],
        flags: { kind: string; bits: string; config: string; cache?: string },
      ) => {
        if (flags.bits !== '8' && flags.bits !== '16')
          throw new (await import('commander')).InvalidArgumentError('--bits is 8 or 16');
        const bits = Number(flags.bits) as 8 | 16;
        const { keptFilter } = await import('@credence/member/filters');
        const { normalizeIdentifier } = await import('@credence/core/identifiers/normalize');
        const lines = await withSession(
          flags.config,
          { ...sessionCache(flags.cache), threads: 0 },
          async (session) => {
            const kept = await keptFilter(filtersDir(session.home), session.keyId, bits);
            if (kept === undefined)
              throw new (await import('@credence/member/member-error')).MemberError(
                'member.filter_refused',
                `no ${bits}-bit filter of key ${session.keyId} is kept: run credence member filter pull`,
              );
            const identifiers = values.map((value) =>
              normalizeIdentifier(flags.kind, value, { phoneRegion: session.config.phoneRegion }),
            );
            const tokens = await session.tokenize(identifiers);
            const version =
              kept.additions === undefined
                ? `filter ${kept.release.version}`
                : `filter ${kept.release.version} + additions ${kept.additions.version}`;
            return identifiers.map(
              (id, i) =>
                `${id.kind} ${id.value}: ${kept.filter.has(tokens[i] as string) ? 'maybe flagged (confirm with credence member check)' : 'not flagged'} [${version}]`,
            );
          },
        );
        console.log(lines.join('\n'));
      },
    );
}
