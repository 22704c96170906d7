import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeBase64url } from '@credence/core/encoding/base64url';
import { utf8 } from '@credence/core/encoding/bytes';
import {
  type EvidencePackage,
  verifyEvidencePackage,
} from '@credence/core/evidence/evidence-package';
import { hashLeaf } from '@credence/core/merkle/hash';
import { rootFromInclusionProof } from '@credence/core/merkle/verify';
import { generateSealingKeys } from '@credence/core/sealing/hpke';
import { DetailSealer, detailBinding } from '@credence/core/sealing/sealed-detail';
import { generateEd25519 } from '@credence/core/signing/ed25519';
import type { TokenizedReport } from '@credence/core/wire/tokenized-records';
import { type DisclosureView, Resealer } from '@credence/member/disclosures';
import { createPlatform } from '@credence/platform/server';
import { median } from './machine.js';
import { randomToken, signedBatchBody, syntheticReport } from './platform-fixtures.js';

/**
 * `verify-package` of a case of N reports (issue 15: 10,000 items in < 10 s): an
 * in-process platform on SQLite; a bank sends N reports naming one account, each with a
 * sealed detail; a police case attaches the account, asks for every report, the bank's
 * resealer grants them all (a thousand per POST /v1/disclosures/decisions, timed as
 * grants per second), and the case is exported. Then the package is verified, in
 * this process (median of 3) and by `credence verify-package` as a person runs it (once);
 * the baseline is RFC 9162 alone: every entry's leaf hash and inclusion proof, with no
 * checkpoint, record, case or grant checked. Prints its figures as JSON on its last line.
 */

const n = Number(process.argv[2] ?? 10_000);
const cli = process.argv[3];
const dir = mkdtempSync(join(tmpdir(), 'credence-evidence-'));
const platform = await createPlatform({
  db: join(dir, 'platform.sqlite'),
  keyFile: join(dir, 'platform-key.json'),
  webhooks: false,
});
try {
  const bankKey = generateEd25519();
  const bank = await platform.members.add({
    id: 'bank-a',
    type: 'bank',
    publicKey: bankKey.publicKey,
  });
  const police = await platform.members.add({ id: 'police-1', type: 'police' });
  const call = async <T>(credential: string, method: string, url: string, body?: unknown) => {
    const res = await platform.app.inject({
      method: method as 'GET',
      url,
      headers: {
        authorization: `Bearer ${credential}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined
        ? {}
        : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    if (res.statusCode >= 300)
      throw new Error(`${method} ${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    return JSON.parse(res.body) as T;
  };

  // The bank's reports, each sealed to its key, all naming one account.
  const sealing = await generateSealingKeys();
  const sealer = await DetailSealer.create(sealing.publicKey);
  const account = randomToken();
  for (let at = 0; at < n; at += 1000) {
    const batch: TokenizedReport[] = [];
    for (let i = at; i < Math.min(n, at + 1000); i++) {
      const r = syntheticReport(`ev-${i}`, randomToken(), account, i);
      const bound = { ...r, occurredAt: Date.parse(r.occurredAt) };
      batch.push({
        ...r,
        sealed: await sealer.seal(detailBinding(bound), { narrative: `案情 ${i}`, lossCny: i }),
      });
    }
    await call(bank.credential, 'POST', '/v1/reports', signedBatchBody('bank-a', bankKey, batch));
  }

  // The case: opened, the account attached, every report asked for and granted.
  const investigator = await generateSealingKeys();
  const opened = await call<{ id: string }>(police.credential, 'POST', '/v1/cases', {
    basis: {
      type: 'court_order',
      caseNumber: 'BENCH-1',
      statute: 'Criminal Law art. 266',
      approvedBy: 'Judge Bench',
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    },
    recipient: investigator.publicKey,
  });
  await call(police.credential, 'POST', `/v1/cases/${opened.id}/items`, {
    items: [{ kind: 'token', id: account }],
  });
  await call(police.credential, 'POST', '/v1/disclosures', { case: opened.id });
  // What the bank's agent does with them: re-seal each data key, send a thousand
  // decisions per POST /v1/disclosures/decisions (pages read as it goes).
  const resealer = await Resealer.create(sealing);
  const grantStarted = performance.now();
  let granted = 0;
  for (;;) {
    const page = await call<{ disclosures: DisclosureView[] }>(
      bank.credential,
      'GET',
      '/v1/disclosures?status=requested&limit=1000',
    );
    if (page.disclosures.length === 0) break;
    const decisions = [];
    for (const d of page.disclosures) decisions.push({ id: d.id, ...(await resealer.grant(d)) });
    const answer = await call<{ results: { status: string }[] }>(
      bank.credential,
      'POST',
      '/v1/disclosures/decisions',
      { decisions },
    );
    granted += answer.results.filter((r) => r.status === 'granted').length;
  }
  const grantSeconds = (performance.now() - grantStarted) / 1000;
  if (granted !== n) throw new Error(`${granted} of ${n} requests granted`);
  const exportStarted = performance.now();
  const pkg = await call<EvidencePackage>(
    police.credential,
    'GET',
    `/v1/cases/${opened.id}/evidence`,
  );
  const exportSeconds = (performance.now() - exportStarted) / 1000;
  const file = join(dir, 'evidence.json');
  writeFileSync(file, JSON.stringify(pkg));
  const logKey = (await call<{ vkey: string }>(police.credential, 'GET', '/v1/log/key')).vkey;

  const verify: number[] = [];
  const baseline: number[] = [];
  for (let round = 0; round < 3; round++) {
    let started = performance.now();
    for (const e of pkg.entries)
      rootFromInclusionProof(
        e.index,
        Number(pkg.log.checkpoint.split('\n')[1]),
        hashLeaf(utf8(e.entry)),
        e.proof.map((h) => decodeBase64url(h) ?? new Uint8Array()),
      );
    baseline.push((performance.now() - started) / 1000);
    started = performance.now();
    const report = await verifyEvidencePackage(pkg, { logKey });
    verify.push((performance.now() - started) / 1000);
    if (report.findings.length > 0)
      throw new Error(`the package does not verify: ${JSON.stringify(report.findings[0])}`);
  }
  let cliSeconds: number | undefined;
  if (cli !== undefined) {
    const started = performance.now();
    execFileSync(process.execPath, [cli, 'verify-package', file, '--log-key', logKey], {
      encoding: 'utf8',
    });
    cliSeconds = (performance.now() - started) / 1000;
  }
  console.log(
    JSON.stringify({
      reports: n,
      entries: pkg.entries.length,
      details: pkg.details.length,
      packageBytes: JSON.stringify(pkg).length,
      exportSeconds,
      grantsPerSecond: granted / grantSeconds,
      verifySeconds: median(verify),
      baselineSeconds: median(baseline),
      cliSeconds,
    }),
  );
} finally {
  await platform.close();
  rmSync(dir, { recursive: true, force: true });
}
