import { encodeBase64url } from '@credence/core/encoding/base64url';
import { generateSealingKeys } from '@credence/core/sealing/hpke';
import {
  type DetailBinding,
  DetailSealer,
  detailBinding,
  detailKey,
  openDetail,
  openWithKey,
  type SealedDetail,
  sealedDetailDigest,
} from '@credence/core/sealing/sealed-detail';
import { SealingError } from '@credence/core/sealing/sealing-error';
import { beforeAll, describe, expect, it } from 'vitest';

const NARRATIVE =
  '对方自称公安局民警，说我的银行卡涉嫌洗钱，要求我把钱转到“安全账户” 6222021234567890128。';
const report = {
  ref: 'bank-a-000123',
  type: 'victim_report',
  category: 'impersonate_authority',
  occurredAt: Date.parse('2026-11-20T10:12:00Z'),
  loss: '50k-100k',
  entities: [{ role: 'caller', kind: 'phone', token: 'A'.repeat(43), keyId: 'k1' }],
};
const binding: DetailBinding = detailBinding(report);

let keys: Awaited<ReturnType<typeof generateSealingKeys>>;
let sealer: DetailSealer;
let sealed: SealedDetail;

beforeAll(async () => {
  keys = await generateSealingKeys();
  sealer = await DetailSealer.create(keys.publicKey);
  sealed = await sealer.seal(binding, { narrative: NARRATIVE, lossCny: 52_000 });
});

/** The code of the SealingError a promise rejects with. */
const failure = (p: Promise<unknown>) =>
  p.then(
    () => 'opened',
    (e: unknown) => (e instanceof SealingError ? e.code : String(e)),
  );

describe('sealed details: sealing and opening', () => {
  it('opens with the member key for the report it was sealed for, and only holds ciphertext', async () => {
    expect(await openDetail(keys.privateKey, binding, sealed)).toEqual({
      narrative: NARRATIVE,
      lossCny: 52_000,
    });
    const text = JSON.stringify(sealed);
    expect(text).not.toContain('52000');
    expect(text).not.toContain(encodeBase64url(new TextEncoder().encode(NARRATIVE)).slice(0, 12));
    expect(Object.keys(sealed).sort()).toEqual(['ciphertext', 'enc', 'salt', 'suite']);
  });

  it('gives every detail of a run its own key: the same detail twice seals differently', async () => {
    const again = await sealer.seal(binding, { narrative: NARRATIVE, lossCny: 52_000 });
    expect(again.enc).toBe(sealed.enc);
    expect(again.salt).not.toBe(sealed.salt);
    expect(again.ciphertext).not.toBe(sealed.ciphertext);
    const [k1, k2] = await Promise.all([
      detailKey(keys.privateKey, binding, sealed),
      detailKey(keys.privateKey, binding, again),
    ]);
    expect(encodeBase64url(k1)).not.toBe(encodeBase64url(k2));
  });

  it('opens with the data key alone, which is what a disclosure hands over', async () => {
    const key = await detailKey(keys.privateKey, binding, sealed);
    expect(key).toHaveLength(32);
    expect((await openWithKey(key, binding, sealed)).narrative).toBe(NARRATIVE);
  });

  it('seals an empty detail and a narrative alone', async () => {
    const empty = await sealer.seal(binding, {});
    expect(await openDetail(keys.privateKey, binding, empty)).toEqual({});
    const only = await sealer.seal(binding, { narrative: '' });
    expect(await openDetail(keys.privateKey, binding, only)).toEqual({ narrative: '' });
  });

  it('has a digest over every field, which the log binds', () => {
    const d = sealedDetailDigest(sealed);
    expect(d).toMatch(/^[A-Za-z0-9_-]{43}$/);
    for (const field of ['enc', 'salt', 'ciphertext'] as const)
      expect(
        sealedDetailDigest({ ...sealed, [field]: `${sealed[field].slice(0, -2)}AA` }),
      ).not.toBe(d);
  });

  it("binds the report's facts, not its script or anything else it carries", () => {
    expect(detailBinding({ ...report, sealed, script: 'x', fingerprint: 'y' } as never)).toEqual(
      binding,
    );
    for (const changed of [
      { loss: '10k-50k' },
      { loss: null },
      { occurredAt: report.occurredAt + 1 },
      { category: 'fake_loan' },
      { entities: [{ ...report.entities[0], role: 'contact' }] },
    ])
      expect(detailBinding({ ...report, ...changed } as never).report).not.toBe(binding.report);
  });
});

describe('sealed details: what does not open', () => {
  it('refuses another key, another report or another ref', async () => {
    const other = await generateSealingKeys();
    expect(await failure(openDetail(other.privateKey, binding, sealed))).toBe('sealing.open');
    expect(
      await failure(openDetail(keys.privateKey, { ...binding, ref: 'bank-a-000124' }, sealed)),
    ).toBe('sealing.open');
    const moved = detailBinding({ ...report, loss: '1k-10k' });
    expect(await failure(openDetail(keys.privateKey, moved, sealed))).toBe('sealing.open');
  });

  it('refuses a detail altered anywhere', async () => {
    const flip = (text: string) => `${text[0] === 'A' ? 'B' : 'A'}${text.slice(1)}`;
    for (const field of ['enc', 'salt', 'ciphertext'] as const)
      expect(
        await failure(
          openDetail(keys.privateKey, binding, { ...sealed, [field]: flip(sealed[field]) }),
        ),
        field,
      ).toBe('sealing.open');
  });

  it('names a malformed detail, a malformed key and a detail that is not one', async () => {
    const malformed: unknown[] = [
      { ...sealed, suite: 'X25519-SHA256-AES128GCM' },
      { ...sealed, enc: sealed.enc.slice(4) },
      { ...sealed, salt: `${sealed.salt}AAAA` },
      { ...sealed, ciphertext: 'AAAA' },
      { ...sealed, ciphertext: '!!!!' },
      null,
      'sealed',
    ];
    for (const m of malformed)
      expect(await failure(openDetail(keys.privateKey, binding, m as SealedDetail))).toBe(
        'sealing.malformed',
      );
    expect(await failure(openDetail('AAAA', binding, sealed))).toBe('sealing.key');
    expect(await failure(DetailSealer.create(`${keys.publicKey}A`))).toBe('sealing.key');
    for (const bad of [{ narrative: 5 }, { lossCny: -1 }, { lossCny: Number.NaN }, { victim: 'x' }])
      expect(await failure(sealer.seal(binding, bad as never))).toBe('sealing.detail');
  });

  it('says what failed without the narrative, the key or the ciphertext', async () => {
    const error = await openDetail(keys.publicKey, binding, sealed).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SealingError);
    const message = String((error as Error).message);
    for (const secret of [NARRATIVE, keys.privateKey, keys.publicKey, sealed.ciphertext])
      expect(message).not.toContain(secret.slice(0, 10));
  });
});
