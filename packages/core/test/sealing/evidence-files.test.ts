import { encodeBase64url } from '@credence/core/encoding/base64url';
import { utf8 } from '@credence/core/encoding/bytes';
import {
  checkEvidenceFiles,
  MAX_EVIDENCE_FILES,
  sealEvidenceFile,
} from '@credence/core/sealing/evidence-files';
import { generateSealingKeys } from '@credence/core/sealing/hpke';
import {
  checkSealedDetail,
  type DetailBinding,
  DetailSealer,
  detailBinding,
  detailKey,
  openDetailFile,
  openWithKey,
  type SealedDetail,
  sealedDetailDigest,
} from '@credence/core/sealing/sealed-detail';
import { SealingError } from '@credence/core/sealing/sealing-error';
import { canonicalBytes } from '@credence/core/signing/canonical-json';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * Evidence files (docs/sealing.md): sealed under the detail's data key, named inside the
 * detail, their ciphertexts' digests listed in the sealed detail that the log binds.
 */

const report = {
  ref: 'bank-a-000124',
  type: 'victim_report',
  category: 'fake_customer_service',
  occurredAt: Date.parse('2026-11-21T09:00:00Z'),
  loss: '10k-50k',
  entities: [{ role: 'caller', kind: 'phone', token: 'B'.repeat(43), keyId: 'k1' }],
};
const binding: DetailBinding = detailBinding(report);
const screenshot = new Uint8Array(70_000).map((_, i) => (i * 31 + 7) & 255);
const recording = utf8('RIFF…WAVEfmt 通话录音：客服说退款需要先验证银行卡');

let keys: Awaited<ReturnType<typeof generateSealingKeys>>;
let sealed: SealedDetail;
let ciphertexts: Uint8Array[];

const code = (p: Promise<unknown>) =>
  p.then(
    () => 'opened',
    (e: unknown) => (e instanceof SealingError ? e.code : String(e)),
  );

beforeAll(async () => {
  keys = await generateSealingKeys();
  const sealer = await DetailSealer.create(keys.publicKey);
  ({ sealed, ciphertexts } = await sealer.sealWithFiles(
    binding,
    { narrative: '客服说可以退款', lossCny: 12_000 },
    [
      { name: 'screenshot-1.png', mediaType: 'image/png', bytes: screenshot },
      { name: '通话录音.wav', mediaType: 'audio/wav', bytes: recording },
    ],
  ));
});

describe('evidence files sealed with a detail', () => {
  it('names the files inside the detail and lists their ciphertexts outside', async () => {
    checkSealedDetail(sealed);
    expect(sealed.files?.map((f) => f.size)).toEqual([
      screenshot.length + 16,
      recording.length + 16,
    ]);
    const key = await detailKey(keys.privateKey, binding, sealed);
    const detail = await openWithKey(key, binding, sealed);
    expect(detail.files?.map((f) => [f.name, f.mediaType, f.size])).toEqual([
      ['screenshot-1.png', 'image/png', screenshot.length],
      ['通话录音.wav', 'audio/wav', recording.length],
    ]);
    // No file's bytes are in the detail or the list; the names are sealed.
    const clear = JSON.stringify(sealed);
    expect(clear).not.toContain('screenshot');
    expect(clear).not.toContain(encodeBase64url(recording.slice(0, 12)));
  });

  it('opens each file with the data key alone, the one a grant hands over', async () => {
    const key = await detailKey(keys.privateKey, binding, sealed);
    const detail = await openWithKey(key, binding, sealed);
    expect(
      await openDetailFile(key, binding, sealed, detail, 0, ciphertexts[0] as Uint8Array),
    ).toEqual(screenshot);
    expect(
      await openDetailFile(key, binding, sealed, detail, 1, ciphertexts[1] as Uint8Array),
    ).toEqual(recording);
  });

  it('seals the same bytes under the same key to the same ciphertext', async () => {
    const key = await detailKey(keys.privateKey, binding, sealed);
    const bound = canonicalBytes({ ref: binding.ref, report: binding.report });
    const again = await sealEvidenceFile(key, bound, 0, screenshot);
    expect(again.ref).toEqual(sealed.files?.[0]);
    expect(again.ciphertext).toEqual(ciphertexts[0]);
  });

  it('refuses a file altered, swapped with another, or listed otherwise', async () => {
    const key = await detailKey(keys.privateKey, binding, sealed);
    const detail = await openWithKey(key, binding, sealed);
    const altered = Uint8Array.from(ciphertexts[0] as Uint8Array);
    altered[100] = (altered[100] as number) ^ 1;
    expect(await code(openDetailFile(key, binding, sealed, detail, 0, altered))).toBe(
      'sealing.open',
    );
    expect(
      await code(openDetailFile(key, binding, sealed, detail, 0, ciphertexts[1] as Uint8Array)),
    ).toBe('sealing.open');
    // A list rewritten to match an altered file no longer matches what the log bound.
    const relisted: SealedDetail = {
      ...sealed,
      files: [
        { size: altered.length, sha256: encodeBase64url(new Uint8Array(32).fill(1)) },
        sealed.files?.[1] as { size: number; sha256: string },
      ],
    };
    expect(sealedDetailDigest(relisted)).not.toBe(sealedDetailDigest(sealed));
    expect(await code(openDetailFile(key, binding, relisted, detail, 0, altered))).toBe(
      'sealing.open',
    );
    // Another report's binding opens nothing.
    const other = detailBinding({ ...report, ref: 'bank-a-000125' });
    expect(
      await code(openDetailFile(key, other, sealed, detail, 1, ciphertexts[1] as Uint8Array)),
    ).toBe('sealing.open');
    // A file the detail does not name.
    expect(await code(openDetailFile(key, binding, sealed, detail, 2, recording))).toBe(
      'sealing.open',
    );
  });

  it('binds the list in the detail digest, and leaves a detail without files as it was', async () => {
    const { files: _files, ...box } = sealed;
    expect(sealedDetailDigest(box)).not.toBe(sealedDetailDigest(sealed));
    const plain = await (await DetailSealer.create(keys.publicKey)).seal(binding, {
      narrative: 'x',
    });
    expect(plain.files).toBeUndefined();
  });

  it('refuses files a detail may not name, and a malformed list', () => {
    const good = { name: 'a.png', mediaType: 'image/png', size: 1, sha256: 'A'.repeat(43) };
    for (const bad of [
      [{ ...good, name: '../etc/passwd' }],
      [{ ...good, name: '' }],
      [{ ...good, mediaType: 'png' }],
      [{ ...good, size: -1 }],
      [{ ...good, extra: 1 }],
      Array.from({ length: MAX_EVIDENCE_FILES + 1 }, () => good),
    ])
      expect(() => checkEvidenceFiles(bad)).toThrow(SealingError);
    expect(() => checkEvidenceFiles([good])).not.toThrow();
    for (const files of [[], [{ size: 3, sha256: 'A'.repeat(43) }], [{ size: 20, sha256: 'x' }]])
      expect(() => checkSealedDetail({ ...sealed, files } as SealedDetail)).toThrow(SealingError);
  });
});
