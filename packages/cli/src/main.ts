import { CredenceError } from '@credence/core/errors';
import { resolveOptions } from '@credence/sim/options';
import { Command, CommanderError } from 'commander';
import { registerNormalize } from './commands/normalize.js';
import { generateWorld, registerSim } from './commands/sim.js';

/**
 * `credence`: one command line for both sides of the trust boundary. Each subcommand is
 * a thin layer over a package; the work happens there.
 */
export function buildProgram(): Command {
  const program = new Command('credence')
    .description(
      'Credence: pool and jointly analyse fraud data without handing over raw personal data.',
    )
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  program
    .command('start')
    .description('Start Credence on its embedded default with the demo consortium.')
    .option('--data <dir>', 'data directory', 'data')
    .action((flags: { data: string }) => {
      const out = `${flags.data.replace(/\/$/, '')}/demo`;
      generateWorld(resolveOptions(), out);
      console.log(
        [
          '',
          'Where to look:',
          `  ${out}/members/bank-a/reports.jsonl  what one bank would contribute (raw: never leaves it)`,
          `  ${out}/truth.json                     the rings and campaigns joint analysis should find`,
          '  npx credence sim --help                      make other worlds',
          '  npx credence normalize phone "138-0013-8000"  what the member side does to an identifier',
        ].join('\n'),
      );
    });
  registerSim(program);
  registerNormalize(program);
  return program;
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  // Usage errors (bad flags, bad option values) exit with 2; --help and --version with 0.
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof CredenceError) {
    console.error(`credence: ${error.message} (${error.code})`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}
