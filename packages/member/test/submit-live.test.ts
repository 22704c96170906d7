import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSealingKeys } from '@credence/core/sealing/hpke';
import { DetailSealer, detailBinding } from '@credence/core/sealing/sealed-detail';
import { generateEd25519 } from '@credence/core/signing/ed25519';
import { MAX_BATCH_BYTES } from '@credence/core/wire/batches';
import type { TokenizedReport } from '@credence/core/wire/tokenized-records';
import { MAX_BODY_BYTES } from '@credence/platform/http/body-limits';
import type { Platform } from '@credence/platform/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidenceFolder } from '../src/tokenize-file.js';
import { livePlatform, submitAsBankA } from './live-platform.js';

/**
 * `member submit` against a real platform, with what sealing adds: long sealed narratives
 * (batches cut by their bytes as well as their count: a 20,000-character Chinese
 * narrative seals to about 80 kB, and a batch of 5,000 such would be refused whole), and
 * evidence files uploaded after their report (a run cut short between the two is
 * finished by running it again, and a run again sends nothing the platform holds).
 */

const dir = mkdtempSync(join(tmpdir(), 'credence-submit-evidence-'));
const key = generateEd25519();
let platform: Platform;
let endpoint: { url: string; credential: string };

beforeAll(async () => {
  const live = await livePlatform(dir);
  platform = live.platform;
  endpoint = await live.enrol('bank-a', 'bank', key.publicKey);
});
afterAll(async () => {
  await platform.close();
  rmSync(dir, { recursive: true, force: true });
});

const submit = (tokens: string) => submitAsBankA(endpoint, key, tokens);

describe('member submit with evidence files', () => {
  it('uploads them after the report, finishes a cut-short run, and sends nothing twice', async () => {
    const sealing = await generateSealingKeys();
    const r: TokenizedReport = {
      ref: 'ev-1',
      type: 'victim_report',
      category: 'fake_customer_service',
      occurredAt: '2026-11-20T10:00:00Z',
      entities: [{ role: 'caller', kind: 'phone', token: 'E'.repeat(43), keyId: 'k1' }],
    };
    const { sealed, ciphertexts } = await (
      await DetailSealer.create(sealing.publicKey)
    ).sealWithFiles(detailBinding({ ...r, occurredAt: Date.parse(r.occurredAt) }), {}, [
      { name: 'a.png', mediaType: 'image/png', bytes: new Uint8Array(5000).fill(1) },
      { name: 'b.m4a', mediaType: 'audio/mp4', bytes: new Uint8Array(9000).fill(2) },
    ]);
    const tokens = join(dir, 'tokens.jsonl');
    writeFileSync(tokens, `${JSON.stringify({ ...r, sealed })}\n`);
    const folder = evidenceFolder(tokens);
    mkdirSync(folder);
    for (const [i, c] of ciphertexts.entries())
      writeFileSync(join(folder, sealed.files?.[i]?.sha256 as string), c);

    // Cut short: the report goes in, its files cannot be read.
    renameSync(folder, `${folder}.away`);
    await expect(submit(tokens)).rejects.toMatchObject({ code: 'member.input' });
    renameSync(`${folder}.away`, folder);

    const again = await submit(tokens);
    expect(again).toMatchObject({ duplicates: 1, files: 2 });
    const third = await submit(tokens);
    expect(third).toMatchObject({ duplicates: 1, files: 0 });
  });
});

describe('member submit with long sealed narratives', () => {
  it('keeps a batch within the bytes the platform takes', () => {
    expect(MAX_BATCH_BYTES).toBeLessThanOrEqual(MAX_BODY_BYTES / 2);
  });

  it('cuts batches by bytes, so every report of a 24 MB file is accepted', async () => {
    const sealing = await generateSealingKeys();
    const sealer = await DetailSealer.create(sealing.publicKey);
    const narrative = '受害人称对方自称公安民警，要求其将资金转入安全账户。'
      .repeat(800)
      .slice(0, 20_000);
    const lines: string[] = [];
    for (let i = 0; i < 300; i++) {
      const r: TokenizedReport = {
        ref: `long-${i}`,
        type: 'victim_report',
        category: 'impersonate_authority',
        occurredAt: '2026-11-20T10:00:00Z',
        entities: [
          { role: 'caller', kind: 'phone', token: `p${String(i).padStart(42, '0')}`, keyId: 'k1' },
        ],
      };
      const bound = { ...r, occurredAt: Date.parse(r.occurredAt) };
      lines.push(
        JSON.stringify({
          ...r,
          sealed: await sealer.seal(detailBinding(bound), { narrative, lossCny: i }),
        }),
      );
    }
    const file = join(dir, 'tokens.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const fileBytes = readFileSync(file).length;
    expect(fileBytes).toBeGreaterThan(MAX_BODY_BYTES);

    const progress = await submit(file);
    expect(progress.accepted).toBe(300);
    const results = readFileSync(`${file}.results.jsonl`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { batchId: string; status: string });
    const batches = new Set(results.map((r) => r.batchId));
    expect(batches.size).toBeGreaterThanOrEqual(Math.ceil(fileBytes / MAX_BATCH_BYTES));
  });
});
