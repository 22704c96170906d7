import { CredenceError } from '@credence/core/errors';
import { HttpProblem } from '@credence/server-kit/problem';
import { Command, CommanderError } from 'commander';
import { registerAnalysis } from './commands/analysis.js';
import { registerEval } from './commands/eval.js';
import { registerKeys } from './commands/keys.js';
import { registerKeyserver } from './commands/keyserver.js';
import { registerLog } from './commands/log.js';
import { registerMember } from './commands/member.js';
import { registerNormalize } from './commands/normalize.js';
import { registerPlatform } from './commands/platform.js';
import { registerSim } from './commands/sim.js';
import { registerStart } from './commands/start.js';

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
    // A command's options belong to it: `keyserver credential --members` is the
    // subcommand's, not the key server's.
    .enablePositionalOptions()
    .exitOverride();
  registerStart(program);
  registerSim(program);
  registerNormalize(program);
  registerKeys(program);
  registerKeyserver(program);
  registerMember(program);
  registerPlatform(program);
  registerLog(program);
  registerAnalysis(program);
  registerEval(program);
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
    // A bad option value is a usage error; a bad identifier or a refusal is a failure.
    process.exitCode = error.code === 'sim.invalid_option' ? 2 : 1;
  } else if (error instanceof HttpProblem) {
    // Operator commands run the platform's services directly and share their problems.
    const fields = (error.errors ?? []).map((e) => `${e.field} ${e.message}`).join('; ');
    console.error(`credence: ${error.message}${fields ? ` (${fields})` : ''} (${error.code})`);
    process.exitCode = 1;
  } else if (error instanceof Error) {
    console.error(`credence: ${error.message}`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
