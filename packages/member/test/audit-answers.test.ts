import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateEd25519, privateKeyFromJwk } from '@credence/core/signing/ed25519';
import type { TokenizedReport } from '@credence/core/wire/tokenized-records';
import { createPlatform, type Platform } from '@credence/platform/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../src/audit.js';
import type { CheckAnswerJson } from '../src/audit-answers.js';
import { LogMonitor } from '../src/log-monitor.js';
import { submitTokens } from '../src/submit.js';

/**
 * Check answers held to the log (issue 11): an honest answer is borne out; one whose
 * kind, time, basis, policy or run is not what the platform could have used then is not,
 * however its figures were made to fit.
 */
const dir = mkdtempSync(join(tmpdir(), 'credence-answers-'));
const key = generateEd25519();
const TOKEN = `t${'7'.repeat(42)}`;
const MINUTE = 60_000;

// One platform for every test below, holding one report and the honest answer about it.
let platform: Platform;
let auditor: { url: string; credential: string };
let checker: string;
let operator: string;
let honest: CheckAnswerJson;
let before: number;

const check = async (): Promise<CheckAnswerJson> =>
  (
    await platform.app.inject({
      method: 'GET',
      url: `/v1/check/${TOKEN}`,
      headers: { authorization: `Bearer ${checker}` },
    })
  ).json() as CheckAnswerJson;
const held = (answers: CheckAnswerJson[]) => auditLog({ platform: auditor, answers });

beforeAll(async () => {
  platform = await createPlatform({
    db: join(dir, 'p.sqlite'),
    keyFile: join(dir, 'platform-key.json'),
    webhooks: false,
    checkpointIntervalMs: 0,
  });
  const url = await platform.app.listen({ host: '127.0.0.1', port: 0 });
  const bank = await platform.members.add({
    id: 'bank-a',
    type: 'bank',
    publicKey: key.publicKey,
  });
  checker = (await platform.members.add({ id: 'police-1', type: 'police' })).credential;
  operator = (await platform.members.add({ id: 'ops', type: 'operator' })).credential;
  auditor = {
    url,
    credential: (await platform.members.add({ id: 'audit-1', type: 'auditor' })).credential,
  };
  before = (await platform.store.logHead()).size;
  const report: TokenizedReport = {
    ref: 'ip-1',
    type: 'confirmed_fraud',
    category: 'fake_loan',
    occurredAt: new Date(Date.now() - 30 * 86_400_000).toISOString(),
    entities: [{ role: 'ip', kind: 'ip', token: TOKEN, keyId: 'k1' }],
  };
  const file = join(dir, 'r.jsonl');
  writeFileSync(file, `${JSON.stringify(report)}\n`);
  const monitor = LogMonitor.open(join(dir, 'member.sqlite'), {
    url,
    credential: bank.credential,
  });
  try {
    await submitTokens({
      tokens: file,
      results: `${file}.results.jsonl`,
      memberId: 'bank-a',
      platform: { url, credential: bank.credential },
      signingKey: privateKeyFromJwk(key.privateJwk),
      publicKey: key.publicKey,
      monitor,
    });
  } finally {
    monitor.close();
  }
  honest = await check();
});
afterAll(async () => {
  await platform.close();
  rmSync(dir, { recursive: true, force: true });
});

const wrong = async (answer: CheckAnswerJson) => {
  const report = await held([answer]);
  expect(report.answers).toEqual({ checked: 1, verified: 0 });
  return report.findings.filter((f) => f.kind === 'wrong_answer').map((f) => f.message);
};

describe('check answers recomputed by the audit', () => {
  it('bears out an honest answer', async () => {
    expect(honest).toMatchObject({ kind: 'ip', reporters: 1 });
    const report = await held([honest]);
    expect(report.answers).toEqual({ checked: 1, verified: 1 });
    expect(report.findings).toEqual([]);
  });

  it('names an answer scored with another kind’s half-life', async () => {
    // A police-confirmed ip of 30 days keeps its floor (0.95 × 0.85; its 14-day half-life
    // alone would leave 0.22); as an id_number (730 days) it would score 0.92.
    const messages = await wrong({ ...honest, kind: 'id_number', verdict: 'fraud', score: 0.93 });
    expect(messages[0]).toContain('it is a ip');
  });

  it('names a rank the run it names did not give (issue 12)', async () => {
    // The honest answer has no rank (no analysis run); one made up to rank it high is named.
    expect(honest.rank ?? null).toBeNull();
    const messages = await wrong({ ...honest, rank: { score: 0.99, percentile: 0.999 } });
    expect(messages[0]).toContain('the run ranks it nowhere');
  });
});

describe('check answers held to the log at the time they give', () => {
  it('names an answer whose time is not a time', async () => {
    const messages = await wrong({
      ...honest,
      verdict: 'clear',
      score: 0,
      basis: { ...honest.basis, checkedAt: 'yesterday' },
    });
    expect(messages[0]).toContain('its time is not a time');
  });

  it('names a basis that leaves out a report logged well before the check', async () => {
    const late = new Date(Date.parse(honest.basis.checkedAt) + 2 * MINUTE).toISOString();
    const messages = await wrong({
      ...honest,
      verdict: 'clear',
      score: 0,
      reporters: 0,
      basis: { ...honest.basis, logSize: before, checkedAt: late },
    });
    expect(messages[0]).toContain('leaves out a write about the token');
  });

  it('names an answer under a policy superseded well before it', async () => {
    const put = await platform.app.inject({
      method: 'PUT',
      url: '/v1/policy',
      headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' },
      payload: JSON.stringify({
        ...(
          (
            await platform.app.inject({
              method: 'GET',
              url: '/v1/policy',
              headers: { authorization: `Bearer ${operator}` },
            })
          ).json() as { policy: object }
        ).policy,
        thresholds: { suspicious: 0.2, fraud: 0.74 },
      }),
    });
    expect(put.statusCode).toBe(200);
    const late = new Date(Date.now() + 2 * MINUTE).toISOString();
    const messages = await wrong({ ...honest, basis: { ...honest.basis, checkedAt: late } });
    expect(messages[0]).toContain('policy version 1 was logged before the check');
    // The same answer at its own time is still borne out: the policy came after it.
    expect((await held([honest])).answers).toEqual({ checked: 1, verified: 1 });
  });
});
