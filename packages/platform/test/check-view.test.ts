import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateEd25519, privateKeyFromJwk } from '@credence/core/signing/ed25519';
import { type ReportBatch, signBatch } from '@credence/core/wire/batches';
import type { TokenizedReport } from '@credence/core/wire/tokenized-records';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Member } from '../src/domain/types.js';
import { CheckView } from '../src/services/check-view.js';
import { IngestionService } from '../src/services/ingestion.js';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import { tok } from './harness.js';

/**
 * The view takes in its own process's writes by merging their deltas in memory instead
 * of reading every touched token back. Whatever the writes and retractions, it must hold
 * exactly what a view loaded from the store holds.
 */
const dir = mkdtempSync(join(tmpdir(), 'credence-view-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TYPES = ['police_confirmed', 'confirmed_fraud', 'victim_report', 'suspected'] as const;
const CATEGORIES = ['fake_loan', 'romance', 'other'] as const;

const order = (s: readonly { memberId: string; type: string }[] = []) =>
  [...s].sort((a, b) => `${a.memberId}${a.type}`.localeCompare(`${b.memberId}${b.type}`));

const operation = fc.oneof(
  fc.record({
    op: fc.constant('submit' as const),
    member: fc.integer({ min: 0, max: 2 }),
    reports: fc.array(
      fc.record({
        ref: fc.integer({ min: 0, max: 30 }),
        type: fc.constantFrom(...TYPES),
        category: fc.constantFrom(...CATEGORIES),
        day: fc.integer({ min: 0, max: 60 }),
        tokens: fc.uniqueArray(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 3 }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
  }),
  fc.record({
    op: fc.constant('retract' as const),
    member: fc.integer({ min: 0, max: 2 }),
    pick: fc.nat(),
  }),
);

type Key = ReturnType<typeof generateEd25519>;

/** Two banks and the police (police_confirmed is the police's alone to send), with keys. */
async function enrol(store: SqliteStore): Promise<{ members: Member[]; keys: Key[] }> {
  const members: Member[] = [];
  const keys = [0, 1, 2].map(() => generateEd25519());
  for (const [i, key] of keys.entries()) {
    const type = i === 2 ? 'police' : 'bank';
    const id = `${type}-${i}`;
    await store.createMember({ id, name: id, type, createdAt: 0 });
    await store.changeSigningKeys(id, 0, {
      event: 'added',
      publicKey: key.publicKey,
      replaces: [],
      by: 'operator',
    });
    members.push((await store.getMember(id)) as Member);
  }
  return { members, keys };
}

let batches = 0;
const sign = (member: Member, key: Key, reports: TokenizedReport[]) =>
  signBatch<ReportBatch>(
    { member: member.id, batchId: `b${batches++}`, createdAt: new Date().toISOString(), reports },
    privateKeyFromJwk(key.privateJwk),
    key.publicKey,
  );

const phoneReport = (ref: string, token: number): TokenizedReport => ({
  ref,
  type: 'victim_report',
  category: 'romance',
  occurredAt: '2026-10-01T00:00:00Z',
  entities: [{ role: 'caller', kind: 'phone', token: tok(token), keyId: 'k1' }],
});

describe('the in-memory view of flagged tokens', () => {
  it('holds after its own writes exactly what a view loaded from the store holds', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(operation, { minLength: 1, maxLength: 12 }),
        // Summaries held in memory: so few that most are read back from the store, or all.
        fc.constantFrom(1, 3, 100_000),
        fc.nat(),
        async (ops, cacheSize, checkEvery) => {
          const store = new SqliteStore(join(dir, `view-${run++}.sqlite`));
          await store.migrate();
          const view = new CheckView(store, { cacheSize });
          await view.catchUp();
          // Another API process's view, which takes in the writes from the store alone.
          const other = new CheckView(store, { cacheSize: 1 });
          const ingestion = new IngestionService(store, view);
          const { members, keys } = await enrol(store);
          for (const op of ops) {
            const member = members[op.member] as Member;
            if (op.op === 'submit') {
              const reports: TokenizedReport[] = op.reports.map((r) => ({
                ref: `ref-${r.ref}`,
                type: r.type,
                category: r.category,
                occurredAt: new Date(Date.UTC(2026, 9, 1 + r.day)).toISOString(),
                entities: r.tokens.map((t) => ({
                  role: 'caller' as const,
                  kind: 'phone' as const,
                  token: tok(t),
                  keyId: 'k1',
                })),
              }));
              const signed = sign(member, keys[op.member] as Key, reports);
              if (member.type !== 'police' && reports.some((r) => r.type === 'police_confirmed')) {
                // Refused whole, changing nothing: the comparison below holds it to that.
                await expect(ingestion.submitReports(member, signed)).rejects.toMatchObject({
                  code: 'role.forbidden',
                });
                continue;
              }
              await ingestion.submitReports(member, signed);
              // Right after the write, the tokens it touched, latest first (the ones still
              // in a small cache), each as a view loaded from the store holds it; then two
              // more, which pulls summaries into the small cache and out again.
              const truth = new CheckView(store);
              await truth.catchUp();
              const touched = [...new Set(op.reports.flatMap((r) => r.tokens))].reverse();
              for (const t of touched) {
                const [mine] = await view.lookupMany([tok(t)]);
                const [theirs] = await truth.lookupMany([tok(t)]);
                expect(order(mine?.stats)).toEqual(order(theirs?.stats));
                // The other process's view, behind: a summary it reads back moves it to
                // where the store stands, so its answer is what the store holds there.
                const [its] = await other.lookupMany([tok(t)]);
                if (other.watermark === truth.watermark)
                  expect(order(its?.stats)).toEqual(order(theirs?.stats));
                else expect(other.watermark).toBeLessThan(truth.watermark);
              }
              await view.lookupMany([tok(checkEvery % 13), tok((checkEvery + ops.length) % 13)]);
            } else {
              const mine = await store.listReports(member.id, undefined, 1000);
              const live = mine.filter((r) => r.retractedAt === undefined);
              const report = live[op.pick % Math.max(1, live.length)];
              if (report !== undefined)
                await ingestion.retract(member, report.id, 'false positive');
            }
          }
          const fresh = new CheckView(store);
          await fresh.catchUp();
          await other.catchUp();
          expect(view.watermark).toBe(fresh.watermark);
          expect(other.watermark).toBe(fresh.watermark);
          expect(view.size).toBe(fresh.size);
          expect(other.size).toBe(fresh.size);
          const tokens = Array.from({ length: 13 }, (_, t) => tok(t));
          const theirs = await fresh.lookupMany(tokens);
          // Each token alone (answered from the cache when held there), and all at once.
          const alone = async (v: CheckView) => {
            const answers = [];
            for (const t of tokens) answers.push(...(await v.lookupMany([t])));
            return answers;
          };
          const asked = [await alone(view), await alone(other)];
          asked.push(await view.lookupMany(tokens), await other.lookupMany(tokens));
          for (const mine of asked)
            for (const [t, m] of mine.entries()) {
              expect(m?.kind).toBe(theirs[t]?.kind);
              expect(order(m?.stats)).toEqual(order(theirs[t]?.stats));
            }
          expect(view.memory.cached).toBeLessThanOrEqual(cacheSize);
          expect(other.memory.cached).toBeLessThanOrEqual(1);
          await store.close();
        },
      ),
      { numRuns: 60 },
    );
  });
  it('answers with what a write applied while its read of the store was out, not the older read', async () => {
    const store = new SqliteStore(join(dir, 'race.sqlite'));
    await store.migrate();
    const { members, keys } = await enrol(store);
    const [bank, other] = members as [Member, Member];
    // Another API process writes; the view under test holds one summary.
    const writer = new IngestionService(store, new CheckView(store));
    await writer.submitReports(bank, sign(bank, keys[0] as Key, [phoneReport('a', 1)]));
    await writer.submitReports(bank, sign(bank, keys[0] as Key, [phoneReport('b', 2)]));
    // The view's reads of the store happen when asked and come back when the gate opens.
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const gated = new Proxy(store, {
      get(target, name) {
        if (name === 'tokenStates')
          return async (tokens: readonly string[]) => {
            const states = await target.tokenStates(tokens);
            await gate;
            return states;
          };
        const value = Reflect.get(target, name) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const view = new CheckView(gated, { cacheSize: 1 });
    await view.catchUp();
    // tok(1) is flagged and its summary not held (tok(2)'s is): it is read back…
    const asked = view.lookupMany([tok(1)]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // …and while that read is out, the other bank reports tok(1) and the view applies it.
    await writer.submitReports(other, sign(other, keys[1] as Key, [phoneReport('c', 1)]));
    await view.catchUp();
    open();
    const [answer] = await asked;
    expect(view.watermark).toBe(await store.currentSeq());
    expect(order(answer?.stats).map((x) => x.memberId)).toEqual(['bank-0', 'bank-1']);
    await store.close();
  });
});
