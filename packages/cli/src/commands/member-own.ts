/**
 * What a member did in its own name, held to the platform's log: its receipts, its
 * signing keys, its credential, the reports it withdraws.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MemberError } from '@credence/member/member-error';
import { type Command, Option } from 'commander';
import { configOption, n, withLogMonitor, withSession } from './member-common.js';
import { requireSealingKeys } from './member-disclosures.js';
import { collectIntegers } from './parse.js';

/**
 * `credence member verify`: everything the member holds re-checked against the log, the
 * findings printed, exit code 1 on one.
 */
async function verifyAndSay(flags: {
  readonly config: string;
  readonly json?: boolean;
  readonly accept?: number[];
}): Promise<void> {
  const report = await withLogMonitor(flags.config, async (session, monitor) => {
    for (const index of flags.accept ?? [])
      if (!monitor.acceptForeign(index))
        throw new MemberError(
          'member.config',
          `entry ${index} is not one that verify named in your name`,
        );
    return await monitor.verifyAll({
      id: session.config.memberId,
      publicKey:
        session.config.signingKeyFile === undefined ? undefined : session.signingKey().publicKey,
    });
  });
  if (flags.json === true) console.log(JSON.stringify(report, null, 2));
  else {
    const head = report.checkpoint;
    console.log(
      head === undefined
        ? 'The log has no checkpoint that verifies.'
        : `The log's newest checkpoint: ${n(head.size)} entries, root ${head.root}.`,
    );
    console.log(
      `Held: ${n(report.receipts)} receipts, ${n(report.entries)} entries, ${n(report.checkpoints)} checkpoints.`,
    );
    for (const notice of report.notices) console.log(`note: ${notice}`);
    for (const f of report.findings) console.log(`FAIL ${f.kind}: ${f.message}`);
    if (report.findings.length === 0)
      console.log(
        'Everything verifies: every entry is in the log as written, every checkpoint consistent, nothing done in your name that you did not do.',
      );
  }
  if (report.findings.length > 0) process.exitCode = 1;
}

/** `credence member verify`: the member's receipts, entries and checkpoints held to the log. */
export function registerVerify(member: Command): void {
  member
    .command('verify')
    .description(
      "Re-check everything this member holds against the platform's log: receipts, entries, checkpoints.",
    )
    .addOption(configOption())
    .option('--json', 'print the report as JSON')
    .option(
      '--accept <index>',
      'accept an entry in your name that verify named (a credential you asked the operator for)',
      collectIntegers,
    )
    .action(verifyAndSay);
}

/** `credence member keys list|rotate|object`: the member's own signing keys. */
export function registerKeys(member: Command): void {
  const keys = member
    .command('keys')
    .description(
      'Your signing keys: list them, rotate to a new one, object to one the operator announced for you.',
    );
  keys
    .command('list')
    .description('Your keys as the platform holds them: current, announced for you, retired.')
    .addOption(configOption())
    .action(async (flags: { config: string }) => {
      const { listKeys } = await import('@credence/member/own-keys');
      const list = await withSession(flags.config, { cache: false, threads: 0 }, (session) =>
        listKeys(session.platform),
      );
      for (const k of list)
        console.log(
          `${k.publicKey}  ${k.state}${k.activatesAt === null ? '' : `  from ${k.activatesAt}`}${k.revokedAt === null ? '' : `  until ${k.revokedAt}`}`,
        );
    });
  keys
    .command('rotate')
    .description(
      'Make a new signing key, register it with a statement your current key signs (your other keys stop), and put it in place of the current one.',
    )
    .addOption(configOption())
    .action(async (flags: { config: string }) => {
      const { rotateSigningKey } = await import('@credence/member/own-keys');
      const done = await withLogMonitor(flags.config, async (session, monitor) => {
        return await rotateSigningKey({
          platform: session.platform,
          monitor,
          memberId: session.config.memberId,
          current: session.signingKey(),
          keyFile: resolve(session.home, session.config.signingKeyFile as string),
        });
      });
      console.log(done.publicKey);
      process.stderr.write(
        `Your new signing key is in place (the old one is kept as ${done.previous}); ${done.answer.replaces.length} other keys stopped. The change is in the log, and its receipt verified.\n`,
      );
    });
  keys
    .command('object')
    .description('Object to a key the operator announced for you: it never starts.')
    .argument('<public-key>')
    // A base64url key may begin with "-" (one in 64): it is the key, not an option.
    .allowUnknownOption()
    .addOption(configOption())
    .action(async (publicKey: string, flags: { config: string }) => {
      const { objectToKey } = await import('@credence/member/own-keys');
      await withLogMonitor(flags.config, async (session, monitor) => {
        await objectToKey({
          platform: session.platform,
          monitor,
          memberId: session.config.memberId,
          current: session.signingKey(),
          publicKey,
        });
      });
      console.log(`Objected: ${publicKey} will not start. The objection is in the log.`);
    });
}

/** `credence member credential renew`: a new platform credential, written into member.json. */
export function registerCredential(member: Command): void {
  member
    .command('credential')
    .description(
      'Renew your platform credential yourself: the old ones stop, and member.json gets the new one.',
    )
    .argument('<action>', 'renew')
    .addOption(configOption())
    .action(async (action: string, flags: { config: string }) => {
      if (action !== 'renew') throw new MemberError('member.config', 'the action is renew');
      const { renewCredential } = await import('@credence/member/own-keys');
      await withSession(flags.config, { cache: false, threads: 0 }, async (session) => {
        const json = JSON.parse(readFileSync(flags.config, 'utf8')) as {
          platform: Record<string, unknown>;
        };
        await renewCredential(
          session.platform,
          (platform) => session.logMonitor(platform),
          session.config.memberId,
          (credential) => {
            json.platform.credential = credential;
            const next = `${flags.config}.next`;
            writeFileSync(next, `${JSON.stringify(json, null, 2)}\n`, { mode: 0o600 });
            renameSync(next, flags.config);
          },
        );
      });
      console.log(`A new credential is in ${flags.config}; the old ones stopped.`);
    });
}

/** `credence member details`: one of the member's sealed details, opened with its own key. */
export function registerDetails(member: Command): void {
  member
    .command('details')
    .description(
      "Read back the narrative and exact loss of one of your reports, by its ref: the platform keeps them sealed to your sealing key (sealingKeyFile), and they are opened here. Nobody else can, not the platform's operator either.",
    )
    .argument('<ref>', "the report's ref")
    .option('--json', 'print the detail as JSON')
    .addOption(configOption())
    .action(async (ref: string, flags: { json?: boolean; config: string }) => {
      const { openOwnDetail } = await import('@credence/member/own-reports');
      const { id, detail } = await withSession(
        flags.config,
        { cache: false, threads: 0 },
        async (session) =>
          openOwnDetail({
            platform: session.platform,
            keys: await requireSealingKeys(session),
            ref,
          }),
      );
      if (flags.json === true) console.log(JSON.stringify({ ref, id, detail: detail ?? null }));
      else if (detail === undefined)
        console.log(`report ${ref} (${id}) was sent without a sealed detail.`);
      else
        console.log(
          [
            `report ${ref} (${id}), opened with your sealing key:`,
            ...(detail.lossCny === undefined ? [] : [`loss: ${detail.lossCny} yuan`]),
            ...(detail.narrative === undefined ? [] : ['narrative:', detail.narrative]),
          ].join('\n'),
        );
    });
}

/** `credence member retract`: one of the member's reports withdrawn, in the log. */
export function registerRetract(member: Command): void {
  member
    .command('retract')
    .description(
      'Withdraw one of your reports, by the ref you gave it: its tokens are recounted at once, and the log holds the retraction (its receipt verified here).',
    )
    .argument('<ref>', "the report's ref")
    .addOption(
      new Option('--reason <reason>', 'why')
        .choices(['false_positive', 'duplicate', 'appeal_upheld', 'other'])
        .makeOptionMandatory(),
    )
    .addOption(configOption())
    .action(async (ref: string, flags: { reason: string; config: string }) => {
      const { retractReport } = await import('@credence/member/own-reports');
      const done = await withLogMonitor(flags.config, async (session, monitor) => {
        return await retractReport({
          platform: session.platform,
          monitor,
          memberId: session.config.memberId,
          ref,
          reason: flags.reason,
        });
      });
      console.log(
        `report ${done.ref} (${done.id}) retracted at ${done.retractedAt}; the log holds it (entry ${done.receipt.index}), its receipt verified.`,
      );
    });
}
