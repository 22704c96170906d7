import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSealingKeys } from '@credence/core/sealing/hpke';
import { DetailSealer, detailBinding } from '@credence/core/sealing/sealed-detail';
import { generateEd25519, privateKeyFromJwk } from '@credence/core/signing/ed25519';
import { MAX_BATCH_BYTES } from '@credence/core/wire/batches';
import type { TokenizedReport } from '@credence/core/wire/tokenized-records';
import { MAX_BODY_BYTES } from '@credence/platform/http/body-limits';
import type { Platform } from '@credence/platform/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitTokens } from '../src/submit.js';
import { livePlatform } from './live-platform.js';

/**
 * Batches are cut by their bytes as well as their count: reports with long sealed
 * narratives (a 20,000-character Chinese narrative seals to about 80 kB) would make a
 * batch of 5,000 hundreds of megabytes, which the platform refuses (413) whole.
 */

const dir = mkdtempSync(join(tmpdir(), 'credence-batch-bytes-'));
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

    const progress = await submitTokens({
      tokens: file,
      results: `${file}.results.jsonl`,
      memberId: 'bank-a',
      platform: endpoint,
      signingKey: privateKeyFromJwk(key.privateJwk),
      publicKey: key.publicKey,
    });
    expect(progress.accepted).toBe(300);
    const results = readFileSync(`${file}.results.jsonl`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { batchId: string; status: string });
    const batches = new Set(results.map((r) => r.batchId));
    expect(batches.size).toBeGreaterThanOrEqual(Math.ceil(fileBytes / MAX_BATCH_BYTES));
  });
});
