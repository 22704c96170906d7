import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatVerifierKey } from '@credence/core/log/signed-note';
import { generateEd25519, privateKeyFromJwk } from '@credence/core/signing/ed25519';
import { type ReportBatch, signBatch } from '@credence/core/wire/batches';
import { createPlatform, type Platform } from '@credence/platform/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogMonitor } from '../src/log-monitor.js';
import type { PlatformEndpoint } from '../src/platform-client.js';
import { Witness } from '../src/witness.js';

/**
 * A split view: one operator key, two histories. Two platforms share the log key but not
 * their store, so each shows its own members a history of its own — what a dishonest
 * operator would do to hide a write from some members. Witnesses cosign only what extends
 * what they cosigned before, and members that require a witness's cosignature refuse the
 * history the witness did not see; a member that sees both catches the fork itself.
 */

interface Fork {
  readonly platform: Platform;
  readonly url: string;
  readonly member: PlatformEndpoint & { readonly key: ReturnType<typeof generateEd25519> };
}

// Both forks, started once for every test below, which run in order on them.
const dir = mkdtempSync(join(tmpdir(), 'credence-fork-'));
const witnessKey = generateEd25519();
const witnessSigner = {
  name: 'witness.example/w1',
  publicKey: witnessKey.publicKey,
  privateKey: privateKeyFromJwk(witnessKey.privateJwk),
};
const witnessVkey = formatVerifierKey(witnessSigner.name, witnessSigner.publicKey, 0x04);
let a: Fork;
let b: Fork;
let logKey: string;

const fork = async (name: string): Promise<Fork> => {
  const platform = await createPlatform({
    db: join(dir, `${name}.sqlite`),
    keyFile: join(dir, 'platform-key.json'),
    webhooks: false,
    witnesses: [witnessVkey],
    checkpointIntervalMs: 0,
  });
  const key = generateEd25519();
  const { credential } = await platform.members.add({
    id: 'bank-a',
    type: 'bank',
    publicKey: key.publicKey,
  });
  const url = await platform.app.listen({ host: '127.0.0.1', port: 0 });
  return { platform, url, member: { url, credential, key } };
};

const submit = async (f: Fork, ref: string) => {
  const batch: ReportBatch = {
    member: 'bank-a',
    batchId: `batch-${ref}`,
    createdAt: new Date().toISOString(),
    reports: [
      {
        ref,
        type: 'victim_report',
        category: 'impersonate_authority',
        occurredAt: '2026-11-20T10:00:00Z',
        entities: [
          { role: 'caller', kind: 'phone', token: `t${ref.padStart(42, '0')}`, keyId: 'k1' },
        ],
      },
    ],
  };
  const res = await fetch(`${f.url}/v1/reports`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${f.member.credential}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(
      signBatch(batch, privateKeyFromJwk(f.member.key.privateJwk), f.member.key.publicKey),
    ),
  });
  expect(res.status).toBe(200);
};

const witnessOn = (f: Fork) =>
  new Witness({
    log: f.member,
    logKey,
    signer: witnessSigner,
    stateFile: join(dir, 'witness-state.json'),
  });

beforeAll(async () => {
  a = await fork('a');
  b = await fork('b');
  logKey = a.platform.log.vkey;
  expect(b.platform.log.vkey).toBe(logKey);
});
afterAll(async () => {
  await a.platform.close();
  await b.platform.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a witness on the history it sees', () => {
  it('cosigns checkpoints that extend what it cosigned, and the log publishes the cosignature', async () => {
    await submit(a, '1');
    expect(await witnessOn(a).step()).toMatchObject({ cosigned: true });
    expect(await witnessOn(a).step()).toMatchObject({ cosigned: false });
    await submit(a, '2');
    const step = await witnessOn(a).step();
    expect(step.cosigned).toBe(true);
    const monitor = LogMonitor.open(join(dir, 'member-a.sqlite'), a.member, {
      logKey,
      witnesses: [witnessVkey],
      requiredWitnesses: 1,
    });
    try {
      expect((await monitor.observe()).size).toBe(step.size);
      // A newer checkpoint nobody cosigned yet: the member keeps to the cosigned one.
      await submit(a, '3');
      expect((await a.platform.log.latest()).size).toBeGreaterThan(step.size);
      expect((await monitor.observe()).size).toBe(step.size);
    } finally {
      monitor.close();
    }
  });

  it('refuses a cosignature that does not verify over the checkpoint', async () => {
    const head = await a.platform.log.latest();
    const res = await fetch(`${a.url}/v1/log/cosignatures`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${a.member.credential}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        size: head.size,
        cosignature: `— ${witnessSigner.name} ${Buffer.alloc(76, 1).toString('base64')}\n`,
      }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'log.cosignature_invalid' });
  });
});

describe('witnesses and a split view', () => {
  it('refuses, at a member that requires a witness, the history the witness did not see', async () => {
    await submit(b, 'other');
    const monitor = LogMonitor.open(join(dir, 'member-b.sqlite'), b.member, {
      logKey,
      witnesses: [witnessVkey],
      requiredWitnesses: 1,
    });
    try {
      await expect(monitor.observe()).rejects.toMatchObject({
        code: 'member.log_checkpoint',
        message: expect.stringMatching(/witness/),
      });
    } finally {
      monitor.close();
    }
  });

  it('will not cosign the other history, whatever its size', async () => {
    await expect(witnessOn(b).step()).rejects.toMatchObject({ code: 'member.log_fork' });
    for (let i = 0; i < 5; i++) await submit(b, `more-${i}`);
    await expect(witnessOn(b).step()).rejects.toMatchObject({ code: 'member.log_fork' });
    // The fork keeps no cosignature: members requiring one go on refusing it.
    expect(
      (
        await fetch(`${b.url}/v1/log/checkpoint`, {
          headers: { authorization: `Bearer ${b.member.credential}` },
        }).then((r) => r.text())
      ).split('—'),
    ).toHaveLength(2);
  });

  it('is caught by a member that is shown both histories, even without witnesses', async () => {
    const file = join(dir, 'member-both.sqlite');
    const onA = LogMonitor.open(file, a.member, { logKey });
    await onA.observe();
    onA.close();
    const onB = LogMonitor.open(file, b.member, { logKey });
    try {
      await expect(onB.observe()).rejects.toMatchObject({ code: 'member.log_fork' });
      const report = await onB.verifyAll();
      expect(report.findings.map((f) => f.kind)).toContain('inconsistent_checkpoint');
    } finally {
      onB.close();
    }
  });
});
