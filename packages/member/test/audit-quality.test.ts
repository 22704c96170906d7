import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { entryTime, recordDigest } from '@credence/core/log/entries';
import { DEFAULT_POLICY } from '@credence/core/risk/policy';
import type { QualityWeights } from '@credence/core/risk/quality';
import { generateEd25519, privateKeyFromJwk } from '@credence/core/signing/ed25519';
import { signBatch } from '@credence/core/wire/batches';
import { createPlatform, type Platform } from '@credence/platform/server';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../src/audit.js';
import type { CheckAnswerJson } from '../src/audit-answers.js';

/**
 * Contributors' quality weights held to the log (issue 17): an answer scored with a
 * logged version is borne out, one that leaves the weights out is not; every version is
 * recomputed from the logged reports and outcomes, and a version the platform logged but
 * did not compute from them, or edited in its store, is named.
 */
const dir = mkdtempSync(join(tmpdir(), 'credence-quality-'));
const db = join(dir, 'p.sqlite');
const key = generateEd25519();
const TOKEN = `t${'5'.repeat(42)}`;

let platform: Platform;
let auditor: { url: string; credential: string };
let bankB: string;
let before: CheckAnswerJson;
let after: CheckAnswerJson;

const as = (credential: string, method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) =>
  platform.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${credential}` },
    ...(body === undefined ? {} : { payload: body as object }),
  });

const check = async () =>
  (await as(bankB, 'GET', `/v1/check/${TOKEN}`)).json() as CheckAnswerJson & { checkId: string };

beforeAll(async () => {
  platform = await createPlatform({
    db,
    keyFile: join(dir, 'platform-key.json'),
    webhooks: false,
    checkpointIntervalMs: 0,
  });
  const url = await platform.app.listen({ host: '127.0.0.1', port: 0 });
  const bankA = await platform.members.add({
    id: 'bank-a',
    type: 'bank',
    publicKey: key.publicKey,
  });
  bankB = (await platform.members.add({ id: 'bank-b', type: 'bank' })).credential;
  const operator = (await platform.members.add({ id: 'ops', type: 'operator' })).credential;
  auditor = {
    url,
    credential: (await platform.members.add({ id: 'audit-1', type: 'auditor' })).credential,
  };
  // One false positive takes a member to the floor: no prior judgements count for it.
  const policy = { ...DEFAULT_POLICY, quality: { floor: 0.5, prior: 0 } };
  expect((await as(operator, 'PUT', '/v1/policy', policy)).statusCode).toBe(200);
  const batch = signBatch(
    {
      member: 'bank-a',
      batchId: 'b1',
      createdAt: new Date().toISOString(),
      reports: [
        {
          ref: 'r1',
          type: 'confirmed_fraud',
          category: 'fake_loan',
          occurredAt: new Date().toISOString(),
          entities: [{ role: 'caller', kind: 'phone', token: TOKEN, keyId: 'k1' }],
        },
      ],
    },
    privateKeyFromJwk(key.privateJwk),
    key.publicKey,
  );
  expect((await as(bankA.credential, 'POST', '/v1/reports', batch)).statusCode).toBe(200);
  before = await check();
  const { checkId } = before as CheckAnswerJson & { checkId: string };
  const outcome = await as(bankB, 'POST', '/v1/outcomes', {
    outcomes: [{ token: TOKEN, outcome: 'false_positive', checkId }],
  });
  expect(outcome.statusCode).toBe(200);
  after = await check();
});
afterAll(async () => {
  await platform.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("contributors' quality weights", () => {
  it("weigh an answer down after another member's false positive, and the answer names the version", () => {
    expect(before).toMatchObject({ verdict: 'suspicious', score: 0.7, basis: { quality: null } });
    expect(after).toMatchObject({ verdict: 'suspicious', score: 0.35, basis: { quality: 1 } });
    expect((after as unknown as { explanation: string }).explanation).toContain(
      'The reports of that member weigh less',
    );
  });

  it('are recomputed by the audit, which bears out both answers and names one without them', async () => {
    const report = await auditLog({ platform: auditor, answers: [before, after] });
    expect(report.findings).toEqual([]);
    expect(report.answers).toEqual({ checked: 2, verified: 2 });
    expect(report.kinds).toMatchObject({ outcome: 1, quality_weights: 1 });
    const unweighed = await auditLog({
      platform: auditor,
      answers: [{ ...after, basis: { ...after.basis, quality: null } }],
    });
    expect(unweighed.findings.map((f) => f.kind)).toEqual(['wrong_answer']);
    expect(unweighed.findings[0]?.message).toContain('the score is 0.7');
  });

  it('names a version that does not follow from the logged outcomes, and one edited in the store', async () => {
    // A dishonest platform logs a version of its own making: the record matches its
    // entry, but the log's outcomes do not make it.
    const made: QualityWeights = {
      version: 2,
      policyVersion: 1,
      rule: { floor: 0.5, prior: 0 },
      members: { 'bank-b': { weight: 0.5, outcomes: 3, falsePositives: 3 } },
    };
    const sqlite = new Database(db);
    try {
      sqlite
        .prepare('INSERT INTO quality_weights (version, body, created_at) VALUES (?, ?, ?)')
        .run(2, JSON.stringify(made), Date.now());
    } finally {
      sqlite.close();
    }
    await platform.store.appendLog([
      {
        kind: 'quality_weights',
        time: entryTime(Date.now()),
        member: 'bank-b',
        subject: 'quality/2',
        digest: recordDigest(made),
      },
    ]);
    const forged = await auditLog({ platform: auditor });
    const messages = forged.findings
      .filter((f) => f.kind === 'altered_quality')
      .map((f) => f.message);
    expect(messages).toEqual([
      expect.stringContaining(
        'bank-a was judged 1 time, 1 false positive: weight 0.5, not left out',
      ),
      expect.stringContaining(
        'bank-b was judged by no outcome, not 3 times, 3 false positives: 0.5',
      ),
    ]);
    expect(forged.findings.filter((f) => f.kind !== 'altered_quality')).toEqual([]);
    // An edit of a kept version, behind the platform's back, is an altered record.
    const edit = new Database(db);
    try {
      edit
        .prepare("UPDATE quality_weights SET body = replace(body, '0.5', '1') WHERE version = 1")
        .run();
    } finally {
      edit.close();
    }
    const edited = await auditLog({ platform: auditor });
    expect(edited.findings.map((f) => f.kind)).toContain('altered_record');
  });
});
