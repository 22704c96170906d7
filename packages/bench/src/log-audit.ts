import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditLog } from '@credence/member/audit';
import { platformRequest } from '@credence/member/platform-client';
import type { IngestReport } from '@credence/platform/domain/types';
import { openStore } from '@credence/platform/server';
import { CredentialCache } from '@credence/platform/services/credentials';
import { MemberService } from '@credence/platform/services/members';
import { randomToken, servePlatform } from './platform-fixtures.js';

/**
 * Child of `npm run bench`: a platform whose log holds `reports` report entries (stored
 * through the store's own ingest, 5,000 per batch, so every entry has its stored report),
 * served by `credence serve`; then `credence audit`'s work over HTTP: every entry fetched
 * with what the store holds for it (its digest recomputed), the tree recomputed, every
 * checkpoint verified, the derived tables rebuilt from the records and compared.
 * Baseline: fetching the same pages of /v1/log/entries and doing nothing with them.
 * Prints seconds. Args: reports.
 */

const total = Number(process.argv[2] ?? '1000000');
const work = mkdtempSync(join(tmpdir(), 'credence-audit-'));
const db = join(work, 'platform.sqlite');
const buildStarted = performance.now();
const store = openStore(db);
await store.migrate();
const members = new MemberService(store, new CredentialCache(store));
await members.add({ id: 'bank-a', type: 'bank' });
const { credential } = await members.add({ id: 'audit-1', type: 'auditor' });
const callers = Array.from({ length: 20_000 }, randomToken);
let done = 0;
for (let b = 0; done < total; b++) {
  const size = Math.min(5000, total - done);
  const reports: IngestReport[] = Array.from({ length: size }, (_, i) => {
    const n = done + i;
    return {
      ref: `ref-${n}`,
      type: 'victim_report',
      category: 'fake_loan',
      occurredAt: Date.now() - (n % 90) * 86_400_000,
      loss: '10k-100k',
      entities: [
        { role: 'caller', kind: 'phone', token: callers[n % callers.length] as string, keyId: 'k' },
      ],
      contentHash: createHash('sha256').update(`ref-${n}`).digest('hex'),
    };
  });
  await store.ingestReports(
    {
      memberId: 'bank-a',
      batchId: `b${b}`,
      kind: 'reports',
      digest: 'd',
      publicKey: 'p',
      signature: 's',
      items: size,
      receivedAt: Date.now(),
    },
    reports,
  );
  done += size;
}
await store.close();
const buildSeconds = (performance.now() - buildStarted) / 1000;

const server = await servePlatform(db, join(work, 'platform-key.json'));
const platform = { url: server.url, credential };
let auditSeconds = 0;
let baselineSeconds = 0;
let findings = -1;
let entries = 0;
try {
  {
    const started = performance.now();
    for (let start = 0; ; start += 1000) {
      const page = await platformRequest<{ entries: string[] }>(
        platform,
        'GET',
        `/v1/log/entries?start=${start}&end=${start + 1000}`,
      );
      if (page.entries.length < 1000) break;
    }
    baselineSeconds = (performance.now() - started) / 1000;
  }
  const started = performance.now();
  const report = await auditLog({ platform });
  auditSeconds = (performance.now() - started) / 1000;
  findings = report.findings.length;
  entries = report.entries;
} finally {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}
console.log(
  JSON.stringify({
    reports: total,
    entries,
    buildSeconds,
    auditSeconds,
    baselineSeconds,
    findings,
  }),
);
