import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../src/storage/postgres/postgres-store.js';
import { freshSchema, POSTGRES_URL, skipMessage } from './postgres.js';
import { batch, report, tok } from './store-contract-fixtures.js';

/**
 * Reads meant for the hot standbys (serve --db-read): flagged tokens' states for checks
 * and the log's nodes for proofs are answered by the standby only when it has replayed far
 * enough, and by the primary otherwise, with the same answer. A real standby lags in the
 * multi-node suite (bench/test/topology.test.ts); here a "standby" that has replayed
 * nothing is an empty schema, one that has replayed everything is the primary's own, and
 * one out of reach is a closed port.
 */
const suite = POSTGRES_URL === undefined ? describe.skip : describe;

/** States in token order (the store gives them in no order of its own). */
const sorted = <T extends { token: string }>(states: T[]) =>
  [...states].sort((a, b) => (a.token < b.token ? -1 : 1));

let primary: Awaited<ReturnType<typeof freshSchema>>;
let empty: Awaited<ReturnType<typeof freshSchema>>;
let plain: PostgresStore;
let seq = 0;

suite(`reads from PostgreSQL hot standbys${POSTGRES_URL === undefined ? ` (${skipMessage()})` : ''}`, () => {
  beforeAll(async () => {
    primary = await freshSchema(POSTGRES_URL as string);
    empty = await freshSchema(POSTGRES_URL as string);
    plain = new PostgresStore(primary.url);
    await plain.migrate();
    const behind = new PostgresStore(empty.url);
    await behind.migrate();
    await behind.close();
    await plain.createMember({ id: 'bank-a', name: 'bank-a', type: 'bank', createdAt: 1 });
    const r = await plain.ingestReports(batch('bank-a', 'reports', 1), [report('r1', [1, 2])]);
    seq = r.seq;
  });

  afterAll(async () => {
    await plain.close();
    await primary.drop();
    await empty.drop();
  });

  const nodes = [
    { level: 0, index: 0 },
    { level: 0, index: 1 },
  ];

  it('asks the primary when the standby has not replayed as far as the caller needs, or lacks the rows', async () => {
    const store = new PostgresStore(primary.url, 2, empty.url);
    try {
      const states = sorted(await store.tokenStates([tok(1), tok(2)], seq));
      expect(states).toEqual(sorted(await plain.tokenStates([tok(1), tok(2)])));
      // The report's caller is flagged; its victim is not.
      expect(states.map((s) => [s.token, s.flagged])).toEqual([
        [tok(1), true],
        [tok(2), false],
      ]);
      expect(await store.logNodes(nodes)).toEqual(await plain.logNodes(nodes));
      expect((await plain.logNodes(nodes)).size).toBe(2);
      expect(store.standbyReads).toEqual({ served: 0, primary: 2 });
    } finally {
      await store.close();
    }
  });

  it('reads from the standby when it has replayed far enough, with the same answers', async () => {
    const store = new PostgresStore(primary.url, 2, primary.url);
    try {
      expect(sorted(await store.tokenStates([tok(1), tok(2)], seq))).toEqual(
        sorted(await plain.tokenStates([tok(1), tok(2)])),
      );
      expect(await store.logNodes(nodes)).toEqual(await plain.logNodes(nodes));
      expect(store.standbyReads).toEqual({ served: 2, primary: 0 });
      // A caller that does not say how fresh it needs the states reads the primary.
      await store.tokenStates([tok(1)]);
      expect(store.standbyReads).toEqual({ served: 2, primary: 0 });
    } finally {
      await store.close();
    }
  });

  it('asks the primary when the standby is out of reach', async () => {
    const closed = new URL(primary.url);
    closed.port = '1';
    const store = new PostgresStore(primary.url, 2, closed.toString());
    try {
      expect(await store.tokenStates([tok(1)], seq)).toEqual(await plain.tokenStates([tok(1)]));
      expect(store.standbyReads).toEqual({ served: 0, primary: 1 });
    } finally {
      await store.close();
    }
  });
});
