import { CASE_ITEM_KINDS, LEGAL_BASIS_TYPES, type LegalBasisType } from '@credence/core/wire/cases';
import type { CaseDetailView, CaseView, ItemRequest } from '@credence/member/cases';
import { MemberError } from '@credence/member/member-error';
import { type Command, Option } from 'commander';
import { configOption, n, withSession } from './member-common.js';
import { requireSealingKeys } from './member-disclosures.js';

/**
 * `credence case`: the police side of a case (docs/cases.md), run by a police member
 * with its member.json, whose sealingKeyFile is the investigator's key: grants are sealed
 * to its public half and opened here with its private half.
 */

const collect = (value: string, previous: string[] = []) => [...previous, value];

const describeCase = (c: CaseView & { attached?: CaseDetailView['attached'] }) =>
  [
    `case ${c.id} (${c.status}) of ${c.police}`,
    `  basis: ${c.basis.type} ${c.basis.caseNumber} under ${c.basis.statute}, approved by ${c.basis.approvedBy}, until ${c.expiresAt}`,
    `  ${n(c.items)} item${c.items === 1 ? '' : 's'} attached, ${n(c.reports)} report${c.reports === 1 ? '' : 's'} in it`,
    ...(c.attached ?? []).map((i) => `  - ${i.kind} ${i.id}: ${n(i.reports)} report(s)`),
  ].join('\n');

/** A report named as member/id. */
function reportKey(text: string): { member: string; report: string } {
  const m = /^([a-z0-9][a-z0-9-]{0,62})\/(r_[0-9a-f]{24})$/.exec(text);
  if (m === null)
    throw new MemberError(
      'member.config',
      `--report ${JSON.stringify(text)} is not member/report-id`,
      {
        field: '--report',
      },
    );
  return { member: m[1] as string, report: m[2] as string };
}

export function registerCase(program: Command): void {
  registerVerifyPackage(program);
  const group = program
    .command('case')
    .description(
      'Police cases: open one with a legal basis, attach rings and reports, ask for sealed details, read what was granted.',
    )
    .addHelpText(
      'after',
      "\nA police member runs these with its member.json, whose sealingKeyFile is the investigator's key: grants are sealed to its public half and opened here. Every step is in the log (docs/cases.md).",
    );
  group
    .command('open')
    .description("Open a case; grants will be sealed to your sealingKeyFile's public key.")
    .addOption(
      new Option('--basis <type>', 'the legal basis')
        .choices(LEGAL_BASIS_TYPES)
        .makeOptionMandatory(),
    )
    .requiredOption('--case-number <text>', 'the case number of the police or the court')
    .requiredOption('--statute <text>', 'the statute the investigation is under')
    .requiredOption('--approved-by <text>', 'who approved the request for data')
    .requiredOption('--expires <date>', 'when the basis lapses (RFC 3339, or a date)')
    .option('--json', 'print the case as JSON')
    .addOption(configOption())
    .action(
      async (flags: {
        basis: LegalBasisType;
        caseNumber: string;
        statute: string;
        approvedBy: string;
        expires: string;
        json?: boolean;
        config: string;
      }) => {
        const { openCase } = await import('@credence/member/cases');
        const expires = /^\d{4}-\d{2}-\d{2}$/.test(flags.expires)
          ? `${flags.expires}T23:59:59Z`
          : flags.expires;
        const c = await withSession(flags.config, { cache: false, threads: 0 }, async (session) =>
          openCase(
            session.platform,
            {
              type: flags.basis,
              caseNumber: flags.caseNumber,
              statute: flags.statute,
              approvedBy: flags.approvedBy,
              expiresAt: expires,
            },
            (await requireSealingKeys(session)).publicKey,
          ),
        );
        console.log(flags.json === true ? JSON.stringify(c) : describeCase(c));
      },
    );
  group
    .command('list')
    .description('Your cases.')
    .option('--json', 'one JSON object per line')
    .addOption(configOption())
    .action(async (flags: { json?: boolean; config: string }) => {
      const { listCases } = await import('@credence/member/cases');
      const cases = await withSession(flags.config, { cache: false, threads: 0 }, (s) =>
        listCases(s.platform),
      );
      for (const c of cases) console.log(flags.json === true ? JSON.stringify(c) : describeCase(c));
      if (cases.length === 0 && flags.json !== true) console.log('No cases.');
    });
  group
    .command('show')
    .description('A case and what is attached to it.')
    .argument('<case>', 'the case id')
    .option('--json', 'print the case as JSON')
    .addOption(configOption())
    .action(async (id: string, flags: { json?: boolean; config: string }) => {
      const { getCase } = await import('@credence/member/cases');
      const c = await withSession(flags.config, { cache: false, threads: 0 }, (s) =>
        getCase(s.platform, id),
      );
      console.log(flags.json === true ? JSON.stringify(c) : describeCase(c));
    });
  registerAttach(group);
  registerRequest(group);
  registerDetails(group);
  registerExport(group);
  group
    .command('close')
    .description('Close a case: nothing more is attached, asked or fetched in it.')
    .argument('<case>', 'the case id')
    .addOption(configOption())
    .action(async (id: string, flags: { config: string }) => {
      const { closeCase } = await import('@credence/member/cases');
      const c = await withSession(flags.config, { cache: false, threads: 0 }, (s) =>
        closeCase(s.platform, id),
      );
      console.log(describeCase(c));
    });
}

function registerAttach(group: Command): void {
  group
    .command('attach')
    .description(
      'Attach rings and campaigns of the latest analysis, reports (member/id) and tokens; each brings in the reports that stand behind it.',
    )
    .argument('<case>', 'the case id')
    .option('--ring <id>', 'a ring (repeatable)', collect)
    .option('--campaign <id>', 'a campaign (repeatable)', collect)
    .option('--token <token>', 'a token (repeatable)', collect)
    .option('--report <member/id>', 'a report (repeatable)', collect)
    .addOption(configOption())
    .action(
      async (
        id: string,
        flags: {
          ring?: string[];
          campaign?: string[];
          token?: string[];
          report?: string[];
          config: string;
        },
      ) => {
        const items: ItemRequest[] = [
          ...(flags.ring ?? []).map((r) => ({ kind: 'ring' as const, id: r })),
          ...(flags.campaign ?? []).map((c) => ({ kind: 'campaign' as const, id: c })),
          ...(flags.token ?? []).map((t) => ({ kind: 'token' as const, id: t })),
          ...(flags.report ?? []).map((r) => {
            const key = reportKey(r);
            return { kind: 'report' as const, id: key.report, member: key.member };
          }),
        ];
        if (items.length === 0)
          throw new MemberError(
            'member.config',
            `name what to attach: ${CASE_ITEM_KINDS.map((k) => `--${k}`).join(', ')}`,
          );
        const { attachItems } = await import('@credence/member/cases');
        const done = await withSession(flags.config, { cache: false, threads: 0 }, (s) =>
          attachItems(s.platform, id, items),
        );
        console.log(
          `${n(done.attached)} item(s) attached to ${id}, ${n(done.reports)} report(s) newly in it.`,
        );
      },
    );
}

function registerRequest(group: Command): void {
  group
    .command('request')
    .description(
      "Ask the owners to disclose the sealed details of reports in the case (every report in it, unless --report names some); each owner's agent or a person decides.",
    )
    .argument('<case>', 'the case id')
    .option('--report <member/id>', 'a report of the case (repeatable)', collect)
    .addOption(configOption())
    .action(async (id: string, flags: { report?: string[]; config: string }) => {
      const { requestDisclosures } = await import('@credence/member/cases');
      const reports = flags.report?.map(reportKey);
      const done = await withSession(flags.config, { cache: false, threads: 0 }, (s) =>
        requestDisclosures(s.platform, id, reports),
      );
      const owners = new Set(done.disclosures.map((d) => d.owner));
      console.log(
        `${n(done.created)} request(s) made, ${n(done.disclosures.length - done.created)} asked before; ${n(owners.size)} owner(s) asked.`,
      );
    });
}

function registerDetails(group: Command): void {
  group
    .command('details')
    .description(
      "What the owners decided, and each granted detail opened with the investigator's key (sealingKeyFile): the narrative and the exact loss. Each fetch is in the log.",
    )
    .argument('<case>', 'the case id')
    .option('--json', 'one JSON object per line')
    .option(
      '--files <folder>',
      "fetch the granted reports' evidence files too, open them and write them here (<folder>/<request>/<n>-<name>)",
    )
    .addOption(configOption())
    .action(async (id: string, flags: { json?: boolean; files?: string; config: string }) => {
      const { caseDetails } = await import('@credence/member/cases');
      const opened = await withSession(flags.config, { cache: false, threads: 0 }, async (s) =>
        caseDetails(
          s.platform,
          await requireSealingKeys(s),
          id,
          flags.files === undefined ? {} : { files: flags.files },
        ),
      );
      for (const { disclosure: d, detail, files } of opened) {
        if (flags.json === true) {
          console.log(
            JSON.stringify({
              disclosure: d.id,
              owner: d.owner,
              report: d.report,
              status: d.status,
              ...(d.reason === undefined ? {} : { reason: d.reason }),
              ...(d.record === undefined
                ? {}
                : {
                    type: d.record.type,
                    category: d.record.category,
                    occurredAt: d.record.occurredAt,
                  }),
              ...(detail === undefined ? {} : { detail }),
              ...(files === undefined ? {} : { files }),
            }),
          );
          continue;
        }
        console.log(
          `${d.id}  ${d.status} by ${d.owner} · report ${d.report}${d.reason === undefined ? '' : ` · ${d.reason}`}`,
        );
        if (detail?.lossCny !== undefined) console.log(`    loss: ${detail.lossCny} yuan`);
        if (detail?.narrative !== undefined) console.log(`    narrative: ${detail.narrative}`);
        for (const [i, f] of (detail?.files ?? []).entries())
          console.log(
            `    evidence: ${f.name} (${f.mediaType}, ${f.size} bytes)${files?.[i] === undefined ? '' : ` → ${files[i]}`}`,
          );
      }
      if (opened.length === 0 && flags.json !== true)
        console.log('No disclosures asked in this case.');
    });
}

function registerExport(group: Command): void {
  group
    .command('export')
    .description(
      "Write the case's evidence package (docs/evidence-package.md): every entry of the case with its inclusion proof and record, the checkpoint with its witnesses' cosignatures, and the grants — sealed to the investigator's key, or opened in clear with --clear where the law allows. The export is a logged step. credence verify-package checks it offline.",
    )
    .argument('<case>', 'the case id')
    .requiredOption('--out <folder>', 'the package folder to write (must not exist)')
    .option(
      '--clear',
      "open the granted details with the investigator's key and write them in clear",
    )
    .option(
      '--cosignatures <n>',
      'use the newest checkpoint with at least n witness cosignatures',
      '0',
    )
    .addOption(configOption())
    .action(
      async (
        id: string,
        flags: { out: string; clear?: boolean; cosignatures: string; config: string },
      ) => {
        const { mkdirSync, writeFileSync } = await import('node:fs');
        const { join } = await import('node:path');
        const { exportCase } = await import('@credence/member/cases');
        const cosignatures = Number(flags.cosignatures);
        if (!Number.isSafeInteger(cosignatures) || cosignatures < 0 || cosignatures > 99)
          throw new MemberError(
            'member.config',
            '--cosignatures must be a whole number from 0 to 99',
            {
              field: '--cosignatures',
            },
          );
        try {
          mkdirSync(flags.out, { recursive: false });
        } catch (error) {
          throw new MemberError(
            'member.output',
            `cannot make the folder ${flags.out}: ${(error as Error).message}`,
          );
        }
        const pkg = await withSession(flags.config, { cache: false, threads: 0 }, async (s) =>
          exportCase(s.platform, await requireSealingKeys(s), id, {
            clear: flags.clear === true,
            cosignatures,
          }),
        );
        writeFileSync(join(flags.out, 'evidence.json'), `${JSON.stringify(pkg, null, 1)}\n`, {
          flag: 'wx',
        });
        writeFileSync(
          join(flags.out, 'README.txt'),
          [
            `Evidence package of case ${pkg.case.id}, exported ${pkg.exportedAt} by ${pkg.case.police}.`,
            `Format: ${pkg.format} (docs/evidence-package.md in Credence's repository).`,
            '',
            'Verify it offline, with the log key the operator publishes (never with a key taken from this package):',
            '',
            '  credence verify-package <this folder> --log-key "<the log\'s verifier key>"',
            '',
            `${pkg.entries.length} log entries, ${pkg.details.length} granted detail(s)${flags.clear === true ? ' in clear' : ", sealed to the case's recipient key (verify-package --key opens them)"}; evidence files travel sealed under each detail's data key.`,
            '',
          ].join('\n'),
          { flag: 'wx' },
        );
        const files = pkg.details.reduce((sum, d) => sum + (d.files?.length ?? 0), 0);
        console.log(
          `${flags.out}: case ${pkg.case.id}, ${n(pkg.entries.length)} entries, ${n(pkg.details.length)} granted detail(s)${flags.clear === true ? ' in clear' : ''}${files > 0 ? `, ${n(files)} sealed evidence file(s)` : ''}, checkpoint with ${n(pkg.log.witnesses.length)} cosignature(s).`,
        );
      },
    );
}

/** `credence verify-package`: an evidence package checked offline. */
function registerVerifyPackage(program: Command): void {
  program
    .command('verify-package')
    .description(
      "Verify a case's evidence package offline, with nothing but the package and the log's key.",
    )
    .addHelpText(
      'after',
      "\nChecks the checkpoint against the log's key and the cosignatures it claims, every entry's inclusion proof, every record against its entry's digest, the case against its opening, every detail against its report's sealed detail and its logged grant (docs/evidence-package.md). Names each part that fails; exit 0 when all verify, 1 otherwise.",
    )
    .argument('<package>', 'the package folder (or its evidence.json)')
    .requiredOption('--log-key <vkey>', "the log's verifier key, as its operator publishes it")
    .option(
      '--witness <vkey>',
      'a witness whose cosignature must be on the checkpoint (repeatable)',
      collect,
    )
    .option('--key <file>', "the recipient's sealing key file: open the grants too")
    .option('--json', 'print the report as JSON')
    .action(
      async (
        path: string,
        flags: { logKey: string; witness?: string[]; key?: string; json?: boolean },
      ) => {
        const { readFileSync, statSync } = await import('node:fs');
        const { join } = await import('node:path');
        const { verifyEvidencePackage } = await import('@credence/core/evidence/evidence-package');
        const file =
          statSync(path, { throwIfNoEntry: false })?.isDirectory() === true
            ? join(path, 'evidence.json')
            : path;
        let pkg: unknown;
        try {
          pkg = JSON.parse(readFileSync(file, 'utf8'));
        } catch (error) {
          throw new MemberError(
            'member.input',
            `${file} cannot be read as JSON: ${(error as Error).message}`,
          );
        }
        const { readSealingKey } = await import('@credence/member/sealing-key');
        const recipient = flags.key === undefined ? undefined : await readSealingKey(flags.key);
        const report = await verifyEvidencePackage(pkg, {
          logKey: flags.logKey,
          ...(flags.witness === undefined ? {} : { witnesses: flags.witness }),
          ...(recipient === undefined ? {} : { recipientKey: recipient.privateKey }),
        });
        if (flags.json === true) console.log(JSON.stringify(report));
        else {
          for (const f of report.findings) console.log(`FAIL ${f.part}: ${f.message}`);
          console.log(
            report.findings.length === 0
              ? `verified: ${n(report.entries)} entries in the log of size ${n(report.size ?? 0)}, cosigned by ${report.cosignatures.length === 0 ? 'no witness' : report.cosignatures.join(', ')}; ${n(report.details)} granted detail(s), ${n(report.opened)} opened and matched`
              : `${n(report.findings.length)} part(s) do not verify`,
          );
        }
        if (report.findings.length > 0) process.exitCode = 1;
      },
    );
}
