import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateEd25519 } from '@credence/core/signing/ed25519';
import type { TokenizedReport } from '@credence/core/wire/tokenized-records';
import type { Platform } from '@credence/platform/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stixBundleErrors } from '../../platform/test/stix-schemas.js';
import { exportStix } from '../src/stix-export.js';
import { livePlatform, submitAsBankA } from './live-platform.js';

/**
 * `member export-stix` against a real platform: a collection paged through its TAXII
 * server into one bundle file that passes the OASIS STIX 2.1 schemas; written whole or
 * not at all; and only what was added after a time when asked.
 */
const dir = mkdtempSync(join(tmpdir(), 'credence-stix-export-'));
const key = generateEd25519();
let platform: Platform;
let endpoint: { url: string; credential: string };

beforeAll(async () => {
  // Epochs of a millisecond: each batch is served as soon as it is in.
  const live = await livePlatform(dir, { taxiiEpochs: { epochMs: 1, graceMs: 0 } });
  platform = live.platform;
  endpoint = await live.enrol('bank-a', 'bank', key.publicKey);
});
afterAll(async () => {
  await platform.close();
  rmSync(dir, { recursive: true, force: true });
});

let reports = 0;
async function flag(count: number): Promise<string[]> {
  const tokens = Array.from({ length: count }, () => randomBytes(32).toString('base64url'));
  const lines = tokens.map((token) => {
    const r: TokenizedReport = {
      ref: `x-${++reports}`,
      type: 'victim_report',
      category: 'fake_loan',
      occurredAt: '2026-11-20T10:00:00Z',
      entities: [{ role: 'caller', kind: 'phone', token, keyId: 'k1' }],
    };
    return JSON.stringify(r);
  });
  const file = join(dir, `tokens-${reports}.jsonl`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  await submitAsBankA(endpoint, key, file);
  return tokens;
}

describe('member export-stix', () => {
  it('writes a collection, page by page, as one bundle that passes the OASIS schemas', async () => {
    const tokens = await flag(25);
    const out = join(dir, 'flagged.json');
    const done = await exportStix(endpoint, { collection: 'flagged-tokens', out, pageSize: 4 });
    expect(done).toMatchObject({ objects: 27, pages: 7 });
    const bundle = JSON.parse(readFileSync(out, 'utf8')) as {
      type: string;
      id: string;
      objects: { type: string; pattern?: string; modified?: string }[];
    };
    expect(bundle.id).toBe(done.bundleId);
    expect(stixBundleErrors(bundle)).toEqual([]);
    const patterns = bundle.objects.flatMap((o) => (o.pattern === undefined ? [] : [o.pattern]));
    expect(tokens.every((t) => patterns.some((p) => p.includes(`'${t}'`)))).toBe(true);

    // Only what came after the newest object's time: the next report's indicator.
    const newest = bundle.objects
      .map((o) => o.modified ?? '')
      .sort()
      .at(-1) as string;
    const [later] = await flag(1);
    const since = join(dir, 'since.json');
    expect(
      await exportStix(endpoint, { collection: 'flagged-tokens', out: since, addedAfter: newest }),
    ).toMatchObject({ objects: 1, pages: 1 });
    expect(readFileSync(since, 'utf8')).toContain(later);

    // A collection it may not read leaves no file.
    const refused = join(dir, 'refused.json');
    await expect(
      exportStix({ ...endpoint, credential: 'nope' }, { collection: 'rings', out: refused }),
    ).rejects.toMatchObject({ code: 'member.platform_refused' });
    expect(existsSync(refused) || existsSync(`${refused}.tmp`)).toBe(false);
  });
});
