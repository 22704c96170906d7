import type { BatchRecord, IngestLink, IngestReport } from '../src/domain/types.js';
import type { Store } from '../src/storage/store.js';

/*
 * What the storage contract's tests (store-contract.ts) are made of: the store under test,
 * and the records they write.
 */

/**
 * The storage contract: what every Store adapter must do, run against each. `open`
 * makes a store on fresh, empty storage; `reopen` opens the same storage again (a
 * restart).
 */
export interface StoreHarness {
  open(): Promise<Store>;
  reopen(): Promise<Store>;
  cleanup(): Promise<void>;
}

/** The store a test of the contract runs on, made fresh for each test (and reopened by some). */
export interface StoreUnderTest {
  harness: StoreHarness;
  store: Store;
}

/** When the records happen. */
export const T0 = Date.parse('2026-11-20T10:00:00Z');
/** The nth token. */
export const tok = (n: number) => `t${String(n).padStart(42, '0')}`;

/** Batches made so far: each batch has an id and a time of its own. */
let counter = 0;
export const batch = (memberId: string, kind: 'reports' | 'links', items: number): BatchRecord => ({
  memberId,
  batchId: `b${++counter}`,
  kind,
  digest: 'd'.repeat(64),
  publicKey: 'p'.repeat(43),
  signature: 's'.repeat(86),
  items,
  receivedAt: T0 + counter,
});

/** A victim's report of these tokens (the first the caller's), with any field changed. */
export const report = (
  ref: string,
  tokens: number[],
  extra: Partial<IngestReport> = {},
): IngestReport => ({
  ref,
  type: 'victim_report',
  category: 'fake_loan',
  occurredAt: T0,
  loss: '1k-10k',
  entities: tokens.map((n, i) => ({
    token: tok(n),
    kind: 'phone',
    keyId: 'k1',
    role: i === 0 ? 'caller' : 'victim',
  })),
  contentHash: `h-${ref}-${tokens.join('.')}-${extra.type ?? 'victim_report'}`,
  ...extra,
});

/** A call from one token to another. */
export const link = (from: number, to: number, at = T0): IngestLink => ({
  link: 'call',
  from: { token: tok(from), kind: 'phone', keyId: 'k1' },
  to: { token: tok(to), kind: 'phone', keyId: 'k1' },
  at,
  count: 1,
  amount: undefined,
  contentHash: `l-${from}-${to}-${at}`,
});
