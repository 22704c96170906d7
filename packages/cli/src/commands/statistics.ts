/** `credence stats`: public statistics, read by anyone; `stats release`: the operator's. */
import { STATS_CUTS, type StatsCut, type StatsRelease } from '@credence/core/wire/statistics';
import { platformRequest } from '@credence/member/platform-client';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { endpoint } from './platform-endpoint.js';

interface StatsAnswer {
  readonly releases: StatsRelease[];
  readonly budget: {
    epsilonPerWeek: number;
    epsilonTotal: number;
    spentTotal: number;
    threshold: number;
  };
}

/** Up to this many cells a release lists every one; beyond, those below τ are counted. */
const LIST_ALL = 40;

/**
 * A release as a person reads it: a cell below the threshold shows as "< τ"; in a release
 * of many cells (category × region: 504) those are counted on one line instead.
 */
export function describeRelease(r: StatsRelease): string {
  const all = r.cells.length <= LIST_ALL;
  const shown = all ? r.cells : r.cells.filter((c) => c.count !== null);
  const width = Math.max(0, ...shown.map((c) => c.key.length));
  const below = r.cells.length - shown.length;
  return [
    `week of ${r.week} by ${r.cut}: ε ${r.epsilon}, released ${r.releasedAt} by ${r.releasedBy}`,
    ...shown.map(
      (c) => `  ${c.key.padEnd(width)}  ${c.count === null ? `< ${r.threshold}` : String(c.count)}`,
    ),
    ...(below > 0 ? [`  (${below} more cells < ${r.threshold})`] : []),
  ].join('\n');
}

const week = (text: string): string => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text))
    throw new InvalidArgumentError("an ISO week's Monday, YYYY-MM-DD");
  return text;
};

/**
 * The platform: --platform, else the url in --config (with its caFile, if it names one);
 * no credential is sent either way.
 */
function publicEndpoint(flags: { platform?: string; config?: string }) {
  if (flags.platform !== undefined) return { url: flags.platform, credential: '' };
  if (flags.config !== undefined) return { ...endpoint({ config: flags.config }), credential: '' };
  throw new Error('which platform? give --platform <url>, or --config with its url');
}

export function registerStatistics(program: Command): void {
  const stats = program
    .command('stats')
    .description(
      "Public statistics: the weeks' noised counts released so far and the privacy budget spent (anyone, no credential); release a week (operator).",
    )
    .option('--platform <url>', "the platform's URL")
    .option(
      '--config <file>',
      'a JSON file with the platform url (a member.json or the operator’s)',
    )
    .option('--from <week>', 'from the week of this Monday', week)
    .option('--to <week>', 'to the week of this Monday', week)
    .addOption(new Option('--cut <cut>').choices(STATS_CUTS))
    .option('--json', 'print the answer as JSON')
    .action(
      async (flags: {
        platform?: string;
        config?: string;
        from?: string;
        to?: string;
        cut?: StatsCut;
        json?: boolean;
      }) => {
        const query = new URLSearchParams();
        for (const key of ['from', 'to', 'cut'] as const) {
          const value = flags[key];
          if (value !== undefined) query.set(key, value);
        }
        const text = query.toString();
        const answer = await platformRequest<StatsAnswer>(
          publicEndpoint(flags),
          'GET',
          `/v1/stats${text === '' ? '' : `?${text}`}`,
        );
        if (flags.json === true) return console.log(JSON.stringify(answer, null, 2));
        const b = answer.budget;
        console.log(
          [
            ...answer.releases.map(describeRelease),
            answer.releases.length === 0 ? 'no statistics released yet' : '',
            `privacy budget: ε ${b.epsilonPerWeek} a week, ${b.epsilonTotal} in all; spent ${b.spentTotal}. Counts below ${b.threshold} are not shown.`,
          ]
            .filter((line) => line !== '')
            .join('\n\n'),
        );
      },
    );
  stats
    .command('release')
    .description(
      "Release a week's noised counts by a cut, charged to the privacy budget (operator).",
    )
    .requiredOption(
      '--config <file>',
      "a JSON file with the platform url and the operator's credential",
    )
    .requiredOption('--week <week>', "the week's Monday, YYYY-MM-DD", week)
    .addOption(new Option('--cut <cut>').choices(STATS_CUTS).makeOptionMandatory())
    .option('--epsilon <ε>', "the ε to spend (default: the policy's ε per week)", (v) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('a positive number');
      return n;
    })
    .option('--json', 'print the answer as JSON')
    .action(
      async (flags: {
        config: string;
        week: string;
        cut: StatsCut;
        epsilon?: number;
        json?: boolean;
      }) => {
        const done = await platformRequest<{
          release: StatsRelease;
          spent: { week: number; total: number };
        }>(
          endpoint({ config: flags.config }),
          'POST',
          '/v1/stats/releases',
          {
            week: flags.week,
            cut: flags.cut,
            ...(flags.epsilon === undefined ? {} : { epsilon: flags.epsilon }),
          },
          { retries: 0 },
        );
        console.log(
          flags.json === true
            ? JSON.stringify(done, null, 2)
            : `${describeRelease(done.release)}\nspent: ε ${done.spent.week} on the week, ${done.spent.total} in all`,
        );
      },
    );
}
