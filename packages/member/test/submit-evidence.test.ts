import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSealingKeys } from '@credence/core/sealing/hpke';
import { DetailSealer, detailBinding } from '@credence/core/sealing/sealed-detail';
import { generateEd25519, privateKeyFromJwk } from '@credence/core/signing/ed25519';
import type { TokenizedReport } from '@credence/core/wire/tokenized-records';
import type { Platform } from '@credence/platform/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitTokens } from '../src/submit.js';
import { evidenceFolder } from '../src/tokenize-file.js';
import { livePlatform } from './live-platform.js';

/**
 * `member submit` uploads a report's sealed evidence files after the report; a run cut
 * short between the two is finished by running it again, and a run again sends nothing
 * the platform holds already.
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

const submit = (tokens: string) =>
  submitTokens({
    tokens,
    results: `${tokens}.results.jsonl`,
    memberId: 'bank-a',
    platform: endpoint,
    signingKey: privateKeyFromJwk(key.privateJwk),
    publicKey: key.publicKey,
  });

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
