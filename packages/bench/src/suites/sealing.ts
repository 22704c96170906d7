import { child, fmt, quick, sectionHead } from './kit.js';

/** Sealed details (issue 15): sealing at the member, opening with its key, against bare AEAD. */
export function sealingSuite(): string {
  const n = quick ? 5_000 : 20_000;
  const r = child<{
    details: number;
    plaintextBytes: number;
    sealPerSecond: number;
    openPerSecond: number;
    resealPerSecond: number;
    baselinePerSecond: number;
  }>('sealing.js', [String(n)]);
  console.log(
    `sealing: ${fmt(r.sealPerSecond)} details/s; re-sealing: ${fmt(r.resealPerSecond)} grants/s`,
  );
  return [
    ...sectionHead('Sealed details (`member submit` with a sealing key)'),
    `${fmt(r.details)} details of ${fmt(r.plaintextBytes)} bytes (a Chinese narrative and its loss), one thread, median of 3 rounds alternating with the baseline. Sealing is what the member does for a file: one HPKE context to its own key, a data key exported per detail, ChaCha20-Poly1305 (docs/sealing.md). Opening sets up the recipient context for each detail, as opening one report does (timed on a tenth of them). Re-sealing is what the member's agent does to grant a disclosure: the report's binding computed from the report as stored, its data key opened with the member's key (the run's recipient context kept), and sealed to the case's investigator key (docs/sealing.md, "Grants"), for every detail of the run.`,
    '',
    '| measure | details/s | baseline in the same run: the same bytes sealed by ChaCha20-Poly1305 under one fixed key | ratio | goal |',
    '|---|---:|---:|---:|---|',
    `| seal | ${fmt(r.sealPerSecond)} | ${fmt(r.baselinePerSecond)} | ${fmt(r.sealPerSecond / r.baselinePerSecond, 2)} | ≥ 5,000 |`,
    `| open one with the member's key | ${fmt(r.openPerSecond)} | | ${fmt(r.openPerSecond / r.baselinePerSecond, 2)} | |`,
    `| re-seal a grant (\`member agent\`) | ${fmt(r.resealPerSecond)} | | ${fmt(r.resealPerSecond / r.baselinePerSecond, 2)} | ≥ 1,000 |`,
  ].join('\n');
}
