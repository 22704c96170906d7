import type { LogEntry } from '@credence/core/log/entries';
import { expect, it } from 'vitest';
import { batch, report, type StoreUnderTest, T0 } from './store-contract-fixtures.js';

/**
 * The storage contract (store-contract.ts) for who may do what: members, their
 * credentials and signing keys, key servers' shares, witnesses.
 */

/** Migrations, witnesses, and members with their credentials and signing keys. */
export function describeMembersAndKeys(subject: StoreUnderTest) {
  it('migrates idempotently', async () => {
    await subject.store.migrate();
    expect((await subject.store.listMembers()).map((m) => m.id)).toEqual([
      'bank-a',
      'bank-b',
      'telecom-a',
    ]);
  });

  it('keeps the witnesses the operator registers, each once, in the order added', async () => {
    const w1 = 'w1.example/w+01020304+AQID';
    const w2 = 'w2.example/w+05060708+BAUG';
    expect(await subject.store.listWitnesses()).toEqual([]);
    expect(await subject.store.addWitness(w2, T0)).toBe(true);
    expect(await subject.store.addWitness(w1, T0 + 1)).toBe(true);
    expect(await subject.store.addWitness(w2, T0 + 2)).toBe(false);
    expect(await subject.store.listWitnesses()).toEqual([w2, w1]);
    expect(await subject.store.removeWitness(w2)).toBe(true);
    expect(await subject.store.removeWitness(w2)).toBe(false);
    expect(await subject.store.listWitnesses()).toEqual([w1]);
    await subject.store.removeWitness(w1);
  });

  it('keeps members, credentials and signing keys', async () => {
    await subject.store.issueCredential('bank-a', 'c1', T0, { by: 'operator', replace: false });
    expect((await subject.store.memberByCredential('c1'))?.id).toBe('bank-a');
    await subject.store.issueCredential('bank-a', 'c2', T0 + 1, { by: 'member', replace: true });
    expect(await subject.store.memberByCredential('c1')).toBeUndefined();
    expect((await subject.store.memberByCredential('c2'))?.id).toBe('bank-a');
    const key = (publicKey: string, replaces: string[] = []) => ({
      publicKey,
      replaces,
      by: 'member' as const,
    });
    await subject.store.changeSigningKeys('bank-a', T0, { event: 'added', ...key('k1') });
    await subject.store.changeSigningKeys('bank-a', T0 + 1, { event: 'added', ...key('k2') });
    const rows = () =>
      subject.store
        .signingKeys('bank-a')
        .then((r) => r.map((k) => [k.publicKey, k.createdAt, k.activatesAt, k.revokedAt]));
    expect(await rows()).toEqual([
      ['k1', T0, undefined, undefined],
      ['k2', T0 + 1, undefined, undefined],
    ]);
    // Announced: starts later, and the keys it replaces stop then; an objection undoes it.
    await subject.store.changeSigningKeys('bank-a', T0 + 2, {
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
    expect(await subject.store.listAlerts('bank-a', undefined, 10)).toEqual([
      expect.objectContaining({ source: 'key', token: 'k3', occurredAt: T0 + 100 }),
    ]);
    await subject.store.changeSigningKeys('bank-a', T0 + 3, {
      event: 'objected',
      ...key('k3', ['k1', 'k2']),
    });
    expect(await rows()).toEqual([
      ['k1', T0, undefined, undefined],
      ['k2', T0 + 1, undefined, undefined],
      ['k3', T0 + 2, T0 + 100, T0 + 3],
    ]);
    // Added with replace: the others stop at once; a revoked key stays revoked.
    await subject.store.changeSigningKeys('bank-a', T0 + 4, {
      event: 'added',
      ...key('k4', ['k1', 'k2']),
    });
    await subject.store.changeSigningKeys('bank-a', T0 + 5, { event: 'revoked', ...key('k4') });
    expect(await rows()).toEqual([
      ['k1', T0, undefined, T0 + 4],
      ['k2', T0 + 1, undefined, T0 + 4],
      ['k3', T0 + 2, T0 + 100, T0 + 3],
      ['k4', T0 + 4, undefined, T0 + 5],
    ]);
    const events = (await subject.store.logEntries(0, 100))
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
    expect(await subject.store.setMemberStatus('bank-a', 'disabled')).toBe(true);
    expect((await subject.store.getMember('bank-a'))?.status).toBe('disabled');
    expect(await subject.store.setMemberStatus('nobody', 'disabled')).toBe(false);
    await expect(
      subject.store.createMember({ id: 'bank-a', name: 'again', type: 'bank', createdAt: T0 }),
    ).rejects.toThrow();
  });
}

/** Key servers bound to their shares; a member enrolled whole or not at all. */
export function describeEnrolment(subject: StoreUnderTest) {
  it('binds a key server to the share it evaluates with, logged, one member per share', async () => {
    for (const id of ['keyserver-1', 'keyserver-2'])
      await subject.store.createMember({ id, name: id, type: 'keyserver', createdAt: T0 });
    const before = (await subject.store.logHead()).size;
    expect(await subject.store.bindShare('keyserver-1', 1, T0)).toEqual({ status: 'bound' });
    expect(await subject.store.bindShare('keyserver-1', 1, T0)).toEqual({ status: 'unchanged' });
    expect(await subject.store.bindShare('keyserver-2', 1, T0)).toEqual({
      status: 'taken',
      by: 'keyserver-1',
    });
    expect(await subject.store.bindShare('nobody', 2, T0)).toEqual({ status: 'not_found' });
    expect(await subject.store.bindShare('keyserver-2', 2, T0)).toEqual({ status: 'bound' });
    // Only the two bindings that changed something are logged, each a member event.
    const { size } = await subject.store.logHead();
    expect(size).toBe(before + 2);
    const entries = (await subject.store.logEntries(before, size)).map(
      (t) => JSON.parse(t) as { kind: string; member: string; subject: string },
    );
    expect(entries.map((e) => [e.kind, e.member, e.subject])).toEqual([
      ['member_event', 'keyserver-1', 'keyserver-1'],
      ['member_event', 'keyserver-2', 'keyserver-2'],
    ]);
    await subject.store.close();
    subject.store = await subject.harness.reopen();
    await subject.store.migrate();
    expect((await subject.store.getMember('keyserver-1'))?.shareIndex).toBe(1);
    expect((await subject.store.listMembers()).map((m) => [m.id, m.shareIndex])).toEqual([
      ['bank-a', undefined],
      ['bank-b', undefined],
      ['keyserver-1', 1],
      ['keyserver-2', 2],
      ['telecom-a', undefined],
    ]);
    expect(Object.keys((await subject.store.getMember('bank-a')) ?? {})).not.toContain(
      'shareIndex',
    );
  });

  it('enrols a member whole, in one transaction, or not at all', async () => {
    const logged = async (from: number) => {
      const { size } = await subject.store.logHead();
      return (await subject.store.logEntries(from, size)).map((t) => {
        const e = JSON.parse(t) as { kind: string; member: string };
        return [e.kind, e.member];
      });
    };
    const before = (await subject.store.logHead()).size;
    const enrolment = {
      id: 'keyserver-1',
      name: 'Key server 1',
      type: 'keyserver' as const,
      at: T0,
      credentialSha256: 'c-ks1',
      publicKey: 'k-ks1',
      shareIndex: 1,
    };
    expect(await subject.store.enrolMember(enrolment)).toEqual({ status: 'created' });
    expect(await subject.store.getMember('keyserver-1')).toMatchObject({
      name: 'Key server 1',
      type: 'keyserver',
      status: 'active',
      shareIndex: 1,
    });
    expect((await subject.store.memberByCredential('c-ks1'))?.id).toBe('keyserver-1');
    expect((await subject.store.signingKeys('keyserver-1')).map((k) => k.publicKey)).toEqual([
      'k-ks1',
    ]);
    // Made, share bound, credential issued, key added: each a logged event.
    expect(await logged(before)).toEqual([
      ['member_event', 'keyserver-1'],
      ['member_event', 'keyserver-1'],
      ['member_event', 'keyserver-1'],
      ['key_event', 'keyserver-1'],
    ]);
    const made = (await subject.store.logHead()).size;
    // The id again, or the share for another: nothing changes.
    expect(await subject.store.enrolMember({ ...enrolment, credentialSha256: 'c-again' })).toEqual({
      status: 'exists',
    });
    expect(
      await subject.store.enrolMember({
        ...enrolment,
        id: 'keyserver-2',
        credentialSha256: 'c-ks2',
      }),
    ).toEqual({ status: 'share_taken', by: 'keyserver-1' });
    // A step that fails after the member was written (its credential's hash is another
    // member's) undoes the member too.
    await expect(
      subject.store.enrolMember({
        id: 'bank-z',
        name: 'Z',
        type: 'bank',
        at: T0,
        credentialSha256: 'c-ks1',
      }),
    ).rejects.toThrow();
    expect(await subject.store.getMember('bank-z')).toBeUndefined();
    expect(await subject.store.getMember('keyserver-2')).toBeUndefined();
    expect(await subject.store.memberByCredential('c-again')).toBeUndefined();
    expect(await subject.store.memberByCredential('c-ks2')).toBeUndefined();
    expect((await subject.store.logHead()).size).toBe(made);
  });
}

/** Racing enrolments of one member or share; a credential rotated with its key announced. */
export function describeRacesAndRotation(subject: StoreUnderTest) {
  it('enrols one member when enrolments of one id, or one share, race', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        subject.store.enrolMember({
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
    expect((await subject.store.memberByCredential(`c-race-${winner}`))?.id).toBe('bank-race');
    for (let i = 0; i < 6; i++)
      if (i !== winner)
        expect(await subject.store.memberByCredential(`c-race-${i}`)).toBeUndefined();
    const shares = await Promise.all(
      ['keyserver-1', 'keyserver-2', 'keyserver-3'].map((id) =>
        subject.store.enrolMember({
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
    expect((await subject.store.listMembers()).filter((m) => m.type === 'keyserver')).toEqual([
      expect.objectContaining({ id: holder, shareIndex: 4 }),
    ]);
  });

  it("rotates a member's credential and announces its key in one transaction", async () => {
    await subject.store.issueCredential('bank-a', 'c-old', T0, { by: 'operator', replace: false });
    await subject.store.changeSigningKeys('bank-a', T0, {
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
    const before = (await subject.store.logHead()).size;
    expect(
      await subject.store.rotateMember('nobody', T0 + 1, { credentialSha256: 'c-x', announce }),
    ).toBe(false);
    expect((await subject.store.logHead()).size).toBe(before);
    expect(
      await subject.store.rotateMember('bank-a', T0 + 1, { credentialSha256: 'c-new', announce }),
    ).toBe(true);
    expect(await subject.store.memberByCredential('c-old')).toBeUndefined();
    expect((await subject.store.memberByCredential('c-new'))?.id).toBe('bank-a');
    expect(
      (await subject.store.signingKeys('bank-a')).map((k) => [
        k.publicKey,
        k.activatesAt,
        k.revokedAt,
      ]),
    ).toEqual([
      ['k-old', undefined, T0 + 1000],
      ['k-new', T0 + 1000, undefined],
    ]);
    // A rotation that fails part way changes nothing: bank-b's credential, revoked before
    // the new one's hash turned out to be taken, works again, and the key it would
    // announce is not announced.
    await subject.store.issueCredential('bank-b', 'c-b', T0, { by: 'operator', replace: false });
    const rotated = (await subject.store.logHead()).size;
    await expect(
      subject.store.rotateMember('bank-b', T0 + 2, {
        credentialSha256: 'c-new',
        announce: { ...announce, publicKey: 'k-b', replaces: [] },
      }),
    ).rejects.toThrow();
    expect((await subject.store.memberByCredential('c-b'))?.id).toBe('bank-b');
    expect(await subject.store.signingKeys('bank-b')).toEqual([]);
    expect((await subject.store.logHead()).size).toBe(rotated);
  });
}

/** The member version, moved by every change to who may do what. */
export function describeMemberVersion(subject: StoreUnderTest) {
  it('moves the member version with every change to who may do what, and nothing else', async () => {
    const moves = async (what: () => Promise<unknown>) => {
      const before = await subject.store.memberVersion();
      await what();
      return (await subject.store.memberVersion()) - before;
    };
    const key = (event: 'added' | 'revoked', publicKey: string) => () =>
      subject.store.changeSigningKeys('bank-a', T0, {
        event,
        publicKey,
        replaces: [],
        by: 'member',
      });
    expect(
      await moves(() =>
        subject.store.issueCredential('bank-a', 'c1', T0, { by: 'operator', replace: false }),
      ),
    ).toBeGreaterThan(0);
    expect(await moves(() => subject.store.setMemberStatus('bank-a', 'disabled'))).toBeGreaterThan(
      0,
    );
    expect(await moves(() => subject.store.setMemberStatus('bank-a', 'active'))).toBeGreaterThan(0);
    expect(
      await moves(() =>
        subject.store.issueCredential('bank-a', 'c2', T0, { by: 'member', replace: true }),
      ),
    ).toBeGreaterThan(0);
    expect(await moves(key('added', 'k1'))).toBeGreaterThan(0);
    expect(await moves(key('revoked', 'k1'))).toBeGreaterThan(0);
    // Writes of data, and changes that change nothing, leave it where it is.
    expect(await moves(() => subject.store.setMemberStatus('nobody', 'disabled'))).toBe(0);
    expect(
      await moves(() =>
        subject.store.ingestReports(batch('bank-b', 'reports', 1), [report('v1', [1])]),
      ),
    ).toBe(0);
  });
}
