import { type AuditRecord, recordDigestOf } from '@credence/core/log/audit-records';
import type { LogEntry } from '@credence/core/log/entries';
import { scriptFingerprint } from '@credence/core/narrative/fingerprint';
import { privateKeyFromJwk } from '@credence/core/signing/ed25519';
import { type ScriptBatch, signBatch } from '@credence/core/wire/batches';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, type Harness, harness, report } from './harness.js';

/**
 * A member that opts in to script sharing after it sent its reports (issue 11: 1,200 of
 * 1,200 were conflicts): it shares each masked script for its report's ref, in a signed
 * batch; the report never changes, the script is logged as its own entry, and analysis
 * reads it.
 */
const SCRIPT = 'the caller said he was from the police and asked me to move my savings to a ⟨CARD⟩';
const OTHER = 'a friend on ⟨APP⟩ said the investment doubles in a week';

let h: Harness;
let batches = 0;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => h.close());

const share = (actor: Actor, scripts: ScriptBatch['scripts']) =>
  h.request(
    actor,
    'POST',
    '/v1/reports/scripts',
    signBatch<ScriptBatch>(
      {
        member: actor.id,
        batchId: `s${++batches}`,
        createdAt: new Date().toISOString(),
        scripts,
      },
      privateKeyFromJwk(actor.key.privateJwk),
      actor.key.publicKey,
    ),
  );

describe('scripts shared after their reports', () => {
  it('are kept once for a report with a fingerprint, logged on their own, and read by analysis', async () => {
    const sent = await h.reports(h.actors.bankA, [
      report('late-1', [1], { fingerprint: scriptFingerprint(SCRIPT) }),
      report('late-2', [2]),
    ]);
    expect(sent.statusCode).toBe(200);
    // The same report with its script now is a conflict: that is what the review met.
    const again = await h.reports(h.actors.bankA, [
      report('late-1', [1], { fingerprint: scriptFingerprint(SCRIPT), script: SCRIPT }),
    ]);
    expect((again.json() as { conflicts: number }).conflicts).toBe(1);

    const shared = await share(h.actors.bankA, [{ ref: 'late-1', script: SCRIPT }]);
    expect(shared.statusCode, shared.body).toBe(200);
    const answer = shared.json() as {
      accepted: number;
      results: { status: string; id: string }[];
      log: { index: number; count: number };
    };
    expect(answer.accepted).toBe(1);
    expect(answer.log.count).toBe(1);
    // Its entry binds the script, and the store holds what was logged.
    const [text] = (
      (
        await h.request(
          h.actors.auditor,
          'GET',
          `/v1/audit/entries?start=${answer.log.index}&end=${answer.log.index + 1}`,
        )
      ).json() as {
        entries: { entry: string; record: AuditRecord }[];
      }
    ).entries;
    const entry = JSON.parse(text?.entry as string) as LogEntry;
    expect(entry).toMatchObject({
      kind: 'report_script',
      member: 'bank-a',
      subject: answer.results[0]?.id,
    });
    expect(recordDigestOf(entry, text?.record as AuditRecord)).toEqual({ digest: entry.digest });
    // Analysis reads the script with the report.
    const evidence = await h.platform.store.reportEvidence(undefined, 1000);
    expect(evidence.find((r) => r.id === answer.results[0]?.id)?.script).toBe(SCRIPT);

    // Once: the same again is a duplicate, another script a conflict; neither is logged.
    const repeat = await share(h.actors.bankA, [
      { ref: 'late-1', script: SCRIPT },
      { ref: 'late-1', script: OTHER },
    ]);
    expect(
      (repeat.json() as { results: { status: string }[] }).results.map((r) => r.status),
    ).toEqual(['duplicate', 'conflict']);
    expect((repeat.json() as { log: unknown }).log).toBeNull();
  });

  it('are refused, changing nothing, unmasked, for another member’s ref, or without a fingerprint', async () => {
    const { size } = await h.platform.store.logHead();
    const refused = async (actor: Actor, scripts: ScriptBatch['scripts'], field: string) => {
      const res = await share(actor, scripts);
      expect(res.statusCode, res.body).toBe(400);
      expect((res.json() as { errors: { field: string }[] }).errors[0]?.field).toBe(field);
    };
    await refused(
      h.actors.bankA,
      [{ ref: 'late-1', script: 'call me on 13800138000' }],
      'batch.scripts[0].script',
    );
    await refused(h.actors.bankB, [{ ref: 'late-1', script: SCRIPT }], 'batch.scripts[0].ref');
    await refused(h.actors.bankA, [{ ref: 'late-2', script: SCRIPT }], 'batch.scripts[0].ref');
    expect((await h.platform.store.logHead()).size).toBe(size);
  });
});
