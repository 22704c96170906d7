import { createRequire } from 'node:module';
import { Command } from 'commander';

/**
 * The top-level commands, the module that registers each, and what `credence --help`
 * says of it. A command's module (and the packages it needs: the platform, fastify, the
 * analytics, libsodium…) is loaded only when that command runs, so that `credence
 * member check` does not pay for `credence serve`; the top-level help is made from this
 * table alone. A test holds the table to what the modules register.
 */
export const COMMANDS = [
  ['start', 'start', 'Start Credence on its embedded default with the demo consortium.'],
  ['sim', 'sim', 'Write a synthetic consortium world: per-member raw files and the ground truth.'],
  ['demo', 'sim', 'Write the demo consortium into ./data/demo and describe it.'],
  [
    'normalize',
    'normalize',
    'Normalize and validate one identifier, as the member side does before tokenizing it.',
  ],
  ['keys', 'keys', 'Threshold OPRF keys (operator).'],
  [
    'keyserver',
    'keyserver',
    'Run a key server: evaluates blinded elements with its share of the OPRF key.',
  ],
  ['member', 'member', "The member side: runs inside a member's own network."],
  [
    'case',
    'case',
    'Police cases: open one with a legal basis, attach rings and reports, ask for sealed details, read what was granted.',
  ],
  [
    'verify-package',
    'case',
    "Verify a case's evidence package offline, with nothing but the package and the log's key.",
  ],
  ['serve', 'platform', 'Run a platform API process (SQLite file or PostgreSQL URL).'],
  ['store', 'platform', "The platform's store (operator, on the platform's host)."],
  ['members', 'platform', "The platform's members (operator, on the platform's host)."],
  [
    'witnesses',
    'platform',
    "Witnesses whose cosignatures the log collects, besides serve's --witness (operator, on the platform's host); no restart needed.",
  ],
  [
    'login',
    'login',
    "Print a one-time link to the platform's dashboard (/ui/): the operator's and auditors' views.",
  ],
  [
    'outcomes',
    'outcomes',
    'Outcomes members reported: warning precision by category and member type, time from first report to first freeze, amounts held and recovered (operator, auditors).',
  ],
  [
    'appeals',
    'appeals',
    'Appeals people opened through members: list them (operator, auditors), uphold or reject one (operator).',
  ],
  [
    'exposures',
    'exposures',
    'Seized lists the police uploaded, as counts: tokens, how many members watch, exposed alerts by member type (operator, auditors; the police see their own, without the counts).',
  ],
  [
    'filters',
    'filters',
    "The platform's compact filters of flagged tokens: list the newest (members, police), publish now those whose tokens moved (operator).",
  ],
  [
    'stats',
    'statistics',
    "Public statistics: the weeks' noised counts released so far and the privacy budget spent (anyone, no credential); release a week (operator).",
  ],
  [
    'audit',
    'log',
    "Audit the platform's log: every entry, every checkpoint, and the store against the log.",
  ],
  [
    'witness',
    'log',
    "Witness the platform's log: cosign each new checkpoint that extends the last one cosigned.",
  ],
  [
    'analyze',
    'analysis',
    'Run joint analysis on the platform now (operator) and print the rings found.',
  ],
  [
    'policy',
    'analysis',
    'The risk policy in force: show it (anyone), or set a new version (operator).',
  ],
  [
    'rings',
    'analysis',
    'List the rings of the latest analysis, or show one (any member, police, auditor).',
  ],
  [
    'campaigns',
    'analysis',
    'List the campaigns of the latest analysis (scripts told at several members), or show one with your reports in it.',
  ],
  [
    'eval',
    'eval',
    "Measure joint analysis on a simulator world: members tokenize and submit, the platform analyses, the result is held against the world's truth.",
  ],
] as const;

type Module = (typeof COMMANDS)[number][1];
type Register = (program: Command) => void;

export const REGISTER: Readonly<Record<Module, () => Promise<Register>>> = {
  start: async () => (await import('./commands/start.js')).registerStart,
  sim: async () => (await import('./commands/sim.js')).registerSim,
  normalize: async () => (await import('./commands/normalize.js')).registerNormalize,
  keys: async () => (await import('./commands/keys.js')).registerKeys,
  keyserver: async () => (await import('./commands/keyserver.js')).registerKeyserver,
  member: async () => (await import('./commands/member.js')).registerMember,
  case: async () => (await import('./commands/case.js')).registerCase,
  platform: async () => (await import('./commands/platform.js')).registerPlatform,
  log: async () => (await import('./commands/log.js')).registerLog,
  login: async () => (await import('./commands/login.js')).registerLogin,
  outcomes: async () => (await import('./commands/outcomes.js')).registerOutcomes,
  appeals: async () => (await import('./commands/appeals.js')).registerAppeals,
  exposures: async () => (await import('./commands/exposures.js')).registerExposures,
  statistics: async () => (await import('./commands/statistics.js')).registerStatistics,
  filters: async () => (await import('./commands/filters.js')).registerFilters,
  analysis: async () => (await import('./commands/analysis.js')).registerAnalysis,
  eval: async () => (await import('./commands/eval.js')).registerEval,
};

/**
 * `credence`: one command line for both sides of the trust boundary. Each subcommand is
 * a thin layer over a package; the work happens there. Given the first word of the
 * command line, only that command's module is loaded; without one, or with one that is
 * not a command, the top-level commands are listed from COMMANDS.
 */
export async function buildProgram(command?: string): Promise<Command> {
  const program = new Command('credence')
    .description(
      'Credence: pool and jointly analyse fraud data without handing over raw personal data.',
    )
    .showHelpAfterError('(add --help for usage)')
    // A command's options belong to it: `keyserver credential --members` is the
    // subcommand's, not the key server's.
    .enablePositionalOptions()
    .exitOverride();
  const wanted = COMMANDS.find(([name]) => name === command);
  if (wanted !== undefined) (await REGISTER[wanted[1]]())(program);
  else for (const [name, , description] of COMMANDS) program.command(name).description(description);
  // `--version` on every command, not only the first word: `credence member check --version`.
  const version = `credence ${CLI_VERSION}`;
  const everywhere = (c: Command) => {
    c.version(version, '-V, --version', 'print the version');
    for (const sub of c.commands) everywhere(sub);
  };
  everywhere(program);
  return program;
}

/** This package's version (packages/cli/package.json, through the package's exports). */
const CLI_VERSION = (
  createRequire(import.meta.url)('@credence/cli/package.json') as { version: string }
).version;
