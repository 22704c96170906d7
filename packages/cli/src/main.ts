import { CredenceError } from '@credence/core/errors';
import { HttpProblem } from '@credence/server-kit/problem';
import { CommanderError, InvalidArgumentError } from 'commander';
import { buildProgram } from './program.js';

/**
 * How a failure ends: one line on stderr, never a stack trace, and the exit code the
 * README and docs/errors.md document: 1 when a command fails, 2 for a usage error.
 */
function failure(error: unknown): { readonly line: string; readonly code: number } {
  const oneLine = (text: string) => `credence: ${text.replace(/\s*\n\s*/g, ' ')}`;
  // A refusal names its fields (operator commands run the platform's services directly).
  const withFields = (message: string, fields: readonly { field: string; message: string }[]) => {
    const named = fields.map((e) => `${e.field} ${e.message}`).join('; ');
    return `${message}${named ? ` (${named})` : ''}`;
  };
  if (error instanceof CredenceError)
    // A bad option value is a usage error; a bad identifier or a refusal is a failure.
    return {
      line: oneLine(`${withFields(error.message, error.fields)} (${error.code})`),
      code: error.code === 'sim.invalid_option' ? 2 : 1,
    };
  if (error instanceof HttpProblem)
    return {
      line: oneLine(`${withFields(error.message, error.errors ?? [])} (${error.code})`),
      code: 1,
    };
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
  // `credence help member` is about member.
  const first = process.argv[2] === 'help' ? process.argv[3] : process.argv[2];
  await (await buildProgram(first)).parseAsync(process.argv);
} catch (error) {
  // Usage errors (bad flags, bad option values) exit with 2; --help and --version with 0.
  // Commander has printed its own; an InvalidArgumentError that reaches here was thrown by
  // a command's action (two flags that go together, say) and is printed here.
  if (error instanceof InvalidArgumentError) {
    console.error(`credence: ${error.message}`);
    process.exitCode = 2;
  } else if (error instanceof CommanderError) process.exitCode = error.exitCode === 0 ? 0 : 2;
  else {
    const { line, code } = failure(error);
    console.error(line);
    process.exitCode = code;
  }
}
