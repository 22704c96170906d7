import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSealingKeys } from '@credence/core/sealing/hpke';
import { openDetail } from '@credence/core/sealing/sealed-detail';
import { afterAll, describe, expect, it } from 'vitest';
import { RepeatableSealer } from '../src/repeatable-sealer.js';
import { SqliteTokenCache } from '../src/token-cache.js';

const dir = mkdtempSync(join(tmpdir(), 'credence-sealer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const binding = { ref: 'bank-a-1', report: 'R'.repeat(43) };
const detail = { narrative: '他说他是公安局的，让我转账到安全账户', lossCny: 52000 };

describe('a repeatable sealer', () => {
  it('seals the same report the same way again, across runs, and a changed detail anew', async () => {
    const keys = await generateSealingKeys();
    const file = join(dir, 'cache.sqlite');
    const first = new SqliteTokenCache(file);
    const { sealed } = await new RepeatableSealer(keys, first).seal(binding, detail);
    first.close();
    const second = new SqliteTokenCache(file);
    const sealer = new RepeatableSealer(keys, second);
    expect((await sealer.seal(binding, detail)).sealed).toEqual(sealed);
    const { sealed: changed } = await sealer.seal(binding, { ...detail, lossCny: 52001 });
    expect(changed.ciphertext).not.toBe(sealed.ciphertext);
    const { sealed: moved } = await sealer.seal({ ...binding, ref: 'bank-a-2' }, detail);
    expect(moved.ciphertext).not.toBe(sealed.ciphertext);
    // Another key seals anew, and each opens with its own key only.
    const other = await generateSealingKeys();
    const { sealed: otherSealed } = await new RepeatableSealer(other, second).seal(binding, detail);
    expect(otherSealed.ciphertext).not.toBe(sealed.ciphertext);
    expect(await openDetail(other.privateKey, binding, otherSealed)).toEqual(detail);
    expect(await openDetail(keys.privateKey, binding, sealed)).toEqual(detail);
    second.close();
    // The cache file keys what it remembers by salted hashes: no detail in the clear.
    const bytes = readFileSync(file);
    expect(bytes.includes(Buffer.from('公安局'))).toBe(false);
    expect(bytes.includes(Buffer.from('52000'))).toBe(false);
  });

  it("seals a remembered detail's evidence files again to the same ciphertexts", async () => {
    const keys = await generateSealingKeys();
    const file = join(dir, 'cache-files.sqlite');
    const files = [
      { name: 'call.m4a', mediaType: 'audio/mp4', bytes: new Uint8Array(3000).fill(7) },
      { name: 'chat.png', mediaType: 'image/png', bytes: new Uint8Array([1, 2, 3]) },
    ];
    const first = new SqliteTokenCache(file);
    const made = await new RepeatableSealer(keys, first).seal(binding, detail, files);
    first.close();
    const second = new SqliteTokenCache(file);
    const again = await new RepeatableSealer(keys, second).seal(binding, detail, files);
    expect(again).toEqual(made);
    // A changed file is a new detail.
    const changed = await new RepeatableSealer(keys, second).seal(binding, detail, [
      files[0] as (typeof files)[number],
      { ...(files[1] as (typeof files)[number]), bytes: new Uint8Array([1, 2, 4]) },
    ]);
    expect(changed.sealed.salt).not.toBe(made.sealed.salt);
    second.close();
  });
});
