import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateEd25519, privateKeyFromJwk } from '@credence/core/signing/ed25519';
import type { TokenizedReport } from '@credence/core/wire/tokenized-records';
import { createPlatform, type Platform } from '@credence/platform/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../src/audit.js';
import { LogMonitor } from '../src/log-monitor.js';
import { submitTokens } from '../src/submit.js';

/**
 * An audit of a platform that goes on taking writes while it is audited: the store may
 * hold a report the entries read so far do not account for. That is a race, not a
 * tampering: the audit takes in the entries appended meanwhile and names only what still
 * differs.
 */
const dir = mkdtempSync(join(tmpdir(), 'credence-audit-live-'));
const key = generateEd25519();
const report = (i: number): TokenizedReport => ({
  ref: `live-${i}`,
  type: 'confirmed_fraud',
  category: 'fake_loan',
  occurredAt: '2026-11-20T10:00:00Z',
  // Half with a region: its log record binds it, and the audit recomputes it from the row.
  ...(i % 2 === 0 ? { region: 'CN-GD' } : {}),
  entities: [
    { role: 'caller', kind: 'phone', token: `t${String(i).padStart(42, '0')}`, keyId: 'k1' },
  ],
});

describe('an audit of a platform taking writes', () => {
  let platform: Platform;
  let member: { url: string; credential: string };
  let auditor: { url: string; credential: string };

  beforeAll(async () => {
    platform = await createPlatform({
      db: join(dir, 'p.sqlite'),
      keyFile: join(dir, 'platform-key.json'),
      webhooks: false,
      checkpointIntervalMs: 0,
    });
    const url = await platform.app.listen({ host: '127.0.0.1', port: 0 });
    member = {
      url,
      credential: (
        await platform.members.add({ id: 'bank-a', type: 'bank', publicKey: key.publicKey })
      ).credential,
    };
    auditor = {
      url,
      credential: (await platform.members.add({ id: 'audit-1', type: 'auditor' })).credential,
    };
  });
  afterAll(async () => {
    await platform.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const submit = async (from: number, count: number) => {
    const file = join(dir, `r${from}.jsonl`);
    writeFileSync(
      file,
      `${Array.from({ length: count }, (_, i) => JSON.stringify(report(from + i))).join('\n')}\n`,
    );
    const monitor = LogMonitor.open(join(dir, 'member.sqlite'), member);
    try {
      await submitTokens({
        tokens: file,
        results: `${file}.results.jsonl`,
        memberId: 'bank-a',
        platform: member,
        signingKey: privateKeyFromJwk(key.privateJwk),
        publicKey: key.publicKey,
        monitor,
      });
    } finally {
      monitor.close();
    }
  };

  it('names nothing for writes made between reading the entries and reading the tables', async () => {
    await submit(0, 20);
    let wrote = false;
    const report = await auditLog({
      platform: auditor,
      // After the (only) page of entries was read: a write the entries do not hold yet.
      onProgress: () => {
        if (wrote) return;
        wrote = true;
        return submit(100, 5);
      },
    });
    expect(wrote).toBe(true);
    expect(report.findings).toEqual([]);
    expect(report.kinds.report).toBe(25);
  });
});
