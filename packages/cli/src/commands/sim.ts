import { resolveOptions, type SimOptions } from '@credence/sim/options';
import { type SimSummary, simulate } from '@credence/sim/simulate';
import { formatSummary } from '@credence/sim/summary';
import type { Command } from 'commander';
import { decimal, integer } from './parse.js';
import { progress } from './progress.js';

export interface WorldFlags {
  seed: number;
  scale: number;
  banks: number;
  payments: number;
  telecoms: number;
  internet: number;
  police: number;
  start: string;
  days: number;
  boilerplate?: number;
  brief?: number;
  laundering?: number;
  variant?: number;
  quiet?: boolean;
}

export function worldOptions(flags: WorldFlags): SimOptions {
  return resolveOptions({
    seed: flags.seed,
    scale: flags.scale,
    start: flags.start,
    days: flags.days,
    ...(flags.boilerplate === undefined ? {} : { boilerplate: flags.boilerplate }),
    ...(flags.brief === undefined ? {} : { brief: flags.brief }),
    ...(flags.laundering === undefined ? {} : { laundering: flags.laundering }),
    ...(flags.variant === undefined ? {} : { variant: flags.variant }),
    members: {
      bank: flags.banks,
      payment: flags.payments,
      telecom: flags.telecoms,
      internet: flags.internet,
      police: flags.police,
    },
  });
}

export function withWorldOptions(command: Command): Command {
  return command
    .option('--seed <n>', 'seed: the same seed and options give byte-identical output', integer, 7)
    .option(
      '--scale <s>',
      'size of the world: 1 is the demo, about 320 gives a million reports',
      decimal,
      1,
    )
    .option('--banks <n>', 'member banks', integer, 3)
    .option('--payments <n>', 'member payment companies', integer, 0)
    .option('--telecoms <n>', 'member telecoms', integer, 2)
    .option('--internet <n>', 'member internet companies', integer, 2)
    .option(
      '--police <n>',
      'police members: they report the cases the police confirmed (0: the banks report them as confirmed fraud)',
      integer,
      1,
    )
    .option('--start <date>', 'first day of the world (UTC), YYYY-MM-DD', '2026-05-01')
    .option('--days <n>', 'length of the world in days', integer, 182)
    .option(
      '--boilerplate <share>',
      "share of narratives (0 to 1) ending with a reporting form's sentence, the same whatever the trick (default none)",
      decimal,
    )
    .option(
      '--brief <share>',
      'share of narratives (0 to 1) told briefly: only how it began and how it ended (default none)',
      decimal,
    )
    .option(
      '--laundering <n>',
      'money-laundering rings per scale unit and half year, with honest hubs and partial reporting (default none; use with --days 365)',
      decimal,
    )
    .option(
      '--variant <k>',
      "another author's world: every knob drawn from 0.5 to 1.5 times its default, keyed by seed and k (default 0: the defaults)",
      integer,
    );
}

/** Writes a world, with progress on a terminal and the summary unless quiet. */
export function generateWorld(options: SimOptions, out: string, quiet = false): SimSummary {
  const started = performance.now();
  // A bar on a terminal; elsewhere a line now and then (twenty minutes at scale 320).
  const shown = progress('simulating', 'days', { enabled: !quiet });
  const summary = simulate(options, out, {
    onDay: (day, days) => shown.update(day + 1, days),
  });
  shown.done();
  if (!quiet) {
    console.log(formatSummary(summary, out));
    console.log(`\nWritten in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  }
  return summary;
}

export function registerSim(program: Command): void {
  withWorldOptions(
    program
      .command('sim')
      .description('Write a synthetic consortium world: per-member raw files and the ground truth.')
      .requiredOption('--out <dir>', 'directory to write the world into')
      .option('--quiet', 'print nothing'),
  ).action((flags: WorldFlags & { out: string }) => {
    generateWorld(worldOptions(flags), flags.out, flags.quiet === true);
  });

  withWorldOptions(
    program
      .command('demo')
      .description('Write the demo consortium into ./data/demo and describe it.')
      .option('--out <dir>', 'directory to write the world into', 'data/demo'),
  ).action((flags: WorldFlags & { out: string }) => {
    generateWorld(worldOptions(flags), flags.out);
  });
}
