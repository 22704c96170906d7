import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Ed25519KeyPair,
  generateEd25519,
  privateKeyFromJwk,
} from '@credence/core/signing/ed25519';
import { signBatch } from '@credence/core/wire/batches';
import { type KeyStatement, signKeyStatement } from '@credence/core/wire/key-statements';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Member } from '../src/domain/types.js';
import { CheckView } from '../src/services/check-view.js';
import { CredentialCache } from '../src/services/credentials.js';
import { IngestionService } from '../src/services/ingestion.js';
import { MemberService } from '../src/services/members.js';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import { report } from './harness.js';

/**
 * No one speaks in a member's name (issue 11): a member's keys change at once only by its
 * own statement, signed with a current key; a key the operator announces waits, the
 * member is alerted and may object; a batch signed with any other key is refused. The
 * clock is the test's.
 */
const HOUR = 3_600_000;
const WAIT = 72 * HOUR;
const T0 = Date.parse('2026-12-01T00:00:00Z');

// A fresh store and bank-a, with its own key, for every test of the file.
let dir: string;
let store: SqliteStore;
let now: number;
let members: MemberService;
let ingestion: IngestionService;
let bank: Member;
let own: Ed25519KeyPair;
let batches = 0;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'credence-keys-'));
  store = new SqliteStore(join(dir, 'platform.sqlite'));
  await store.migrate();
  now = T0;
  const clock = () => now;
  const view = new CheckView(store);
  ingestion = new IngestionService(store, view, clock);
  members = new MemberService(store, new CredentialCache(store, 5000, clock), {
    now: clock,
    keyWaitingMs: WAIT,
    onKeysChanged: () => ingestion.invalidateKeys(),
  });
  own = generateEd25519();
  bank = (await members.add({ id: 'bank-a', type: 'bank', publicKey: own.publicKey })).member;
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const submit = (key: Ed25519KeyPair) =>
  ingestion.submitReports(
    bank,
    signBatch(
      {
        member: 'bank-a',
        batchId: `b${++batches}`,
        createdAt: new Date(now).toISOString(),
        reports: [report(`r${batches}`, [batches])],
      },
      privateKeyFromJwk(key.privateJwk),
      key.publicKey,
    ),
  );
const refusal = (work: Promise<unknown>) =>
  work.then(
    () => undefined,
    (e: { code?: string; fields?: readonly { field: string }[] }) => ({
      code: e.code,
      field: e.fields?.[0]?.field,
    }),
  );
const statement = (
  action: KeyStatement['action'],
  publicKey: string,
  by: Ed25519KeyPair,
  extra: Partial<KeyStatement> = {},
) =>
  signKeyStatement(
    { action, member: 'bank-a', publicKey, at: new Date(now).toISOString(), ...extra },
    privateKeyFromJwk(by.privateJwk),
    by.publicKey,
  );

describe("a member's signing keys: the member's own statements", () => {
  it('change at once by the member’s own statement, and never by anyone else’s', async () => {
    const next = generateEd25519();
    const stranger = generateEd25519();
    // Signed by a key that is not the member's, for another member, stale, or forged.
    expect(
      await refusal(
        members.changeKeys(bank, statement('add_signing_key', next.publicKey, stranger)),
      ),
    ).toEqual({ code: 'key.statement_invalid', field: 'signedBy' });
    expect(
      await refusal(
        members.changeKeys(
          bank,
          statement('add_signing_key', next.publicKey, own, { member: 'bank-b' }),
        ),
      ),
    ).toEqual({ code: 'key.statement_invalid', field: 'statement.member' });
    expect(
      await refusal(
        members.changeKeys(
          bank,
          statement('add_signing_key', next.publicKey, own, {
            at: new Date(now - 25 * HOUR).toISOString(),
          }),
        ),
      ),
    ).toEqual({ code: 'key.statement_invalid', field: 'statement.at' });
    const forged = {
      ...statement('add_signing_key', next.publicKey, stranger),
      signedBy: own.publicKey,
    };
    expect(await refusal(members.changeKeys(bank, forged))).toEqual({
      code: 'key.statement_invalid',
      field: 'signature',
    });
    expect(await refusal(submit(next))).toEqual({ code: 'batch.unknown_key', field: 'publicKey' });

    // The member's own statement, replacing: the new key signs, the old one stops at once.
    now += 1000;
    const changed = await members.changeKeys(
      bank,
      statement('add_signing_key', next.publicKey, own, { replace: true }),
    );
    expect(changed.change).toMatchObject({
      event: 'added',
      by: 'member',
      replaces: [own.publicKey],
    });
    expect((await submit(next)).outcomes[0]?.status).toBe('accepted');
    expect(await refusal(submit(own))).toEqual({ code: 'batch.unknown_key', field: 'publicKey' });
    // Added once: the same key again is a conflict, not a second event.
    expect(
      await refusal(members.changeKeys(bank, statement('add_signing_key', next.publicKey, next))),
    ).toEqual({ code: 'key.current', field: 'statement.publicKey' });
  });

  it('of a member added without one: its first, signed by itself, with its credential; then only by statements', async () => {
    const fresh = (await members.add({ id: 'bank-c', type: 'bank' })).member;
    const first = generateEd25519();
    const other = generateEd25519();
    const about = (publicKey: string, by: Ed25519KeyPair) =>
      signKeyStatement(
        { action: 'add_signing_key', member: 'bank-c', publicKey, at: new Date(now).toISOString() },
        privateKeyFromJwk(by.privateJwk),
        by.publicKey,
      );
    // Signed by another key than the one it adds: refused, and says how.
    expect(await refusal(members.changeKeys(fresh, about(first.publicKey, other)))).toEqual({
      code: 'key.statement_invalid',
      field: 'signedBy',
    });
    const added = await members.changeKeys(fresh, about(first.publicKey, first));
    expect(added.change).toMatchObject({ event: 'added', by: 'member', replaces: [] });
    // Once it has a key, a key signing for itself is just a stranger's.
    expect(await refusal(members.changeKeys(fresh, about(other.publicKey, other)))).toEqual({
      code: 'key.statement_invalid',
      field: 'signedBy',
    });
    // A member that had keys (bank-a) cannot add one signed by itself either.
    const stranger = generateEd25519();
    expect(
      await refusal(
        members.changeKeys(bank, statement('add_signing_key', stranger.publicKey, stranger)),
      ),
    ).toEqual({ code: 'key.statement_invalid', field: 'signedBy' });
  });
});

describe("a member's signing keys: the operator's announcements", () => {
  it('announced by the operator wait, alert the member, and start only if it does not object', async () => {
    // Rotating to the member's key, or to nothing, changes nothing.
    expect(
      await refusal(members.rotate('bank-a', { credential: false, publicKey: own.publicKey })),
    ).toEqual({
      code: 'key.current',
      field: 'publicKey',
    });
    expect(await refusal(members.rotate('bank-a', { credential: false }))).toEqual({
      code: 'request.invalid',
      field: '(body)',
    });
    expect((await store.signingKeys('bank-a')).map((k) => k.publicKey)).toEqual([own.publicKey]);

    const operators = generateEd25519();
    const rotated = await members.rotate('bank-a', {
      credential: false,
      publicKey: operators.publicKey,
    });
    expect(rotated.key).toEqual({ publicKey: operators.publicKey, activatesAt: T0 + WAIT });
    // While it waits: refused, the member's own key still signs, and the member is told.
    expect(await refusal(submit(operators))).toEqual({
      code: 'batch.key_pending',
      field: 'publicKey',
    });
    expect((await submit(own)).outcomes[0]?.status).toBe('accepted');
    expect(await store.listAlerts('bank-a', undefined, 10)).toEqual([
      expect.objectContaining({ source: 'key', token: operators.publicKey, occurredAt: T0 + WAIT }),
    ]);
    // The member objects with its own key: the announced key never starts.
    now += HOUR;
    const objected = await members.changeKeys(
      bank,
      statement('object_signing_key', operators.publicKey, own),
    );
    expect(objected.change).toMatchObject({ event: 'objected', replaces: [own.publicKey] });
    now += WAIT;
    expect(await refusal(submit(operators))).toEqual({
      code: 'batch.unknown_key',
      field: 'publicKey',
    });
    expect((await submit(own)).outcomes[0]?.status).toBe('accepted');
    // Only a key that waits can be objected to.
    expect(
      await refusal(
        members.changeKeys(bank, statement('object_signing_key', operators.publicKey, own)),
      ),
    ).toEqual({ code: 'key.not_pending', field: 'statement.publicKey' });

    // A member that lost its key does not object: the announced key starts after the
    // wait, and the member's other keys stop then.
    const lost = generateEd25519();
    await members.rotate('bank-a', { credential: false, publicKey: lost.publicKey });
    now += WAIT - 1;
    expect(await refusal(submit(lost))).toEqual({ code: 'batch.key_pending', field: 'publicKey' });
    expect((await submit(own)).outcomes[0]?.status).toBe('accepted');
    now += 1;
    expect((await submit(lost)).outcomes[0]?.status).toBe('accepted');
    expect(await refusal(submit(own))).toEqual({ code: 'batch.unknown_key', field: 'publicKey' });
  });
});
