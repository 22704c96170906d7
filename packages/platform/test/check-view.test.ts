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

describe('the in-memory view of flagged tokens', () => {
  it('holds after its own writes exactly what a view loaded from the store holds', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 12 }), async (ops) => {
        const store = new SqliteStore(join(dir, `view-${run++}.sqlite`));
        await store.migrate();
        const view = new CheckView(store);
        await view.catchUp();
        const ingestion = new IngestionService(store, view);
        const members: Member[] = [];
        const keys = [0, 1, 2].map(() => generateEd25519());
        // Two banks and the police: police_confirmed is the police's alone to send.
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
        let batch = 0;
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
            const key = keys[op.member] as (typeof keys)[number];
            const signed = signBatch<ReportBatch>(
              {
                member: member.id,
                batchId: `b${batch++}`,
                createdAt: new Date().toISOString(),
                reports,
              },
              privateKeyFromJwk(key.privateJwk),
              key.publicKey,
            );
            if (member.type !== 'police' && reports.some((r) => r.type === 'police_confirmed')) {
              // Refused whole, changing nothing: the comparison below holds it to that.
              await expect(ingestion.submitReports(member, signed)).rejects.toMatchObject({
                code: 'role.forbidden',
              });
              continue;
            }
            await ingestion.submitReports(member, signed);
          } else {
            const mine = await store.listReports(member.id, undefined, 1000);
            const live = mine.filter((r) => r.retractedAt === undefined);
            const report = live[op.pick % Math.max(1, live.length)];
            if (report !== undefined) await ingestion.retract(member, report.id, 'false positive');
          }
        }
        const fresh = new CheckView(store);
        await fresh.catchUp();
        expect(view.watermark).toBe(fresh.watermark);
        expect(view.size).toBe(fresh.size);
        for (let t = 0; t <= 12; t++) {
          const mine = view.lookup(tok(t));
          const theirs = fresh.lookup(tok(t));
          const order = (s: readonly { memberId: string; type: string }[] = []) =>
            [...s].sort((a, b) => `${a.memberId}${a.type}`.localeCompare(`${b.memberId}${b.type}`));
          expect(mine?.kind).toBe(theirs?.kind);
          expect(order(mine?.stats)).toEqual(order(theirs?.stats));
        }
        await store.close();
      }),
      { numRuns: 40 },
    );
  });
});
