import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseVerifierKey } from '@credence/core/log/signed-note';
import {
  checkEnrolmentTarget,
  ENROLMENT_FORMAT,
  isHttpUrl,
  type PlatformEnrolment,
  writeEnrolment,
} from '@credence/member/enrolment';
import { DEFAULT_REQUEST_RATES } from '@credence/platform/http/request-limits';
import {
  DEFAULT_LOG_ORIGIN,
  isPostgresUrl,
  logVerifierKey,
  openStore,
  startPlatform,
} from '@credence/platform/server';
import { CredentialCache } from '@credence/platform/services/credentials';
import { MemberService, type MemberServiceOptions } from '@credence/platform/services/members';
import { WebhookTargets } from '@credence/platform/services/webhook-targets';
import type { Store } from '@credence/platform/storage/store';
import { type Command, InvalidArgumentError } from 'commander';
import { collect, collectVerifierKeys, integer, verifierKey } from './parse.js';
import { runAsProcess, tlsFilesOf, withConfigFile, withTls } from './server-options.js';

const DEFAULT_DB = 'data/platform.sqlite';

/** A repeatable --webhook-allow, checked as the platform will read it. */
const allowance = (value: string, previous: string[] = []): string[] => {
  try {
    new WebhookTargets([value]);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  return collect(value, previous);
};

/**
 * Only `serve` and `store init` make a store, and only in a folder that exists (the
 * default's `data/` excepted): a mistyped --db must not leave an empty database or a
 * tree of folders behind and go on as if nothing were wrong.
 */
function mayCreate(db: string): void {
  if (!isPostgresUrl(db) && db !== DEFAULT_DB && !existsSync(dirname(db)))
    throw new Error(
      `the folder of --db ${db} does not exist: check the path, or create the folder first`,
    );
}

/** Operator commands work on a store that is there (a SQLite file that exists). */
function mustExist(db: string): void {
  if (!isPostgresUrl(db) && !existsSync(db))
    throw new Error(
      `there is no platform store at ${db}: check --db, or make one with credence store init --db ${db}`,
    );
}

/** Opens the store with its schema up to date, runs the work, and closes it. */
async function withStore<T>(db: string, work: (store: Store) => Promise<T>): Promise<T> {
  const store = openStore(db);
  try {
    await store.migrate();
    return await work(store);
  } finally {
    await store.close();
  }
}

/** Runs operator work directly on the store (on the platform's host, like psql). */
async function withMembers<T>(
  db: string,
  work: (members: MemberService) => Promise<T>,
  options: MemberServiceOptions = {},
): Promise<T> {
  mustExist(db);
  return withStore(db, (store) =>
    work(new MemberService(store, new CredentialCache(store), options)),
  );
}

/** What `members add` takes to write a member's enrolment file. */
interface EnrolFlags {
  readonly enrolOut?: string;
  readonly url?: string;
  readonly key: string;
  readonly logOrigin: string;
  readonly logKey?: string;
  readonly witness?: string[];
  readonly requiredWitnesses?: number;
}

/**
 * The platform's part of a member's enrolment, checked before the member is made: the
 * address members use, the log's verifier key (as serve signs with its key file and
 * origin, unless given) and the witnesses; what it gives is the enrolment once the
 * member's credential is there.
 */
function platformEnrolment(
  id: string,
  flags: EnrolFlags & { enrolOut: string },
): (credential: string) => PlatformEnrolment {
  const url = flags.url;
  if (url === undefined || !isHttpUrl(url))
    throw new InvalidArgumentError(
      '--enrol-out needs --url: the platform address the member will use (https://…)',
    );
  checkEnrolmentTarget(flags.enrolOut);
  let logKey = flags.logKey;
  if (logKey === undefined) {
    if (!existsSync(flags.key))
      throw new Error(
        `there is no platform key at ${flags.key} for the log key: give --key (serve's), or --log-key`,
      );
    logKey = logVerifierKey(flags.key, flags.logOrigin);
  }
  const witnesses = flags.witness ?? [];
  const required = flags.requiredWitnesses ?? witnesses.length;
  if (required > witnesses.length)
    throw new InvalidArgumentError(
      `--required-witnesses ${required} is more than the ${witnesses.length} witnesses given`,
    );
  const platform = { url, logKey, witnesses, requiredWitnesses: required };
  return (credential) => ({
    format: ENROLMENT_FORMAT,
    memberId: id,
    platform: { ...platform, credential },
  });
}

/** `credence serve`'s options. */
interface ServeFlags {
  readonly keyWaitingPeriod: number;
  readonly db: string;
  readonly dbRead?: string;
  readonly host: string;
  readonly port: number;
  readonly key: string;
  readonly logLevel: string;
  readonly logOrigin: string;
  readonly witness?: string[];
  readonly checkpointInterval: number;
  readonly analysisInterval: number;
  readonly filterInterval: number;
  readonly taxiiEpoch: number;
  readonly checkCache: number;
  readonly webhookAllow?: string[];
  readonly checkRate: number;
  readonly readRate: number;
  readonly writeRate: number;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly ui: boolean;
  readonly uiOrigin?: string[];
}

/** `credence serve`: the platform API, serving until it is stopped. */
async function runPlatform(flags: ServeFlags): Promise<void> {
  const tls = tlsFilesOf(flags);
  mayCreate(flags.db);
  const ui = flags.ui
    ? {
        folder: (await import('@credence/dashboard/app-folder')).appFolder('platform-app'),
        ...(flags.uiOrigin === undefined ? {} : { origins: flags.uiOrigin }),
      }
    : undefined;
  const running = await startPlatform({
    db: flags.db,
    ...(flags.dbRead === undefined ? {} : { dbRead: flags.dbRead }),
    host: flags.host,
    port: flags.port,
    keyFile: flags.key,
    logger: { level: flags.logLevel },
    logOrigin: flags.logOrigin,
    witnesses: flags.witness ?? [],
    checkpointIntervalMs: flags.checkpointInterval * 1000,
    analysisIntervalMs: flags.analysisInterval * 1000,
    filterIntervalMs: flags.filterInterval * 1000,
    taxiiEpochs: { epochMs: flags.taxiiEpoch * 1000, graceMs: 60_000 },
    checkCacheSize: flags.checkCache,
    keyWaitingMs: flags.keyWaitingPeriod * 3_600_000,
    webhookAllow: flags.webhookAllow ?? [],
    requestRates: { check: flags.checkRate, read: flags.readRate, write: flags.writeRate },
    ...(tls === undefined ? {} : { tls }),
    ...(ui === undefined ? {} : { ui }),
  });
  runAsProcess(running);
  process.stderr.write(`platform (${running.store.dialect}) listening on ${running.url}\n`);
}

/** `credence members add`'s options. */
interface AddFlags extends EnrolFlags {
  readonly type: string;
  readonly name?: string;
  readonly publicKey?: string;
  readonly share?: number;
  readonly db: string;
}

/**
 * `credence members add`: the member made, and its credential printed once or written
 * into its enrolment file.
 */
async function addMember(id: string, flags: AddFlags): Promise<void> {
  // Everything the enrolment needs is checked before the member is made.
  const enrolment =
    flags.enrolOut === undefined
      ? undefined
      : platformEnrolment(id, { ...flags, enrolOut: flags.enrolOut });
  const { credential } = await withMembers(flags.db, (m) =>
    m.add({
      id,
      type: flags.type,
      ...(flags.name === undefined ? {} : { name: flags.name }),
      ...(flags.publicKey === undefined ? {} : { publicKey: flags.publicKey }),
      ...(flags.share === undefined ? {} : { shareIndex: flags.share }),
    }),
  );
  if (enrolment !== undefined && flags.enrolOut !== undefined) {
    writeEnrolment(flags.enrolOut, enrolment(credential));
    process.stderr.write(
      `member ${id} (${flags.type}) created; its enrolment (with its credential) is in ${flags.enrolOut}, readable by you only: hand it to the member as a secret, for credence member init.\n`,
    );
  } else {
    console.log(credential);
    process.stderr.write(
      `member ${id} (${flags.type}) created; its credential is shown only now.\n`,
    );
  }
  if (flags.type === 'keyserver' && flags.share === undefined)
    process.stderr.write(
      `${id} is bound to no share: the platform refuses its evaluation counts until credence members bind-share ${id} --share <i>.\n`,
    );
}

export function registerPlatform(program: Command): void {
  registerServe(program);
  registerStore(program);
  registerMembers(program);
  registerWitnesses(program);
}

/** `credence serve`: its options, read from the command line or a config file. */
function registerServe(program: Command): void {
  const serve = program
    .command('serve')
    .description('Run a platform API process (SQLite file or PostgreSQL URL).')
    .option('--db <db>', 'SQLite file, or postgres://… for PostgreSQL', DEFAULT_DB)
    .option(
      '--db-read <url>',
      "PostgreSQL hot standbys (postgres://…, such as a balancer's port to them) for checks' and log proofs' reads, when they have replayed far enough",
    )
    .option('--host <h>', 'address to listen on', '127.0.0.1')
    .option('--port <p>', 'port', integer, 8080)
    .option(
      '--key <file>',
      "the platform's signing key (made if missing)",
      'data/platform-key.json',
    )
    .option('--log-level <level>', 'fatal, error, warn, info, debug', 'info')
    .option(
      '--log-origin <origin>',
      "the transparency log's origin and key name",
      DEFAULT_LOG_ORIGIN,
    )
    .option(
      '--witness <vkey>',
      'a witness whose cosignatures the log collects (repeatable)',
      collectVerifierKeys,
    )
    .option(
      '--checkpoint-interval <seconds>',
      'sign a checkpoint this often when the log grew',
      integer,
      10,
    )
    .option(
      '--analysis-interval <seconds>',
      'run joint analysis this often when anything changed (0: only on request)',
      integer,
      300,
    )
    .option(
      '--filter-interval <seconds>',
      'rebuild and publish the compact filters of flagged tokens this often when they changed (0: only on request)',
      integer,
      900,
    )
    .option(
      '--taxii-epoch <seconds>',
      'date the flagged tokens TAXII serves by epochs this long, each served once over (shorter is fresher, longer mixes more members’ reports)',
      integer,
      86_400,
    )
    .option(
      '--check-cache <summaries>',
      'keep this many flagged tokens’ summaries in memory for checks, the most recently used; the rest are read from the store when checked (every flagged token is held in 12 bytes regardless)',
      integer,
      100_000,
    )
    .option(
      '--key-waiting-period <hours>',
      'how long a signing key the operator announces for a member waits (the member is alerted and may object)',
      integer,
      72,
    )
    .option(
      '--webhook-allow <range|host:port>',
      'a webhook receiver inside your network that members may use, http: included: an address range (10.1.0.0/16), an address, or host:port (repeatable)',
      allowance,
    )
    .option(
      '--check-rate <n>',
      'checks a second per member and API process, in bursts of twice that (0: no limit)',
      integer,
      DEFAULT_REQUEST_RATES.check,
    )
    .option(
      '--read-rate <n>',
      'other reads a second per member and API process (0: no limit)',
      integer,
      DEFAULT_REQUEST_RATES.read,
    )
    .option(
      '--write-rate <n>',
      'writes (batches, watchlists, …) a second per member and API process (0: no limit)',
      integer,
      DEFAULT_REQUEST_RATES.write,
    )
    .option(
      '--ui-origin <url>',
      "where people open the operator's and auditors' dashboard (/ui/), e.g. https://credence.example (repeatable; default: the address the platform listens on)",
      collect,
    )
    .option('--no-ui', "serve no dashboard under /ui/ (the operator's and auditors' views)");
  withConfigFile(withTls(serve), {
    paths: ['db', 'key', 'tls-cert', 'tls-key'],
    lists: ['witness', 'webhook-allow', 'ui-origin'],
  }).action(runPlatform);
}

/** `credence store init`: the store made, or its schema brought up to date. */
function registerStore(program: Command): void {
  program
    .command('store')
    .description("The platform's store (operator, on the platform's host).")
    .command('init')
    .description(
      'Make the store and bring its schema up to date (credence serve does too); operator commands need one.',
    )
    .option('--db <db>', 'SQLite file (its folder must exist), or postgres://…', DEFAULT_DB)
    .action(async (flags: { db: string }) => {
      mayCreate(flags.db);
      const sqlite = !isPostgresUrl(flags.db);
      const existed = sqlite && existsSync(flags.db);
      await withStore(flags.db, async () => undefined);
      console.log(
        sqlite
          ? `store ${existed ? 'at' : 'made at'} ${flags.db}, its schema up to date`
          : 'store schema up to date',
      );
    });
}

/** `credence members …`: the operator's work on the members, directly on the store. */
function registerMembers(program: Command): void {
  const members = program
    .command('members')
    .description("The platform's members (operator, on the platform's host).");
  members
    .command('add')
    .description('Create a member; prints its credential once (only its hash is kept).')
    .argument('<id>', 'member id, such as bank-a')
    .requiredOption(
      '--type <type>',
      'bank, payment, telecom, internet, police, auditor, operator or keyserver',
    )
    .option('--name <name>', 'display name')
    .option(
      '--public-key <key>',
      "the member's Ed25519 public key (base64url), from credence member keygen",
    )
    .option(
      '--share <i>',
      "a key server's share index (its share-<i>.json): the only share whose counts it may report",
      integer,
    )
    .option('--db <db>', 'SQLite file or PostgreSQL URL', DEFAULT_DB)
    .option(
      '--enrol-out <file>',
      "write the member's enrolment file (platform address, credential, log key, witnesses) for credence member init, instead of printing the credential",
    )
    .option('--url <url>', 'the platform address members use (with --enrol-out)')
    .option('--key <file>', "the platform's signing key, for the log key", 'data/platform-key.json')
    .option('--log-origin <origin>', "the log's origin, as serve runs it", DEFAULT_LOG_ORIGIN)
    .option(
      '--log-key <vkey>',
      "the log's verifier key (default: from --key and --log-origin)",
      verifierKey,
    )
    .option(
      '--witness <vkey>',
      'a witness whose cosignature members require (repeatable, as serve takes them)',
      collectVerifierKeys,
    )
    .option(
      '--required-witnesses <n>',
      'how many of the witnesses must cosign (default: all)',
      integer,
    )
    .action(addMember);
  members
    .command('bind-share')
    .description(
      "Bind a key server to the share it evaluates with: the platform logs that share's counts from it, and no other's.",
    )
    .argument('<id>', 'the key server, such as keyserver-1')
    .requiredOption('--share <i>', 'its share index (its share-<i>.json)', integer)
    .option('--db <db>', 'SQLite file or PostgreSQL URL', DEFAULT_DB)
    .action(async (id: string, flags: { share: number; db: string }) => {
      await withMembers(flags.db, (m) => m.bindShare(id, flags.share));
      console.log(`${id} bound to share ${flags.share}`);
    });
  members
    .command('list')
    .description('List the members.')
    .option('--db <db>', 'SQLite file or PostgreSQL URL', DEFAULT_DB)
    .action(async (flags: { db: string }) => {
      for (const m of await withMembers(flags.db, (s) => s.list()))
        console.log(
          `${m.id}\t${m.type}\t${m.status}\t${m.name}${m.shareIndex === undefined ? '' : `\tshare ${m.shareIndex}`}`,
        );
    });
  for (const verb of ['disable', 'enable'] as const) {
    members
      .command(verb)
      .description(`${verb === 'disable' ? 'Disable' : 'Enable'} a member.`)
      .argument('<id>')
      .option('--db <db>', 'SQLite file or PostgreSQL URL', DEFAULT_DB)
      .action(async (id: string, flags: { db: string }) => {
        await withMembers(flags.db, (m) => m[verb](id));
        console.log(`${id} ${verb}d`);
      });
  }
  members
    .command('rotate')
    .description(
      'Give a member a new credential (the old stop working) and/or announce a signing key for a member that lost its own (it starts after the waiting period unless the member objects; a member changes its own keys with `credence member keys`).',
    )
    .argument('<id>')
    .option('--credential', 'make a new credential, printed once')
    .option(
      '--public-key <key>',
      "announce this Ed25519 public key: after the waiting period it starts and the member's other keys stop",
    )
    .option('--waiting <hours>', 'the waiting period of an announced key', integer, 72)
    .option('--db <db>', 'SQLite file or PostgreSQL URL', DEFAULT_DB)
    .action(
      async (
        id: string,
        flags: { credential?: boolean; publicKey?: string; waiting: number; db: string },
      ) => {
        const result = await withMembers(
          flags.db,
          (m) =>
            m.rotate(id, {
              credential: flags.credential === true,
              ...(flags.publicKey === undefined ? {} : { publicKey: flags.publicKey }),
            }),
          { keyWaitingMs: flags.waiting * 3_600_000 },
        );
        if (result.credential !== undefined) {
          console.log(result.credential);
          process.stderr.write(`${id}: a new credential (printed once); the old ones stop.\n`);
        }
        if (result.key !== undefined)
          process.stderr.write(
            `${id}: key ${result.key.publicKey} announced; it starts at ${new Date(result.key.activatesAt).toISOString()} unless ${id} objects (${id} is alerted, and its other keys stop then).\n`,
          );
      },
    );
}

/** A verifier key's name (name+id+key), to say which witness. */
const witnessName = (vkey: string) => parseVerifierKey(vkey).name;

/** `credence witnesses …`: the witnesses registered in the store. */
function registerWitnesses(program: Command): void {
  const witnesses = program
    .command('witnesses')
    .description(
      "Witnesses whose cosignatures the log collects, besides serve's --witness (operator, on the platform's host); no restart needed.",
    );
  witnesses
    .command('add')
    .description('Register a witness: every API process takes its cosignatures from now on.')
    .argument(
      '<vkey>',
      "the witness's verifier key (name+id+key, as credence witness prints it)",
      verifierKey,
    )
    .option('--db <db>', 'SQLite file or PostgreSQL URL', DEFAULT_DB)
    .action(async (vkey: string, flags: { db: string }) => {
      mustExist(flags.db);
      const added = await withStore(flags.db, (store) => store.addWitness(vkey, Date.now()));
      process.stderr.write(
        added
          ? `witness ${witnessName(vkey)} registered: the log collects its cosignatures now. Members who require it add its key to member.json (platform.witnesses).\n`
          : `witness ${witnessName(vkey)} was registered already: nothing changed.\n`,
      );
    });
  witnesses
    .command('list')
    .description('List the registered witnesses (serve --witness ones are not in the store).')
    .option('--db <db>', 'SQLite file or PostgreSQL URL', DEFAULT_DB)
    .action(async (flags: { db: string }) => {
      mustExist(flags.db);
      for (const vkey of await withStore(flags.db, (store) => store.listWitnesses()))
        console.log(vkey);
    });
  witnesses
    .command('remove')
    .description(
      'Stop collecting a registered witness’s cosignatures (those kept stay on their checkpoints).',
    )
    .argument('<vkey>', "the witness's verifier key", verifierKey)
    .option('--db <db>', 'SQLite file or PostgreSQL URL', DEFAULT_DB)
    .action(async (vkey: string, flags: { db: string }) => {
      mustExist(flags.db);
      if (!(await withStore(flags.db, (store) => store.removeWitness(vkey))))
        throw new Error(
          `witness ${witnessName(vkey)} is not registered in ${flags.db} (credence witnesses list)`,
        );
      process.stderr.write(`witness ${witnessName(vkey)} removed.\n`);
    });
}
