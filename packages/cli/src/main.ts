import { readFileSync } from 'node:fs';
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
  // `--version` on every command, not only the first word: `credence member check --version`.
  const version = `credence ${CLI_VERSION}`;
  const everywhere = (command: Command) => {
    command.version(version, '-V, --version', 'print the version');
    for (const sub of command.commands) everywhere(sub);
  };
  everywhere(program);
  return program;
}

/** This package's version (packages/cli/package.json, beside src/ and dist/). */
const CLI_VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

/**
 * How a failure ends: one line on stderr, never a stack trace, and the exit code the
 * README and docs/errors.md document: 1 when a command fails, 2 for a usage error.
 */
function failure(error: unknown): { readonly line: string; readonly code: number } {
  const oneLine = (text: string) => `credence: ${text.replace(/\s*\n\s*/g, ' ')}`;
  if (error instanceof CredenceError)
    // A bad option value is a usage error; a bad identifier or a refusal is a failure.
    return {
      line: oneLine(`${error.message} (${error.code})`),
      code: error.code === 'sim.invalid_option' ? 2 : 1,
    };
  if (error instanceof HttpProblem) {
    // Operator commands run the platform's services directly and share their problems.
    const fields = (error.errors ?? []).map((e) => `${e.field} ${e.message}`).join('; ');
    return {
      line: oneLine(`${error.message}${fields ? ` (${fields})` : ''} (${error.code})`),
      code: 1,
    };
  }
  if (error instanceof Error) return { line: oneLine(error.message), code: 1 };
  return { line: oneLine(String(error)), code: 1 };
}

// Whatever escapes a command (a stream's error event, a rejection nobody awaited) ends
// the same way, rather than with Node's stack trace.
const lastResort = (error: unknown) => {
  const { line, code } = failure(error);
  process.stderr.write(`${line}\n`);
  process.exit(code);
};
process.on('uncaughtException', lastResort);
process.on('unhandledRejection', lastResort);

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  // Usage errors (bad flags, bad option values) exit with 2; --help and --version with 0.
  if (error instanceof CommanderError) process.exitCode = error.exitCode === 0 ? 0 : 2;
  else {
    const { line, code } = failure(error);
    console.error(line);
    process.exitCode = code;
  }
}
