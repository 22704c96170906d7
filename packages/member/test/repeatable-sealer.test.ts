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
    const sealed = await new RepeatableSealer(keys.publicKey, first).seal(binding, detail);
    first.close();
    const second = new SqliteTokenCache(file);
    const sealer = new RepeatableSealer(keys.publicKey, second);
    expect(await sealer.seal(binding, detail)).toEqual(sealed);
    const changed = await sealer.seal(binding, { ...detail, lossCny: 52001 });
    expect(changed.ciphertext).not.toBe(sealed.ciphertext);
    const moved = await sealer.seal({ ...binding, ref: 'bank-a-2' }, detail);
    expect(moved.ciphertext).not.toBe(sealed.ciphertext);
    // Another key seals anew, and each opens with its own key only.
    const other = await generateSealingKeys();
    const otherSealed = await new RepeatableSealer(other.publicKey, second).seal(binding, detail);
    expect(otherSealed.ciphertext).not.toBe(sealed.ciphertext);
    expect(await openDetail(other.privateKey, binding, otherSealed)).toEqual(detail);
    expect(await openDetail(keys.privateKey, binding, sealed)).toEqual(detail);
    second.close();
    // The cache file keys what it remembers by salted hashes: no detail in the clear.
    const bytes = readFileSync(file);
    expect(bytes.includes(Buffer.from('公安局'))).toBe(false);
    expect(bytes.includes(Buffer.from('52000'))).toBe(false);
  });
});
