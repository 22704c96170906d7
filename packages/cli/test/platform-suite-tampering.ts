import { join } from 'node:path';
import type { LogEntry } from '@credence/core/log/entries';
import { hashLeaf } from '@credence/core/merkle/hash';
import { TreeBuilder } from '@credence/core/merkle/tree-builder';
import { openStore } from '@credence/platform/server';
import { expect, it } from 'vitest';
import { audited, credence, type Scenario, type TestDatabase } from './platform-scenario.js';

/**
 * The last step of the platform's scenario: every tampering with the store is named by the
 * audit, each undone before the next, and last the one that cannot be undone.
 */
export function describeTampering(scenario: Scenario) {
  it('names every tampering with the store: an edited or deleted report, reordered or truncated entries, a rewritten checkpoint', async () => {
    const store = scenario.database as TestDatabase;
    await editedOrDeletedReportIsNamed(scenario, store);
    await swappedEntriesAndRewrittenCheckpointAreNamed(scenario, store);
    await truncatedLogIsNamed(scenario, store);
    await logCutWithItsHistoryIsNamed(scenario, store);
    await duplicateEntryIsNamed(scenario, store);
  }, 180_000);
}

/** The audit's findings, which there must be. */
function findings(scenario: Scenario) {
  const a = audited(scenario);
  expect(a.code).toBe(1);
  return (JSON.parse(a.out) as { findings: { kind: string; message: string; index?: number }[] })
    .findings;
}

/** A report edited after it was logged, then one deleted. */
async function editedOrDeletedReportIsNamed(scenario: Scenario, store: TestDatabase) {
  const [report] = await store.sql(
    "SELECT id, member_id, category FROM reports WHERE member_id = 'bank-b' ORDER BY id LIMIT 1",
  );
  const id = String(report?.id);

  // A report edited after it was logged.
  await store.sql(`UPDATE reports SET category = 'gambling' WHERE id = '${id}'`);
  let found = findings(scenario);
  expect(found).toEqual([
    expect.objectContaining({ kind: 'altered_record', message: expect.stringContaining(id) }),
  ]);
  await store.sql(`UPDATE reports SET category = '${String(report?.category)}' WHERE id = '${id}'`);
  expect(audited(scenario).code).toBe(0);

  // A report deleted (with its entities). The summaries still count it, and nothing
  // left in the store accounts for that: each of its tokens is named too, nothing else.
  const [row] = await store.sql(`SELECT * FROM reports WHERE id = '${id}'`);
  const tokens = (JSON.parse(String(row?.entities)) as { token: string }[]).map((e) => e.token);
  await store.sql(`DELETE FROM reports WHERE id = '${id}'`);
  found = findings(scenario);
  expect(found[0]).toEqual(
    expect.objectContaining({ kind: 'missing_record', message: expect.stringContaining(id) }),
  );
  for (const f of found.slice(1)) {
    expect(['altered_summary', 'altered_token_state', 'altered_report_index']).toContain(f.kind);
    expect(tokens.some((t) => f.message.includes(t))).toBe(true);
  }
  await store.insert('reports', row as Record<string, unknown>);
  expect(audited(scenario).code).toBe(0);
}

/** Two entries swapped; a checkpoint rewritten. */
async function swappedEntriesAndRewrittenCheckpointAreNamed(
  scenario: Scenario,
  store: TestDatabase,
) {
  // Two entries swapped.
  const entries = await store.sql(
    'SELECT idx, entry FROM log_entries WHERE idx IN (5, 6) ORDER BY idx',
  );
  const [five, six] = entries.map((e) => String(e.entry));
  const setEntry = (idx: number, text: string) =>
    store.sql(`UPDATE log_entries SET entry = '${text.replaceAll("'", "''")}' WHERE idx = ${idx}`);
  await setEntry(5, six as string);
  await setEntry(6, five as string);
  let found = findings(scenario);
  expect(found.map((f) => f.kind)).toContain('tree_mismatch');
  expect(found.filter((f) => f.kind === 'altered_entry').map((f) => f.index)).toEqual([5, 6]);
  await setEntry(5, five as string);
  await setEntry(6, six as string);
  expect(audited(scenario).code).toBe(0);

  // A checkpoint rewritten: another root under the log's signature.
  const [cp] = await store.sql('SELECT size, note FROM log_checkpoints ORDER BY size LIMIT 1');
  const note = String(cp?.note);
  const lines = note.split('\n');
  lines[2] = Buffer.alloc(32, 7).toString('base64');
  await store.sql(
    `UPDATE log_checkpoints SET note = '${lines.join('\n')}' WHERE size = ${Number(cp?.size)}`,
  );
  found = findings(scenario);
  expect(found).toEqual([
    expect.objectContaining({ kind: 'bad_checkpoint', size: Number(cp?.size) }),
  ]);
  await store.sql(
    `UPDATE log_checkpoints SET note = '${note.replaceAll("'", "''")}' WHERE size = ${Number(cp?.size)}`,
  );
  expect(audited(scenario).code).toBe(0);
}

/**
 * The log cut off at bank-b's last report (one bank-b sent itself: not those made in its
 * name by the operator above): shorter than what was signed, and bank-b finds its own
 * entries missing.
 */
async function truncatedLogIsNamed(scenario: Scenario, store: TestDatabase) {
  const foreign = new Set(
    (await store.sql("SELECT id FROM reports WHERE ref LIKE 'forged-%'")).map((r) => String(r.id)),
  );
  const cutAt = {
    idx: Math.max(
      ...(
        await store.sql(
          `SELECT idx, entry FROM log_entries WHERE entry LIKE '%"kind":"report"%' AND entry LIKE '%"member":"bank-b"%'`,
        )
      )
        .filter((e) => !foreign.has((JSON.parse(String(e.entry)) as LogEntry).subject))
        .map((e) => Number(e.idx)),
    ),
  };
  const tail = await store.sql(
    `SELECT idx, entry FROM log_entries WHERE idx >= ${Number(cutAt?.idx)} ORDER BY idx`,
  );
  await store.sql(`DELETE FROM log_entries WHERE idx >= ${Number(cutAt?.idx)}`);
  const found = findings(scenario);
  expect(found.map((f) => f.kind)).toContain('truncated');
  const verify = credence('member', 'verify', '--config', scenario.configs['bank-b'] as string);
  expect(verify.code, verify.out + verify.err).toBe(1);
  expect(verify.out).toContain(`FAIL missing_entry: entry ${Number(cutAt?.idx)} (report`);
  for (const t of tail) await store.insert('log_entries', t);
  expect(audited(scenario).code).toBe(0);
}

/**
 * The log cut back together with its checkpoint history: an auditor who kept the newest
 * checkpoint of a previous audit can tell (what the cut entries made still stands in the
 * store, too).
 */
async function logCutWithItsHistoryIsNamed(scenario: Scenario, store: TestDatabase) {
  const [last] = await store.sql('SELECT max(idx) AS idx FROM log_entries');
  const state = join(scenario.dir, 'audit-state.txt');
  expect(audited(scenario, '--state', state).code).toBe(0);
  const kept = await store.sql(
    `SELECT size, note, created_at FROM log_checkpoints WHERE size > ${Number(last?.idx) - 2}`,
  );
  const cut = await store.sql(
    `SELECT idx, entry FROM log_entries WHERE idx > ${Number(last?.idx) - 2} ORDER BY idx`,
  );
  const [before] = await store.sql('SELECT size, frontier, root FROM log_state');
  const setState = async (size: number, frontier: Uint8Array, root: Uint8Array) => {
    const hex = (b: Uint8Array) =>
      scenario.db.startsWith('postgres')
        ? `'\\x${Buffer.from(b).toString('hex')}'::bytea`
        : `x'${Buffer.from(b).toString('hex')}'`;
    await store.sql(
      `UPDATE log_state SET size = ${size}, frontier = ${hex(frontier)}, root = ${hex(root)}`,
    );
  };
  // The tree's state first, then the rows: the running platform's checkpointer signs
  // what the state says, so between the edits it can sign the shorter log, never the
  // longer one again (which the audit would rightly call truncated).
  const builder = new TreeBuilder();
  for (const e of await store.sql(
    `SELECT entry FROM log_entries WHERE idx <= ${Number(last?.idx) - 2} ORDER BY idx`,
  ))
    builder.append(hashLeaf(new TextEncoder().encode(String(e.entry))));
  await setState(builder.size, Buffer.concat(builder.frontier()), builder.root());
  await store.sql(`DELETE FROM log_checkpoints WHERE size > ${Number(last?.idx) - 2}`);
  await store.sql(`DELETE FROM log_entries WHERE idx > ${Number(last?.idx) - 2}`);
  // The log alone is whole again; but what the cut entries made still stands in the
  // store, and the rebuilt tables say so (a check digest leaves nothing behind).
  const madeBy: Record<string, string[]> = {
    member_event: ['altered_member', 'altered_credentials'],
    key_event: ['altered_signing_keys'],
    analysis: ['altered_analysis'],
    policy_change: ['altered_policy'],
    alerts: ['altered_alerts'],
    check_digest: [],
  };
  const cutKinds = cut.map((c) => (JSON.parse(String(c.entry)) as { kind: string }).kind);
  const allowed = cutKinds.flatMap((k) => madeBy[k] ?? ['unlogged_records']);
  const cutOnly = audited(scenario);
  const cutFindings = (JSON.parse(cutOnly.out) as { findings: { kind: string }[] }).findings;
  expect(cutFindings.length > 0).toBe(allowed.length > 0);
  for (const f of cutFindings) expect(allowed).toContain(f.kind);
  const withState = audited(scenario, '--state', state);
  expect(withState.code).toBe(1);
  expect(
    (JSON.parse(withState.out) as { findings: { kind: string }[] }).findings.map((f) => f.kind),
  ).toContain('truncated');
  for (const e of cut) await store.insert('log_entries', e);
  // The audits signed checkpoints of the cut log meanwhile: the history goes back as it was.
  await store.sql(`DELETE FROM log_checkpoints WHERE size > ${Number(last?.idx) - 2}`);
  for (const c of kept) await store.insert('log_checkpoints', c);
  await setState(
    Number(before?.size),
    new Uint8Array(before?.frontier as Buffer),
    new Uint8Array(before?.root as Buffer),
  );
  expect(audited(scenario, '--state', state).code).toBe(0);
}

/**
 * Last, as it cannot be undone: a report's entry appended to the log a second time (through
 * the store, tree and all, as a faulty or dishonest platform would).
 */
async function duplicateEntryIsNamed(scenario: Scenario, store: TestDatabase) {
  const [first] = await store.sql(
    `SELECT entry FROM log_entries WHERE entry LIKE '%"kind":"report"%' ORDER BY idx LIMIT 1`,
  );
  const writer = openStore(scenario.db);
  try {
    await writer.appendLog([JSON.parse(String(first?.entry)) as LogEntry]);
  } finally {
    await writer.close();
  }
  const found = findings(scenario);
  expect(found.map((f) => f.kind)).toEqual(['duplicate_entry']);
}
