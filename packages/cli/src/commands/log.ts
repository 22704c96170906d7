import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { generateEd25519, privateKeyFromJwk } from '@credence/core/signing/ed25519';
import { type AuditReport, auditLog } from '@credence/member/audit';
import type { CheckAnswerJson } from '@credence/member/audit-answers';
import { Witness } from '@credence/member/witness';
import type { Command } from 'commander';
import { writeJson } from './files.js';
import { collectVerifierKeys, integer, verifierKey } from './parse.js';
import { credentialOption, endpoint } from './platform-endpoint.js';
import { progress } from './progress.js';

const n = (x: number) => x.toLocaleString('en-US');

export function printAudit(report: AuditReport): void {
  const kinds = Object.entries(report.kinds)
    .map(([k, v]) => `${n(v)} ${k}`)
    .join(', ');
  console.log(
    `${n(report.entries)} entries (${kinds || 'none'}); ${n(report.checkpoints)} checkpoints; root ${report.root}.`,
  );
  if (report.logKeyFromLog)
    console.log(
      'note: the log key came from the log itself; pin it with --log-key to audit against a key you trust.',
    );
  for (const f of report.findings) console.log(`FAIL ${f.kind}: ${f.message}`);
  if (report.findings.length === 0)
    console.log(
      'The log verifies: every checkpoint signed and on one history, every entry in the tree, the store as logged, every derived table as the log says.',
    );
  if (report.answers !== undefined)
    console.log(
      `${n(report.answers.verified)} of ${n(report.answers.checked)} check answers recomputed from the log and borne out.`,
    );
}

/** Check answers from a file: a JSON array (as `member check --json` prints), an answer, or JSON lines. */
function readAnswers(file: string): CheckAnswerJson[] {
  const text = readFileSync(file, 'utf8').trim();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as unknown);
  }
  const list = (Array.isArray(parsed) ? parsed : [parsed]) as Record<string, unknown>[];
  // A batch answer holds its answers under `results`.
  return list.flatMap((a) => (Array.isArray(a.results) ? a.results : [a])) as CheckAnswerJson[];
}

/** `credence audit`'s options. */
interface AuditFlags {
  readonly answers?: string;
  readonly log?: string;
  readonly credential?: string;
  readonly config?: string;
  readonly logKey?: string;
  readonly state?: string;
  readonly witness?: string[];
  readonly requiredWitnesses?: number;
  readonly json?: boolean;
}

/** `credence audit`: the whole log checked, its report printed, exit code 1 on a finding. */
async function runAudit(flags: AuditFlags): Promise<void> {
  const started = performance.now();
  const shown = progress('auditing', 'entries');
  const witnesses = flags.witness ?? [];
  const report = await auditLog({
    platform: endpoint(flags),
    ...(flags.logKey === undefined ? {} : { logKey: flags.logKey }),
    ...(flags.state !== undefined && existsSync(flags.state)
      ? { previous: readFileSync(flags.state, 'utf8') }
      : {}),
    ...(witnesses.length === 0
      ? {}
      : { witnesses, requiredWitnesses: flags.requiredWitnesses ?? witnesses.length }),
    ...(flags.answers === undefined ? {} : { answers: readAnswers(flags.answers) }),
    onProgress: (entries) => shown.update(entries, undefined),
  });
  shown.done();
  // Only a clean audit moves the mark: a finding leaves the last good checkpoint.
  if (flags.state !== undefined && report.findings.length === 0 && report.newest !== undefined)
    writeFileSync(flags.state, report.newest);
  if (flags.json === true) console.log(JSON.stringify(report, null, 2));
  else {
    printAudit(report);
    console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  if (report.findings.length > 0) process.exitCode = 1;
}

/** `credence witness`'s options. */
interface WitnessFlags {
  readonly log?: string;
  readonly credential?: string;
  readonly config?: string;
  readonly logKey: string;
  readonly name: string;
  readonly key: string;
  readonly state?: string;
  readonly interval: number;
  readonly once?: boolean;
}

/** `credence witness`: cosigns once, or on every interval until the log forks. */
async function runWitness(flags: WitnessFlags): Promise<void> {
  if (!existsSync(flags.key)) writeJson(flags.key, generateEd25519(), true);
  const key = JSON.parse(readFileSync(flags.key, 'utf8')) as {
    publicKey: string;
    privateJwk: unknown;
  };
  const witness = new Witness({
    log: endpoint(flags),
    logKey: flags.logKey,
    signer: {
      name: flags.name,
      publicKey: key.publicKey,
      privateKey: privateKeyFromJwk(key.privateJwk),
    },
    stateFile: flags.state ?? `${flags.key}.state.json`,
  });
  console.log(`witness ${witness.vkey}`);
  const step = async () => {
    const s = await witness.step();
    console.log(
      s.cosigned
        ? `cosigned the checkpoint of size ${n(s.size)}`
        : `size ${n(s.size)}: nothing new`,
    );
  };
  if (flags.once === true) return step();
  for (;;) {
    try {
      await step();
    } catch (error) {
      console.error(`witness: ${(error as Error).message}`);
      // A fork is not transient: stop, so that someone looks.
      if ((error as { code?: string }).code === 'member.log_fork') {
        process.exitCode = 1;
        return;
      }
    }
    await new Promise((r) => setTimeout(r, flags.interval * 1000));
  }
}

export function registerLog(program: Command): void {
  program
    .command('audit')
    .description(
      "Audit the platform's log: every entry, every checkpoint, and the store against the log.",
    )
    .option('--log <url>', 'the platform URL')
    .addOption(credentialOption())
    .option('--config <file>', 'a JSON file with url and credential (such as operator.json)')
    .option(
      '--log-key <vkey>',
      "the log's verifier key you trust (default: ask the log)",
      verifierKey,
    )
    .option(
      '--state <file>',
      'the newest checkpoint this audit verified is kept here, and the next audit holds the log to it',
    )
    .option(
      '--witness <vkey>',
      'a witness whose cosignature the newest checkpoint must carry',
      collectVerifierKeys,
    )
    .option('--required-witnesses <k>', 'how many of the witnesses (default: all)', integer)
    .option(
      '--answers <file>',
      'check answers to recompute from the log (JSON, as `member check --json` or the API gives them)',
    )
    .option('--json', 'print the report as JSON')
    .action(runAudit);

  program
    .command('witness')
    .description(
      "Witness the platform's log: cosign each new checkpoint that extends the last one cosigned.",
    )
    .option('--log <url>', 'the platform URL')
    .addOption(credentialOption())
    .option('--config <file>', 'a JSON file with url and credential (such as operator.json)')
    .requiredOption('--log-key <vkey>', "the log's verifier key", verifierKey)
    .requiredOption('--name <name>', 'the witness name, such as witness.example.org/w1')
    .requiredOption('--key <file>', "the witness's Ed25519 key (JWK; made if missing)")
    .option('--state <file>', 'what it last cosigned (default: <key>.state.json)')
    .option('--interval <seconds>', 'seconds between checks', integer, 10)
    .option('--once', 'check and cosign once, then exit')
    .action(runWitness);
}
