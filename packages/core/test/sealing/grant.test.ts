import { describe, expect, it } from 'vitest';
import {
  type GrantBinding,
  GrantOpener,
  GrantSealer,
  grantDigest,
} from '../../src/sealing/grant.js';
import { generateSealingKeys } from '../../src/sealing/hpke.js';
import {
  DetailKeys,
  DetailSealer,
  detailBinding,
  openWithKey,
} from '../../src/sealing/sealed-detail.js';

/**
 * A disclosure's grant (docs/sealing.md, "Grants"): the owner re-seals one detail's data
 * key to the case's recipient key; only that key opens it, only for that disclosure, and
 * the data key opens that detail and no other.
 */
const report = (ref: string) =>
  detailBinding({
    ref,
    type: 'victim_report',
    category: 'impersonate_authority',
    occurredAt: Date.UTC(2026, 10, 20),
    loss: '50k-100k',
    entities: [{ role: 'caller', kind: 'phone', token: 'T'.repeat(43), keyId: 'k1' }],
  });

async function setting() {
  const owner = await generateSealingKeys();
  const investigator = await generateSealingKeys();
  const sealer = await DetailSealer.create(owner.publicKey);
  const a = report('a-1');
  const b = report('b-1');
  const sealedA = await sealer.seal(a, { narrative: '自称公安', lossCny: 86_000 });
  const sealedB = await sealer.seal(b, { narrative: 'another one' });
  const keys = await DetailKeys.create(owner.privateKey);
  const binding: GrantBinding = {
    disclosure: '7',
    case: 'case-0123456789abcdef0123',
    recipient: investigator.publicKey,
    detail: a,
  };
  const grant = await (await GrantSealer.create(investigator.publicKey)).seal(
    binding,
    await keys.key(a, sealedA),
  );
  return { owner, investigator, a, b, sealedA, sealedB, binding, grant, keys };
}

describe('grants', () => {
  it("open with the recipient's key to the data key of the one detail", async () => {
    const s = await setting();
    const dataKey = await (await GrantOpener.create(s.investigator.privateKey)).dataKey(
      s.binding,
      s.grant,
    );
    expect(await openWithKey(dataKey, s.a, s.sealedA)).toEqual({
      narrative: '自称公安',
      lossCny: 86_000,
    });
    // The data key of one detail opens no other.
    await expect(openWithKey(dataKey, s.b, s.sealedB)).rejects.toMatchObject({
      code: 'sealing.open',
    });
  });

  it('do not open for another disclosure, case, recipient or report, nor with another key', async () => {
    const s = await setting();
    const opener = await GrantOpener.create(s.investigator.privateKey);
    const other = await generateSealingKeys();
    for (const changed of [
      { ...s.binding, disclosure: '8' },
      { ...s.binding, case: 'case-ffffffffffffffffffff' },
      { ...s.binding, recipient: other.publicKey },
      { ...s.binding, detail: s.b },
    ])
      await expect(opener.dataKey(changed, s.grant)).rejects.toMatchObject({
        code: 'sealing.open',
      });
    await expect(
      (await GrantOpener.create(other.privateKey)).dataKey(s.binding, s.grant),
    ).rejects.toMatchObject({ code: 'sealing.open' });
  });

  it('are sealed only to the recipient the binding names, and only a 32-byte key', async () => {
    const s = await setting();
    const other = await generateSealingKeys();
    const sealer = await GrantSealer.create(other.publicKey);
    await expect(sealer.seal(s.binding, new Uint8Array(32))).rejects.toMatchObject({
      code: 'sealing.grant',
    });
    await expect(
      (await GrantSealer.create(s.investigator.publicKey)).seal(s.binding, new Uint8Array(16)),
    ).rejects.toMatchObject({ code: 'sealing.grant' });
  });

  it('have a digest that changes with any byte of them', async () => {
    const s = await setting();
    const flipped = `${s.grant.ciphertext.startsWith('A') ? 'B' : 'A'}${s.grant.ciphertext.slice(1)}`;
    expect(grantDigest(s.grant)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(grantDigest({ ...s.grant, ciphertext: flipped })).not.toBe(grantDigest(s.grant));
  });

  it("share one key agreement per sealing run at the owner's side", async () => {
    const s = await setting();
    // Both details of the run give their keys from one opener; a fresh opener agrees.
    const again = await (await DetailKeys.create(s.owner.privateKey)).key(s.b, s.sealedB);
    expect(await s.keys.key(s.b, s.sealedB)).toEqual(again);
  });
});
