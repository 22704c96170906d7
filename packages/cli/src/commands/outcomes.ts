import type { Precision, OutcomeSummary as Summary } from '@credence/core/wire/outcomes';
import { platformRequest } from '@credence/member/platform-client';
import type { Command } from 'commander';
import { endpoint } from './platform-endpoint.js';

const percent = (p: Precision) =>
  p.precision === null
    ? 'no warning acted on'
    : `${(100 * p.precision).toFixed(1)} % right (${p.warnings - p.falsePositives} of ${p.warnings}; ${p.falsePositives} false positive${p.falsePositives === 1 ? '' : 's'})`;

const yuan = (n: number) => `¥${n.toLocaleString('en-US')}`;

/** The summary as a person reads it. */
export function describeOutcomes(s: Summary): string {
  const lines = [
    `outcomes: ${
      Object.entries(s.outcomes)
        .map(([o, n]) => `${o} ${n}`)
        .join(', ') || 'none yet'
    }`,
    `warnings acted on: ${percent(s.precision)}`,
    ...s.precision.byCategory.map((c) => `  ${c.category}: ${percent(c)}`),
    ...s.precision.byMemberType.map((t) => `  at ${t.memberType} members: ${percent(t)}`),
    `answered clear but fraud after all: ${s.missed}`,
    s.timeToFreeze.medianHours === null
      ? 'time from first report to first freeze: no account frozen after a report'
      : `time from first report to first freeze: median ${s.timeToFreeze.medianHours} h over ${s.timeToFreeze.tokens} accounts (${s.timeToFreeze.frozenBeforeAnyReport} frozen before any report)`,
    ...s.amounts.map(
      (a) =>
        `${a.outcome}: ${Object.entries(a.bands)
          .map(([band, n]) => `${n} × ${band}`)
          .join(
            ', ',
          )}; together ${yuan(a.atLeastCny)} to ${a.atMostCny === null ? 'more' : yuan(a.atMostCny)}`,
    ),
    s.quality === null
      ? "contributors' quality weights: every member weighs 1"
      : `contributors' quality weights (version ${s.quality.version}): ${
          Object.entries(s.quality.members)
            .filter(([, q]) => q.weight < 1)
            .map(([m, q]) => `${m} ${q.weight} (${q.falsePositives} false of ${q.outcomes})`)
            .join(', ') || 'every member weighs 1'
        }`,
  ];
  return lines.join('\n');
}

/** `credence outcomes`: the measures of what members did with answers and alerts. */
export function registerOutcomes(program: Command): void {
  program
    .command('outcomes')
    .description(
      'Outcomes members reported: warning precision by category and member type, time from first report to first freeze, amounts held and recovered (operator, auditors).',
    )
    .requiredOption(
      '--config <file>',
      "a JSON file with the platform url and your credential (the operator's or an auditor's)",
    )
    .option('--json', 'print the summary as JSON')
    .action(async (flags: { config: string; json?: boolean }) => {
      const summary = await platformRequest<Summary>(
        endpoint(flags),
        'GET',
        '/v1/outcomes/summary',
      );
      console.log(
        flags.json === true ? JSON.stringify(summary, null, 2) : describeOutcomes(summary),
      );
    });
}
