import { aead, generateSealingKeys } from '@credence/core/sealing/hpke';
import {
  type DetailBinding,
  DetailSealer,
  detailKey,
  openWithKey,
  type SealedDetail,
} from '@credence/core/sealing/sealed-detail';
import { canonicalBytes } from '@credence/core/signing/canonical-json';
import { type DisclosureView, Resealer } from '@credence/member/disclosures';
import { type ApiReport, bindingOfReport } from '@credence/member/own-reports';
import { median } from './machine.js';

/**
 * Sealing reports' details at the member (issue 15: ≥ 5,000 reports/s on one core):
 * `node sealing.js N` seals N details of a 600-byte Chinese narrative with its loss, as
 * `member submit` does (one HPKE context, a data key exported per detail), and opens
 * them again with the member's key, and re-seals each one's data key to an investigator
 * as the member's agent grants a disclosure; the baseline seals the same bytes with
 * ChaCha20-Poly1305 under one fixed key (no key derivation, no binding). Three rounds,
 * alternating; prints medians as JSON on its last line.
 */

const n = Number(process.argv[2] ?? 20_000);
const narrative = '对方自称公安局民警，说我的银行卡涉嫌洗钱，要求我把钱转到“安全账户”。'.repeat(6);
const detail = { narrative, lossCny: 52_000 };
const occurredAt = '2026-11-20T10:00:00.000Z';
/** The reports as the platform shows them to their owner (a disclosure's `record`). */
const records: ApiReport[] = Array.from({ length: n }, (_, i) => ({
  id: `r_${String(i).padStart(24, '0')}`,
  ref: `bank-a-${String(i).padStart(7, '0')}`,
  type: 'victim_report',
  category: 'impersonate_authority',
  occurredAt,
  loss: '50k-100k',
  entities: [
    { role: 'caller', kind: 'phone', token: `P${String(i).padStart(42, '0')}`, keyId: 'k1' },
    {
      role: 'beneficiary_account',
      kind: 'bank_card',
      token: `C${String(i).padStart(42, '0')}`,
      keyId: 'k1',
    },
  ],
}));
const bindings: DetailBinding[] = records.map(bindingOfReport);

async function sealAll(): Promise<{
  seconds: number;
  sealed: SealedDetail[];
  keys: { publicKey: string; privateKey: string };
}> {
  const keys = await generateSealingKeys();
  const started = performance.now();
  const sealer = await DetailSealer.create(keys.publicKey);
  const sealed: SealedDetail[] = [];
  for (const b of bindings) sealed.push(await sealer.seal(b, detail));
  return { seconds: (performance.now() - started) / 1000, sealed, keys };
}

async function openAll(privateKey: string, sealed: readonly SealedDetail[]): Promise<number> {
  const started = performance.now();
  for (const [i, s] of sealed.entries()) {
    const b = bindings[i] as DetailBinding;
    await openWithKey(await detailKey(privateKey, b, s), b, s);
  }
  return (performance.now() - started) / 1000;
}

/**
 * Re-sealing at the agent (issue 15: ≥ 1,000 disclosures/s): for each request, the
 * report's data key opened with the member's key and sealed to the case's recipient, as
 * `member agent` grants (disclosures.ts, Resealer), over details sealed in one run.
 */
async function resealAll(
  keys: { publicKey: string; privateKey: string },
  sealed: readonly SealedDetail[],
): Promise<number> {
  const recipient = (await generateSealingKeys()).publicKey;
  const requests: DisclosureView[] = sealed.map((s, i) => ({
    id: String(i + 1),
    case: 'case-0123456789abcdef0123',
    police: 'police-1',
    owner: 'bank-a',
    report: (records[i] as ApiReport).id,
    status: 'requested',
    basis: {
      type: 'court_order',
      caseNumber: 'SZ-2026-0042',
      statute: 'Criminal Law art. 266',
      approvedBy: 'Judge Wang',
      expiresAt: '2027-01-01T00:00:00Z',
    },
    recipient,
    requestedAt: occurredAt,
    record: { ...(records[i] as ApiReport), sealed: s },
  }));
  const started = performance.now();
  const resealer = await Resealer.create(keys);
  for (const d of requests) await resealer.grant(d);
  return (performance.now() - started) / 1000;
}

async function baseline(): Promise<number> {
  const key = new Uint8Array(32).fill(7);
  const nonce = new Uint8Array(12);
  const started = performance.now();
  const context = aead.createEncryptionContext(key);
  for (const b of bindings) await context.seal(nonce, canonicalBytes(detail), canonicalBytes(b));
  return (performance.now() - started) / 1000;
}

const seal: number[] = [];
const open: number[] = [];
const reseal: number[] = [];
const base: number[] = [];
for (let round = 0; round < 3; round++) {
  base.push(await baseline());
  const s = await sealAll();
  seal.push(s.seconds);
  // Opening sets up a recipient context per detail: a tenth of them is enough to time.
  const some = s.sealed.slice(0, Math.max(1, Math.floor(n / 10)));
  open.push((await openAll(s.keys.privateKey, some)) * (n / some.length));
  reseal.push(await resealAll(s.keys, s.sealed));
}
console.log(
  JSON.stringify({
    details: n,
    plaintextBytes: canonicalBytes(detail).length,
    sealPerSecond: n / median(seal),
    openPerSecond: n / median(open),
    resealPerSecond: n / median(reseal),
    baselinePerSecond: n / median(base),
  }),
);
