import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EvidencePackage } from '@credence/core/evidence/evidence-package';
import { expect, it } from 'vitest';
import { audited, BIN, credence, phone, type Scenario, serve } from './platform-scenario.js';
import { operatorFile } from './platform-suite-public.js';

/**
 * Steps of the platform's scenario: a police case from the command line (issue 15,
 * docs/cases.md). Two banks report one number with sealed narratives; the police member
 * tokenizes the number it seized, opens a case with a court order, attaches the token and
 * asks for the details; bank-a's agent grants by its policy, also for a request that came
 * while it was down, and a person at bank-b decides with `member disclosures`; the
 * investigator reads what was granted with its own key, and the audit holds every step.
 */
export function describeCases(scenario: Scenario) {
  it('runs a case: open, attach, request, agent and person decide, details, close, audit', async () => {
    const police = enrolPolice(scenario);
    const token = sealedReportsAndTheToken(scenario, police);
    const agent = startAgent(scenario, 'bank-a');
    const first = openCase(police, 'court_order');
    attachAndRequest(police, first, token);
    await agent.saw(`case ${first}`);
    agent.stop();
    // A request that comes while bank-a's agent is down waits for it.
    const second = openCase(police, 'police_investigation');
    attachAndRequest(police, second, token);
    const back = startAgent(scenario, 'bank-a');
    await back.saw(`case ${second}`);
    expect(back.out()).toContain('granted');
    back.stop();
    personDecides(scenario, first, second);
    investigatorReads(police, first, second);
    expect(credence('case', 'close', first, '--config', police).out).toContain('(closed)');
    await exportsAndVerifies(scenario, police, first);
    await keepsEvidenceSealed(scenario);
    uploadsASeizedList(scenario, police);
    const audit = audited(scenario);
    expect(audit.code, audit.out + audit.err).toBe(0);
  }, 180_000);
}

/**
 * The police upload a seized list (issue 17, docs/exposures.md): tokenized at their side,
 * a bad cell left out (exit 4) and its value never said, the name and the other columns
 * never read; bank-a, which watches two of the numbers, is told about its customers; the
 * same list again sends nothing twice.
 */
function uploadsASeizedList(scenario: Scenario, police: string) {
  const list = join(scenario.dir, 'police-1', 'seized.csv');
  writeFileSync(
    list,
    [
      'name,phone,id_number,__proto__,bank_card',
      `"张三","+86 ${phone(1).slice(0, 3)} ${phone(1).slice(3, 7)} ${phone(1).slice(7)}",110105197611093395,owes 5000,`,
      `"李四",${phone(2)},,,6222021234567890128`,
      `"王五",${phone(9)},,,`,
      '"赵六",12,,,',
    ].join('\n'),
  );
  const seizedAt = new Date(Date.now() - 2 * 86_400_000).toISOString();
  const upload = () =>
    credence(
      'member',
      'exposure',
      '--in',
      list,
      '--list',
      'case-1-list-a',
      '--seized-at',
      seizedAt,
      '--config',
      police,
    );
  const first = upload();
  expect(first.code, first.err).toBe(4);
  expect(first.out).toContain(
    'columns read: phone, id_number, bank_card (2 other columns not read)',
  );
  expect(first.out).toContain('6 identifiers, 1 left out; 5 distinct tokens sent in 1 part');
  expect(first.out).toContain('line 5, column 2');
  // How many matched is the operator's to know, not the uploader's.
  expect(first.out).not.toMatch(/watched: \d/);
  const counts = credence('exposures', '--config', operatorFile(scenario));
  expect(counts.out).toContain('case-1-list-a part 0  by police-1');
  expect(counts.out).toContain(
    '5 tokens; watched: 2; exposed alerts: bank 2, payment 0, telecom 0, internet 0',
  );
  const own = credence('exposures', '--config', police);
  expect(own.out).toContain('case-1-list-a part 0  by police-1');
  expect(own.out).not.toContain('watched');
  for (const secret of ['张三', 'owes 5000', '110105197611093395', phone(9)])
    expect(first.out + first.err).not.toContain(secret);
  // bank-a is told about its own customers, by its own words for them.
  const alerts = credence('member', 'alerts', '--config', scenario.configs['bank-a'] as string);
  const exposed = alerts.out.split('\n').filter((l) => l.includes('seized from fraudsters'));
  expect(exposed).toHaveLength(2);
  expect(exposed.join('\n')).toContain(phone(2));
  // A retry sends the same part, which the platform had: nothing raised again.
  const again = upload();
  expect(again.out).toContain('(1 sent before, unchanged)');
  expect(
    credence('member', 'alerts', '--config', scenario.configs['bank-a'] as string)
      .out.split('\n')
      .filter((l) => l.includes('seized from fraudsters')),
  ).toHaveLength(2);
}

/** bank-b's evidence: bytes that must reach the investigator as they were, and no one else. */
const SCREENSHOT = Buffer.from('PNG… 聊天记录截图：请下载"屏幕共享"应用 screenshare-7f3a9c');

const CASE_NARRATIVES = {
  'bank-a': 'a man from the "procuratorate" said my account froze; 13800139000 called again',
  'bank-b': 'asked me to install a screen-sharing app, then moved my savings',
};

/** police-1: enrolled at the key servers and the platform, with an investigator's sealing key. */
function enrolPolice(scenario: Scenario): string {
  const { dir, db } = scenario;
  const home = join(dir, 'police-1');
  mkdirSync(home, { recursive: true });
  const tokens = [1, 2, 3].map((i) =>
    credence(
      'keyserver',
      'credential',
      '--members',
      join(dir, 'keys', `members-${i}.json`),
      '--member',
      'police-1',
    ).out.trim(),
  );
  const added = credence('members', 'add', 'police-1', '--type', 'police', '--db', db);
  expect(added.code, added.err).toBe(0);
  expect(
    credence('member', 'keygen', '--sealing', '--out', join(home, 'sealing-key.json')).code,
  ).toBe(0);
  const config = join(home, 'member.json');
  writeFileSync(
    config,
    JSON.stringify({
      memberId: 'police-1',
      key: JSON.parse(readFileSync(join(dir, 'keys', 'group.json'), 'utf8')),
      keyServers: scenario.keyservers.map((k, i) => ({
        index: i + 1,
        url: k.url,
        token: tokens[i],
      })),
      platform: { url: scenario.platform?.url, credential: added.out.trim() },
      sealingKeyFile: 'sealing-key.json',
    }),
  );
  return config;
}

/** Each bank reports the number with its narrative; the police member tokenizes it. */
function sealedReportsAndTheToken(scenario: Scenario, police: string): string {
  const { dir, configs } = scenario;
  const number = phone(900);
  // bank-b's report has a screenshot as evidence, beside its raw file.
  mkdirSync(join(dir, 'bank-b', 'evidence'), { recursive: true });
  writeFileSync(join(dir, 'bank-b', 'evidence', 'screen.png'), SCREENSHOT);
  for (const bank of ['bank-a', 'bank-b'] as const) {
    const raw = join(dir, bank, 'case.jsonl');
    writeFileSync(
      raw,
      `${JSON.stringify({
        ref: `${bank}-case-1`,
        type: 'victim_report',
        category: 'impersonate_authority',
        occurredAt: new Date(Date.now() - 3_600_000).toISOString(),
        lossCny: 86_000,
        entities: [{ role: 'caller', kind: 'phone', value: number }],
        narrative: CASE_NARRATIVES[bank],
        ...(bank === 'bank-b' ? { evidence: [{ file: 'evidence/screen.png' }] } : {}),
      })}\n`,
    );
    const r = credence('member', 'submit', raw, '--config', configs[bank] as string);
    expect(r.code, r.err).toBe(0);
    if (bank === 'bank-b') expect(r.out).toContain('1 sealed evidence files uploaded');
  }
  const seized = join(dir, 'police-1', 'seized.jsonl');
  writeFileSync(
    seized,
    `${JSON.stringify({ ref: 'seized-1', type: 'police_confirmed', category: 'impersonate_authority', occurredAt: new Date().toISOString(), entities: [{ role: 'caller', kind: 'phone', value: number }] })}\n`,
  );
  const out = join(dir, 'police-1', 'seized.tokens.jsonl');
  const t = credence('member', 'tokenize', '--in', seized, '--out', out, '--config', police);
  expect(t.code, t.err).toBe(0);
  const line = JSON.parse(readFileSync(out, 'utf8').trim()) as { entities: { token: string }[] };
  return line.entities[0]?.token as string;
}

function openCase(police: string, basis: string): string {
  const opened = credence(
    'case',
    'open',
    '--basis',
    basis,
    '--case-number',
    'SZ-2026-0042',
    '--statute',
    'Criminal Law art. 266',
    '--approved-by',
    'Inspector Li',
    '--expires',
    new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
    '--json',
    '--config',
    police,
  );
  expect(opened.code, opened.err).toBe(0);
  return (JSON.parse(opened.out) as { id: string }).id;
}

function attachAndRequest(police: string, id: string, token: string) {
  const attached = credence('case', 'attach', id, '--token', token, '--config', police);
  expect(attached.out, attached.err).toContain('1 item(s) attached');
  expect(attached.out).toContain('2 report(s) newly in it');
  const asked = credence('case', 'request', id, '--config', police);
  expect(asked.out, asked.err).toContain('2 request(s) made');
}

/** `credence member agent` of a bank whose policy approves what police-1 asks. */
function startAgent(scenario: Scenario, bank: string) {
  const config = scenario.configs[bank] as string;
  const json = JSON.parse(readFileSync(config, 'utf8')) as Record<string, unknown>;
  json.disclosurePolicy = { rules: [{ police: ['police-1'], decision: 'approve' }] };
  writeFileSync(config, JSON.stringify(json));
  const child: ChildProcess = spawn(
    process.execPath,
    [BIN, 'member', 'agent', '--config', config],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  return {
    out: () => out,
    saw: async (text: string) => {
      for (let i = 0; i < 300 && !out.includes(text); i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(out).toContain(text);
    },
    stop: () => child.kill('SIGTERM'),
  };
}

/** bank-b has no agent: a person lists what waits, grants the first case, denies the second. */
function personDecides(scenario: Scenario, first: string, second: string) {
  const config = scenario.configs['bank-b'] as string;
  const listed = credence('member', 'disclosures', 'list', '--json', '--config', config);
  expect(listed.code, listed.err).toBe(0);
  const waiting = listed.out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { id: string; case: string; ref: string });
  expect(waiting.map((d) => [d.case, d.ref])).toEqual([
    [first, 'bank-b-case-1'],
    [second, 'bank-b-case-1'],
  ]);
  const [a, b] = waiting;
  const approve = credence('member', 'disclosures', 'approve', a?.id as string, '--config', config);
  expect(approve.code, approve.err).toBe(0);
  const deny = credence(
    'member',
    'disclosures',
    'deny',
    b?.id as string,
    '--reason',
    'a court order, please',
    '--config',
    config,
  );
  expect(deny.code, deny.err).toBe(0);
  // Granted once: a second approval is refused.
  expect(
    credence('member', 'disclosures', 'approve', a?.id as string, '--config', config).code,
  ).toBe(1);
}

const BANK_B_DETAIL = { narrative: CASE_NARRATIVES['bank-b'], lossCny: 86_000 };
const SCREEN_ENTRY = { name: 'screen.png', mediaType: 'image/png', size: SCREENSHOT.length };

/** The investigator opens what was granted with its own key; a denial says why. */
function investigatorReads(police: string, first: string, second: string) {
  const lines = (id: string) =>
    credence('case', 'details', id, '--json', '--config', police)
      .out.trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as { owner: string; status: string; reason?: string; detail?: unknown },
      );
  expect(lines(first).map((d) => [d.owner, d.status, d.detail])).toEqual([
    ['bank-a', 'granted', { narrative: CASE_NARRATIVES['bank-a'], lossCny: 86_000 }],
    ['bank-b', 'granted', { ...BANK_B_DETAIL, files: [expect.objectContaining(SCREEN_ENTRY)] }],
  ]);
  // With --files, the screenshot is fetched, opened with the investigator's key and written.
  const folder = join(police, '..', 'evidence-files');
  const withFiles = credence('case', 'details', first, '--files', folder, '--config', police);
  expect(withFiles.code, withFiles.err).toBe(0);
  expect(withFiles.out).toContain('evidence: screen.png (image/png');
  const written = withFiles.out.match(/→ (\S+)/)?.[1] as string;
  expect(readFileSync(written)).toEqual(SCREENSHOT);
  expect(lines(second).map((d) => [d.owner, d.status, d.reason])).toEqual([
    ['bank-a', 'granted', undefined],
    ['bank-b', 'denied', 'a court order, please'],
  ]);
}

/** The case as a court gets it: exported with its details in clear, verified offline; an edit is named. */
async function exportsAndVerifies(scenario: Scenario, police: string, id: string) {
  const out = join(scenario.dir, 'police-1', `package-${id}`);
  const exported = credence('case', 'export', id, '--out', out, '--clear', '--config', police);
  expect(exported.code, exported.err).toBe(0);
  expect(exported.out).toContain('2 granted detail(s) in clear');
  const credential = (
    JSON.parse(readFileSync(police, 'utf8')) as { platform: { credential: string } }
  ).platform.credential;
  const answer = await fetch(`${scenario.platform?.url}/v1/log/key`, {
    headers: { authorization: `Bearer ${credential}` },
  });
  const { vkey } = (await answer.json()) as { vkey: string };
  const verified = credence('verify-package', out, '--log-key', vkey);
  expect(verified.code, verified.out + verified.err).toBe(0);
  expect(verified.out).toContain('2 granted detail(s), 2 opened and matched');
  const pkg = JSON.parse(readFileSync(join(out, 'evidence.json'), 'utf8')) as EvidencePackage;
  expect(pkg.details.map((d) => d.opened?.detail)).toEqual([
    { narrative: CASE_NARRATIVES['bank-a'], lossCny: 86_000 },
    { ...BANK_B_DETAIL, files: [expect.objectContaining(SCREEN_ENTRY)] },
  ]);
  // A narrative edited in the package, and an entry dropped from it: each is named.
  const edited = structuredClone(pkg) as unknown as {
    details: { opened: { detail: { narrative: string } } }[];
  };
  (edited.details[0] as { opened: { detail: { narrative: string } } }).opened.detail.narrative =
    'nothing happened';
  writeFileSync(join(out, 'evidence.json'), JSON.stringify(edited));
  const refused = credence('verify-package', out, '--log-key', vkey);
  expect(refused.code).toBe(1);
  expect(refused.out).toMatch(
    /FAIL disclosure \d+ \(report r_[0-9a-f]+ of bank-a\): the detail in clear is not what its report sealed/,
  );
}

/**
 * The platform's store holds the screenshot sealed: nothing of its bytes, as text or as
 * the hex a PostgreSQL dump shows a bytea in, nor its name.
 */
async function keepsEvidenceSealed(scenario: Scenario) {
  await scenario.platform?.stop();
  const stored = (await scenario.database?.dump()) ?? '';
  expect(stored).toContain('X25519-SHA256-ChaCha20Poly1305');
  for (const secret of ['screenshare-7f3a9c', 'screen.png'])
    for (const form of [secret, Buffer.from(secret).toString('hex')])
      expect(stored.includes(form), secret).toBe(false);
  await serve(scenario);
}
