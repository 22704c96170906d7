import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { luhnCheckDigit } from '@credence/core/identifiers/checksums';
import { parse as parseCsv } from 'csv-parse/sync';
import { Webhook } from 'standardwebhooks';
import { expect, it, vi } from 'vitest';
import {
  BIN,
  credence,
  credenceAsync,
  freePort,
  RECORD_MODULES,
  type Scenario,
} from './platform-scenario.js';

/**
 * A step of the platform's scenario (issue 13): a new member taken from nothing to a ring,
 * each phase of its way in a function of its own, run in order by one test.
 */
export function describeNewMember(scenario: Scenario) {
  it('takes a new member from nothing to a ring: enrolment files, init, doctor, validate, submit, check, rings (issue 13)', async () => {
    const home = join(scenario.dir, 'join');
    const member = 'bank-c';
    const { enrolments, platformEnrolment } = writeEnrolments(scenario, home, member);
    const { folder, config } = await initThenDoctor(scenario, home, enrolments, platformEnrolment);
    const checked = submitItsFiles(folder, config);
    loadsOnlyTheBundle(scenario.dir, config, checked);
    showsItsRing(scenario, folder, config);
    checksABatch(folder, config);
    await setsAndTestsAWebhook(config);
    retractsByRef(config);

    // Its own first key, registered by init, and its retraction are its own to `member
    // verify`: no finding.
    const verified = credence('member', 'verify', '--config', config);
    expect(verified.code, verified.out + verified.err).toBe(0);
  }, 180_000);
}

/** A bank card number of the new member's, its check digit right. */
const card = (i: number) => {
  const payload = `62220299${String(i).padStart(10, '0')}`;
  return `${payload}${luhnCheckDigit(payload)}`;
};

/** Each key server's operator, and the platform's, write an enrolment file for the member. */
function writeEnrolments(scenario: Scenario, home: string, member: string) {
  const { dir, keyservers } = scenario;
  const enrolments: string[] = [];
  for (const [i, k] of keyservers.entries()) {
    const file = join(home, 'from-operators', `keyserver-${i + 1}.json`);
    const r = credence(
      'keyserver',
      'credential',
      '--members',
      join(dir, 'keys', `members-${i + 1}.json`),
      '--member',
      member,
      '--enrol-out',
      file,
      '--url',
      k.url,
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe('');
    enrolments.push(file);
  }
  const platformEnrolment = join(home, 'from-operators', 'platform.json');
  const added = credence(
    'members',
    'add',
    member,
    '--type',
    'bank',
    '--db',
    scenario.db,
    '--enrol-out',
    platformEnrolment,
    '--url',
    scenario.platform?.url as string,
    '--key',
    join(dir, 'platform-key.json'),
  );
  expect(added.code, added.err).toBe(0);
  expect(added.out).toBe('');
  // An enrolment holds a credential: the owner alone reads it, and it is never replaced.
  expect(statSync(platformEnrolment).mode & 0o077).toBe(0);
  const again = credence(
    'members',
    'add',
    'bank-d',
    '--type',
    'bank',
    '--db',
    scenario.db,
    '--enrol-out',
    platformEnrolment,
    '--url',
    scenario.platform?.url as string,
  );
  expect(again.code).toBe(1);
  expect(again.err).toContain('exists already');
  return { enrolments, platformEnrolment };
}

/** The member, from an empty folder: init, then doctor (and what doctor says when something is wrong). */
async function initThenDoctor(
  scenario: Scenario,
  home: string,
  enrolments: string[],
  platformEnrolment: string,
) {
  const { dir } = scenario;
  const folder = join(home, 'bank-c');
  const init = credence(
    'member',
    'init',
    '--out',
    folder,
    '--group',
    join(dir, 'keys', 'group.json'),
    ...enrolments.flatMap((f) => ['--enrol', f]),
    '--enrol',
    platformEnrolment,
  );
  expect(init.code, init.err).toBe(0);
  const config = init.out.trim();
  expect(config).toBe(join(folder, 'member.json'));
  expect(init.err).toContain('registered with the platform');
  expect(statSync(join(folder, 'signing-key.json')).mode & 0o077).toBe(0);
  // Key servers read new credentials within a second.
  await vi.waitFor(
    () => {
      const doctor = credence('member', 'doctor', '--config', config);
      expect(doctor.out).toContain('Everything works.');
      expect(doctor.code, doctor.out).toBe(0);
    },
    { timeout: 15_000, interval: 1000 },
  );
  const doctor = credence('member', 'doctor', '--config', config).out;
  expect(doctor).toContain('3 of 3 work; tokenizing needs 2');
  expect(doctor).toContain('takes your credential: you are bank-c (bank)');
  expect(doctor).toContain('the log key: matches; the newest checkpoint');
  expect(doctor).toContain('is your current key');
  // What it says when something is wrong: each problem in its own words, exit 1.
  const broken = JSON.parse(readFileSync(config, 'utf8')) as {
    keyServers: { url: string; token: string }[];
    platform: { credential: string; logKey: string };
  };
  (broken.keyServers[0] as { token: string }).token = 'cks_not-the-credential';
  (broken.keyServers[1] as { url: string }).url = `http://127.0.0.1:${await freePort()}`;
  broken.platform.logKey = `${broken.platform.logKey.split('+')[0]}+00000000+not-the-key`;
  writeFileSync(join(folder, 'broken.json'), JSON.stringify(broken));
  const sick = credence('member', 'doctor', '--config', join(folder, 'broken.json'));
  expect(sick.code).toBe(1);
  expect(sick.out).toMatch(/FAIL {2}key server #1 \([^)]*\): .*401/);
  expect(sick.out).toMatch(/FAIL {2}key server #2 \([^)]*\): cannot be reached/);
  expect(sick.out).toContain('FAIL  the key servers: 1 of 3 work; tokenizing needs 2');
  expect(sick.out).toContain('FAIL  the log key: member.json pins another key');
  expect(sick.out).toContain('ok    the platform');
  expect(sick.out).toMatch(/^4 of \d+ checks failed\.$/m);
  return { folder, config };
}

/** Its files: validated, submitted, checked; what the check said. */
function submitItsFiles(folder: string, config: string) {
  const day = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
  const raw = join(folder, 'fraud.jsonl');
  writeFileSync(
    raw,
    `${[
      ...[1, 2].map((i) => ({
        ref: `bank-c-${i}`,
        type: 'confirmed_fraud',
        category: 'fake_investment',
        occurredAt: day(2),
        entities: [{ role: 'beneficiary_account', kind: 'bank_card', value: card(i) }],
      })),
      {
        link: 'transfer',
        from: { kind: 'bank_card', value: card(1) },
        to: { kind: 'bank_card', value: card(2) },
        at: day(2),
        amountCny: 50000,
      },
      {
        link: 'transfer',
        from: { kind: 'bank_card', value: card(2) },
        to: { kind: 'bank_card', value: card(3) },
        at: day(1),
        amountCny: 49000,
      },
      {
        link: 'login',
        from: { kind: 'bank_card', value: card(3) },
        to: { kind: 'device_id', value: 'c0ffee0ddba11' },
        at: day(1),
      },
    ]
      .map((l) => JSON.stringify(l))
      .join('\n')}\n`,
  );
  const validated = credence('member', 'validate', raw);
  expect(validated.code, validated.out).toBe(0);
  expect(validated.out).toContain('5 lines: 2 reports (confirmed_fraud 2), 3 links');
  const submitted = credence('member', 'submit', raw, '--config', config);
  expect(submitted.code, submitted.err).toBe(0);
  expect(submitted.out).toContain('2 reports and 3 links submitted: 5 accepted');
  const checked = credence('member', 'check', '--kind', 'bank_card', card(1), '--config', config);
  expect(checked.code, checked.err).toBe(0);
  expect(checked.out).toContain('SUSPICIOUS');
  return checked;
}

/** What a one-shot check loads: the same answer as `checked`, from the bundle alone. */
function loadsOnlyTheBundle(dir: string, config: string, checked: { out: string }) {
  // What a one-shot check loads (start-up, issue 13 §6): the bundle and the native
  // SQLite addon, nothing compiled module by module from dist/; and Node's own http,
  // not fetch, whose parser V8 would finish compiling at exit (nor TLS, on http).
  const modules = join(dir, 'modules.txt');
  const recorded = spawnSync(
    process.execPath,
    ['--import', RECORD_MODULES, BIN, 'member', 'check', '--kind', 'bank_card', card(1)].concat([
      '--config',
      config,
    ]),
    { encoding: 'utf8', env: { ...process.env, CREDENCE_TEST_MODULES: modules } },
  );
  expect(recorded.status, recorded.stderr).toBe(0);
  expect(recorded.stdout).toBe(checked.out);
  const lines = readFileSync(modules, 'utf8').split('\n');
  const files = lines.filter((l) => l.startsWith('module file:')).map((l) => l.slice(7));
  expect(files.some((f) => f.includes('/packages/cli/bundle/'))).toBe(true);
  expect(
    files.filter(
      (f) =>
        !f.includes('/packages/cli/bundle/') &&
        !f.endsWith('/packages/cli/bin/credence.js') &&
        !f.includes('/node_modules/better-sqlite3/'),
    ),
  ).toEqual([]);
  // Nor the tables of identifier kinds it does not meet (a bank card here).
  const required = lines.filter((l) => l.startsWith('cjs '));
  expect(required.some((l) => l.includes('/node_modules/better-sqlite3/'))).toBe(true);
  expect(required.filter((l) => /\/node_modules\/(tldts|ibantools)\//.test(l))).toEqual([]);
  const builtins = lines.filter((l) => l.startsWith('builtin NativeModule '));
  expect(builtins.filter((l) => /undici|\b(https|tls|_tls_wrap)$/.test(l))).toEqual([]);
  expect(builtins).toContain('builtin NativeModule http');
}

/** The operator's analysis shows a ring: to the member in its own words, to others in tokens. */
function showsItsRing(scenario: Scenario, folder: string, config: string) {
  const { dir, configs } = scenario;
  const ops = credence('members', 'add', 'ops-13', '--type', 'operator', '--db', scenario.db);
  const operator = join(dir, 'operator-13.json');
  writeFileSync(
    operator,
    JSON.stringify({ url: scenario.platform?.url, credential: ops.out.trim() }),
  );
  expect(credence('analyze', '--config', operator).code).toBe(0);
  const rings = credence('rings', '--config', config, '--json');
  expect(rings.code, rings.err).toBe(0);
  const found = JSON.parse(rings.out) as {
    rings: { id: string; size: number; reported: number }[];
  };
  const ring = found.rings.find((r) => r.reported === 2 && r.size >= 4) as { id: string };
  expect(ring).toBeDefined();
  // The ring in the member's own words: its cards named from its own index, locally.
  const shown = credence('rings', '--config', config, '--id', ring.id);
  expect(shown.code, shown.err).toBe(0);
  expect(shown.out).toContain(`← yours: bank_card ${card(1)}`);
  expect(shown.out).toContain(`← yours: bank_card ${card(3)}`);
  expect(shown.out).toMatch(/^[3-9] of its tokens are yours \(0 watched customers\)/m);
  // Another member sees tokens only.
  expect(
    credence('rings', '--config', configs['bank-a'] as string, '--id', ring.id).out,
  ).not.toContain(card(1));
  const graphml = join(folder, 'ring.graphml');
  const exported = credence(
    'rings',
    '--config',
    config,
    '--id',
    ring.id,
    '--export',
    'graphml',
    '--out',
    graphml,
  );
  expect(exported.code, exported.err).toBe(0);
  const xml = readFileSync(graphml, 'utf8');
  expect(xml).toContain(`<data key="yours">${card(2)}</data>`);
  expect(xml.match(/<node id=/g)?.length).toBeGreaterThanOrEqual(4);
  const asJson = JSON.parse(
    credence('rings', '--config', config, '--id', ring.id, '--export', 'json').out,
  ) as { nodes: { yours?: { value: string } }[]; edges: unknown[] };
  expect(asJson.nodes.map((x) => x.yours?.value)).toContain(card(3));
  expect(asJson.edges.length).toBeGreaterThanOrEqual(3);
}

/** A batch of identifiers to check, one CSV row each, in order, bad lines said. */
function checksABatch(folder: string, config: string) {
  const batch = join(folder, 'to-check.txt');
  writeFileSync(
    batch,
    `# today's payees\nbank_card,${card(1)}\nphone,13800199999\nbank_card,${card(1).slice(0, -1)}${(Number(card(1).at(-1)) + 1) % 10}\nnot a line\n`,
  );
  const results = join(folder, 'results.csv');
  const batchChecked = credence(
    'member',
    'check',
    '--in',
    batch,
    '--out',
    results,
    '--config',
    config,
  );
  expect(batchChecked.err).toContain('5 lines: 2 identifiers checked, 2 lines not checkable');
  expect(batchChecked.code).toBe(4);
  const rows = parseCsv(readFileSync(results, 'utf8'), { columns: true }) as Record<
    string,
    string
  >[];
  expect(rows.map((r) => [r.line, r.kind, r.verdict])).toEqual([
    ['2', 'bank_card', 'suspicious'],
    ['3', 'phone', 'clear'],
    ['4', 'bank_card', ''],
    ['5', '', ''],
  ]);
  expect(rows[0]?.ring).toMatch(/^ring-/);
  expect(rows[2]?.error).toContain('identifier.bank_card.checksum');
  expect(rows[3]?.error).toContain('record.type');
}

/**
 * A webhook: set (its Standard Webhooks secret said once set, and shown again), tested (a
 * delivery now, which the Standard Webhooks library verifies with that secret), removed.
 */
async function setsAndTestsAWebhook(config: string) {
  const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  const receiver = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
  try {
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/alerts`;
    const set = credence('member', 'webhook', 'set', hook, '--config', config);
    expect(set.code, set.err).toBe(0);
    const secret = /signing secret .*: (whsec_\S+)/.exec(set.out)?.[1] as string;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(
      credence('member', 'webhook', 'show', '--config', config).out.trim().split('\n'),
    ).toEqual([hook, `signing secret (Standard Webhooks): ${secret}`]);
    // The receiver is in this process: the command runs without blocking it.
    const tested = await credenceAsync('member', 'webhook', 'test', '--config', config);
    expect(tested.out.trim(), tested.err).toBe(`delivered to ${hook}: HTTP 204`);
    const delivery = received[0] as { headers: Record<string, string>; body: string };
    expect(new Webhook(secret).verify(delivery.body, delivery.headers)).toMatchObject({
      test: true,
    });
    expect(credence('member', 'webhook', 'remove', '--config', config).out.trim()).toBe(
      'webhook removed',
    );
    const none = credence('member', 'webhook', 'test', '--config', config);
    expect(none.code).toBe(1);
    expect(none.err).toContain('webhook.none');
  } finally {
    receiver.close();
  }
}

/** A report withdrawn by its ref: recounted at once, its receipt held. */
function retractsByRef(config: string) {
  const retracted = credence(
    'member',
    'retract',
    'bank-c-1',
    '--reason',
    'false_positive',
    '--config',
    config,
  );
  expect(retracted.code, retracted.err).toBe(0);
  expect(retracted.out).toMatch(
    /^report bank-c-1 \(\S+\) retracted at .*, its receipt verified\.$/m,
  );
  const afterRetract = credence(
    'member',
    'check',
    '--kind',
    'bank_card',
    card(1),
    '--config',
    config,
    '--json',
  );
  expect(JSON.parse(afterRetract.out)[0]).toMatchObject({ reporters: 0 });
  const unknownRef = credence(
    'member',
    'retract',
    'bank-c-9',
    '--reason',
    'other',
    '--config',
    config,
  );
  expect(unknownRef.code).toBe(1);
  expect(unknownRef.err).toContain('no report of yours has the ref bank-c-9');
}
