import { recordDigestOf } from '@credence/core/log/audit-records';
import type { LogEntry } from '@credence/core/log/entries';
import { hashLeaf } from '@credence/core/merkle/hash';
import {
  inclusionProof,
  inclusionProofNodes,
  MemoryTree,
  rootFromNodes,
  rootNodes,
} from '@credence/core/merkle/proofs';
import { expect, it } from 'vitest';
import { batch, link, report, type StoreUnderTest, T0 } from './store-contract-fixtures.js';

/**
 * The storage contract (store-contract.ts) for the transparency log: every write
 * appended with the tree nodes to prove it, checkpoints, and key servers' counts.
 */

/** Each write appended to the log in its own transaction; checkpoints and cosignatures. */
export function describeLogWrites(subject: StoreUnderTest) {
  it('appends every write to the log in its own transaction, with the tree nodes to prove it', async () => {
    // Three members created: three entries already.
    expect((await subject.store.logHead()).size).toBe(3);
    const r = await subject.store.ingestReports(batch('bank-a', 'reports', 3), [
      report('r1', [1]),
      report('r2', [2]),
      report('r1', [1]),
    ]);
    expect(r.log).toMatchObject({ first: 3, count: 2, size: 5 });
    const links = await subject.store.ingestLinks(batch('bank-a', 'links', 2), [
      link(1, 2),
      link(2, 3),
    ]);
    expect(links.log).toMatchObject({ first: 5, count: 1, size: 6 });
    const again = await subject.store.ingestLinks(batch('bank-a', 'links', 1), [link(1, 2)]);
    expect(again.log).toBeUndefined();
    const retracted = await subject.store.retractReport(
      'bank-a',
      r.outcomes[0]?.id as string,
      'false_positive',
      T0 + 5,
    );
    expect(retracted.log).toMatchObject({ first: 6, count: 1, size: 7 });
    await subject.store.changeSigningKeys('bank-b', T0, {
      event: 'added',
      publicKey: 'k'.repeat(43),
      replaces: [],
      by: 'operator',
    });
    await subject.store.putPolicy({ weights: {} }, 'bank-a', T0);
    const head = await subject.store.logHead();
    expect(head.size).toBe(9);

    const texts = await subject.store.logEntries(0, 100);
    expect(texts.map((t) => (JSON.parse(t) as { kind: string }).kind)).toEqual([
      'member_event',
      'member_event',
      'member_event',
      'report',
      'report',
      'link_batch',
      'retraction',
      'key_event',
      'policy_change',
    ]);
    // The stored nodes give the root of every size the log had, and its proofs.
    const tree = new MemoryTree(texts.map((t) => hashLeaf(new TextEncoder().encode(t))));
    expect(Buffer.from(head.root).equals(Buffer.from(tree.root()))).toBe(true);
    for (const size of [1, 4, 7, 9]) {
      const ids = rootNodes(size);
      const nodes = await subject.store.logNodes(ids);
      expect(ids.every((id) => nodes.has(`${id.level}/${id.index}`))).toBe(true);
      for (let index = 0; index < size; index++) {
        const need = inclusionProofNodes(index, size);
        const got = await subject.store.logNodes(need);
        const proof = inclusionProof(index, size, (l, i) => got.get(`${l}/${i}`));
        expect(proof.map((p) => Buffer.from(p).toString('hex'))).toEqual(
          tree.inclusionProof(index, size).map((p) => Buffer.from(p).toString('hex')),
        );
      }
    }
    // What the store holds matches what was logged, until someone edits it.
    const entries = texts.map((t) => JSON.parse(t) as LogEntry);
    const records = await subject.store.auditRecords(entries.map((e, index) => ({ ...e, index })));
    entries.forEach((e, i) => {
      const record = records[i];
      if (record === null || record === undefined) throw new Error(`no record for entry ${i}`);
      expect(recordDigestOf(e, record)).toEqual({ digest: e.digest });
    });
    expect(await subject.store.auditCounts()).toEqual({
      reports: 2,
      retractions: 1,
      linkBatches: 1,
      scripts: 0,
      alerts: 0,
      policies: 1,
      analyses: 0,
      outcomes: 0,
      qualityWeights: 0,
      appeals: 0,
      appealRulings: 0,
      statsReleases: 0,
      exposures: 0,
      filters: 0,
    });
  });

  it('keeps signed checkpoints and cosignatures, once per size', async () => {
    await subject.store.saveCheckpoint(3, 'note-3', T0);
    await subject.store.saveCheckpoint(3, 'another note', T0 + 1);
    await subject.store.saveCheckpoint(5, 'note-5', T0 + 2);
    await subject.store.addCosignature(3, 'w1', 'line-w1\n', T0);
    await subject.store.addCosignature(3, 'w1', 'line-w1-again\n', T0);
    await subject.store.addCosignature(3, 'w0', 'line-w0\n', T0);
    expect(await subject.store.getCheckpoint(3)).toEqual({
      size: 3,
      note: 'note-3',
      createdAt: T0,
      cosignatures: ['line-w0\n', 'line-w1\n'],
    });
    expect((await subject.store.getCheckpoint())?.size).toBe(5);
    expect((await subject.store.listCheckpoints(4, 10)).map((c) => c.size)).toEqual([5]);
    expect(await subject.store.getCheckpoint(4)).toBeUndefined();
  });
}

/** Key servers' counts as they grow; the tree whole across many and concurrent appends. */
export function describeLogGrowth(subject: StoreUnderTest) {
  it("logs key servers' counts once each, as they grow", async () => {
    const u = (member: string, evaluations: number) => ({
      reporter: 'keyserver-1',
      keyId: 'k1',
      shareIndex: 1,
      day: '2026-11-20',
      member,
      evaluations,
    });
    expect((await subject.store.recordOprfUsage([u('bank-a', 0), u('bank-b', 5)], T0))?.count).toBe(
      1,
    );
    expect(
      await subject.store.recordOprfUsage([u('bank-b', 5), u('bank-b', 4)].slice(0, 1), T0),
    ).toBe(undefined);
    expect(await subject.store.recordOprfUsage([u('bank-b', 4)], T0)).toBe(undefined);
    expect((await subject.store.recordOprfUsage([u('bank-b', 7), u('bank-a', 1)], T0))?.count).toBe(
      2,
    );
    const { size } = await subject.store.logHead();
    const subjects = (await subject.store.logEntries(size - 3, size)).map(
      (t) => (JSON.parse(t) as { subject: string }).subject,
    );
    expect(subjects.sort()).toEqual([
      'oprf/keyserver-1/k1/1/2026-11-20/1',
      'oprf/keyserver-1/k1/1/2026-11-20/5',
      'oprf/keyserver-1/k1/1/2026-11-20/7',
    ]);
  });

  it('keeps every node of the tree across many appends of any size', async () => {
    let n = 0;
    const sizes = [1, 2, 15, 16, 17, 250, 1, 300, 31, 33, 64, 500, 7, 1000, 200];
    for (const count of sizes) {
      await subject.store.appendLog(
        Array.from({ length: count }, () => ({
          kind: 'check_digest',
          time: '2026-11-26T00:00:00.000Z',
          member: 'bank-a',
          subject: `c${n++}`,
          digest: 'x',
        })),
      );
    }
    const head = await subject.store.logHead();
    const texts = await subject.store.logEntries(0, head.size);
    const tree = new MemoryTree(texts.map((t) => hashLeaf(new TextEncoder().encode(t))));
    expect(Buffer.from(head.root).equals(Buffer.from(tree.root()))).toBe(true);
    const hex = (hs: Uint8Array[]) => hs.map((h) => Buffer.from(h).toString('hex'));
    for (const size of [1, 16, 17, 256, 257, 1000, 2048, head.size]) {
      for (const index of [0, 1, 15, 16, 255, 256, 1023, size - 1].filter((i) => i < size)) {
        const got = await subject.store.logNodes(inclusionProofNodes(index, size));
        expect(hex(inclusionProof(index, size, (l, i) => got.get(`${l}/${i}`)))).toEqual(
          hex(tree.inclusionProof(index, size)),
        );
      }
    }
  });

  it('appends concurrent writes one after the other, so the tree stays whole', async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        subject.store.ingestReports(
          batch(i % 2 === 0 ? 'bank-a' : 'bank-b', 'reports', 20),
          Array.from({ length: 20 }, (_, j) => report(`c${i}-${j}`, [1000 + j, 2000 + i])),
        ),
      ),
    );
    const head = await subject.store.logHead();
    expect(head.size).toBe(3 + 160);
    const texts = await subject.store.logEntries(0, head.size);
    const tree = new MemoryTree(texts.map((t) => hashLeaf(new TextEncoder().encode(t))));
    expect(Buffer.from(tree.root()).equals(Buffer.from(head.root))).toBe(true);
    const ids = rootNodes(head.size);
    const nodes = await subject.store.logNodes(ids);
    expect(rootFromNodes(head.size, (l, i) => nodes.get(`${l}/${i}`))).toEqual(tree.root());
  });
}
