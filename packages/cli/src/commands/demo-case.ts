/**
 * The demo's police case (issue 15, docs/cases.md): the police member opens a case with
 * a court order on the strongest ring, asks for the sealed details of its reports; the
 * owner with the most of them has an agent whose policy grants them, the others' wait for
 * a person; the investigator reads what was granted with its own key, and the case is
 * exported as an evidence package and verified offline.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyEvidencePackage } from '@credence/core/evidence/evidence-package';
import { caseDetails, exportCase, openCase } from '@credence/member/cases';
import { runDisclosureAgent } from '@credence/member/disclosure-agent';
import { type DisclosurePolicy, listDisclosures } from '@credence/member/disclosures';
import type { PlatformEndpoint } from '@credence/member/platform-client';
import { platformRequest } from '@credence/member/platform-client';
import { readSealingKey } from '@credence/member/sealing-key';
import { memberConfigFile, type WorldMember } from './demo-setup.js';
import type { Say } from './demo-tour.js';
import { readJson, writeJson } from './files.js';

const n = (x: number) => x.toLocaleString('en-US');
const cli = 'npx credence';

interface DemoMember {
  readonly id: string;
  readonly config: string;
  readonly platform: PlatformEndpoint;
}

function demoMember(data: string, id: string): DemoMember {
  const config = memberConfigFile(data, id);
  const { platform } = readJson(config) as { platform: { url: string; credential: string } };
  return { id, config, platform: { url: platform.url, credential: platform.credential } };
}

/** The owner's agent, run until it has handled the requests waiting for it now. */
async function agentHandles(owner: DemoMember, police: string, keysFile: string): Promise<number> {
  const policy: DisclosurePolicy = {
    rules: [{ police: [police], basis: ['court_order'], decision: 'approve' }],
  };
  const json = readJson(owner.config) as Record<string, unknown>;
  writeJson(owner.config, { ...json, disclosurePolicy: policy }, true);
  const waiting = (await listDisclosures(owner.platform, { status: 'requested' })).length;
  const stop = new AbortController();
  let granted = 0;
  let handled = 0;
  await runDisclosureAgent({
    platform: owner.platform,
    keys: await readSealingKey(keysFile),
    policy,
    onHandled: (_d, result) => {
      if (result.outcome === 'granted') granted++;
      if (++handled >= waiting) stop.abort();
    },
    stream: { signal: stop.signal },
  });
  return granted;
}

export async function policeCaseAndSay(
  data: string,
  members: readonly WorldMember[],
  say: Say,
): Promise<void> {
  const policeMember = members.find((m) => m.type === 'police');
  if (policeMember === undefined) return;
  const police = demoMember(data, policeMember.id);
  const keysFile = join(data, 'members', police.id, 'sealing-key.json');
  const investigator = await readSealingKey(keysFile);
  const { rings } = await platformRequest<{ rings: { id: string; size: number }[] }>(
    police.platform,
    'GET',
    '/v1/rings?limit=1',
  );
  const ring = rings[0];
  if (ring === undefined) return;
  const c = await openCase(
    police.platform,
    {
      type: 'court_order',
      caseNumber: `DEMO-${new Date().toISOString().slice(0, 10)}`,
      statute: 'Criminal Law art. 266 (fraud)',
      approvedBy: 'Judge of the demo court',
      expiresAt: new Date(Date.now() + 90 * 86_400_000).toISOString(),
    },
    investigator.publicKey,
  );
  const attached = await platformRequest<{ reports: number }>(
    police.platform,
    'POST',
    `/v1/cases/${c.id}/items`,
    { items: [{ kind: 'ring', id: ring.id }] },
  );
  const asked = await platformRequest<{ disclosures: { owner: string }[] }>(
    police.platform,
    'POST',
    '/v1/disclosures',
    { case: c.id },
  );
  const byOwner = new Map<string, number>();
  for (const d of asked.disclosures) byOwner.set(d.owner, (byOwner.get(d.owner) ?? 0) + 1);
  const owners = [...byOwner].sort((a, b) => b[1] - a[1]);
  say(
    `\nA police case: ${police.id} opens ${c.id} with a court order on ${ring.id}, which brings in ${n(attached.reports)} reports of ${owners.length} members, and asks their owners for the sealed details.`,
  );
  const first = owners[0];
  if (first === undefined) return;
  const owner = demoMember(data, first[0]);
  const granted = await agentHandles(
    owner,
    police.id,
    join(data, 'members', owner.id, 'sealing-key.json'),
  );
  say(
    `  ${owner.id}'s agent grants its ${n(granted)} by its policy (disclosurePolicy in its member.json), re-sealing each data key to the investigator's key in its own network.`,
  );
  for (const [other, count] of owners.slice(1, 3))
    say(
      `  ${other}: ${n(count)} wait for a person: ${cli} member disclosures list --config ${memberConfigFile(data, other)}`,
    );
  const opened = await caseDetails(police.platform, investigator, c.id);
  const read = opened.filter((o) => o.detail !== undefined);
  const example = read.find((o) => o.detail?.narrative !== undefined)?.detail?.narrative;
  say(
    `  The investigator opens ${n(read.length)} granted details with its own key (the platform cannot)${example === undefined ? '.' : `; one reads: "${example.slice(0, 70)}…"`}`,
  );
  const folder = join(data, 'cases', c.id);
  mkdirSync(folder, { recursive: true });
  const pkg = await exportCase(police.platform, investigator, c.id);
  writeFileSync(join(folder, 'evidence.json'), `${JSON.stringify(pkg, null, 1)}\n`);
  const { vkey } = await platformRequest<{ vkey: string }>(police.platform, 'GET', '/v1/log/key');
  const verified = await verifyEvidencePackage(pkg, { logKey: vkey });
  say(
    `  Its evidence package (${n(pkg.entries.length)} log entries with inclusion proofs, ${n(pkg.details.length)} grants) is in ${folder}: ${verified.findings.length === 0 ? 'verified offline with the log key alone' : `${n(verified.findings.length)} part(s) do not verify`}.`,
  );
  say(`  ${cli} case details ${c.id} --config ${police.config}`);
  say(`  ${cli} verify-package ${folder} --log-key '${vkey}'`);
}
