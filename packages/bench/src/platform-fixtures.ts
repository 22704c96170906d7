import { randomBytes } from 'node:crypto';
import { type ServiceProcess, spawnService } from '@credence/cli/commands/service-process';
import { encodeBase64url } from '@credence/core/encoding/base64url';
import {
  type Ed25519KeyPair,
  generateEd25519,
  privateKeyFromJwk,
} from '@credence/core/signing/ed25519';
import { type ReportBatch, signBatch } from '@credence/core/wire/batches';
import type { TokenizedReport } from '@credence/core/wire/tokenized-records';
import { CATEGORIES, REPORT_TYPES } from '@credence/core/wire/vocabulary';
import type { BatchRecord, IngestReport } from '@credence/platform/domain/types';
import { openStore } from '@credence/platform/server';
import { CredentialCache } from '@credence/platform/services/credentials';
import { MemberService } from '@credence/platform/services/members';
import { SqliteStore } from '@credence/platform/storage/sqlite/sqlite-store';
import pg from 'pg';

/** Synthetic tokenized data and enrolled members for the platform's benchmarks. */

export const KEY_ID = 'kBench';
export const randomToken = () => encodeBase64url(randomBytes(32));

/** The report types a bank sends (police_confirmed is the police's: issue 13). */
const BANK_REPORT_TYPES = REPORT_TYPES.filter((t) => t !== 'police_confirmed');

/** A report of two entities (a caller's phone, a beneficiary account), as members send them. */
export function syntheticReport(
  ref: string,
  caller: string,
  account: string,
  i: number,
): TokenizedReport {
  return {
    ref,
    type: BANK_REPORT_TYPES[i % BANK_REPORT_TYPES.length] as TokenizedReport['type'],
    category: CATEGORIES[i % CATEGORIES.length] as TokenizedReport['category'],
    occurredAt: new Date(Date.now() - (i % 90) * 86_400_000).toISOString(),
    loss: '10k-100k',
    entities: [
      { role: 'caller', kind: 'phone', token: caller, keyId: KEY_ID },
      { role: 'beneficiary_account', kind: 'bank_account', token: account, keyId: KEY_ID },
    ],
  };
}

/** A signed batch as JSON, ready to POST. */
export function signedBatchBody(
  memberId: string,
  key: Ed25519KeyPair,
  reports: readonly TokenizedReport[],
): string {
  const batch: ReportBatch = {
    member: memberId,
    batchId: `bench-${randomToken().slice(0, 12)}`,
    createdAt: new Date().toISOString(),
    reports,
  };
  return JSON.stringify(signBatch(batch, privateKeyFromJwk(key.privateJwk), key.publicKey));
}

/**
 * Fills a SQLite store directly with `reportCount` reports of two fresh tokens each (a
 * caller's phone, a beneficiary account), 5,000 a batch, as 'bench-bank' (the ingestion
 * benchmark measures ingestion): `receivedAt` dates each batch, `each` sees each report's
 * tokens. Answers each batch's time.
 */
export async function fillReports(
  db: string,
  reportCount: number,
  options: {
    readonly receivedAt?: (batch: number, batches: number) => number;
    readonly each?: (caller: string, account: string) => void;
  } = {},
): Promise<number[]> {
  const batches = Math.ceil(reportCount / 5000);
  const times: number[] = [];
  const store = new SqliteStore(db);
  try {
    for (let b = 0; b < batches; b++) {
      const receivedAt = options.receivedAt?.(b, batches) ?? Date.now();
      const reports: IngestReport[] = [];
      for (let i = 0; i < Math.min(5000, reportCount - b * 5000); i++) {
        const [caller, account] = [randomToken(), randomToken()];
        options.each?.(caller, account);
        reports.push({
          ref: `r-${b}-${i}`,
          type: i % 3 === 0 ? 'confirmed_fraud' : 'victim_report',
          category: 'fake_loan',
          occurredAt: receivedAt - (i % 200) * 86_400_000,
          loss: undefined,
          entities: [
            { role: 'caller', kind: 'phone', token: caller, keyId: KEY_ID },
            { role: 'beneficiary_account', kind: 'bank_account', token: account, keyId: KEY_ID },
          ],
          contentHash: `h${b}-${i}`,
        });
      }
      const batch: BatchRecord = {
        memberId: 'bench-bank',
        batchId: `fill-${b}`,
        kind: 'reports',
        digest: 'fill',
        publicKey: 'fill',
        signature: 'fill',
        items: reports.length,
        receivedAt,
      };
      times.push(receivedAt);
      await store.ingestReports(batch, reports);
    }
  } finally {
    await store.close();
  }
  return times;
}

/** Enrolls a member with a fresh signing key, on the store itself (the operator's step). */
export async function enroll(
  db: string,
  id: string,
  type = 'bank',
): Promise<{ credential: string; key: Ed25519KeyPair }> {
  const store = openStore(db);
  try {
    await store.migrate();
    const key = generateEd25519();
    const { credential } = await new MemberService(store, new CredentialCache(store)).add({
      id,
      type,
      publicKey: key.publicKey,
    });
    return { credential, key };
  } finally {
    await store.close();
  }
}

/** A schema of its own in PostgreSQL, or undefined when PostgreSQL does not answer. */
export async function postgresSchema(
  url: string,
): Promise<{ url: string; drop: () => Promise<void> } | undefined> {
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
  } catch {
    return undefined;
  } finally {
    await admin.end().catch(() => undefined);
  }
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}

/** `credence serve` as it runs by default (log level info, metrics on), on any free port. */
export function servePlatform(db: string, keyFile: string): Promise<ServiceProcess> {
  // Loading a large store's view of flagged tokens takes a while on a small machine.
  return spawnService(
    'platform',
    ['serve', '--db', db, '--key', keyFile, '--port', '0', '--log-level', 'info'],
    { startTimeoutMs: 180_000 },
  );
}
