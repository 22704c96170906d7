import type { TokenizedLink, TokenizedReport } from '@credence/core/wire/tokenized-records';
import { expect } from 'vitest';
import { type Harness, tok } from './harness.js';

/** A small world of a mule ring, for the tests that need joint analysis to find one. */

export const card = (n: number) => ({
  kind: 'bank_card' as const,
  token: tok(`c${n}`),
  keyId: 'k1',
});
export const phone = (n: number) => ({ kind: 'phone' as const, token: tok(`p${n}`), keyId: 'k1' });
/** Yesterday, to the second. */
export const day = new Date(Date.now() - 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');

/** Victims 1..3 at bank-a paid the mule account c10, which sweeps to c11 and c12 at bank-b. */
export async function muleRing(h: Harness): Promise<void> {
  const reports: TokenizedReport[] = [1, 2, 3].map((v) => ({
    ref: `victim-${v}`,
    type: 'confirmed_fraud',
    category: 'fake_investment',
    occurredAt: day,
    entities: [
      { role: 'payer_account', ...card(v) },
      { role: 'beneficiary_account', ...card(10) },
    ],
  }));
  expect((await h.reports(h.actors.bankA, reports)).statusCode).toBe(200);
  const transfer = (a: number, b: number): TokenizedLink => ({
    link: 'transfer',
    from: card(a),
    to: card(b),
    at: day,
    count: 1,
  });
  const links: TokenizedLink[] = [
    transfer(10, 11),
    transfer(11, 12),
    { link: 'registered_with', from: card(11), to: phone(11), at: day, count: 1 },
  ];
  expect((await h.links(h.actors.bankB, links)).statusCode).toBe(200);
}
