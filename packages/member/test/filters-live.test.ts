import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateEd25519 } from '@credence/core/signing/ed25519';
import type { TokenizedReport } from '@credence/core/wire/tokenized-records';
import type { Platform } from '@credence/platform/server';
import { FilterService } from '@credence/platform/services/filters';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keptFilter, pullFilters } from '../src/filters.js';
import { livePlatform, submitAsBankA } from './live-platform.js';

/**
 * The member's side of filter deltas (docs/filters.md) against a real platform: it keeps
 * the newest base and the additions over it, fetches a base once and then additions
 * only, checks against both, and drops additions whose base is no longer the newest.
 */
const dir = mkdtempSync(join(tmpdir(), 'credence-filters-'));
const key = generateEd25519();
let platform: Platform;
let endpoint: { url: string; credential: string };
let logKey: string;

beforeAll(async () => {
  const live = await livePlatform(dir);
  platform = live.platform;
  endpoint = await live.enrol('bank-a', 'bank', key.publicKey);
  const answer = await fetch(`${endpoint.url}/v1/log/key`, {
    headers: { authorization: `Bearer ${endpoint.credential}` },
  });
  logKey = ((await answer.json()) as { vkey: string }).vkey;
});
afterAll(async () => {
  await platform.close();
  rmSync(dir, { recursive: true, force: true });
});

let reports = 0;
async function flag(tokens: readonly string[]): Promise<void> {
  const r: TokenizedReport = {
    ref: `f-${++reports}`,
    type: 'victim_report',
    category: 'fake_customer_service',
    occurredAt: '2026-11-20T10:00:00Z',
    entities: tokens.map((token) => ({ role: 'caller', kind: 'phone', token, keyId: 'k1' })),
  };
  const file = join(dir, `tokens-${reports}.jsonl`);
  writeFileSync(file, `${JSON.stringify(r)}\n`);
  await submitAsBankA(endpoint, key, file);
}
const fresh = (n: number) => Array.from({ length: n }, () => randomBytes(32).toString('base64url'));

describe('member filter pull with deltas', () => {
  it('keeps a base and the additions over it, and drops additions when the base moves on', async () => {
    let clock = Date.now();
    const service = new FilterService(platform.store, () => clock, {
      baseMaxAgeMs: 86_400_000,
      rebaseShare: 0.5,
    });
    const kept = join(dir, 'filters');
    const pull = async () =>
      (await pullFilters(endpoint, logKey, kept)).map((p) => [
        p.release.bits,
        p.release.version,
        p.release.base,
        p.fetched,
      ]);

    const first = fresh(10);
    await flag(first);
    await service.publish();
    expect(await pull()).toEqual([
      [8, 1, undefined, true],
      [16, 1, undefined, true],
    ]);

    const second = fresh(2);
    await flag(second);
    await service.publish();
    expect(await pull()).toEqual([
      [8, 1, undefined, false],
      [8, 2, 1, true],
      [16, 1, undefined, false],
      [16, 2, 1, true],
    ]);
    const layered = await keptFilter(kept, 'k1', 16);
    expect(layered?.additions?.version).toBe(2);
    expect([...first, ...second].every((t) => layered?.filter.has(t))).toBe(true);
    expect(second.some((t) => layered?.filter.base.has(t))).toBe(false);
    expect(fresh(100).filter((t) => layered?.filter.has(t))).toEqual([]);

    // A day on, a base again: fetched, and the additions over base 1 dropped.
    clock += 86_400_000;
    const third = fresh(1);
    await flag(third);
    await service.publish();
    expect(await pull()).toEqual([
      [8, 3, undefined, true],
      [16, 3, undefined, true],
    ]);
    expect(readdirSync(kept).filter((f) => f.includes('additions'))).toEqual([]);
    expect(existsSync(join(kept, 'k1-16.crff'))).toBe(true);
    const rebased = await keptFilter(kept, 'k1', 8);
    expect(rebased?.release.version).toBe(3);
    expect(rebased?.additions).toBeUndefined();
    expect([...first, ...second, ...third].every((t) => rebased?.filter.has(t))).toBe(true);
  });
});
