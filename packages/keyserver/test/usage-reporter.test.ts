import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogEntry } from '@credence/core/log/entries';
import { createPlatform, type Platform } from '@credence/platform/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageLedger } from '../src/usage.js';
import { UsageReporter } from '../src/usage-reporter.js';

/**
 * The key server's counts reaching a real platform's log, as `--report-to` sends them: one
 * platform for the whole file, with a key server (keyserver-2) and four banks enrolled.
 */
const dir = mkdtempSync(join(tmpdir(), 'credence-report-'));
let platform: Platform;
let url: string;
let credential: string;
const member = (id: string) => ({
  id,
  tokenSha256: '0'.repeat(64),
  quotaPerDay: 1_000_000,
  ratePerMinute: 1_000_000,
});

beforeAll(async () => {
  platform = await createPlatform({
    db: join(dir, 'p.sqlite'),
    keyFile: join(dir, 'key.json'),
    webhooks: false,
    checkpointIntervalMs: 0,
  });
  url = await platform.app.listen({ host: '127.0.0.1', port: 0 });
  credential = (await platform.members.add({ id: 'keyserver-2', type: 'keyserver', shareIndex: 2 }))
    .credential;
  for (const id of ['bank-a', 'bank-b', 'bank-c', 'bank-d'])
    await platform.members.add({ id, type: 'bank' });
});
afterAll(async () => {
  await platform.close();
  rmSync(dir, { recursive: true, force: true });
});

const usageEntries = async () => {
  const { size } = await platform.store.logHead();
  return (await platform.store.logEntries(0, size))
    .map((e) => JSON.parse(e) as LogEntry)
    .filter((e) => e.kind === 'oprf_usage')
    .map((e) => `${e.member} ${e.subject}`);
};

const reporterAt = (now: string, shareIndex: number) => {
  const warnings: { fields: Record<string, unknown>; message: string }[] = [];
  const clock = { now: () => Date.parse(now) };
  const ledger = new UsageLedger(clock);
  const log = {
    warn: (fields: Record<string, unknown>, message: string) => warnings.push({ fields, message }),
    info: () => {},
  };
  const reporter = new UsageReporter({
    ledger,
    keyId: 'k1',
    shareIndex,
    platformUrl: url,
    credential,
    clock,
    log: log as never,
  });
  return { ledger, reporter, warnings };
};

describe('UsageReporter: counts reported, and a platform that refuses them', () => {
  it("logs yesterday's and today's counts, and each count again only when it grew", async () => {
    let now = Date.parse('2026-11-25T23:59:00Z');
    const clock = { now: () => now };
    const ledger = new UsageLedger(clock);
    const reporter = new UsageReporter({
      ledger,
      keyId: 'k1',
      shareIndex: 2,
      platformUrl: url,
      credential,
      clock,
    });
    ledger.reserve(member('bank-a'), 500);
    ledger.reserve(member('bank-b'), 20);
    await reporter.report();
    await reporter.report();
    now = Date.parse('2026-11-26T00:01:00Z');
    ledger.reserve(member('bank-a'), 7);
    await reporter.report();
    expect(await usageEntries()).toEqual([
      'bank-a oprf/keyserver-2/k1/2/2026-11-25/500',
      'bank-b oprf/keyserver-2/k1/2/2026-11-25/20',
      'bank-a oprf/keyserver-2/k1/2/2026-11-26/7',
    ]);
  });

  it('keeps going when the platform refuses it, and says so', async () => {
    const warnings: string[] = [];
    const clock = { now: () => Date.parse('2026-11-26T10:00:00Z') };
    const ledger = new UsageLedger(clock);
    ledger.reserve(member('bank-c'), 3);
    const log = { warn: (_: unknown, message: string) => warnings.push(message), info: () => {} };
    const reporter = new UsageReporter({
      ledger,
      keyId: 'k1',
      shareIndex: 2,
      platformUrl: url,
      credential: 'crd_not-a-credential',
      clock,
      log: log as never,
    });
    await reporter.report();
    expect(warnings).toEqual(['the platform refused the usage report']);
    expect(await usageEntries()).not.toContain('bank-c oprf/keyserver-2/k1/2/2026-11-26/3');
  });
});

describe('UsageReporter: another share, and members the platform does not know', () => {
  it('may not report as another share: the platform refuses it, and the key server says why', async () => {
    const { ledger, reporter, warnings } = reporterAt('2026-11-27T10:00:00Z', 3);
    ledger.reserve(member('bank-d'), 11);
    await reporter.report();
    expect(warnings).toEqual([
      {
        message: 'the platform refused the usage report',
        fields: expect.objectContaining({ status: 403, code: 'usage.share_mismatch' }),
      },
    ]);
    expect((await usageEntries()).filter((e) => e.includes('bank-d'))).toEqual([]);
  });

  it('leaves out, and names, members the platform does not know; the others are logged', async () => {
    const { ledger, reporter, warnings } = reporterAt('2026-11-28T10:00:00Z', 2);
    ledger.reserve(member('bank-d'), 12);
    ledger.reserve(member('ghost-bank'), 13);
    await reporter.report();
    expect(warnings).toEqual([
      {
        message: 'the platform knows no such member: its counts are left out of the report',
        fields: { day: '2026-11-28', members: ['ghost-bank'] },
      },
    ]);
    const logged = await usageEntries();
    expect(logged).toContain('bank-d oprf/keyserver-2/k1/2/2026-11-28/12');
    expect(logged.filter((e) => e.includes('ghost-bank'))).toEqual([]);
  });
});
