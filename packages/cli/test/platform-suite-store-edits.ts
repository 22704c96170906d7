import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import {
  audited,
  credence,
  NARRATIVE,
  phone,
  type Scenario,
  serve,
  type TestDatabase,
} from './platform-scenario.js';

/**
 * A step of the platform's scenario: every edit of what answers are made from (summaries,
 * records, indexes, alerts, rings, policies, members and their keys) is named by the audit,
 * each with its own finding.
 */
export function describeStoreEdits(scenario: Scenario) {
  it('names every edit of what answers are made from, each with its own finding', async () => {
    const store = scenario.database as TestDatabase;
    operatorSetsPolicyAndAnalyzes(scenario);
    // Four police-confirmed rows for other members, added to the summary of a number
    // bank-b reported once: after a restart the check answers "fraud, 5 members". The
    // audit names the rows; and of bank-a's two answers, held to the log, it bears out
    // the one before and names the one after.
    const [b1] = await store.sql(
      "SELECT entities, fingerprint, sealed FROM reports WHERE ref = 'b-1'",
    );
    const token = (JSON.parse(String(b1?.entities)) as { token: string }[])[0]?.token as string;
    await forgedSummaryIsNamed(scenario, store, token);
    await sharedScriptIsNamed(scenario, store);
    await editsOfReportsAreNamed(scenario, store, b1, token);
    await editsOfAnalysisAreNamed(scenario, store, token);
    await editsOfWhoMayDoWhatAreNamed(scenario, store);
  }, 300_000);
}

/** The audit's findings, which there must be. */
function findings(scenario: Scenario) {
  const a = audited(scenario);
  expect(a.code, a.err).toBe(1);
  return (JSON.parse(a.out) as { findings: { kind: string; message: string }[] }).findings;
}

/** The audit finds nothing. */
function clean(scenario: Scenario) {
  const a = audited(scenario);
  expect(a.code, a.out + a.err).toBe(0);
}

/** An edit, the findings it must raise (all of this kind, at least one), undone. */
async function tampered(
  scenario: Scenario,
  kind: string,
  edit: () => Promise<unknown>,
  undo: () => Promise<unknown>,
) {
  await edit();
  const found = findings(scenario);
  expect(found.length).toBeGreaterThan(0);
  expect(found.map((f) => f.kind)).toEqual(found.map(() => kind));
  await undo();
  clean(scenario);
  return found;
}

/** The operator sets a policy and runs joint analysis, so that both are in the log. */
function operatorSetsPolicyAndAnalyzes(scenario: Scenario) {
  const { dir, configs } = scenario;
  const ops = credence('members', 'add', 'ops', '--type', 'operator', '--db', scenario.db);
  expect(ops.code, ops.err).toBe(0);
  const operator = join(dir, 'operator.json');
  writeFileSync(
    operator,
    JSON.stringify({ url: scenario.platform?.url, credential: ops.out.trim() }),
  );
  // With the operator's commands: the policy in force, then a new version from a file.
  const shown = credence('policy', 'show', '--config', operator);
  expect(shown.code, shown.err).toBe(0);
  const policy = JSON.parse(shown.out) as {
    version: number;
    policy: { thresholds: Record<string, number> };
  };
  const policyFile = join(dir, 'policy.json');
  writeFileSync(
    policyFile,
    JSON.stringify({ ...policy.policy, thresholds: { suspicious: 0.3, fraud: 0.72 } }),
  );
  const set = credence('policy', 'set', policyFile, '--config', operator);
  expect(set.code, set.err).toBe(0);
  expect(set.out).toBe(`policy version ${policy.version + 1} is in force\n`);
  // A member may read it, not set it.
  expect(credence('policy', 'show', '--config', configs['bank-a'] as string).code).toBe(0);
  const refused = credence('policy', 'set', policyFile, '--config', configs['bank-a'] as string);
  expect(refused.code).toBe(1);
  expect(refused.err).toContain('403');
  const analyzed = credence('analyze', '--config', operator);
  expect(analyzed.code, analyzed.err).toBe(0);
  clean(scenario);
}

/**
 * Rows forged into the summary of bank-b's report b-1: the check's answer changes after a
 * restart; the audit names the rows, and of the answers before and after, the one after.
 */
async function forgedSummaryIsNamed(scenario: Scenario, store: TestDatabase, token: string) {
  const { dir, configs } = scenario;
  const check = () => {
    const c = credence(
      'member',
      'check',
      '--kind',
      'phone',
      phone(1),
      '--config',
      configs['bank-a'] as string,
      '--json',
    );
    expect(c.code, c.err).toBe(0);
    // The identifier stays with the member: the auditor gets the answer only.
    const { value: _, ...answer } = (JSON.parse(c.out) as Record<string, unknown>[])[0] as Record<
      string,
      unknown
    >;
    return answer;
  };
  const honest = check();
  expect(honest).toMatchObject({ verdict: 'suspicious', reporters: 1 });
  const forged = ['bank-a', 'bank-c', 'bank-d', 'bank-e'];
  for (const member of forged)
    await store.sql(
      `INSERT INTO token_stats (token, member_id, type, reports, first_seen, last_seen, categories) VALUES ('${token}', '${member}', 'police_confirmed', 1, ${Date.now()}, ${Date.now()}, 16)`,
    );
  await scenario.platform?.stop();
  await serve(scenario);
  const lie = check();
  expect(lie).toMatchObject({ verdict: 'fraud', reporters: 5 });
  const answers = join(dir, 'answers.json');
  writeFileSync(answers, JSON.stringify([honest, lie]));
  const held = audited(scenario, '--answers', answers);
  expect(held.code).toBe(1);
  const report = JSON.parse(held.out) as {
    findings: { kind: string; message: string }[];
    answers: { checked: number; verified: number };
  };
  expect(report.answers).toEqual({ checked: 2, verified: 1 });
  expect([...new Set(report.findings.map((f) => f.kind))].sort()).toEqual([
    'altered_summary',
    'wrong_answer',
  ]);
  expect(report.findings.find((f) => f.kind === 'wrong_answer')?.message).toContain(
    '1 members reported it',
  );
  await store.sql(`DELETE FROM token_stats WHERE token = '${token}' AND type = 'police_confirmed'`);
  await scenario.platform?.stop();
  await serve(scenario);
  clean(scenario);
}

/** bank-b shares its script after it sent b-1, with a receipt: an edit of it is named. */
async function sharedScriptIsNamed(scenario: Scenario, store: TestDatabase) {
  const { dir, configs } = scenario;
  const sharing = credence(
    'member',
    'share-scripts',
    join(dir, 'bank-b', 'reports.jsonl'),
    '--config',
    configs['bank-b'] as string,
  );
  expect(sharing.code, sharing.err).toBe(0);
  expect(sharing.out).toContain(
    '1 scripts: 1 shared, 0 shared before, 0 conflicts; 1 receipts verified',
  );
  const [kept] = await store.sql('SELECT script FROM report_scripts');
  // The masked narrative, which the member opted in to share (it holds no identifier).
  expect(kept?.script).toBe(NARRATIVE);
  clean(scenario);
  await tampered(
    scenario,
    'altered_record',
    () => store.sql("UPDATE report_scripts SET script = 'call ⟨PHONE⟩ now'"),
    () =>
      store.sql(
        `UPDATE report_scripts SET script = '${String(kept?.script).replaceAll("'", "''")}'`,
      ),
  );
}

/** Edits of a report's row, a token's state, alerts and the index of reports by token. */
async function editsOfReportsAreNamed(
  scenario: Scenario,
  store: TestDatabase,
  b1: Record<string, unknown> | undefined,
  token: string,
) {
  // The script and the fingerprint of a report: every field of the row is logged.
  await tampered(
    scenario,
    'altered_record',
    () => store.sql("UPDATE reports SET script = 'call ⟨PHONE⟩ now' WHERE ref = 'b-1'"),
    () => store.sql("UPDATE reports SET script = NULL WHERE ref = 'b-1'"),
  );
  const fingerprint = String(b1?.fingerprint);
  expect(fingerprint).toMatch(/^mh1\./);
  const other = `mh1.${'A'.repeat(fingerprint.length - 4)}`;
  await tampered(
    scenario,
    'altered_record',
    () => store.sql(`UPDATE reports SET fingerprint = '${other}' WHERE ref = 'b-1'`),
    () => store.sql(`UPDATE reports SET fingerprint = '${fingerprint}' WHERE ref = 'b-1'`),
  );
  // The victim's region, which the public statistics count: one given where the member
  // gave none (or another in place of the member's) no longer matches the entry.
  const region = b1?.region == null ? 'NULL' : `'${String(b1.region)}'`;
  await tampered(
    scenario,
    'altered_record',
    () => store.sql("UPDATE reports SET region = 'CN-XZ' WHERE ref = 'b-1'"),
    () => store.sql(`UPDATE reports SET region = ${region} WHERE ref = 'b-1'`),
  );
  // The sealed detail: another one (or garbage) in its place no longer matches the entry.
  const sealed = String(b1?.sealed);
  const swapped = JSON.stringify({ ...JSON.parse(sealed), salt: 'A'.repeat(22) });
  for (const replacement of [swapped, 'not json'])
    await tampered(
      scenario,
      'altered_record',
      () => store.sql(`UPDATE reports SET sealed = '${replacement}' WHERE ref = 'b-1'`),
      () => store.sql(`UPDATE reports SET sealed = '${sealed}' WHERE ref = 'b-1'`),
    );
  // A token's state: flagged or not is what checks look at first.
  await tampered(
    scenario,
    'altered_token_state',
    () => store.sql(`UPDATE token_state SET flagged = NOT flagged WHERE token = '${token}'`),
    () => store.sql(`UPDATE token_state SET flagged = NOT flagged WHERE token = '${token}'`),
  );
  // Alerts: one removed, one made up.
  const [alert] = await store.sql('SELECT * FROM alerts ORDER BY id LIMIT 1');
  await tampered(
    scenario,
    'altered_alerts',
    () => store.sql(`DELETE FROM alerts WHERE id = ${Number(alert?.id)}`),
    () => store.insert('alerts', alert as Record<string, unknown>),
  );
  await tampered(
    scenario,
    'altered_alerts',
    () =>
      store.sql(
        `INSERT INTO alerts (seq, member_id, token, kind, source, occurred_at, created_at) VALUES (1, 'bank-a', '${token}', 'phone', 'report', 1, 1)`,
      ),
    () => store.sql("DELETE FROM alerts WHERE created_at = 1 AND member_id = 'bank-a'"),
  );
  // The alerts an upload of a seized list raised, which its entry commits to inside its
  // record: one removed, one turned to another token, one added under the entry.
  const [exposed] = await store.sql(
    "SELECT * FROM alerts WHERE source = 'exposed' ORDER BY id LIMIT 1",
  );
  expect(exposed?.log_index).not.toBeNull();
  const exposedId = Number(exposed?.id);
  await tampered(
    scenario,
    'altered_alerts',
    () => store.sql(`DELETE FROM alerts WHERE id = ${exposedId}`),
    () => store.insert('alerts', exposed as Record<string, unknown>),
  );
  await tampered(
    scenario,
    'altered_alerts',
    () => store.sql(`UPDATE alerts SET token = '${'A'.repeat(43)}' WHERE id = ${exposedId}`),
    () =>
      store.sql(`UPDATE alerts SET token = '${String(exposed?.token)}' WHERE id = ${exposedId}`),
  );
  await tampered(
    scenario,
    'altered_alerts',
    () =>
      store.sql(
        `INSERT INTO alerts (seq, member_id, token, kind, source, occurred_at, created_at, log_index) VALUES (${Number(exposed?.seq)}, 'bank-b', '${token}', 'phone', 'exposed', 2, 2, ${Number(exposed?.log_index)})`,
      ),
    () => store.sql("DELETE FROM alerts WHERE created_at = 2 AND member_id = 'bank-b'"),
  );
  // The index of reports by token, which retractions recount from.
  const [indexed] = await store.sql(
    "SELECT e.* FROM report_entities e JOIN reports r ON r.id = e.report_id WHERE r.ref = 'b-1'",
  );
  await tampered(
    scenario,
    'altered_report_index',
    () =>
      store.sql(`DELETE FROM report_entities WHERE report_id = '${String(indexed?.report_id)}'`),
    () => store.insert('report_entities', indexed as Record<string, unknown>),
  );
  // An alert moved where no cursor finds it.
  const [listed] = await store.sql('SELECT id, seq FROM alerts ORDER BY id LIMIT 1');
  await tampered(
    scenario,
    'altered_alerts',
    () => store.sql(`UPDATE alerts SET seq = 0 WHERE id = ${Number(listed?.id)}`),
    () =>
      store.sql(`UPDATE alerts SET seq = ${Number(listed?.seq)} WHERE id = ${Number(listed?.id)}`),
  );
}

/** Edits of the rings' tokens, the kept analysis run and the policy answers are scored under. */
async function editsOfAnalysisAreNamed(scenario: Scenario, store: TestDatabase, token: string) {
  // The rings' tokens, and the kept run they come from: a token put in a ring the run
  // does not hold it in.
  await tampered(
    scenario,
    'altered_ring_tokens',
    () =>
      store.sql(
        `INSERT INTO ring_tokens (token, ring_id, kind, run_id) VALUES ('${token}', 'ring-0123456789abcdef', 'phone', 1)`,
      ),
    () => store.sql(`DELETE FROM ring_tokens WHERE ring_id = 'ring-0123456789abcdef'`),
  );
  const [run] = await store.sql('SELECT id, body FROM analysis_runs ORDER BY id DESC LIMIT 1');
  await tampered(
    scenario,
    'altered_analysis',
    () => store.sql(`UPDATE analysis_runs SET body = '{"rings":[]}' WHERE id = ${Number(run?.id)}`),
    () =>
      store.sql(
        `UPDATE analysis_runs SET body = '${String(run?.body).replaceAll("'", "''")}' WHERE id = ${Number(run?.id)}`,
      ),
  );
  // The policy answers are scored under.
  const [version] = await store.sql(
    'SELECT version, body FROM policies ORDER BY version DESC LIMIT 1',
  );
  const body = typeof version?.body === 'string' ? version.body : JSON.stringify(version?.body);
  await tampered(
    scenario,
    'altered_policy',
    () =>
      store.sql(
        `UPDATE policies SET body = '${body.replace('"fraud":0.7', '"fraud":0.1')}' WHERE version = ${Number(version?.version)}`,
      ),
    () =>
      store.sql(`UPDATE policies SET body = '${body}' WHERE version = ${Number(version?.version)}`),
  );
}

/** Edits of who may do what (a member's type, credentials, signing keys), of usage and of a log record. */
async function editsOfWhoMayDoWhatAreNamed(scenario: Scenario, store: TestDatabase) {
  // Who may do what: a member's type, a credential, a signing key.
  await tampered(
    scenario,
    'altered_member',
    () => store.sql("UPDATE members SET type = 'police' WHERE id = 'bank-a'"),
    () => store.sql("UPDATE members SET type = 'bank' WHERE id = 'bank-a'"),
  );
  await tampered(
    scenario,
    'altered_credentials',
    () =>
      store.sql(
        `INSERT INTO credentials (sha256, member_id, created_at) VALUES ('${'f'.repeat(64)}', 'bank-b', ${Date.now()})`,
      ),
    () => store.sql(`DELETE FROM credentials WHERE sha256 = '${'f'.repeat(64)}'`),
  );
  // A credential's hash swapped for another's: the log binds what each issue kept.
  const [live] = await store.sql(
    "SELECT sha256 FROM credentials WHERE member_id = 'bank-a' AND revoked_at IS NULL",
  );
  await tampered(
    scenario,
    'altered_credentials',
    () =>
      store.sql(
        `UPDATE credentials SET sha256 = '${'e'.repeat(64)}' WHERE sha256 = '${String(live?.sha256)}'`,
      ),
    () =>
      store.sql(
        `UPDATE credentials SET sha256 = '${String(live?.sha256)}' WHERE sha256 = '${'e'.repeat(64)}'`,
      ),
  );
  await tampered(
    scenario,
    'altered_signing_keys',
    () =>
      store.sql(
        `INSERT INTO signing_keys (member_id, public_key, created_at) VALUES ('bank-b', '${'K'.repeat(43)}', ${Date.now()})`,
      ),
    () => store.sql(`DELETE FROM signing_keys WHERE public_key = '${'K'.repeat(43)}'`),
  );
  // A key server's count.
  await tampered(
    scenario,
    'altered_usage',
    () =>
      store.sql(
        "INSERT INTO oprf_usage (reporter, key_id, share_index, day, member_id, evaluations) VALUES ('keyserver-1', 'k', 1, '2026-12-01', 'bank-b', 10)",
      ),
    () => store.sql("DELETE FROM oprf_usage WHERE reporter = 'keyserver-1'"),
  );
  // The record of an event kept beside the log.
  const [event] = await store.sql('SELECT idx, record FROM log_records ORDER BY idx LIMIT 1');
  await tampered(
    scenario,
    'altered_record',
    () => store.sql(`UPDATE log_records SET record = '{}' WHERE idx = ${Number(event?.idx)}`),
    () =>
      store.sql(
        `UPDATE log_records SET record = '${String(event?.record).replaceAll("'", "''")}' WHERE idx = ${Number(event?.idx)}`,
      ),
  );
}
