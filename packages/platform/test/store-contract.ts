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
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BatchRecord, IngestLink, IngestReport } from '../src/domain/types.js';
import type { Store } from '../src/storage/store.js';

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

const T0 = Date.parse('2026-11-20T10:00:00Z');
const tok = (n: number) => `t${String(n).padStart(42, '0')}`;

let counter = 0;
const batch = (memberId: string, kind: 'reports' | 'links', items: number): BatchRecord => ({
  memberId,
  batchId: `b${++counter}`,
  kind,
  digest: 'd'.repeat(64),
  publicKey: 'p'.repeat(43),
  signature: 's'.repeat(86),
  items,
  receivedAt: T0 + counter,
});

const report = (
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

const link = (from: number, to: number, at = T0): IngestLink => ({
  link: 'call',
  from: { token: tok(from), kind: 'phone', keyId: 'k1' },
  to: { token: tok(to), kind: 'phone', keyId: 'k1' },
  at,
  count: 1,
  amount: undefined,
  contentHash: `l-${from}-${to}-${at}`,
});

export function storeContract(name: string, harness: () => StoreHarness): void {
  describe(`Store contract: ${name}`, () => {
    let h: StoreHarness;
    let store: Store;

    beforeEach(async () => {
      h = harness();
      store = await h.open();
      await store.migrate();
      for (const id of ['bank-a', 'bank-b', 'telecom-a'])
        await store.createMember({
          id,
          name: id,
          type: id.startsWith('bank') ? 'bank' : 'telecom',
          createdAt: T0,
        });
    });

    afterEach(async () => {
      await store.close();
      await h.cleanup();
    });

    it('migrates idempotently', async () => {
      await store.migrate();
      expect((await store.listMembers()).map((m) => m.id)).toEqual([
        'bank-a',
        'bank-b',
        'telecom-a',
      ]);
    });

    it('keeps the witnesses the operator registers, each once, in the order added', async () => {
      const w1 = 'w1.example/w+01020304+AQID';
      const w2 = 'w2.example/w+05060708+BAUG';
      expect(await store.listWitnesses()).toEqual([]);
      expect(await store.addWitness(w2, T0)).toBe(true);
      expect(await store.addWitness(w1, T0 + 1)).toBe(true);
      expect(await store.addWitness(w2, T0 + 2)).toBe(false);
      expect(await store.listWitnesses()).toEqual([w2, w1]);
      expect(await store.removeWitness(w2)).toBe(true);
      expect(await store.removeWitness(w2)).toBe(false);
      expect(await store.listWitnesses()).toEqual([w1]);
      await store.removeWitness(w1);
    });

    it('keeps members, credentials and signing keys', async () => {
      await store.issueCredential('bank-a', 'c1', T0, { by: 'operator', replace: false });
      expect((await store.memberByCredential('c1'))?.id).toBe('bank-a');
      await store.issueCredential('bank-a', 'c2', T0 + 1, { by: 'member', replace: true });
      expect(await store.memberByCredential('c1')).toBeUndefined();
      expect((await store.memberByCredential('c2'))?.id).toBe('bank-a');
      const key = (publicKey: string, replaces: string[] = []) => ({
        publicKey,
        replaces,
        by: 'member' as const,
      });
      await store.changeSigningKeys('bank-a', T0, { event: 'added', ...key('k1') });
      await store.changeSigningKeys('bank-a', T0 + 1, { event: 'added', ...key('k2') });
      const rows = () =>
        store
          .signingKeys('bank-a')
          .then((r) => r.map((k) => [k.publicKey, k.createdAt, k.activatesAt, k.revokedAt]));
      expect(await rows()).toEqual([
        ['k1', T0, undefined, undefined],
        ['k2', T0 + 1, undefined, undefined],
      ]);
      // Announced: starts later, and the keys it replaces stop then; an objection undoes it.
      await store.changeSigningKeys('bank-a', T0 + 2, {
        event: 'announced',
        activatesAt: T0 + 100,
        ...key('k3', ['k1', 'k2']),
        by: 'operator',
      });
      expect(await rows()).toEqual([
        ['k1', T0, undefined, T0 + 100],
        ['k2', T0 + 1, undefined, T0 + 100],
        ['k3', T0 + 2, T0 + 100, undefined],
      ]);
      // The member was alerted, and the alert is committed to in the log.
      expect(await store.listAlerts('bank-a', undefined, 10)).toEqual([
        expect.objectContaining({ source: 'key', token: 'k3', occurredAt: T0 + 100 }),
      ]);
      await store.changeSigningKeys('bank-a', T0 + 3, {
        event: 'objected',
        ...key('k3', ['k1', 'k2']),
      });
      expect(await rows()).toEqual([
        ['k1', T0, undefined, undefined],
        ['k2', T0 + 1, undefined, undefined],
        ['k3', T0 + 2, T0 + 100, T0 + 3],
      ]);
      // Added with replace: the others stop at once; a revoked key stays revoked.
      await store.changeSigningKeys('bank-a', T0 + 4, {
        event: 'added',
        ...key('k4', ['k1', 'k2']),
      });
      await store.changeSigningKeys('bank-a', T0 + 5, { event: 'revoked', ...key('k4') });
      expect(await rows()).toEqual([
        ['k1', T0, undefined, T0 + 4],
        ['k2', T0 + 1, undefined, T0 + 4],
        ['k3', T0 + 2, T0 + 100, T0 + 3],
        ['k4', T0 + 4, undefined, T0 + 5],
      ]);
      const events = (await store.logEntries(0, 100))
        .map((t) => JSON.parse(t) as LogEntry)
        .filter((e) => e.kind === 'key_event' || e.kind === 'alerts')
        .map((e) => [e.kind, e.subject]);
      expect(events).toEqual([
        ['key_event', 'k1'],
        ['key_event', 'k2'],
        ['alerts', 'alerts/1'],
        ['key_event', 'k3'],
        ['key_event', 'k3'],
        ['key_event', 'k4'],
        ['key_event', 'k4'],
      ]);
      expect(await store.setMemberStatus('bank-a', 'disabled')).toBe(true);
      expect((await store.getMember('bank-a'))?.status).toBe('disabled');
      expect(await store.setMemberStatus('nobody', 'disabled')).toBe(false);
      await expect(
        store.createMember({ id: 'bank-a', name: 'again', type: 'bank', createdAt: T0 }),
      ).rejects.toThrow();
    });

    it('binds a key server to the share it evaluates with, logged, one member per share', async () => {
      for (const id of ['keyserver-1', 'keyserver-2'])
        await store.createMember({ id, name: id, type: 'keyserver', createdAt: T0 });
      const before = (await store.logHead()).size;
      expect(await store.bindShare('keyserver-1', 1, T0)).toEqual({ status: 'bound' });
      expect(await store.bindShare('keyserver-1', 1, T0)).toEqual({ status: 'unchanged' });
      expect(await store.bindShare('keyserver-2', 1, T0)).toEqual({
        status: 'taken',
        by: 'keyserver-1',
      });
      expect(await store.bindShare('nobody', 2, T0)).toEqual({ status: 'not_found' });
      expect(await store.bindShare('keyserver-2', 2, T0)).toEqual({ status: 'bound' });
      // Only the two bindings that changed something are logged, each a member event.
      const { size } = await store.logHead();
      expect(size).toBe(before + 2);
      const entries = (await store.logEntries(before, size)).map(
        (t) => JSON.parse(t) as { kind: string; member: string; subject: string },
      );
      expect(entries.map((e) => [e.kind, e.member, e.subject])).toEqual([
        ['member_event', 'keyserver-1', 'keyserver-1'],
        ['member_event', 'keyserver-2', 'keyserver-2'],
      ]);
      await store.close();
      store = await h.reopen();
      await store.migrate();
      expect((await store.getMember('keyserver-1'))?.shareIndex).toBe(1);
      expect((await store.listMembers()).map((m) => [m.id, m.shareIndex])).toEqual([
        ['bank-a', undefined],
        ['bank-b', undefined],
        ['keyserver-1', 1],
        ['keyserver-2', 2],
        ['telecom-a', undefined],
      ]);
      expect(Object.keys((await store.getMember('bank-a')) ?? {})).not.toContain('shareIndex');
    });

    it('enrols a member whole, in one transaction, or not at all', async () => {
      const logged = async (from: number) => {
        const { size } = await store.logHead();
        return (await store.logEntries(from, size)).map((t) => {
          const e = JSON.parse(t) as { kind: string; member: string };
          return [e.kind, e.member];
        });
      };
      const before = (await store.logHead()).size;
      const enrolment = {
        id: 'keyserver-1',
        name: 'Key server 1',
        type: 'keyserver' as const,
        at: T0,
        credentialSha256: 'c-ks1',
        publicKey: 'k-ks1',
        shareIndex: 1,
      };
      expect(await store.enrolMember(enrolment)).toEqual({ status: 'created' });
      expect(await store.getMember('keyserver-1')).toMatchObject({
        name: 'Key server 1',
        type: 'keyserver',
        status: 'active',
        shareIndex: 1,
      });
      expect((await store.memberByCredential('c-ks1'))?.id).toBe('keyserver-1');
      expect((await store.signingKeys('keyserver-1')).map((k) => k.publicKey)).toEqual(['k-ks1']);
      // Made, share bound, credential issued, key added: each a logged event.
      expect(await logged(before)).toEqual([
        ['member_event', 'keyserver-1'],
        ['member_event', 'keyserver-1'],
        ['member_event', 'keyserver-1'],
        ['key_event', 'keyserver-1'],
      ]);
      const made = (await store.logHead()).size;
      // The id again, or the share for another: nothing changes.
      expect(await store.enrolMember({ ...enrolment, credentialSha256: 'c-again' })).toEqual({
        status: 'exists',
      });
      expect(
        await store.enrolMember({ ...enrolment, id: 'keyserver-2', credentialSha256: 'c-ks2' }),
      ).toEqual({ status: 'share_taken', by: 'keyserver-1' });
      // A step that fails after the member was written (its credential's hash is another
      // member's) undoes the member too.
      await expect(
        store.enrolMember({
          id: 'bank-z',
          name: 'Z',
          type: 'bank',
          at: T0,
          credentialSha256: 'c-ks1',
        }),
      ).rejects.toThrow();
      expect(await store.getMember('bank-z')).toBeUndefined();
      expect(await store.getMember('keyserver-2')).toBeUndefined();
      expect(await store.memberByCredential('c-again')).toBeUndefined();
      expect(await store.memberByCredential('c-ks2')).toBeUndefined();
      expect((await store.logHead()).size).toBe(made);
    });

    it('enrols one member when enrolments of one id, or one share, race', async () => {
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          store.enrolMember({
            id: 'bank-race',
            name: `race ${i}`,
            type: 'bank',
            at: T0,
            credentialSha256: `c-race-${i}`,
          }),
        ),
      );
      expect(results.filter((r) => r.status === 'created')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'exists')).toHaveLength(5);
      const winner = results.findIndex((r) => r.status === 'created');
      expect((await store.memberByCredential(`c-race-${winner}`))?.id).toBe('bank-race');
      for (let i = 0; i < 6; i++)
        if (i !== winner) expect(await store.memberByCredential(`c-race-${i}`)).toBeUndefined();
      const shares = await Promise.all(
        ['keyserver-1', 'keyserver-2', 'keyserver-3'].map((id) =>
          store.enrolMember({
            id,
            name: id,
            type: 'keyserver',
            at: T0,
            credentialSha256: `c-${id}`,
            shareIndex: 4,
          }),
        ),
      );
      const bound = shares.findIndex((r) => r.status === 'created');
      const holder = `keyserver-${bound + 1}`;
      expect(shares.map((r) => r.status).sort()).toEqual(['created', 'share_taken', 'share_taken']);
      for (const r of shares)
        if (r.status === 'share_taken') expect(r).toEqual({ status: 'share_taken', by: holder });
      expect((await store.listMembers()).filter((m) => m.type === 'keyserver')).toEqual([
        expect.objectContaining({ id: holder, shareIndex: 4 }),
      ]);
    });

    it("rotates a member's credential and announces its key in one transaction", async () => {
      await store.issueCredential('bank-a', 'c-old', T0, { by: 'operator', replace: false });
      await store.changeSigningKeys('bank-a', T0, {
        event: 'added',
        publicKey: 'k-old',
        replaces: [],
        by: 'operator',
      });
      const announce = {
        event: 'announced' as const,
        publicKey: 'k-new',
        activatesAt: T0 + 1000,
        replaces: ['k-old'],
        by: 'operator' as const,
      };
      const before = (await store.logHead()).size;
      expect(
        await store.rotateMember('nobody', T0 + 1, { credentialSha256: 'c-x', announce }),
      ).toBe(false);
      expect((await store.logHead()).size).toBe(before);
      expect(
        await store.rotateMember('bank-a', T0 + 1, { credentialSha256: 'c-new', announce }),
      ).toBe(true);
      expect(await store.memberByCredential('c-old')).toBeUndefined();
      expect((await store.memberByCredential('c-new'))?.id).toBe('bank-a');
      expect(
        (await store.signingKeys('bank-a')).map((k) => [k.publicKey, k.activatesAt, k.revokedAt]),
      ).toEqual([
        ['k-old', undefined, T0 + 1000],
        ['k-new', T0 + 1000, undefined],
      ]);
      // A rotation that fails part way changes nothing: bank-b's credential, revoked before
      // the new one's hash turned out to be taken, works again, and the key it would
      // announce is not announced.
      await store.issueCredential('bank-b', 'c-b', T0, { by: 'operator', replace: false });
      const rotated = (await store.logHead()).size;
      await expect(
        store.rotateMember('bank-b', T0 + 2, {
          credentialSha256: 'c-new',
          announce: { ...announce, publicKey: 'k-b', replaces: [] },
        }),
      ).rejects.toThrow();
      expect((await store.memberByCredential('c-b'))?.id).toBe('bank-b');
      expect(await store.signingKeys('bank-b')).toEqual([]);
      expect((await store.logHead()).size).toBe(rotated);
    });

    it('moves the member version with every change to who may do what, and nothing else', async () => {
      const moves = async (what: () => Promise<unknown>) => {
        const before = await store.memberVersion();
        await what();
        return (await store.memberVersion()) - before;
      };
      const key = (event: 'added' | 'revoked', publicKey: string) => () =>
        store.changeSigningKeys('bank-a', T0, { event, publicKey, replaces: [], by: 'member' });
      expect(
        await moves(() =>
          store.issueCredential('bank-a', 'c1', T0, { by: 'operator', replace: false }),
        ),
      ).toBeGreaterThan(0);
      expect(await moves(() => store.setMemberStatus('bank-a', 'disabled'))).toBeGreaterThan(0);
      expect(await moves(() => store.setMemberStatus('bank-a', 'active'))).toBeGreaterThan(0);
      expect(
        await moves(() =>
          store.issueCredential('bank-a', 'c2', T0, { by: 'member', replace: true }),
        ),
      ).toBeGreaterThan(0);
      expect(await moves(key('added', 'k1'))).toBeGreaterThan(0);
      expect(await moves(key('revoked', 'k1'))).toBeGreaterThan(0);
      // Writes of data, and changes that change nothing, leave it where it is.
      expect(await moves(() => store.setMemberStatus('nobody', 'disabled'))).toBe(0);
      expect(
        await moves(() => store.ingestReports(batch('bank-b', 'reports', 1), [report('v1', [1])])),
      ).toBe(0);
    });

    it('ingests reports idempotently by ref: accepted, duplicate, conflict', async () => {
      const b1 = batch('bank-a', 'reports', 2);
      const first = await store.ingestReports(b1, [report('r1', [1, 2]), report('r2', [3])]);
      expect(first.outcomes.map((o) => o.status)).toEqual(['accepted', 'accepted']);
      expect(first.seq).toBeGreaterThan(0);
      const b2 = batch('bank-a', 'reports', 3);
      const again = await store.ingestReports(b2, [
        report('r1', [1, 2]),
        report('r2', [4]),
        report('r3', [5]),
        report('r3', [5]),
        report('r3', [6]),
      ]);
      expect(again.outcomes.map((o) => o.status)).toEqual([
        'duplicate',
        'conflict',
        'accepted',
        'duplicate',
        'conflict',
      ]);
      expect(again.outcomes[0]?.id).toBe(first.outcomes[0]?.id);
      // A repeat names the batch that first brought it, in this batch or before.
      expect(again.outcomes[0]?.batchId).toBe(b1.batchId);
      expect(again.outcomes[3]).toMatchObject({ id: again.outcomes[2]?.id, batchId: b2.batchId });
      expect(again.outcomes[4]?.id).toBe(again.outcomes[2]?.id);
      expect(again.seq).toBeGreaterThan(first.seq);
      // Another member may use the same ref.
      const other = await store.ingestReports(batch('bank-b', 'reports', 1), [report('r1', [1])]);
      expect(other.outcomes[0]?.status).toBe('accepted');
      const stored = await store.getReport('bank-a', first.outcomes[0]?.id ?? '');
      expect(stored).toMatchObject({
        ref: 'r1',
        type: 'victim_report',
        category: 'fake_loan',
        loss: '1k-10k',
        occurredAt: T0,
      });
      expect(stored?.entities.map((e) => e.role)).toEqual(['caller', 'victim']);
      expect(await store.getReport('bank-b', first.outcomes[0]?.id ?? '')).toBeUndefined();
      expect((await store.listReports('bank-a', undefined, 10)).map((r) => r.ref).sort()).toEqual([
        'r1',
        'r2',
        'r3',
      ]);
    });

    it('commits concurrent batches that touch the same tokens in opposite orders', async () => {
      const tokens = Array.from({ length: 300 }, (_, i) => i);
      const rounds = 4;
      for (let round = 0; round < rounds; round++) {
        const forward = tokens.map((t) => report(`f${round}-${t}`, [t, (t + 1) % 300]));
        const backward = tokens
          .slice()
          .reverse()
          .map((t) => report(`b${round}-${t}`, [t, (t + 7) % 300]));
        const results = await Promise.all([
          store.ingestReports(batch('bank-a', 'reports', 300), forward),
          store.ingestReports(batch('bank-b', 'reports', 300), backward),
          store.ingestReports(
            batch('bank-a', 'reports', 300),
            backward.map((r) => ({ ...r, ref: `a${r.ref}` })),
          ),
        ]);
        for (const r of results)
          expect(r.outcomes.every((o) => o.status === 'accepted')).toBe(true);
      }
      // Every token was named by 2 forward, 2 backward reports of bank-a per round
      // (its own and its neighbour's), and by 2 of bank-b.
      const changes = await store.changesSince(0, 100_000);
      const t5 = changes.filter((c) => c.token === tok(5)).at(-1);
      const count = (member: string) =>
        t5?.stats.filter((s) => s.memberId === member).reduce((n, s) => n + s.reports, 0);
      expect(count('bank-a')).toBe(4 * rounds);
      expect(count('bank-b')).toBe(2 * rounds);
    });

    it("counts every standing report when a retraction races an ingest of the member's same token", async () => {
      for (let round = 0; round < 60; round++) {
        const first = await store.ingestReports(batch('bank-a', 'reports', 1), [
          report(`race-a-${round}`, [900 + round]),
        ]);
        await Promise.all([
          store.retractReport('bank-a', first.outcomes[0]?.id as string, 'false_positive', T0),
          store.ingestReports(batch('bank-a', 'reports', 1), [
            report(`race-b-${round}`, [900 + round]),
          ]),
        ]);
        // One report stands: the summary counts exactly it.
        const change = (await store.changesSince(0, 100_000))
          .filter((c) => c.token === tok(900 + round))
          .at(-1);
        expect(
          change?.stats.reduce((n, s) => n + s.reports, 0),
          `round ${round}`,
        ).toBe(1);
      }
    });

    it('changes nothing for a batch of repeats', async () => {
      const first = await store.ingestReports(batch('bank-a', 'reports', 1), [report('r1', [1])]);
      const again = await store.ingestReports(batch('bank-a', 'reports', 1), [report('r1', [1])]);
      expect(again.seq).toBe(first.seq);
      expect(await store.changesSince(first.seq, 100)).toEqual([]);
    });

    it('keeps per-token statistics per member and report type, and reports changes by sequence', async () => {
      const a = await store.ingestReports(batch('bank-a', 'reports', 2), [
        report('r1', [1, 2], { occurredAt: T0 - 86_400_000 }),
        report('r2', [1], {
          type: 'police_confirmed',
          category: 'impersonate_authority',
          contentHash: 'x',
        }),
      ]);
      await store.ingestReports(batch('bank-b', 'reports', 1), [
        report('r1', [1], { occurredAt: T0 + 5 }),
      ]);
      const changes = await store.changesSince(0, 100);
      const t1 = changes.filter((c) => c.token === tok(1)).at(-1);
      expect(t1).toMatchObject({ flagged: true, kind: 'phone', keyId: 'k1' });
      const stats = [...(t1?.stats ?? [])].sort((x, y) =>
        `${x.memberId}${x.type}`.localeCompare(`${y.memberId}${y.type}`),
      );
      expect(stats).toEqual([
        {
          memberId: 'bank-a',
          type: 'police_confirmed',
          reports: 1,
          firstSeen: T0,
          lastSeen: T0,
          categories: 1 << 4,
        },
        {
          memberId: 'bank-a',
          type: 'victim_report',
          reports: 1,
          firstSeen: T0 - 86_400_000,
          lastSeen: T0 - 86_400_000,
          categories: 1 << 2,
        },
        {
          memberId: 'bank-b',
          type: 'victim_report',
          reports: 1,
          firstSeen: T0 + 5,
          lastSeen: T0 + 5,
          categories: 1 << 2,
        },
      ]);
      expect((await store.changesSince(a.seq, 100)).map((c) => c.token)).toEqual([tok(1)]);
    });

    it('returns whole sequence groups when it pages changes', async () => {
      const a = await store.ingestReports(batch('bank-a', 'reports', 1), [report('r1', [1, 2, 3])]);
      await store.ingestReports(batch('bank-a', 'reports', 1), [report('r2', [4, 5])]);
      const page = await store.changesSince(0, 2);
      expect(page.map((c) => c.token).sort()).toEqual([tok(1), tok(2), tok(3)]);
      expect(page.every((c) => c.seq === a.seq)).toBe(true);
      expect((await store.changesSince(a.seq, 2)).map((c) => c.token).sort()).toEqual([
        tok(4),
        tok(5),
      ]);
    });

    it('retracts a report: statistics are recounted, a token with no report left is no longer flagged', async () => {
      const a = await store.ingestReports(batch('bank-a', 'reports', 2), [
        report('r1', [1, 2]),
        report('r2', [1], { type: 'suspected', contentHash: 'y' }),
      ]);
      const id = a.outcomes[0]?.id ?? '';
      expect((await store.retractReport('bank-b', id, 'false_positive', T0)).status).toBe(
        'not_found',
      );
      const r = await store.retractReport('bank-a', id, 'false_positive', T0 + 10);
      expect(r.status).toBe('retracted');
      expect(r.seq).toBeGreaterThan(a.seq);
      expect((await store.retractReport('bank-a', id, 'again', T0)).status).toBe('already');
      const changes = await store.changesSince(a.seq, 100);
      expect(changes.find((c) => c.token === tok(2))).toMatchObject({ flagged: false, stats: [] });
      expect(changes.find((c) => c.token === tok(1))).toMatchObject({
        flagged: true,
        stats: [{ memberId: 'bank-a', type: 'suspected', reports: 1 }],
      });
      expect(await store.getReport('bank-a', id)).toMatchObject({
        retractedAt: T0 + 10,
        retractReason: 'false_positive',
      });
    });

    it("alerts the members watching a token when another member's report or link touches it", async () => {
      expect(
        await store.addWatch(
          'bank-b',
          [
            { token: tok(1), kind: 'phone', keyId: 'k1' },
            { token: tok(9), kind: 'phone', keyId: 'k1' },
          ],
          T0,
        ),
      ).toBe(2);
      expect(
        await store.addWatch('bank-b', [{ token: tok(1), kind: 'phone', keyId: 'k1' }], T0),
      ).toBe(0);
      await store.addWatch('bank-a', [{ token: tok(1), kind: 'phone', keyId: 'k1' }], T0);
      const r = await store.ingestReports(batch('bank-a', 'reports', 1), [
        report('r1', [1, 2], { type: 'confirmed_fraud', category: 'romance', contentHash: 'z' }),
      ]);
      expect(r.alerts).toBe(1);
      const own = await store.listAlerts('bank-a', undefined, 10);
      expect(own).toEqual([]);
      const [first] = await store.listAlerts('bank-b', undefined, 10);
      expect(first).toMatchObject({
        token: tok(1),
        kind: 'phone',
        source: 'report',
        reportType: 'confirmed_fraud',
        category: 'romance',
        occurredAt: T0,
      });
      const l = await store.ingestLinks(batch('telecom-a', 'links', 2), [link(9, 7), link(9, 7)]);
      expect(l.outcomes.map((o) => o.status)).toEqual(['accepted', 'duplicate']);
      const after = await store.listAlerts(
        'bank-b',
        first === undefined ? undefined : { seq: first.seq, id: first.id },
        10,
      );
      expect(after).toHaveLength(1);
      expect(after[0]).toMatchObject({ token: tok(9), source: 'link', linkType: 'call' });
      expect(await store.removeWatch('bank-b', [tok(9)])).toBe(1);
      expect((await store.listWatch('bank-b', undefined, 10)).map((w) => w.token)).toEqual([
        tok(1),
      ]);
    });

    it('reads the evidence for analysis page by page, leaving out retracted reports', async () => {
      const r = await store.ingestReports(batch('bank-a', 'reports', 3), [
        report('r1', [1, 2]),
        report('r2', [3]),
        report('r3', [4]),
      ]);
      await store.ingestReports(batch('bank-b', 'reports', 1), [report('r1', [5])]);
      await store.retractReport('bank-a', r.outcomes[1]?.id as string, 'other', T0);
      await store.ingestLinks(batch('telecom-a', 'links', 3), [link(9, 7), link(1, 2), link(3, 4)]);
      const reports: unknown[] = [];
      let after: { memberId: string; id: string } | undefined;
      for (;;) {
        const page = await store.reportEvidence(after, 2);
        reports.push(...page);
        const last = page.at(-1);
        if (last === undefined) break;
        after = { memberId: last.memberId, id: last.id };
      }
      expect(reports).toHaveLength(3);
      expect(reports).toContainEqual({
        memberId: 'bank-a',
        id: r.outcomes[0]?.id,
        type: 'victim_report',
        category: 'fake_loan',
        occurredAt: T0,
        entities: report('r1', [1, 2]).entities,
      });
      expect(reports.map((x) => (x as { memberId: string }).memberId)).toEqual([
        'bank-a',
        'bank-a',
        'bank-b',
      ]);
      const links = [
        ...(await store.linkEvidence(undefined, 2)),
        ...(await store.linkEvidence({ fromToken: tok(3), id: '~' }, 2)),
      ];
      expect(
        links.map((l) => [l.from.token, l.to.token, l.link, l.memberId, l.count, l.at]),
      ).toEqual([
        [tok(1), tok(2), 'call', 'telecom-a', 1, T0],
        [tok(3), tok(4), 'call', 'telecom-a', 1, T0],
        [tok(9), tok(7), 'call', 'telecom-a', 1, T0],
      ]);
    });

    it('reads reassignments page by page and moves the sequence for a reported token given to a new holder', async () => {
      const given = (from: number, to: number, at: number): IngestLink => ({
        ...link(from, to, at),
        link: 'reassigned',
        to: { token: tok(to), kind: 'id_number', keyId: 'k1' },
        contentHash: `g-${from}-${to}-${at}`,
      });
      // Token 1 is reported; token 5 is not (yet).
      await store.ingestReports(batch('bank-a', 'reports', 1), [report('r1', [1, 2])]);
      const before = await store.currentSeq();
      const r = await store.ingestLinks(batch('telecom-a', 'links', 3), [
        given(1, 11, T0 + 1000),
        link(1, 3),
        given(5, 15, T0 + 2000),
      ]);
      // Nobody watches, but token 1's checks change: the sequence moves, with token 1 in it.
      expect(r.seq).toBeGreaterThan(before);
      const changes = await store.changesSince(before, 100);
      expect(changes.map((c) => [c.token, c.reassignedAt, c.flagged])).toEqual([
        [tok(1), T0 + 1000, true],
      ]);
      expect(changes[0]?.logSize).toBe(r.log?.size);
      // A later, earlier-dated reassignment does not move the latest back.
      await store.ingestLinks(batch('telecom-a', 'links', 1), [given(1, 12, T0 + 500)]);
      const later = await store.changesSince(r.seq, 100);
      expect(later.map((c) => [c.token, c.reassignedAt])).toEqual([[tok(1), T0 + 1000]]);
      // A report naming token 5 for the first time says when it was given.
      const first = await store.ingestReports(batch('bank-b', 'reports', 1), [
        report('r9', [5, 6]),
      ]);
      expect(first.reassigned).toEqual({ [tok(5)]: T0 + 2000 });
      const named = await store.changesSince(first.seq - 1, 100);
      expect(named.find((c) => c.token === tok(5))?.reassignedAt).toBe(T0 + 2000);
      expect(named.find((c) => c.token === tok(6))?.reassignedAt).toBeUndefined();
      const pages = [
        ...(await store.reassignments(undefined, 2)),
        ...(await store.reassignments({ fromToken: tok(1), id: '~' }, 2)),
      ];
      // In (from token, id) order; ids order a token's links among themselves.
      expect(pages.map((l) => l.from.token)).toEqual([tok(1), tok(1), tok(5)]);
      expect(pages.map((l) => [l.from.token, l.to.token, l.to.kind, l.link, l.at]).sort()).toEqual([
        [tok(1), tok(11), 'id_number', 'reassigned', T0 + 1000],
        [tok(1), tok(12), 'id_number', 'reassigned', T0 + 500],
        [tok(5), tok(15), 'id_number', 'reassigned', T0 + 2000],
      ]);
    });

    it('keeps analysis runs, alerts watchers of tokens that join a ring, and logs each run', async () => {
      expect(await store.latestAnalysis()).toBeUndefined();
      await store.addWatch('bank-b', [{ token: tok(1), kind: 'phone', keyId: 'k1' }], T0);
      const head = await store.logHead();
      const first = await store.saveAnalysis({
        createdAt: T0,
        createdBy: 'ops',
        body: '{"rings":1}',
        ringTokens: [
          { token: tok(1), kind: 'phone', ringId: 'ring-a' },
          { token: tok(2), kind: 'phone', ringId: 'ring-a' },
        ],
      });
      expect(first).toMatchObject({ id: 1, alerts: 1 });
      // The commitment to the alert it raised comes first, then the run's own entry.
      expect(first.log).toMatchObject({ first: head.size + 1, count: 1 });
      const [commitment, entry] = await store.logEntries(head.size, head.size + 2);
      expect(JSON.parse(commitment as string)).toMatchObject({
        kind: 'alerts',
        member: 'ops',
        subject: 'alerts/1',
      });
      expect(JSON.parse(entry as string)).toMatchObject({
        kind: 'analysis',
        member: 'ops',
        subject: 'analysis/1',
      });
      const [alert] = await store.listAlerts('bank-b', undefined, 10);
      expect(alert).toMatchObject({
        token: tok(1),
        source: 'ring',
        ringId: 'ring-a',
        seq: first.seq,
      });
      // The same ring again: no alert; another ring: an alert.
      expect(
        (
          await store.saveAnalysis({
            createdAt: T0 + 1,
            createdBy: 'ops',
            body: '{}',
            ringTokens: [{ token: tok(1), kind: 'phone', ringId: 'ring-a' }],
          })
        ).alerts,
      ).toBe(0);
      // Moved to another ring (or its id changed): no alert; a token new to any ring: one.
      await store.addWatch('bank-b', [{ token: tok(3), kind: 'phone', keyId: 'k1' }], T0);
      const third = await store.saveAnalysis({
        createdAt: T0 + 2,
        createdBy: 'ops',
        body: '{"rings":2}',
        ringTokens: [
          { token: tok(1), kind: 'phone', ringId: 'ring-b' },
          { token: tok(3), kind: 'phone', ringId: 'ring-b' },
        ],
      });
      expect(third).toMatchObject({ id: 3, alerts: 1 });
      // A run does not move the change sequence; its alerts list after the earlier ones.
      expect(third.seq).toBe(await store.currentSeq());
      const after = await store.listAlerts(
        'bank-b',
        { seq: alert?.seq ?? 0, id: alert?.id ?? 0 },
        10,
      );
      expect(after.map((a) => [a.token, a.ringId])).toEqual([[tok(3), 'ring-b']]);
      expect(await store.latestAnalysis()).toEqual({
        id: 3,
        createdAt: T0 + 2,
        body: '{"rings":2}',
      });
      expect(await store.latestAnalysis(3)).toBeUndefined();
    });

    it('queues webhook deliveries for watchers with a webhook and leases them to one claimant', async () => {
      await store.addWatch('bank-b', [{ token: tok(1), kind: 'phone', keyId: 'k1' }], T0);
      await store.setWebhook('bank-b', 'https://bank-b.example/hook', T0);
      expect(await store.getWebhook('bank-b')).toBe('https://bank-b.example/hook');
      await store.ingestReports(batch('bank-a', 'reports', 1), [report('r1', [1])]);
      const claimed = await store.claimDeliveries(T0 + 1000, 30_000, 10);
      expect(claimed).toHaveLength(1);
      expect(claimed[0]).toMatchObject({
        memberId: 'bank-b',
        url: 'https://bank-b.example/hook',
        attempts: 0,
      });
      expect(await store.claimDeliveries(T0 + 1000, 30_000, 10)).toEqual([]);
      const alertId = claimed[0]?.alert.id ?? 0;
      await store.deliveryFailed(alertId, T0 + 2000, 'connection refused');
      const retry = await store.claimDeliveries(T0 + 2000, 30_000, 10);
      expect(retry[0]?.attempts).toBe(1);
      await store.deliveryDone(alertId, T0 + 3000);
      expect(await store.claimDeliveries(T0 + 100_000, 30_000, 10)).toEqual([]);
      expect(await store.deleteWebhook('bank-b')).toBe(true);
    });

    it('keeps versions of the policy', async () => {
      expect(await store.latestPolicy()).toBeUndefined();
      expect(await store.putPolicy({ a: 1 }, 'ops', T0)).toBe(1);
      expect(await store.putPolicy({ a: 2 }, 'ops', T0 + 1)).toBe(2);
      expect(await store.latestPolicy()).toEqual({
        version: 2,
        body: { a: 2 },
        createdAt: T0 + 1,
        createdBy: 'ops',
      });
    });

    it('loses nothing acknowledged across a restart', async () => {
      const r = await store.ingestReports(batch('bank-a', 'reports', 1), [report('r1', [1])]);
      await store.close();
      store = await h.reopen();
      await store.migrate();
      expect(await store.currentSeq()).toBe(r.seq);
      expect((await store.getReport('bank-a', r.outcomes[0]?.id ?? ''))?.ref).toBe('r1');
      expect((await store.changesSince(0, 10)).map((c) => c.token)).toEqual([tok(1)]);
    });

    it('appends every write to the log in its own transaction, with the tree nodes to prove it', async () => {
      // Three members created: three entries already.
      expect((await store.logHead()).size).toBe(3);
      const r = await store.ingestReports(batch('bank-a', 'reports', 3), [
        report('r1', [1]),
        report('r2', [2]),
        report('r1', [1]),
      ]);
      expect(r.log).toMatchObject({ first: 3, count: 2, size: 5 });
      const links = await store.ingestLinks(batch('bank-a', 'links', 2), [link(1, 2), link(2, 3)]);
      expect(links.log).toMatchObject({ first: 5, count: 1, size: 6 });
      const again = await store.ingestLinks(batch('bank-a', 'links', 1), [link(1, 2)]);
      expect(again.log).toBeUndefined();
      const retracted = await store.retractReport(
        'bank-a',
        r.outcomes[0]?.id as string,
        'false_positive',
        T0 + 5,
      );
      expect(retracted.log).toMatchObject({ first: 6, count: 1, size: 7 });
      await store.changeSigningKeys('bank-b', T0, {
        event: 'added',
        publicKey: 'k'.repeat(43),
        replaces: [],
        by: 'operator',
      });
      await store.putPolicy({ weights: {} }, 'bank-a', T0);
      const head = await store.logHead();
      expect(head.size).toBe(9);

      const texts = await store.logEntries(0, 100);
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
        const nodes = await store.logNodes(ids);
        expect(ids.every((id) => nodes.has(`${id.level}/${id.index}`))).toBe(true);
        for (let index = 0; index < size; index++) {
          const need = inclusionProofNodes(index, size);
          const got = await store.logNodes(need);
          const proof = inclusionProof(index, size, (l, i) => got.get(`${l}/${i}`));
          expect(proof.map((p) => Buffer.from(p).toString('hex'))).toEqual(
            tree.inclusionProof(index, size).map((p) => Buffer.from(p).toString('hex')),
          );
        }
      }
      // What the store holds matches what was logged, until someone edits it.
      const entries = texts.map((t) => JSON.parse(t) as LogEntry);
      const records = await store.auditRecords(entries.map((e, index) => ({ ...e, index })));
      entries.forEach((e, i) => {
        const record = records[i];
        if (record === null || record === undefined) throw new Error(`no record for entry ${i}`);
        expect(recordDigestOf(e, record)).toEqual({ digest: e.digest });
      });
      expect(await store.auditCounts()).toEqual({
        reports: 2,
        retractions: 1,
        linkBatches: 1,
        scripts: 0,
        alerts: 0,
        policies: 1,
        analyses: 0,
      });
    });

    it('keeps signed checkpoints and cosignatures, once per size', async () => {
      await store.saveCheckpoint(3, 'note-3', T0);
      await store.saveCheckpoint(3, 'another note', T0 + 1);
      await store.saveCheckpoint(5, 'note-5', T0 + 2);
      await store.addCosignature(3, 'w1', 'line-w1\n', T0);
      await store.addCosignature(3, 'w1', 'line-w1-again\n', T0);
      await store.addCosignature(3, 'w0', 'line-w0\n', T0);
      expect(await store.getCheckpoint(3)).toEqual({
        size: 3,
        note: 'note-3',
        createdAt: T0,
        cosignatures: ['line-w0\n', 'line-w1\n'],
      });
      expect((await store.getCheckpoint())?.size).toBe(5);
      expect((await store.listCheckpoints(4, 10)).map((c) => c.size)).toEqual([5]);
      expect(await store.getCheckpoint(4)).toBeUndefined();
    });

    it("logs key servers' counts once each, as they grow", async () => {
      const u = (member: string, evaluations: number) => ({
        reporter: 'keyserver-1',
        keyId: 'k1',
        shareIndex: 1,
        day: '2026-11-20',
        member,
        evaluations,
      });
      expect((await store.recordOprfUsage([u('bank-a', 0), u('bank-b', 5)], T0))?.count).toBe(1);
      expect(await store.recordOprfUsage([u('bank-b', 5), u('bank-b', 4)].slice(0, 1), T0)).toBe(
        undefined,
      );
      expect(await store.recordOprfUsage([u('bank-b', 4)], T0)).toBe(undefined);
      expect((await store.recordOprfUsage([u('bank-b', 7), u('bank-a', 1)], T0))?.count).toBe(2);
      const { size } = await store.logHead();
      const subjects = (await store.logEntries(size - 3, size)).map(
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
        await store.appendLog(
          Array.from({ length: count }, () => ({
            kind: 'check_digest',
            time: '2026-11-26T00:00:00.000Z',
            member: 'bank-a',
            subject: `c${n++}`,
            digest: 'x',
          })),
        );
      }
      const head = await store.logHead();
      const texts = await store.logEntries(0, head.size);
      const tree = new MemoryTree(texts.map((t) => hashLeaf(new TextEncoder().encode(t))));
      expect(Buffer.from(head.root).equals(Buffer.from(tree.root()))).toBe(true);
      const hex = (hs: Uint8Array[]) => hs.map((h) => Buffer.from(h).toString('hex'));
      for (const size of [1, 16, 17, 256, 257, 1000, 2048, head.size]) {
        for (const index of [0, 1, 15, 16, 255, 256, 1023, size - 1].filter((i) => i < size)) {
          const got = await store.logNodes(inclusionProofNodes(index, size));
          expect(hex(inclusionProof(index, size, (l, i) => got.get(`${l}/${i}`)))).toEqual(
            hex(tree.inclusionProof(index, size)),
          );
        }
      }
    });

    it('appends concurrent writes one after the other, so the tree stays whole', async () => {
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.ingestReports(
            batch(i % 2 === 0 ? 'bank-a' : 'bank-b', 'reports', 20),
            Array.from({ length: 20 }, (_, j) => report(`c${i}-${j}`, [1000 + j, 2000 + i])),
          ),
        ),
      );
      const head = await store.logHead();
      expect(head.size).toBe(3 + 160);
      const texts = await store.logEntries(0, head.size);
      const tree = new MemoryTree(texts.map((t) => hashLeaf(new TextEncoder().encode(t))));
      expect(Buffer.from(tree.root()).equals(Buffer.from(head.root))).toBe(true);
      const ids = rootNodes(head.size);
      const nodes = await store.logNodes(ids);
      expect(rootFromNodes(head.size, (l, i) => nodes.get(`${l}/${i}`))).toEqual(tree.root());
    });
  });
}
