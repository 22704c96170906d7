import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateEd25519, privateKeyFromJwk } from '@credence/core/signing/ed25519';
import type { TokenizedReport } from '@credence/core/wire/tokenized-records';
import type { Platform } from '@credence/platform/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogMonitor } from '../src/log-monitor.js';
import { submitTokens } from '../src/submit.js';
import { Witness } from '../src/witness.js';
import { livePlatform, submitAsBankA } from './live-platform.js';

/**
 * The member side's hold on the log when the platform misbehaves or an answer is lost:
 * an acceptance without a receipt is refused; reports answered as already there are found
 * in the log later; a witness never loses track of what it is about to sign.
 */

const dir = mkdtempSync(join(tmpdir(), 'credence-monitor-'));
const key = generateEd25519();
const report = (i: number): TokenizedReport => ({
  ref: `m-${i}`,
  type: 'victim_report',
  category: 'fake_loan',
  occurredAt: '2026-11-20T10:00:00Z',
  entities: [
    { role: 'caller', kind: 'phone', token: `t${String(i).padStart(42, '0')}`, keyId: 'k1' },
  ],
});

function tokensFile(name: string, count: number): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    `${Array.from({ length: count }, (_, i) => JSON.stringify(report(i))).join('\n')}\n`,
  );
  return file;
}

// Set by the hooks of the describe below, for the tests it declares.
let platform: Platform;
let endpoint: { url: string; credential: string };

const submit = (file: string, monitor: LogMonitor) =>
  submitTokens({
    tokens: file,
    results: `${file}.results.jsonl`,
    memberId: 'bank-a',
    platform: endpoint,
    signingKey: privateKeyFromJwk(key.privateJwk),
    publicKey: key.publicKey,
    batchSize: 10,
    monitor,
  });

describe('the log monitor with a real platform', () => {
  beforeAll(async () => {
    const live = await livePlatform(dir, { checkpointIntervalMs: 0 });
    platform = live.platform;
    endpoint = await live.enrol('bank-a', 'bank', key.publicKey);
  });
  afterAll(async () => {
    await platform.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('reports answered as already there', answeredAsAlreadyThere);
  describe('a witness and batches in flight', witnessAndBatches);
});

// The tests of the describe above, run on its platform.
function answeredAsAlreadyThere(): void {
  it('finds in the log the reports it was told were already there, whose answer it never got', async () => {
    const file = tokensFile('lost.jsonl', 25);
    // A first submission whose answers this member never kept (another state file).
    const elsewhere = LogMonitor.open(join(dir, 'lost-answers.sqlite'), endpoint);
    await submit(file, elsewhere);
    elsewhere.close();
    const monitor = LogMonitor.open(join(dir, 'member.sqlite'), endpoint);
    try {
      const again = await submit(file, monitor);
      expect(again).toMatchObject({ accepted: 0, duplicates: 25, receipts: 0 });
      const report = await monitor.verifyAll();
      expect(report.findings).toEqual([]);
      expect(report.entries).toBe(25);
      // Found once, held after: the next verification has nothing left to look for.
      expect((await monitor.verifyAll()).entries).toBe(25);
    } finally {
      monitor.close();
    }
  });

  it('names a report answered as already there that the log does not hold', async () => {
    const monitor = LogMonitor.open(join(dir, 'member-2.sqlite'), endpoint);
    try {
      monitor.expectWithoutReceipt([
        { kind: 'report', member: 'bank-a', subject: 'r_0000000000000000000000', digest: 'x' },
      ]);
      const { findings } = await monitor.verifyAll();
      expect(findings).toEqual([
        expect.objectContaining({
          kind: 'missing_entry',
          message: expect.stringContaining('r_0000000000000000000000'),
        }),
      ]);
    } finally {
      monitor.close();
    }
  });
}

function witnessAndBatches(): void {
  it('keeps its state before it hands in a cosignature, so a lost answer cannot lead it onto a fork', async () => {
    const witnessKey = generateEd25519();
    const state = join(dir, 'witness.json');
    const witness = new Witness({
      log: endpoint,
      logKey: platform.log.vkey,
      signer: {
        name: 'w.example/1',
        publicKey: witnessKey.publicKey,
        privateKey: privateKeyFromJwk(witnessKey.privateJwk),
      },
      stateFile: state,
    });
    // This platform is not configured with the witness: it refuses the cosignature.
    await expect(witness.step()).rejects.toMatchObject({ code: 'member.platform_refused' });
    const head = await platform.store.logHead();
    expect(JSON.parse(readFileSync(state, 'utf8'))).toEqual({
      size: head.size,
      root: Buffer.from(head.root).toString('base64url'),
    });
  });

  it('ends with the refusal of a batch that fails while an earlier one is still in flight', async () => {
    // A batch of 5,000 that takes the platform a while, then one it refuses at once (an
    // event in the future): the second answer fails before the first is written.
    const tokens = join(dir, 'refused.jsonl');
    const future = new Date(Date.now() + 86_400_000).toISOString();
    writeFileSync(
      tokens,
      `${[
        ...Array.from({ length: 5000 }, (_, i) => report(10_000 + i)),
        { ...report(15_000), occurredAt: future },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n')}\n`,
    );
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await expect(submitAsBankA(endpoint, key, tokens)).rejects.toMatchObject({
        code: 'member.platform_refused',
        message: expect.stringContaining('batch.reports[0].occurredAt'),
      });
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });
}

describe('a platform that accepts without a receipt', () => {
  let server: Server;
  let url = '';
  beforeAll(async () => {
    // What a dishonest platform would answer: accepted, and nothing logged.
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (c: Buffer) => {
        body += c.toString();
      });
      request.on('end', () => {
        const batch = (JSON.parse(body) as { batch: { batchId: string; reports: unknown[] } })
          .batch;
        response.setHeader('content-type', 'application/json');
        response.end(
          JSON.stringify({
            batchId: batch.batchId,
            receivedAt: new Date().toISOString(),
            sequence: 1,
            accepted: batch.reports.length,
            duplicates: 0,
            conflicts: 0,
            alerts: 0,
            log: null,
            results: batch.reports.map((_, index) => ({
              index,
              status: 'accepted',
              id: `r_${index}`,
            })),
          }),
        );
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it('is refused: the submission stops, naming the batch', async () => {
    const endpoint = { url, credential: 'crd_anything-at-all' };
    const monitor = LogMonitor.open(join(dir, 'dishonest.sqlite'), endpoint, { logKey: 'x' });
    try {
      const file = tokensFile('dishonest.jsonl', 3);
      await expect(
        submitTokens({
          tokens: file,
          results: `${file}.results.jsonl`,
          memberId: 'bank-a',
          platform: endpoint,
          signingKey: privateKeyFromJwk(key.privateJwk),
          publicKey: key.publicKey,
          monitor,
        }),
      ).rejects.toMatchObject({ code: 'member.log_receipt' });
    } finally {
      monitor.close();
    }
  });
});
