/** `credence member`: the member side, one module per group of its subcommands. */
import type { Command } from 'commander';
import { registerAgent, registerLogin } from './member-agent.js';
import { registerAlerts, registerWatch, registerWebhook } from './member-alerts.js';
import { registerAppeal } from './member-appeals.js';
import { registerCheck, registerRank } from './member-checks.js';
import { registerDisclosures } from './member-disclosures.js';
import { registerExportStix } from './member-export-stix.js';
import { registerExposure } from './member-exposure.js';
import {
  registerShareScripts,
  registerSubmit,
  registerTokenize,
  registerValidate,
} from './member-files.js';
import { registerFilter } from './member-filters.js';
import { registerImportStix } from './member-import-stix.js';
import { registerOutcome } from './member-outcomes.js';
import {
  registerCredential,
  registerDetails,
  registerKeys,
  registerRetract,
  registerVerify,
} from './member-own.js';
import { registerDoctor, registerInit, registerKeygen } from './member-setup.js';

export { describeAlert } from './member-alerts.js';
export { EXIT_DONE_WITH_REJECTIONS } from './member-common.js';
export {
  runSubmit,
  runTokenize,
  type SubmitCommand,
  type TokenizeCommand,
} from './member-files.js';

/** `credence member …`: the member side's every subcommand. */
export function registerMember(program: Command): void {
  const member = program
    .command('member')
    .description("The member side: runs inside a member's own network.")
    .addHelpText(
      'after',
      `
Exit codes (docs/errors.md):
  0  done
  1  failed, with one line "credence: <message> (<code>)": a file missing, unreadable,
     not in its encoding or with a wrong CSV header; an output or the token cache not
     writable; the key servers or the platform unreachable or refusing; a receipt that
     does not verify
  2  usage error (an unknown option, a bad option value)
  3  finished, but a key server misbehaved (the others did its share)
  4  submit finished, but lines or identifiers were left out, or refs were in conflict:
     everything else was sent (see the errors and results files; 3 wins over 4)
Input formats, encodings (--encoding) and the rule for times: docs/formats.md`,
    );
  // In the order `credence member --help` lists them (other programs read that list).
  registerTokenize(member);
  registerInit(member);
  registerDoctor(member);
  registerValidate(member);
  registerKeygen(member);
  registerSubmit(member);
  registerImportStix(member);
  registerExportStix(member);
  registerShareScripts(member);
  registerVerify(member);
  registerKeys(member);
  registerCredential(member);
  registerCheck(member);
  registerRetract(member);
  registerDetails(member);
  registerWebhook(member);
  registerFilter(member);
  registerRank(member);
  registerWatch(member);
  registerAlerts(member);
  registerDisclosures(member);
  registerOutcome(member);
  registerAppeal(member);
  registerExposure(member);
  registerAgent(member);
  registerLogin(member);
}
