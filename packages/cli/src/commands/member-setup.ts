/** Setting a member up: its folder, its signing key, and the check of its connections. */
import type { PhoneRegion } from '@credence/core/identifiers/phone';
import type { Command } from 'commander';
import { existsSync, writeJson } from './files.js';
import { configOption } from './member-common.js';
import { collect, regionOption } from './parse.js';

/** `credence member init`'s options. */
interface InitFlags {
  readonly out: string;
  readonly enrol: string[];
  readonly group: string;
  readonly region: PhoneRegion;
  readonly register: boolean;
  readonly ca?: string;
}

/** `credence member init`: the folder made, then what was done and what comes next. */
async function initAndSay(flags: InitFlags): Promise<void> {
  const { initMember } = await import('@credence/member/init');
  const done = await initMember({
    out: flags.out,
    enrol: flags.enrol,
    group: flags.group,
    phoneRegion: flags.region,
    register: flags.register,
    ...(flags.ca === undefined ? {} : { ca: flags.ca }),
  });
  console.log(done.config);
  process.stderr.write(
    `${[
      `member.json written for key servers ${done.keyServers.join(', ')}${done.platform === undefined ? ' (no platform: tokenizing only)' : ` and the platform at ${done.platform}`}.`,
      done.registered
        ? `Signing key ${done.publicKey} made (${done.signingKey}) and registered with the platform; the log holds it and its receipt verified.`
        : done.platform === undefined
          ? `Signing key ${done.publicKey} made (${done.signingKey}).`
          : `Signing key ${done.publicKey} made (${done.signingKey}); give it to the operator: credence members rotate <id> --public-key ${done.publicKey}`,
      `Next: credence member doctor --config ${done.config}`,
    ].join('\n')}\n`,
  );
}

/** `credence member init`: the member's folder, made from its enrolment files. */
export function registerInit(member: Command): void {
  member
    .command('init')
    .description(
      "Make the member's folder from the enrolment files the operators gave it and the group key: member.json, a signing key, registered with the platform.",
    )
    .requiredOption('--out <dir>', 'the member folder (member.json, signing-key.json, local state)')
    .requiredOption(
      '--enrol <file>',
      "an enrolment file: the platform operator's and each key server operator's (repeatable)",
      collect,
    )
    .requiredOption('--group <file>', "the key's group.json (from credence keys init)")
    .addOption(regionOption())
    .option('--no-register', 'do not register the signing key: print it for the operator')
    .option(
      '--ca <file>',
      "the CA certificates (PEM) that signed the servers' HTTPS certificates, when not public ones: copied to the folder, named in member.json",
    )
    .action(initAndSay);
}

/** `credence member doctor`: every connection the member needs, checked. */
export function registerDoctor(member: Command): void {
  member
    .command('doctor')
    .description(
      'Check every connection the member needs, in plain words: key servers, the platform, the log key, the clock, the signing key, the local folder.',
    )
    .addOption(configOption())
    .action(async (flags: { config: string }) => {
      const { diagnose } = await import('@credence/member/doctor');
      const checks = await diagnose(flags.config);
      for (const c of checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'}  ${c.subject}: ${c.message}`);
      const failed = checks.filter((c) => !c.ok).length;
      console.log(
        failed === 0 ? 'Everything works.' : `${failed} of ${checks.length} checks failed.`,
      );
      if (failed > 0) process.exitCode = 1;
    });
}

/** `credence member keygen`: a signing key made by hand, for the operator to register. */
export function registerKeygen(member: Command): void {
  member
    .command('keygen')
    .description(
      "Make the member's Ed25519 signing key and print the public key to register; with --sealing, its X25519 sealing key instead (reports' narratives and exact losses are sealed to it).",
    )
    .requiredOption('--out <file>', 'private key file (readable by its owner only)')
    .option('--sealing', 'make the sealing key, for "sealingKeyFile" in member.json')
    .option(
      '--force',
      'replace an existing key file (never a sealing key: what it sealed would be lost)',
    )
    .action(async (flags: { out: string; force?: boolean; sealing?: boolean }) => {
      if (flags.sealing === true) {
        const { writeSealingKey } = await import('@credence/member/sealing-key');
        if (existsSync(flags.out))
          throw new Error(
            `${flags.out} exists: a sealing key is never replaced, or what it sealed could no longer be opened`,
          );
        const keys = await writeSealingKey(flags.out);
        console.log(keys.publicKey);
        process.stderr.write(
          'Set "sealingKeyFile" in member.json to seal your reports\' details.\n',
        );
        return;
      }
      if (existsSync(flags.out) && flags.force !== true)
        throw new Error(`${flags.out} exists (--force replaces it)`);
      const { generateEd25519 } = await import('@credence/core/signing/ed25519');
      const key = generateEd25519();
      writeJson(flags.out, key.privateJwk, true);
      console.log(key.publicKey);
      process.stderr.write(
        `Register it with the operator: credence members add <id> --type <type> --public-key ${key.publicKey}\nthen set "signingKeyFile" in member.json.\n`,
      );
    });
}
