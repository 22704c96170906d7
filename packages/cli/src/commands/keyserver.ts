import { dirname, join } from 'node:path';
import { type MemberEntry, parseMembersFile } from '@credence/keyserver/members';
import { startKeyserver } from '@credence/keyserver/server';
import {
  checkEnrolmentTarget,
  ENROLMENT_FORMAT,
  isHttpUrl,
  type KeyServerEnrolment,
  writeEnrolment,
} from '@credence/member/enrolment';
import { newCredential } from '@credence/server-kit/bearer';
import { type Command, InvalidArgumentError } from 'commander';
import { existsSync, readJson, writeJson } from './files.js';
import { collect, integer } from './parse.js';
import { runAsProcess, tlsFilesOf, withConfigFile, withTls } from './server-options.js';

/**
 * Gives a member a credential in a key server's members file and returns it (shown once):
 * a new member's, or a new one replacing the member's old credential (`replaced`).
 */
export function giveMemberCredential(
  membersFile: string,
  id: string,
  limits: { quotaPerDay?: number; ratePerMinute?: number } = {},
): { token: string; replaced: boolean } {
  const current = existsSync(membersFile) ? parseMembersFile(readJson(membersFile)).members : [];
  const credential = newCredential('cks');
  const entry: MemberEntry = {
    id,
    tokenSha256: credential.sha256,
    quotaPerDay: limits.quotaPerDay ?? 2_000_000,
    ratePerMinute: limits.ratePerMinute ?? 300_000,
  };
  const members = [...current.filter((m) => m.id !== id), entry];
  parseMembersFile({ members });
  writeJson(membersFile, { members }, true);
  return { token: credential.token, replaced: current.some((m) => m.id === id) };
}

/** The members file `credence keys init` writes for a share: members-<i>.json beside share-<i>.json. */
function defaultMembersFile(share: string): string {
  const index = /share-(\d+)\.json$/.exec(share)?.[1];
  return join(dirname(share), index === undefined ? 'members.json' : `members-${index}.json`);
}

/**
 * This key server's part of a member's enrolment, checked before the credential is made:
 * what it gives is the enrolment once the credential is there.
 */
function keyServerEnrolment(
  file: string,
  flags: { members: string; member: string; url?: string; index?: number },
): (token: string) => KeyServerEnrolment {
  const url = flags.url;
  if (url === undefined || !isHttpUrl(url))
    throw new InvalidArgumentError(
      '--enrol-out needs --url: the key server address the member will use',
    );
  const index =
    flags.index ?? Number(/members-(\d+)\.json$/.exec(flags.members)?.[1] ?? Number.NaN);
  if (!Number.isInteger(index) || index < 1)
    throw new InvalidArgumentError(
      `--enrol-out needs --index: the share index of this key server (${flags.members} does not say it)`,
    );
  checkEnrolmentTarget(file);
  return (token) => ({
    format: ENROLMENT_FORMAT,
    memberId: flags.member,
    keyServer: { index, url, token },
  });
}

/** `credence keyserver`'s options. */
interface KeyserverFlags {
  readonly share?: string[];
  readonly port: number;
  readonly host: string;
  readonly members?: string;
  readonly state?: string;
  readonly logLevel: string;
  readonly reportTo?: string;
  readonly reportInterval: number;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
}

/** `credence keyserver`: serves its shares until it is stopped. */
async function runKeyserver(flags: KeyserverFlags): Promise<void> {
  const tls = tlsFilesOf(flags);
  const credential = process.env.CREDENCE_REPORT_CREDENTIAL;
  if (flags.reportTo !== undefined && (credential === undefined || credential === ''))
    throw new Error(
      '--report-to needs the key server’s platform credential in CREDENCE_REPORT_CREDENTIAL',
    );
  const shares = flags.share ?? [];
  if (shares.length === 0) throw new Error('--share is required');
  const first = shares[0] as string;
  const server = await startKeyserver({
    shareFiles: shares,
    membersFile: flags.members ?? defaultMembersFile(first),
    stateFile:
      flags.state ??
      join(dirname(first), `usage-${first.replace(/.*share-(\d+)\.json$/, '$1')}.json`),
    host: flags.host,
    port: flags.port,
    logger: { level: flags.logLevel },
    ...(tls === undefined ? {} : { tls }),
    ...(flags.reportTo === undefined
      ? {}
      : {
          report: {
            url: flags.reportTo,
            credential: credential as string,
            intervalMs: flags.reportInterval * 1000,
          },
        }),
  });
  runAsProcess(server);
  process.stderr.write(
    `key server for ${server.keys.map((k) => `${k.keyId} share ${k.index}`).join(', ')} listening on ${server.url}\n`,
  );
}

/** `credence keyserver credential`'s options. */
interface CredentialFlags {
  readonly members: string;
  readonly member: string;
  readonly quota?: number;
  readonly rate?: number;
  readonly enrolOut?: string;
  readonly url?: string;
  readonly index?: number;
}

/** `credence keyserver credential`: prints the credential, or writes it into an enrolment file. */
function giveCredential(flags: CredentialFlags): void {
  const enrolment =
    flags.enrolOut === undefined ? undefined : keyServerEnrolment(flags.enrolOut, flags);
  const { token, replaced } = giveMemberCredential(flags.members, flags.member, {
    ...(flags.quota === undefined ? {} : { quotaPerDay: flags.quota }),
    ...(flags.rate === undefined ? {} : { ratePerMinute: flags.rate }),
  });
  const what = replaced
    ? `credential for ${flags.member} replaced in ${flags.members}: its old one stops working (a running key server reads the file within a second)`
    : `credential for ${flags.member} added to ${flags.members} (a running key server reads the file within a second)`;
  if (enrolment !== undefined && flags.enrolOut !== undefined) {
    writeEnrolment(flags.enrolOut, enrolment(token));
    process.stderr.write(
      `${what}; the enrolment is in ${flags.enrolOut}, readable by you only: hand it to the member as a secret, for credence member init.\n`,
    );
  } else {
    console.log(token);
    process.stderr.write(`${what}; it is shown only now.\n`);
  }
}

export function registerKeyserver(program: Command): void {
  const keyserver = program
    .command('keyserver')
    .description('Run a key server: evaluates blinded elements with its share of the OPRF key.')
    .option('--share <file>', 'share file (repeat during a key rotation)', collect)
    .option('--port <p>', 'port', integer, 7101)
    .option('--host <h>', 'address to listen on', '127.0.0.1')
    .option(
      '--members <file>',
      "members' credentials and limits (default: beside the share, members-<i>.json for share-<i>.json as credence keys init writes them, else members.json)",
    )
    .option(
      '--state <file>',
      'where evaluation counts survive restarts (default: usage-<index>.json beside the share)',
    )
    .option('--log-level <level>', 'fatal, error, warn, info, debug', 'info')
    .option(
      '--report-to <url>',
      "the platform: report evaluation counts to its log, with this key server's credential in CREDENCE_REPORT_CREDENTIAL",
    )
    .option('--report-interval <seconds>', 'seconds between reports', integer, 60);
  withConfigFile(withTls(keyserver), {
    paths: ['share', 'members', 'state', 'tls-cert', 'tls-key'],
    lists: ['share'],
  }).action(runKeyserver);

  keyserver
    .command('credential')
    .description(
      'Give a member a credential for this key server (printed once; only its hash is kept).',
    )
    .requiredOption('--members <file>', 'the members file of the key server')
    .requiredOption('--member <id>', 'member id, such as bank-a')
    .option('--quota <n>', 'evaluations per UTC day', integer)
    .option('--rate <n>', 'evaluations per minute', integer)
    .option(
      '--enrol-out <file>',
      "write the member's enrolment file for this key server (address, share index, credential) for credence member init, instead of printing the credential",
    )
    .option('--url <url>', 'the key server address members use (with --enrol-out)')
    .option(
      '--index <i>',
      "this key server's share index (default: from a members file named members-<i>.json)",
      integer,
    )
    .action(giveCredential);
}
