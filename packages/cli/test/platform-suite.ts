import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { iso7064Mod11_2, luhnCheckDigit } from '@credence/core/identifiers/checksums';
import type { LogEntry } from '@credence/core/log/entries';
import { hashLeaf } from '@credence/core/merkle/hash';
import { TreeBuilder } from '@credence/core/merkle/tree-builder';
import { generateEd25519, privateKeyFromJwk } from '@credence/core/signing/ed25519';
import { signBatch } from '@credence/core/wire/batches';
import { openStore } from '@credence/platform/server';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type KeyserverProcess, spawnKeyserver } from '../src/commands/keyserver-process.js';
import { type ServiceProcess, spawnService } from '../src/commands/service-process.js';

/**
 * The platform and the member side as their users run them: `credence members add` on
 * the platform's host, `credence serve`, and `credence member keygen/watch/submit/check/
 * alerts` at two members, all real processes over loopback. Runs on SQLite, and on
 * PostgreSQL when a URL is given.
 */
const BIN = resolve(import.meta.dirname, '../bin/credence.js');
const RECORD_MODULES = resolve(import.meta.dirname, 'record-modules.mjs');

function credence(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** `credence` without blocking this process (which may have to answer the command meanwhile). */
function credenceAsync(
  ...args: string[]
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args]);
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('close', (code) => done({ code, out, err }));
  });
}

/** A port nobody listens on now, so that a restarted server comes back at the same URL. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const phone = (i: number) => `1380013${String(i).padStart(4, '0')}`;
const NARRATIVE = 'the caller said he was from the police and asked for a safe account';

export interface TestDatabase {
  /** What --db takes. */
  readonly db: string;
  /** Everything the store holds, as text (to look for what must not be there). */
  dump(): Promise<string>;
  drop(): Promise<void>;
  /** Runs SQL on the store behind the platform's back (to tamper with it). */
  sql(query: string): Promise<Record<string, unknown>[]>;
  /** Puts a row back as it was read by sql(). */
  insert(table: string, row: Record<string, unknown>): Promise<void>;
}

export function describePlatformCli(name: string, database: () => Promise<TestDatabase>) {
  describe(`the platform from the command line (${name})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'credence-platform-'));
    const keyservers: KeyserverProcess[] = [];
    let platform: ServiceProcess | undefined;
    let port = 0;
    let db = '';
    let database_: TestDatabase | undefined;
    const configs: Record<string, string> = {};
    let auditor = '';
    const audited = (...more: string[]) =>
      credence(
        'audit',
        '--log',
        platform?.url as string,
        '--credential',
        auditor,
        '--json',
        ...more,
      );

    const serve = async (...more: string[]) => {
      platform = await spawnService(
        'platform',
        [
          'serve',
          '--db',
          db,
          '--key',
          join(dir, 'platform-key.json'),
          '--port',
          String(port),
          '--log-level',
          'info',
          // A receiver on this machine, for the members' webhook tests.
          '--webhook-allow',
          '127.0.0.1/32',
          ...more,
        ],
        { log: join(dir, 'platform.log') },
      );
      return platform;
    };

    beforeAll(async () => {
      database_ = await database();
      db = database_.db;
      port = await freePort();
      expect(credence('keys', 'init', '--out', join(dir, 'keys')).code).toBe(0);
      const tokens: Record<string, string[]> = { 'bank-a': [], 'bank-b': [] };
      for (const index of [1, 2, 3]) {
        const members = join(dir, 'keys', `members-${index}.json`);
        for (const member of ['bank-a', 'bank-b'])
          tokens[member]?.push(
            credence(
              'keyserver',
              'credential',
              '--members',
              members,
              '--member',
              member,
            ).out.trim(),
          );
        keyservers.push(
          await spawnKeyserver({
            share: join(dir, 'keys', `share-${index}.json`),
            members,
            state: join(dir, `usage-${index}.json`),
            port: 0,
            logLevel: 'warn',
          }),
        );
      }
      // The operator makes the store, then enrolls the members with the public keys they made.
      const init = credence('store', 'init', '--db', db);
      expect(init.code, init.err).toBe(0);
      const credentials: Record<string, string> = {};
      for (const member of ['bank-a', 'bank-b']) {
        const keygen = credence('member', 'keygen', '--out', join(dir, member, 'signing-key.json'));
        expect(keygen.code, keygen.err).toBe(0);
        const added = credence(
          'members',
          'add',
          member,
          '--type',
          'bank',
          '--public-key',
          keygen.out.trim(),
          '--db',
          db,
        );
        expect(added.code, added.err).toBe(0);
        credentials[member] = added.out.trim();
      }
      await serve();
      for (const member of ['bank-a', 'bank-b']) {
        configs[member] = join(dir, member, 'member.json');
        writeFileSync(
          configs[member],
          JSON.stringify({
            memberId: member,
            key: JSON.parse(readFileSync(join(dir, 'keys', 'group.json'), 'utf8')),
            keyServers: keyservers.map((k, i) => ({
              index: i + 1,
              url: k.url,
              token: tokens[member]?.[i],
            })),
            platform: { url: platform?.url, credential: credentials[member] },
            signingKeyFile: 'signing-key.json',
          }),
        );
      }
    }, 120_000);

    afterAll(async () => {
      await platform?.stop();
      await Promise.all(keyservers.map((k) => k.stop()));
      await database_?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('lists the members, never their credentials', () => {
      const r = credence('members', 'list', '--db', db);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/^bank-a\tbank\tactive\tbank-a$/m);
      expect(r.out).not.toContain('crd_');
      const again = credence('members', 'add', 'bank-a', '--type', 'bank', '--db', db);
      expect(again.code).toBe(1);
      expect(again.err).toContain('member.exists');
    });

    it('enrols key servers bound to their shares, one key server per share', () => {
      const add = (id: string, ...more: string[]) =>
        credence('members', 'add', id, '--type', 'keyserver', ...more, '--db', db);
      expect(add('keyserver-1', '--share', '1').code).toBe(0);
      const taken = add('keyserver-2', '--share', '1');
      expect(taken.code).toBe(1);
      expect(taken.err).toContain('member.share_taken');
      // Without a share it is made, but told that its counts are refused until bound.
      const unbound = add('keyserver-2');
      expect(unbound.code, unbound.err).toBe(0);
      expect(unbound.err).toContain('credence members bind-share keyserver-2 --share');
      const bind = credence('members', 'bind-share', 'keyserver-2', '--share', '2', '--db', db);
      expect(bind.code, bind.err).toBe(0);
      const notKeyserver = credence('members', 'bind-share', 'bank-a', '--share', '3', '--db', db);
      expect(notKeyserver.code).toBe(1);
      expect(notKeyserver.err).toContain('shareIndex');
      const listed = credence('members', 'list', '--db', db).out;
      expect(listed).toMatch(/^keyserver-1\tkeyserver\tactive\tkeyserver-1\tshare 1$/m);
      expect(listed).toMatch(/^keyserver-2\tkeyserver\tactive\tkeyserver-2\tshare 2$/m);
      expect(listed).toMatch(/^bank-a\tbank\tactive\tbank-a$/m);
    });

    it('takes a new member from nothing to a ring: enrolment files, init, doctor, validate, submit, check, rings (issue 13)', async () => {
      const home = join(dir, 'join');
      const member = 'bank-c';
      // Each key server's operator, and the platform's, write an enrolment file for it.
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
        db,
        '--enrol-out',
        platformEnrolment,
        '--url',
        platform?.url as string,
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
        db,
        '--enrol-out',
        platformEnrolment,
        '--url',
        platform?.url as string,
      );
      expect(again.code).toBe(1);
      expect(again.err).toContain('exists already');

      // The member, from an empty folder: init, then doctor.
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

      // Its files: validated, submitted, checked; then the operator's analysis shows a ring.
      const card = (i: number) => {
        const payload = `62220299${String(i).padStart(10, '0')}`;
        return `${payload}${luhnCheckDigit(payload)}`;
      };
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
      const checked = credence(
        'member',
        'check',
        '--kind',
        'bank_card',
        card(1),
        '--config',
        config,
      );
      expect(checked.code, checked.err).toBe(0);
      expect(checked.out).toContain('SUSPICIOUS');
      // What a one-shot check loads (start-up, issue 13 §6): the bundle and the native
      // SQLite addon, nothing compiled module by module from dist/; and Node's own http,
      // not fetch, whose parser V8 would finish compiling at exit (nor TLS, on http).
      const modules = join(dir, 'modules.txt');
      const recorded = spawnSync(
        process.execPath,
        ['--import', RECORD_MODULES, BIN, 'member', 'check', '--kind', 'bank_card', card(1)].concat(
          ['--config', config],
        ),
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
      const ops = credence('members', 'add', 'ops-13', '--type', 'operator', '--db', db);
      const operator = join(dir, 'operator-13.json');
      writeFileSync(operator, JSON.stringify({ url: platform?.url, credential: ops.out.trim() }));
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

      // A batch of identifiers to check, one CSV row each, in order, bad lines said.
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

      // A webhook: set, shown, tested (a signed delivery now), removed.
      const received: string[] = [];
      const receiver = createHttpServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          received.push(body);
          res.writeHead(204).end();
        });
      });
      await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
      try {
        const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/alerts`;
        expect(credence('member', 'webhook', 'set', hook, '--config', config).code).toBe(0);
        expect(credence('member', 'webhook', 'show', '--config', config).out.trim()).toBe(hook);
        // The receiver is in this process: the command runs without blocking it.
        const tested = await credenceAsync('member', 'webhook', 'test', '--config', config);
        expect(tested.out.trim(), tested.err).toBe(`delivered to ${hook}: HTTP 204`);
        expect(JSON.parse(received[0] ?? '{}')).toMatchObject({ test: true });
        expect(credence('member', 'webhook', 'remove', '--config', config).out.trim()).toBe(
          'webhook removed',
        );
        const none = credence('member', 'webhook', 'test', '--config', config);
        expect(none.code).toBe(1);
        expect(none.err).toContain('webhook.none');
      } finally {
        receiver.close();
      }

      // A report withdrawn by its ref: recounted at once, its receipt held.
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

      // Its own first key, registered by init, and its retraction are its own to `member
      // verify`: no finding.
      const verified = credence('member', 'verify', '--config', config);
      expect(verified.code, verified.out + verified.err).toBe(0);
    }, 180_000);

    it('watches, submits, checks and alerts end to end, with raw values kept at the member', async () => {
      const watchFile = join(dir, 'bank-a', 'customers.txt');
      writeFileSync(
        watchFile,
        `# bank-a's customers\nphone,${phone(1)}\nphone,${phone(2)}\nbank_card,4111 1111 1111 1112\nnot a line\n`,
      );
      const watched = credence(
        'member',
        'watch',
        watchFile,
        '--config',
        configs['bank-a'] as string,
      );
      expect(watched.out).toContain('2 identifiers watched (2 new)');
      expect(watched.out).toContain('line 4: ');
      expect(watched.out).toContain('(identifier.bank_card.checksum)');
      expect(watched.out).toContain('line 5: a line is kind,value (record.type)');
      expect(watched.out).not.toContain('4111');
      expect(watched.code).toBe(1);

      const raw = join(dir, 'bank-b', 'reports.jsonl');
      writeFileSync(
        raw,
        `${[
          {
            ref: 'b-1',
            type: 'confirmed_fraud',
            category: 'impersonate_authority',
            occurredAt: new Date(Date.now() - 86_400_000).toISOString(),
            lossCny: 52000,
            entities: [{ role: 'caller', kind: 'phone', value: `+86 ${phone(1)}` }],
            narrative: NARRATIVE,
          },
          {
            link: 'call',
            from: { kind: 'phone', value: phone(1) },
            to: { kind: 'phone', value: phone(2) },
            at: new Date(Date.now() - 86_400_000).toISOString(),
            count: 3,
          },
        ]
          .map((l) => JSON.stringify(l))
          .join('\n')}\n`,
      );
      const submitted = credence('member', 'submit', raw, '--config', configs['bank-b'] as string);
      expect(submitted.code, submitted.err).toBe(0);
      expect(submitted.out).toContain(
        '1 reports and 1 links submitted: 2 accepted, 0 already there, 0 conflicts; 3 alerts raised',
      );
      const results = readFileSync(`${raw}.results.jsonl`, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'accepted']);
      expect(readFileSync(`${raw}.tokens.jsonl`, 'utf8')).not.toContain(phone(1));

      const checked = credence(
        'member',
        'check',
        '--kind',
        'phone',
        `0086 ${phone(1)}`,
        phone(3),
        '--config',
        configs['bank-a'] as string,
        '--json',
      );
      expect(checked.code, checked.err).toBe(0);
      const [hit, miss] = JSON.parse(checked.out) as {
        value: string;
        verdict: string;
        reporters: number;
        categories: string[];
      }[];
      // One member's confirmed report alone is suspicious, never fraud (issue 12).
      expect(hit).toMatchObject({
        value: `+86${phone(1)}`,
        verdict: 'suspicious',
        reporters: 1,
        categories: ['impersonate_authority'],
      });
      expect(miss).toMatchObject({ value: `+86${phone(3)}`, verdict: 'clear', reporters: 0 });

      const readable = credence(
        'member',
        'check',
        '--kind',
        'phone',
        phone(1),
        '--config',
        configs['bank-a'] as string,
      );
      expect(readable.out).toContain(`phone +86${phone(1)}: SUSPICIOUS`);
      expect(readable.out).toContain(
        'reported by 1 member: confirmed_fraud 1; impersonate_authority',
      );

      const bad = credence(
        'member',
        'check',
        '--kind',
        'phone',
        'withheld',
        '--config',
        configs['bank-a'] as string,
      );
      expect(bad.code).toBe(1);
      expect(bad.err).toContain('identifier.phone.unparseable');
      expect(bad.err).not.toContain('withheld');

      const alerts = credence('member', 'alerts', '--config', configs['bank-a'] as string);
      expect(alerts.code, alerts.err).toBe(0);
      const lines = alerts.out.trim().split('\n');
      expect(lines).toHaveLength(3);
      expect(alerts.out).toContain(
        `phone +86${phone(1)} reported (confirmed_fraud, impersonate_authority) by another member`,
      );
      expect(alerts.out).toContain(`phone +86${phone(2)} in a call link by another member`);
      const cursor = /continue with --after (\S+)/.exec(alerts.err)?.[1];
      expect(cursor).toMatch(/^\d+\.\d+$/);
      const none = credence(
        'member',
        'alerts',
        '--config',
        configs['bank-a'] as string,
        '--after',
        cursor as string,
      );
      expect(none.out).toBe('');
      // bank-b watches nothing: its own report raised nothing for it.
      expect(credence('member', 'alerts', '--config', configs['bank-b'] as string).out).toBe('');
      // bank-a watches one more customer, then stops (a DELETE with a body).
      const stopFile = join(dir, 'bank-a', 'stop.txt');
      writeFileSync(stopFile, `phone,${phone(3)}\n`);
      expect(
        credence('member', 'watch', stopFile, '--config', configs['bank-a'] as string).code,
      ).toBe(0);
      const unwatched = credence(
        'member',
        'watch',
        stopFile,
        '--remove',
        '--config',
        configs['bank-a'] as string,
      );
      expect(unwatched.code, unwatched.err).toBe(0);
      expect(unwatched.out).toContain('1 identifiers sent, 1 no longer watched.');

      // The platform's store and log hold tokens only: no raw value, no narrative.
      await platform?.stop();
      const stored = (await database_?.dump()) ?? '';
      const log = readFileSync(join(dir, 'platform.log'), 'utf8');
      const token = (
        JSON.parse(readFileSync(`${raw}.tokens.jsonl`, 'utf8').split('\n')[0] as string) as {
          entities: { token: string }[];
        }
      ).entities[0]?.token as string;
      expect(stored).toContain(token);
      for (const secret of [phone(1), phone(2), NARRATIVE, '52000', 'crd_'])
        for (const text of [stored, log]) expect(text.includes(secret), secret).toBe(false);
      await serve();
    }, 120_000);

    it('follows alerts as they come', async () => {
      const listed = credence('member', 'alerts', '--config', configs['bank-a'] as string);
      const cursor = /continue with --after (\S+)/.exec(listed.err)?.[1] as string;
      const follower = spawn(
        process.execPath,
        [
          BIN,
          'member',
          'alerts',
          '--follow',
          '--json',
          '--after',
          cursor,
          '--config',
          configs['bank-a'] as string,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      follower.stdout.on('data', (c: Buffer) => {
        out += c.toString();
      });
      await new Promise<void>((ready) => follower.stderr.once('data', () => ready()));
      const raw = join(dir, 'bank-b', 'more.jsonl');
      writeFileSync(
        raw,
        `${JSON.stringify({ ref: 'b-2', type: 'victim_report', category: 'fake_loan', occurredAt: new Date().toISOString(), entities: [{ role: 'caller', kind: 'phone', value: phone(2) }] })}\n`,
      );
      expect(credence('member', 'submit', raw, '--config', configs['bank-b'] as string).code).toBe(
        0,
      );
      for (let i = 0; i < 100 && !out.includes('victim_report'); i++)
        await new Promise((r) => setTimeout(r, 100));
      follower.kill('SIGINT');
      const [alert] = out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { kind: string; reportType: string; source: string });
      expect(alert).toMatchObject({ kind: 'phone', source: 'report', reportType: 'victim_report' });
    }, 60_000);

    it('refuses a conflicting ref and says so, storing the rest', () => {
      const raw = join(dir, 'bank-b', 'conflict.jsonl');
      writeFileSync(
        raw,
        `${[
          {
            ref: 'b-1',
            type: 'suspected',
            category: 'other',
            occurredAt: new Date().toISOString(),
            entities: [{ role: 'caller', kind: 'phone', value: phone(1) }],
          },
          {
            ref: 'b-3',
            type: 'suspected',
            category: 'other',
            occurredAt: new Date().toISOString(),
            entities: [{ role: 'caller', kind: 'phone', value: phone(4) }],
          },
        ]
          .map((l) => JSON.stringify(l))
          .join('\n')}\n`,
      );
      const r = credence('member', 'submit', raw, '--config', configs['bank-b'] as string);
      // Finished, the rest stored: exit 4, not a failure's 1.
      expect(r.code).toBe(4);
      expect(r.out).toContain('1 accepted, 0 already there, 1 conflicts');
      expect(r.out).toContain(
        'conflict: ref b-1 was submitted before with other content (item.conflict)',
      );
    });

    it('loses no acknowledged write when the server is killed mid-submission, and the retry stores each item once', async () => {
      const raw = join(dir, 'bank-b', 'bulk.jsonl');
      const count = 12_000;
      const lines: string[] = [];
      for (let i = 0; i < count; i++)
        lines.push(
          JSON.stringify({
            ref: `bulk-${i}`,
            type: 'suspected',
            category: 'other',
            occurredAt: new Date(Date.now() - i * 1000).toISOString(),
            entities: [{ role: 'caller', kind: 'phone', value: phone(100 + (i % 50)) }],
          }),
        );
      writeFileSync(raw, `${lines.join('\n')}\n`);
      // Tokenize first (the cache makes the submission's own tokenizing instant).
      expect(
        credence(
          'member',
          'tokenize',
          '--in',
          raw,
          '--out',
          join(dir, 'warm.jsonl'),
          '--config',
          configs['bank-b'] as string,
        ).code,
      ).toBe(0);
      const submit = spawn(
        process.execPath,
        [BIN, 'member', 'submit', raw, '--config', configs['bank-b'] as string],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      submit.stdout.on('data', (c: Buffer) => {
        out += c.toString();
      });
      submit.stderr.on('data', (c: Buffer) => {
        out += c.toString();
      });
      const finished = new Promise<number | null>((done) => submit.once('exit', done));
      // Kill the platform without warning once it acknowledged the first batch, while the
      // others are on their way; then bring it back.
      const resultsFile = `${raw}.results.jsonl`;
      const acknowledged = () =>
        existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8').trim() : '';
      while (acknowledged() === '' && submit.exitCode === null)
        await new Promise((r) => setTimeout(r, 5));
      platform?.child.kill('SIGKILL');
      const before = acknowledged()
        .split('\n')
        .map((l) => JSON.parse(l) as { ref: string; id: string });
      expect(before.length).toBeGreaterThan(0);
      expect(before.length).toBeLessThan(count);
      expect(submit.exitCode).toBeNull();
      await new Promise((r) => platform?.child.once('exit', r));
      await serve();
      expect(await finished, out).toBe(0);
      const results = readFileSync(`${raw}.results.jsonl`, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { ref: string; status: string; id: string });
      expect(results).toHaveLength(count);
      expect(new Set(results.map((r) => r.ref)).size).toBe(count);
      expect(results.every((r) => r.status === 'accepted' || r.status === 'duplicate')).toBe(true);
      // What was acknowledged before the kill survived it, under the same ids.
      const byRef = new Map(results.map((r) => [r.ref, r.id]));
      for (const r of before) expect(byRef.get(r.ref)).toBe(r.id);
      // Submitting again: every item is already there, under the same id.
      const again = credence('member', 'submit', raw, '--config', configs['bank-b'] as string);
      expect(again.out).toContain(`0 accepted, ${count.toLocaleString('en-US')} already there`);
      const ids = readFileSync(`${raw}.results.jsonl`, 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { id: string }).id);
      expect(ids).toEqual(results.map((r) => r.id));
    }, 180_000);

    it('keeps everything across a restart', async () => {
      const before = credence(
        'member',
        'check',
        '--kind',
        'phone',
        phone(1),
        phone(100),
        '--config',
        configs['bank-a'] as string,
        '--json',
      );
      await platform?.stop();
      await serve();
      const after = credence(
        'member',
        'check',
        '--kind',
        'phone',
        phone(1),
        phone(100),
        '--config',
        configs['bank-a'] as string,
        '--json',
      );
      expect(after.code, after.err).toBe(0);
      // The same answers on the same basis; only the score moves, as the reports age by
      // the second, and the time of the check.
      type Answer = { score: number; basis: { checkedAt: string } } & Record<string, unknown>;
      const [was, is] = [before, after].map((r) => JSON.parse(r.out) as Answer[]);
      const timeless = ({ score: _, basis: { checkedAt: __, ...basis }, ...rest }: Answer) => ({
        ...rest,
        basis,
      });
      expect(is?.map(timeless)).toEqual(was?.map(timeless));
      for (const [i, a] of (is ?? []).entries())
        expect(a.score).toBeCloseTo(was?.[i]?.score ?? -1, 3);
      expect(JSON.parse(after.out)).toMatchObject([
        { verdict: 'suspicious', reporters: 1 },
        { reporters: 1, reports: { suspected: 240 } },
      ]);
    }, 60_000);

    const checkAsBankB = () =>
      credence(
        'member',
        'check',
        '--kind',
        'phone',
        phone(1),
        '--config',
        configs['bank-b'] as string,
      );

    it('stops a member disabled on the database while it serves, within a poll, and lets it back in', async () => {
      const credential = (
        JSON.parse(readFileSync(configs['bank-b'] as string, 'utf8')) as {
          platform: { credential: string };
        }
      ).platform.credential;
      const me = async () =>
        (
          await fetch(`${platform?.url}/v1/me`, {
            headers: { authorization: `Bearer ${credential}` },
          })
        ).status;
      // Until the server's cache holds bank-b, then past its next poll (one second).
      const becomes = (expected: number) =>
        vi.waitFor(async () => expect(await me()).toBe(expected), { timeout: 3000, interval: 50 });
      expect(await me()).toBe(200);
      expect(credence('members', 'disable', 'bank-b', '--db', db).code).toBe(0);
      await becomes(401);
      const refused = checkAsBankB();
      expect(refused.code).toBe(1);
      expect(refused.err).toContain('401 auth.invalid');
      expect(credence('members', 'enable', 'bank-b', '--db', db).code).toBe(0);
      await becomes(200);
    }, 60_000);

    it('stops a disabled member and lets it back in when enabled', async () => {
      expect(credence('members', 'disable', 'bank-b', '--db', db).code).toBe(0);
      await platform?.stop();
      await serve();
      const refused = checkAsBankB();
      expect(refused.code).toBe(1);
      expect(refused.err).toContain('401 auth.invalid');
      expect(credence('members', 'enable', 'bank-b', '--db', db).code).toBe(0);
      await platform?.stop();
      await serve();
      expect(checkAsBankB().code).toBe(0);
    }, 60_000);

    it('verifies every receipt it kept, and the whole log audits clean', () => {
      for (const member of ['bank-a', 'bank-b']) {
        const verify = credence('member', 'verify', '--config', configs[member] as string);
        expect(verify.code, verify.out + verify.err).toBe(0);
        expect(verify.out).toContain('Everything verifies');
        // bank-b submitted (bank-a only watched and checked).
        if (member === 'bank-b')
          expect(verify.out).toMatch(/Held: [1-9][\d,]* receipts, [1-9][\d,]* entries/);
      }
      const added = credence('members', 'add', 'auditor-1', '--type', 'auditor', '--db', db);
      expect(added.code, added.err).toBe(0);
      auditor = added.out.trim();
      const audit = audited();
      expect(audit.code, audit.out + audit.err).toBe(0);
      const report = JSON.parse(audit.out) as { entries: number; kinds: Record<string, number> };
      expect(report.kinds.report).toBeGreaterThan(12_000);
      expect(report.kinds.member_event).toBeGreaterThan(0);
      expect(report.kinds.key_event).toBeGreaterThan(0);
    });

    it("clears a recycled number's new holder once a member submits the reassignment, and the audit bears the answer out (issue 12)", () => {
      const DAY = 86_400_000;
      const now = Date.now();
      const at = (days: number) => new Date(now - days * DAY).toISOString();
      const number = (i: number) => `1390012${String(i).padStart(4, '0')}`;
      const idNumber = (serial: string) => `${serial}${iso7064Mod11_2(serial)}`;
      const luhn = (payload: string) => `${payload}${luhnCheckDigit(payload)}`;
      const handset = luhn('35693803564380');
      const ringId = idNumber('11010519491231002');
      const newId = idNumber('11010519800312004');
      const newCard = luhn('622202123456789012');
      const submit = (member: string, name: string, lines: object[]) => {
        const file = join(dir, member, name);
        writeFileSync(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
        const r = credence('member', 'submit', file, '--config', configs[member] as string);
        expect(r.code, r.err).toBe(0);
      };
      // A call centre: three numbers in one handset, reported at both banks 40 days ago;
      // the first was registered with the ring's identity.
      for (const member of ['bank-a', 'bank-b'])
        submit(
          member,
          'ring-12.jsonl',
          [1, 2, 3].map((i) => ({
            ref: `${member}-ring12-${i}`,
            type: 'victim_report',
            category: 'impersonate_authority',
            occurredAt: at(40 + i),
            entities: [{ role: 'caller', kind: 'phone', value: number(i) }],
          })),
        );
      submit('bank-b', 'ring-12-links.jsonl', [
        ...[1, 2, 3].map((i) => ({
          link: 'login',
          from: { kind: 'phone', value: number(i) },
          to: { kind: 'imei', value: handset },
          at: at(60),
          count: 1,
        })),
        {
          link: 'registered_with',
          from: { kind: 'phone', value: number(1) },
          to: { kind: 'id_number', value: ringId },
          at: at(90),
          count: 1,
        },
      ]);
      // The number's new holder opens a card at bank-a, registered with it, 10 days ago.
      submit('bank-a', 'new-card.jsonl', [
        {
          link: 'registered_with',
          from: { kind: 'bank_card', value: newCard },
          to: { kind: 'phone', value: number(1) },
          at: at(10),
          count: 1,
        },
      ]);
      const ops = credence('members', 'add', 'ops-12', '--type', 'operator', '--db', db);
      expect(ops.code, ops.err).toBe(0);
      const operator = join(dir, 'operator-12.json');
      writeFileSync(operator, JSON.stringify({ url: platform?.url, credential: ops.out.trim() }));
      const analyze = () => {
        const r = credence('analyze', '--config', operator);
        expect(r.code, r.err).toBe(0);
      };
      const check = (...values: [string, string][]) => {
        const answers: Record<string, unknown>[] = [];
        for (const [kind, value] of values) {
          const c = credence(
            'member',
            'check',
            '--kind',
            kind,
            value,
            '--config',
            configs['bank-a'] as string,
            '--json',
          );
          expect(c.code, c.err).toBe(0);
          answers.push(...(JSON.parse(c.out) as Record<string, unknown>[]));
        }
        return answers as {
          verdict: string;
          reporters: number;
          explanation: string;
          ring: { id: string } | null;
        }[];
      };
      analyze();
      const [p1, card] = check(['phone', number(1)], ['bank_card', newCard]);
      expect(p1).toMatchObject({ reporters: 2 });
      expect(p1?.verdict).not.toBe('clear');
      const ring = p1?.ring?.id;
      expect(ring).toMatch(/^ring-/);
      // Before the reassignment is known, the new holder's card is the ring's.
      expect(card).toMatchObject({ verdict: 'suspicious', ring: { id: ring } });

      // bank-b, which carries the number, reports that it changed hands 20 days ago.
      submit('bank-b', 'reassigned.jsonl', [
        {
          link: 'reassigned',
          from: { kind: 'phone', value: number(1) },
          to: { kind: 'id_number', value: newId },
          at: at(20),
          count: 1,
        },
      ]);
      analyze();
      const [today, cardToday, holder, p2, p3] = check(
        ['phone', number(1)],
        ['bank_card', newCard],
        ['id_number', newId],
        ['phone', number(2)],
        ['phone', number(3)],
      );
      for (const a of [today, cardToday, holder])
        expect(a).toMatchObject({ verdict: 'clear', reporters: 0, ring: null });
      expect(today?.explanation).toContain(
        `Given to a new holder on ${at(20).slice(0, 10)}; 2 earlier reports concern the earlier holder.`,
      );
      // The former holder's ring stays, with the numbers that are still its own. (Its id
      // is made from its smallest reported token's name: when that was the recycled
      // number, whose former holder's epoch is now named apart, the id changes.)
      for (const a of [p2, p3]) {
        expect(a?.verdict).not.toBe('clear');
        expect(a?.ring?.id).toMatch(/^ring-/);
      }
      expect(p3?.ring?.id).toBe(p2?.ring?.id);
      // An auditor, handed the answer, recomputes it from the log: the same.
      const { value: _, ...answer } = today as unknown as Record<string, unknown>;
      const answers = join(dir, 'answers-12.json');
      writeFileSync(answers, JSON.stringify([answer]));
      const held = audited('--answers', answers);
      expect(held.code, held.out + held.err).toBe(0);
      expect((JSON.parse(held.out) as { answers: unknown }).answers).toEqual({
        checked: 1,
        verified: 1,
      });
    }, 120_000);

    it('names every edit of what answers are made from, each with its own finding', async () => {
      const store = database_ as TestDatabase;
      const findings = () => {
        const a = audited();
        expect(a.code, a.err).toBe(1);
        return (JSON.parse(a.out) as { findings: { kind: string; message: string }[] }).findings;
      };
      const clean = () => {
        const a = audited();
        expect(a.code, a.out + a.err).toBe(0);
      };
      // An edit, the findings it must raise (all of this kind, at least one), undone.
      const tampered = async (
        kind: string,
        edit: () => Promise<unknown>,
        undo: () => Promise<unknown>,
      ) => {
        await edit();
        const found = findings();
        expect(found.length).toBeGreaterThan(0);
        expect(found.map((f) => f.kind)).toEqual(found.map(() => kind));
        await undo();
        clean();
        return found;
      };
      // The operator sets a policy and runs joint analysis, so that both are in the log.
      const ops = credence('members', 'add', 'ops', '--type', 'operator', '--db', db);
      expect(ops.code, ops.err).toBe(0);
      const operator = join(dir, 'operator.json');
      writeFileSync(operator, JSON.stringify({ url: platform?.url, credential: ops.out.trim() }));
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
      const refused = credence(
        'policy',
        'set',
        policyFile,
        '--config',
        configs['bank-a'] as string,
      );
      expect(refused.code).toBe(1);
      expect(refused.err).toContain('403');
      const analyzed = credence('analyze', '--config', operator);
      expect(analyzed.code, analyzed.err).toBe(0);
      clean();

      // Four police-confirmed rows for other members, added to the summary of a number
      // bank-b reported once: after a restart the check answers "fraud, 5 members". The
      // audit names the rows; and of bank-a's two answers, held to the log, it bears out
      // the one before and names the one after.
      const [b1] = await store.sql("SELECT entities, fingerprint FROM reports WHERE ref = 'b-1'");
      const token = (JSON.parse(String(b1?.entities)) as { token: string }[])[0]?.token as string;
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
        const { value: _, ...answer } = (
          JSON.parse(c.out) as Record<string, unknown>[]
        )[0] as Record<string, unknown>;
        return answer;
      };
      const honest = check();
      expect(honest).toMatchObject({ verdict: 'suspicious', reporters: 1 });
      const forged = ['bank-a', 'bank-c', 'bank-d', 'bank-e'];
      for (const member of forged)
        await store.sql(
          `INSERT INTO token_stats (token, member_id, type, reports, first_seen, last_seen, categories) VALUES ('${token}', '${member}', 'police_confirmed', 1, ${Date.now()}, ${Date.now()}, 16)`,
        );
      await platform?.stop();
      await serve();
      const lie = check();
      expect(lie).toMatchObject({ verdict: 'fraud', reporters: 5 });
      const answers = join(dir, 'answers.json');
      writeFileSync(answers, JSON.stringify([honest, lie]));
      const held = audited('--answers', answers);
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
      await store.sql(
        `DELETE FROM token_stats WHERE token = '${token}' AND type = 'police_confirmed'`,
      );
      await platform?.stop();
      await serve();
      clean();

      // bank-b opts in to script sharing after it sent b-1: its script is shared on its
      // own, with a receipt; b-1 itself never changes. An edit of it is named.
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
      clean();
      await tampered(
        'altered_record',
        () => store.sql("UPDATE report_scripts SET script = 'call ⟨PHONE⟩ now'"),
        () =>
          store.sql(
            `UPDATE report_scripts SET script = '${String(kept?.script).replaceAll("'", "''")}'`,
          ),
      );

      // The script and the fingerprint of a report: every field of the row is logged.
      await tampered(
        'altered_record',
        () => store.sql("UPDATE reports SET script = 'call ⟨PHONE⟩ now' WHERE ref = 'b-1'"),
        () => store.sql("UPDATE reports SET script = NULL WHERE ref = 'b-1'"),
      );
      const fingerprint = String(b1?.fingerprint);
      expect(fingerprint).toMatch(/^mh1\./);
      const other = `mh1.${'A'.repeat(fingerprint.length - 4)}`;
      await tampered(
        'altered_record',
        () => store.sql(`UPDATE reports SET fingerprint = '${other}' WHERE ref = 'b-1'`),
        () => store.sql(`UPDATE reports SET fingerprint = '${fingerprint}' WHERE ref = 'b-1'`),
      );
      // A token's state: flagged or not is what checks look at first.
      await tampered(
        'altered_token_state',
        () => store.sql(`UPDATE token_state SET flagged = NOT flagged WHERE token = '${token}'`),
        () => store.sql(`UPDATE token_state SET flagged = NOT flagged WHERE token = '${token}'`),
      );
      // Alerts: one removed, one made up.
      const [alert] = await store.sql('SELECT * FROM alerts ORDER BY id LIMIT 1');
      await tampered(
        'altered_alerts',
        () => store.sql(`DELETE FROM alerts WHERE id = ${Number(alert?.id)}`),
        () => store.insert('alerts', alert as Record<string, unknown>),
      );
      await tampered(
        'altered_alerts',
        () =>
          store.sql(
            `INSERT INTO alerts (seq, member_id, token, kind, source, occurred_at, created_at) VALUES (1, 'bank-a', '${token}', 'phone', 'report', 1, 1)`,
          ),
        () => store.sql("DELETE FROM alerts WHERE created_at = 1 AND member_id = 'bank-a'"),
      );
      // The index of reports by token, which retractions recount from.
      const [indexed] = await store.sql(
        "SELECT e.* FROM report_entities e JOIN reports r ON r.id = e.report_id WHERE r.ref = 'b-1'",
      );
      await tampered(
        'altered_report_index',
        () =>
          store.sql(
            `DELETE FROM report_entities WHERE report_id = '${String(indexed?.report_id)}'`,
          ),
        () => store.insert('report_entities', indexed as Record<string, unknown>),
      );
      // An alert moved where no cursor finds it.
      const [listed] = await store.sql('SELECT id, seq FROM alerts ORDER BY id LIMIT 1');
      await tampered(
        'altered_alerts',
        () => store.sql(`UPDATE alerts SET seq = 0 WHERE id = ${Number(listed?.id)}`),
        () =>
          store.sql(
            `UPDATE alerts SET seq = ${Number(listed?.seq)} WHERE id = ${Number(listed?.id)}`,
          ),
      );
      // The rings' tokens, and the kept run they come from: a token put in a ring the run
      // does not hold it in.
      await tampered(
        'altered_ring_tokens',
        () =>
          store.sql(
            `INSERT INTO ring_tokens (token, ring_id, kind, run_id) VALUES ('${token}', 'ring-0123456789abcdef', 'phone', 1)`,
          ),
        () => store.sql(`DELETE FROM ring_tokens WHERE ring_id = 'ring-0123456789abcdef'`),
      );
      const [run] = await store.sql('SELECT id, body FROM analysis_runs ORDER BY id DESC LIMIT 1');
      await tampered(
        'altered_analysis',
        () =>
          store.sql(`UPDATE analysis_runs SET body = '{"rings":[]}' WHERE id = ${Number(run?.id)}`),
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
        'altered_policy',
        () =>
          store.sql(
            `UPDATE policies SET body = '${body.replace('"fraud":0.7', '"fraud":0.1')}' WHERE version = ${Number(version?.version)}`,
          ),
        () =>
          store.sql(
            `UPDATE policies SET body = '${body}' WHERE version = ${Number(version?.version)}`,
          ),
      );
      // Who may do what: a member's type, a credential, a signing key.
      await tampered(
        'altered_member',
        () => store.sql("UPDATE members SET type = 'police' WHERE id = 'bank-a'"),
        () => store.sql("UPDATE members SET type = 'bank' WHERE id = 'bank-a'"),
      );
      await tampered(
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
        'altered_signing_keys',
        () =>
          store.sql(
            `INSERT INTO signing_keys (member_id, public_key, created_at) VALUES ('bank-b', '${'K'.repeat(43)}', ${Date.now()})`,
          ),
        () => store.sql(`DELETE FROM signing_keys WHERE public_key = '${'K'.repeat(43)}'`),
      );
      // A key server's count.
      await tampered(
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
        'altered_record',
        () => store.sql(`UPDATE log_records SET record = '{}' WHERE idx = ${Number(event?.idx)}`),
        () =>
          store.sql(
            `UPDATE log_records SET record = '${String(event?.record).replaceAll("'", "''")}' WHERE idx = ${Number(event?.idx)}`,
          ),
      );
    }, 300_000);

    it("lets no one speak in a member's name: a key the operator announces waits, and the member names what it did not do", async () => {
      const ownKey = (
        JSON.parse(readFileSync(join(dir, 'bank-b', 'signing-key.json'), 'utf8')) as { x: string }
      ).x;
      const configFile = configs['bank-b'] as string;
      const credentialOf = () =>
        (JSON.parse(readFileSync(configFile, 'utf8')) as { platform: { credential: string } })
          .platform.credential;
      const verify = (...more: string[]) =>
        credence('member', 'verify', '--config', configFile, '--json', ...more);
      const findingsOf = (r: { out: string }) =>
        (JSON.parse(r.out) as { findings: { kind: string; message: string; index: number }[] })
          .findings;
      const acceptAll = (found: { index: number }[]) => {
        const accepted = verify(...found.flatMap((f) => ['--accept', String(f.index)]));
        expect(accepted.code, accepted.out).toBe(0);
      };
      // A confirmed-fraud batch in bank-b's name, signed with someone else's key, sent
      // with a credential that works for bank-b.
      const submitAs = (key: ReturnType<typeof generateEd25519>, credential: string) =>
        fetch(`${platform?.url}/v1/reports`, {
          method: 'POST',
          headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' },
          body: JSON.stringify(
            signBatch(
              {
                member: 'bank-b',
                batchId: `forged-${key.publicKey.slice(0, 8)}`,
                createdAt: new Date().toISOString(),
                reports: [
                  {
                    ref: `forged-${key.publicKey.slice(0, 8)}`,
                    type: 'confirmed_fraud',
                    category: 'fake_loan',
                    occurredAt: new Date(Date.now() - 60_000).toISOString(),
                    entities: [{ role: 'caller', kind: 'phone', token: key.publicKey, keyId: 'k' }],
                  },
                ],
              },
              privateKeyFromJwk(key.privateJwk),
              key.publicKey,
            ),
          ),
        });
      expect(verify().code, verify().out).toBe(0);

      // Rotating to the key it has, or to nothing, changes nothing and says so.
      const same = credence('members', 'rotate', 'bank-b', '--public-key', ownKey, '--db', db);
      expect(same.code).toBe(1);
      expect(same.err).toContain('key.current');
      expect(same.err).not.toMatch(/key \S+ announced|rotated/);
      const none = credence('members', 'rotate', 'bank-b', '--db', db);
      expect(none.code).toBe(1);
      expect(none.err).toContain('request.invalid');

      // The operator announces a key of its own for bank-b: a batch signed with it is
      // refused while it waits; bank-b is alerted, its verify names the key, it objects.
      const forger = generateEd25519();
      const announced = credence(
        'members',
        'rotate',
        'bank-b',
        '--public-key',
        forger.publicKey,
        '--db',
        db,
      );
      expect(announced.code, announced.err).toBe(0);
      expect(announced.err).toMatch(/announced; it starts at \S+ unless bank-b objects/);
      const refused = await submitAs(forger, credentialOf());
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { code: string }).code).toBe('batch.key_pending');
      const alerts = credence('member', 'alerts', '--config', configFile);
      expect(alerts.out).toContain(
        `the operator announced signing key ${forger.publicKey} for you`,
      );
      let seen = verify();
      expect(seen.code).toBe(1);
      let found = findingsOf(seen);
      expect(found.map((f) => f.kind)).toEqual(['foreign_key']);
      expect(found[0]?.message).toContain(forger.publicKey);
      const objected = credence(
        'member',
        'keys',
        'object',
        forger.publicKey,
        '--config',
        configFile,
      );
      expect(objected.code, objected.err).toBe(0);
      const listed = credence('member', 'keys', 'list', '--config', configFile);
      expect(listed.out).toContain(`${ownKey}  current`);
      expect(listed.out).toContain(`${forger.publicKey}  revoked`);
      // Named until bank-b accepts that it saw it.
      expect(verify().code).toBe(1);
      acceptAll(found);

      // A credential the operator issues for bank-b locks bank-b's own out (which bank-b
      // notices at once); given the new one, bank-b's verify names it; bank-b renews its
      // own, and the operator's stops.
      const issued = credence('members', 'rotate', 'bank-b', '--credential', '--db', db);
      expect(issued.code, issued.err).toBe(0);
      // (The server's process learns of a change made on its database within a while.)
      await platform?.stop();
      await serve();
      const locked = verify();
      expect(locked.code).toBe(1);
      expect(locked.out).toContain('401 auth.invalid');
      const operators = issued.out.trim();
      const config = JSON.parse(readFileSync(configFile, 'utf8')) as {
        platform: { credential: string };
      };
      config.platform.credential = operators;
      writeFileSync(configFile, JSON.stringify(config));
      seen = verify();
      found = findingsOf(seen);
      expect(found.map((f) => f.kind)).toEqual(['foreign_credential']);
      const renewed = credence('member', 'credential', 'renew', '--config', configFile);
      expect(renewed.code, renewed.err).toBe(0);
      expect(credentialOf()).not.toBe(operators);
      expect((await submitAs(forger, operators)).status).toBe(401);
      acceptAll(found);

      // An operator who sets no waiting period makes its key work at once: bank-b's verify
      // names the key, and the report in its name that it did not send.
      await platform?.stop();
      await serve('--key-waiting-period', '0');
      const other = generateEd25519();
      expect(
        credence(
          'members',
          'rotate',
          'bank-b',
          '--public-key',
          other.publicKey,
          '--waiting',
          '0',
          '--db',
          db,
        ).code,
      ).toBe(0);
      expect((await submitAs(other, credentialOf())).status).toBe(200);
      seen = verify();
      expect(seen.code).toBe(1);
      found = findingsOf(seen);
      expect(found.map((f) => f.kind).sort()).toEqual(['foreign_entry', 'foreign_key']);
      // Done through the front door, in the log: the store is what the log says.
      expect(audited().code, audited().out).toBe(0);
      // bank-b, its key now stopped, makes a new one and asks the operator to announce it
      // (the lost-key path, here without waiting); the rest it accepts, having seen it.
      // Its old key, which may have leaked, is not announced again.
      expect(
        credence(
          'members',
          'rotate',
          'bank-b',
          '--public-key',
          ownKey,
          '--waiting',
          '0',
          '--db',
          db,
        ).err,
      ).toContain('key.current');
      const fresh = credence(
        'member',
        'keygen',
        '--out',
        join(dir, 'bank-b', 'signing-key.json'),
        '--force',
      );
      expect(fresh.code, fresh.err).toBe(0);
      expect(
        credence(
          'members',
          'rotate',
          'bank-b',
          '--public-key',
          fresh.out.trim(),
          '--waiting',
          '0',
          '--db',
          db,
        ).code,
      ).toBe(0);
      seen = verify();
      acceptAll(findingsOf(seen));
      await platform?.stop();
      await serve();
    }, 300_000);

    it('names every tampering with the store: an edited or deleted report, reordered or truncated entries, a rewritten checkpoint', async () => {
      const store = database_ as TestDatabase;
      const findings = () => {
        const a = audited();
        expect(a.code).toBe(1);
        return (
          JSON.parse(a.out) as { findings: { kind: string; message: string; index?: number }[] }
        ).findings;
      };
      const [report] = await store.sql(
        "SELECT id, member_id, category FROM reports WHERE member_id = 'bank-b' ORDER BY id LIMIT 1",
      );
      const id = String(report?.id);

      // A report edited after it was logged.
      await store.sql(`UPDATE reports SET category = 'gambling' WHERE id = '${id}'`);
      let found = findings();
      expect(found).toEqual([
        expect.objectContaining({ kind: 'altered_record', message: expect.stringContaining(id) }),
      ]);
      await store.sql(
        `UPDATE reports SET category = '${String(report?.category)}' WHERE id = '${id}'`,
      );
      expect(audited().code).toBe(0);

      // A report deleted (with its entities). The summaries still count it, and nothing
      // left in the store accounts for that: each of its tokens is named too, nothing else.
      const [row] = await store.sql(`SELECT * FROM reports WHERE id = '${id}'`);
      const tokens = (JSON.parse(String(row?.entities)) as { token: string }[]).map((e) => e.token);
      await store.sql(`DELETE FROM reports WHERE id = '${id}'`);
      found = findings();
      expect(found[0]).toEqual(
        expect.objectContaining({ kind: 'missing_record', message: expect.stringContaining(id) }),
      );
      for (const f of found.slice(1)) {
        expect(['altered_summary', 'altered_token_state', 'altered_report_index']).toContain(
          f.kind,
        );
        expect(tokens.some((t) => f.message.includes(t))).toBe(true);
      }
      await store.insert('reports', row as Record<string, unknown>);
      expect(audited().code).toBe(0);

      // Two entries swapped.
      const entries = await store.sql(
        'SELECT idx, entry FROM log_entries WHERE idx IN (5, 6) ORDER BY idx',
      );
      const [five, six] = entries.map((e) => String(e.entry));
      const setEntry = (idx: number, text: string) =>
        store.sql(
          `UPDATE log_entries SET entry = '${text.replaceAll("'", "''")}' WHERE idx = ${idx}`,
        );
      await setEntry(5, six as string);
      await setEntry(6, five as string);
      found = findings();
      expect(found.map((f) => f.kind)).toContain('tree_mismatch');
      expect(found.filter((f) => f.kind === 'altered_entry').map((f) => f.index)).toEqual([5, 6]);
      await setEntry(5, five as string);
      await setEntry(6, six as string);
      expect(audited().code).toBe(0);

      // A checkpoint rewritten: another root under the log's signature.
      const [cp] = await store.sql('SELECT size, note FROM log_checkpoints ORDER BY size LIMIT 1');
      const note = String(cp?.note);
      const lines = note.split('\n');
      lines[2] = Buffer.alloc(32, 7).toString('base64');
      await store.sql(
        `UPDATE log_checkpoints SET note = '${lines.join('\n')}' WHERE size = ${Number(cp?.size)}`,
      );
      found = findings();
      expect(found).toEqual([
        expect.objectContaining({ kind: 'bad_checkpoint', size: Number(cp?.size) }),
      ]);
      await store.sql(
        `UPDATE log_checkpoints SET note = '${note.replaceAll("'", "''")}' WHERE size = ${Number(cp?.size)}`,
      );
      expect(audited().code).toBe(0);

      // The log cut off at bank-b's last report (one bank-b sent itself: not those made in
      // its name by the operator above): shorter than what was signed, and bank-b finds its
      // own entries missing.
      const foreign = new Set(
        (await store.sql("SELECT id FROM reports WHERE ref LIKE 'forged-%'")).map((r) =>
          String(r.id),
        ),
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
      found = findings();
      expect(found.map((f) => f.kind)).toContain('truncated');
      const verify = credence('member', 'verify', '--config', configs['bank-b'] as string);
      expect(verify.code, verify.out + verify.err).toBe(1);
      expect(verify.out).toContain(`FAIL missing_entry: entry ${Number(cutAt?.idx)} (report`);
      for (const t of tail) await store.insert('log_entries', t);
      expect(audited().code).toBe(0);

      // The log cut back together with its checkpoint history: an auditor who kept the
      // newest checkpoint of a previous audit can tell (what the cut entries made still
      // stands in the store, too).
      const [last] = await store.sql('SELECT max(idx) AS idx FROM log_entries');
      const state = join(dir, 'audit-state.txt');
      expect(audited('--state', state).code).toBe(0);
      const kept = await store.sql(
        `SELECT size, note, created_at FROM log_checkpoints WHERE size > ${Number(last?.idx) - 2}`,
      );
      const cut = await store.sql(
        `SELECT idx, entry FROM log_entries WHERE idx > ${Number(last?.idx) - 2} ORDER BY idx`,
      );
      const [before] = await store.sql('SELECT size, frontier, root FROM log_state');
      const setState = async (size: number, frontier: Uint8Array, root: Uint8Array) => {
        const hex = (b: Uint8Array) =>
          db.startsWith('postgres')
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
      const cutOnly = audited();
      const cutFindings = (JSON.parse(cutOnly.out) as { findings: { kind: string }[] }).findings;
      expect(cutFindings.length > 0).toBe(allowed.length > 0);
      for (const f of cutFindings) expect(allowed).toContain(f.kind);
      const withState = audited('--state', state);
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
      expect(audited('--state', state).code).toBe(0);

      // Last, as it cannot be undone: a report's entry appended to the log a second time
      // (through the store, tree and all, as a faulty or dishonest platform would).
      const [first] = await store.sql(
        `SELECT entry FROM log_entries WHERE entry LIKE '%"kind":"report"%' ORDER BY idx LIMIT 1`,
      );
      const writer = openStore(db);
      try {
        await writer.appendLog([JSON.parse(String(first?.entry)) as LogEntry]);
      } finally {
        await writer.close();
      }
      found = findings();
      expect(found.map((f) => f.kind)).toEqual(['duplicate_entry']);
    }, 180_000);
  });
}
