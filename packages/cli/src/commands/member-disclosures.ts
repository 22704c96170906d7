import type { SealingKeys } from '@credence/core/sealing/hpke';
import type { DisclosureView } from '@credence/member/disclosures';
import { MemberError } from '@credence/member/member-error';
import type { MemberSession } from '@credence/member/member-session';
import type { Command } from 'commander';
import { configOption, withSession } from './member-common.js';

/** The member's sealing keys, or a refusal naming sealingKeyFile. */
export async function requireSealingKeys(session: MemberSession): Promise<SealingKeys> {
  const keys = await session.sealingKeys();
  if (keys === undefined)
    throw new MemberError(
      'member.config',
      'sealingKeyFile must name your sealing key file (credence member init makes it)',
      { field: 'sealingKeyFile' },
    );
  return keys;
}

const describe = (d: DisclosureView) =>
  `${d.id}  ${d.status.padEnd(9)} report ${d.record?.ref ?? d.report} · case ${d.case} of ${d.police} · ${d.basis.type} ${d.basis.caseNumber} (${d.basis.statute}; approved by ${d.basis.approvedBy}; until ${d.basis.expiresAt.slice(0, 10)})${d.reason === undefined ? '' : ` · ${d.reason}`}`;

/** `credence member disclosures list|approve|deny`: for the person who decides. */
export function registerDisclosures(member: Command): void {
  const group = member
    .command('disclosures')
    .description(
      "Disclosure requests for your reports from police cases: list them, approve (re-seal the report's data key to the case's investigator, here, with your sealing key) or deny them. Every decision is in the log.",
    );
  group
    .command('list')
    .description('List the requests for your reports (default: those waiting for a decision).')
    .option('--all', 'every request, decided or not')
    .option('--json', 'one JSON object per line')
    .addOption(configOption())
    .action(async (flags: { all?: boolean; json?: boolean; config: string }) => {
      const { listDisclosures } = await import('@credence/member/disclosures');
      const list = await withSession(flags.config, { cache: false, threads: 0 }, (session) =>
        listDisclosures(session.platform, flags.all === true ? {} : { status: 'requested' }),
      );
      for (const d of list) {
        if (flags.json === true) {
          const { record: _record, ...rest } = d;
          console.log(JSON.stringify({ ...rest, ref: d.record?.ref ?? null }));
        } else console.log(describe(d));
      }
      if (flags.json !== true && list.length === 0)
        console.log(flags.all === true ? 'No requests.' : 'No request waits for a decision.');
    });
  group
    .command('approve')
    .description("Grant requests: each report's data key re-sealed to its case's investigator.")
    .argument('<id...>', 'request ids (credence member disclosures list)')
    .addOption(configOption())
    .action(async (ids: string[], flags: { config: string }) => {
      const { decideDisclosures, getDisclosure, Resealer } = await import(
        '@credence/member/disclosures'
      );
      await withSession(flags.config, { cache: false, threads: 0 }, async (session) => {
        const resealer = await Resealer.create(await requireSealingKeys(session));
        const asked = [];
        for (const id of ids) asked.push(await getDisclosure(session.platform, id));
        const decisions = [];
        for (const d of asked) decisions.push({ id: d.id, ...(await resealer.grant(d)) });
        const results = await decideDisclosures(session.platform, decisions);
        for (const [i, d] of asked.entries())
          said(results[i], `granted · report ${d.record?.ref ?? d.report} · case ${d.case}`);
      });
    });
  group
    .command('deny')
    .description('Deny requests, saying why (the police member reads the reason).')
    .argument('<id...>', 'request ids')
    .requiredOption('--reason <text>', 'why')
    .addOption(configOption())
    .action(async (ids: string[], flags: { reason: string; config: string }) => {
      const { decideDisclosures } = await import('@credence/member/disclosures');
      await withSession(flags.config, { cache: false, threads: 0 }, async (session) => {
        const results = await decideDisclosures(
          session.platform,
          ids.map((id) => ({ id, reason: flags.reason })),
        );
        for (const r of results) said(r, 'denied');
      });
    });
}

/** One decision's line: what it did, or (exit status 1) why the platform refused it. */
function said(result: { id: string; status: string; code?: string } | undefined, done: string) {
  if (result === undefined) return;
  if (result.status === 'refused') {
    console.error(`${result.id}  refused: ${REFUSALS[result.code ?? ''] ?? result.code}`);
    process.exitCode = 1;
  } else console.log(`${result.id}  ${done}`);
}

const REFUSALS: Record<string, string> = {
  'disclosure.not_found': 'no request for a report of yours has this id',
  'disclosure.decided': 'the request was granted or denied before',
  'disclosure.recipient': "the grant is not sealed to the case's recipient key",
};
