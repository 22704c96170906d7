import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { scriptFingerprint } from '@credence/core/narrative/fingerprint';
import { maskNarrative } from '@credence/core/narrative/mask';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KeyserverProcess, spawnKeyserver } from '../src/commands/keyserver-process.js';
import { type ServiceProcess, spawnService } from '../src/commands/service-process.js';
import { freePort } from './platform-suite.js';

/**
 * How `credence member …` fails, as a member runs it: every failure (a file missing or
 * unwritable, the token cache unopenable, the key servers or the platform gone, the
 * platform killed mid-submission, input it must refuse) ends promptly with one line on
 * stderr, never a stack trace, and the exit code docs/errors.md documents.
 */
const BIN = resolve(import.meta.dirname, '../bin/credence.js');
const dir = mkdtempSync(join(tmpdir(), 'credence-failures-'));
const keyservers: KeyserverProcess[] = [];
let platform: ServiceProcess | undefined;
let port = 0;
let config = '';

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
  readonly err: string;
}

/**
 * Runs the CLI. The timeout is a hang detector, not a measurement: a command that does
 * not end within it is killed, and the test sees the signal.
 */
function credence(...args: string[]): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, signal: r.signal, out: r.stdout, err: r.stderr };
}

/** The same, several commands at once (each is a process of its own). */
function together(...commands: string[][]): Promise<Run[]> {
  return Promise.all(
    commands.map(
      (args) =>
        new Promise<Run>((done) => {
          const child = spawn(process.execPath, [BIN, ...args], {
            stdio: ['ignore', 'pipe', 'pipe'],
            timeout: 60_000,
          });
          let out = '';
          let err = '';
          child.stdout.on('data', (c: Buffer) => {
            out += c.toString();
          });
          child.stderr.on('data', (c: Buffer) => {
            err += c.toString();
          });
          child.once('close', (code, signal) => done({ code, signal, out, err }));
        }),
    ),
  );
}

/** A failure as documented: exit 1, one line `credence: … (code)`, no stack trace. */
function expectOneLineFailure(r: Run, code: string) {
  expect(r.signal, 'the command hung and was killed').toBeNull();
  expect(r.err).not.toMatch(/^\s+at /m);
  const lines = r.err.split('\n').filter((l) => l.trim() !== '');
  expect(lines, r.err).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^credence: .+ \\(${code.replace('.', '\\.')}\\)$`));
  expect(r.code, r.err).toBe(1);
}

const serve = async () => {
  platform = await spawnService(
    'platform',
    ['serve', '--db', join(dir, 'platform.sqlite'), '--key', join(dir, 'platform-key.json')].concat(
      ['--port', String(port), '--log-level', 'warn'],
    ),
    { log: join(dir, 'platform.log') },
  );
};
const kill = async () => {
  const child = platform?.child;
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
};

const phone = (i: number) => `1380013${String(i).padStart(4, '0')}`;
const reportLine = (ref: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    ref,
    type: 'suspected',
    category: 'other',
    occurredAt: '2026-11-20T10:12:00Z',
    entities: [{ role: 'caller', kind: 'phone', value: phone(1) }],
    ...extra,
  });

beforeAll(async () => {
  port = await freePort();
  expect(credence('keys', 'init', '--out', join(dir, 'keys')).code).toBe(0);
  const tokens: string[] = [];
  for (const index of [1, 2, 3]) {
    const members = join(dir, 'keys', `members-${index}.json`);
    tokens.push(
      credence('keyserver', 'credential', '--members', members, '--member', 'bank-a').out.trim(),
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
  const keygen = credence('member', 'keygen', '--out', join(dir, 'signing-key.json'));
  expect(keygen.code, keygen.err).toBe(0);
  expect(credence('store', 'init', '--db', join(dir, 'platform.sqlite')).code).toBe(0);
  const added = credence(
    'members',
    'add',
    'bank-a',
    '--type',
    'bank',
    '--public-key',
    keygen.out.trim(),
    '--db',
    join(dir, 'platform.sqlite'),
  );
  expect(added.code, added.err).toBe(0);
  await serve();
  config = join(dir, 'member.json');
  writeFileSync(
    config,
    JSON.stringify({
      memberId: 'bank-a',
      key: JSON.parse(readFileSync(join(dir, 'keys', 'group.json'), 'utf8')),
      keyServers: keyservers.map((k, i) => ({ index: i + 1, url: k.url, token: tokens[i] })),
      platform: { url: platform?.url, credential: added.out.trim() },
      signingKeyFile: 'signing-key.json',
    }),
  );
  writeFileSync(join(dir, 'raw.jsonl'), `${reportLine('ok-1')}\n`);
}, 120_000);

afterAll(async () => {
  await platform?.stop();
  await Promise.all(keyservers.map((k) => k.stop()));
  rmSync(dir, { recursive: true, force: true });
});

describe('credence member, when something is missing', () => {
  it('ends promptly, with one line, when the token cache cannot be opened', async () => {
    const cache = ['--cache', '/proc/nonexistent/c.sqlite'];
    const raw = join(dir, 'raw.jsonl');
    const out = join(dir, 't.jsonl');
    for (const r of await together(
      ['member', 'tokenize', '--in', raw, '--out', out, '--config', config, ...cache],
      ['member', 'submit', raw, '--config', config, ...cache],
    )) {
      expectOneLineFailure(r, 'member.local_store');
      expect(r.err).toContain('the token cache /proc/nonexistent/c.sqlite');
    }
  }, 120_000);

  it('names a missing input and an output it cannot write', async () => {
    const raw = join(dir, 'raw.jsonl');
    const out = join(dir, 'out.jsonl');
    const cases: [string[], string, string][] = [];
    for (const missing of ['missing.jsonl', 'missing.csv']) {
      const file = join(dir, missing);
      const says = `${file}: no such file or directory`;
      cases.push(
        [
          ['member', 'tokenize', '--in', file, '--out', out, '--config', config],
          'member.input',
          says,
        ],
        [['member', 'submit', file, '--config', config], 'member.input', says],
      );
    }
    const unwritable = '/proc/nonexistent/o.jsonl';
    cases.push(
      [
        ['member', 'watch', join(dir, 'missing.txt'), '--config', config],
        'member.input',
        'missing.txt: no such file',
      ],
      [
        ['member', 'tokenize', '--in', raw, '--out', unwritable, '--config', config],
        'member.output',
        unwritable,
      ],
      [
        ['member', 'submit', raw, '--config', config, '--results', unwritable],
        'member.output',
        unwritable,
      ],
      [
        ['member', 'check', '--kind', 'phone', phone(1), '--config', join(dir, 'nope.json')],
        'member.config',
        'nope.json',
      ],
    );
    const runs = await together(...cases.map(([args]) => args));
    runs.forEach((r, i) => {
      const [, code, says] = cases[i] as [string[], string, string];
      expectOneLineFailure(r, code);
      expect(r.err).toContain(says);
    });
  }, 120_000);

  it('names the key servers when none answers', async () => {
    const alone = join(dir, 'member-no-keyservers.json');
    const json = JSON.parse(readFileSync(config, 'utf8')) as {
      keyServers: { url: string }[];
    };
    // A port nobody listens on.
    const closed = `http://127.0.0.1:${await freePort()}`;
    for (const k of json.keyServers) k.url = closed;
    writeFileSync(alone, JSON.stringify(json));
    const r = credence(
      'member',
      'tokenize',
      '--in',
      join(dir, 'raw.jsonl'),
      '--out',
      join(dir, 'o.jsonl'),
      '--config',
      alone,
      '--no-cache',
    );
    expectOneLineFailure(r, 'member.not_enough_keyservers');
    expect(r.err).toContain(`key server #1 (${closed}): connection refused (ECONNREFUSED)`);
  });

  it('ends every command with one line when the platform is not there', async () => {
    await platform?.stop();
    try {
      const watch = join(dir, 'customers.txt');
      writeFileSync(watch, `phone,${phone(2)}\n`);
      const [verify, ...runs] = await together(
        ['member', 'verify', '--config', config],
        ['member', 'submit', join(dir, 'raw.jsonl'), '--config', config],
        ['member', 'check', '--kind', 'phone', phone(1), '--config', config],
        ['member', 'alerts', '--config', config],
        ['member', 'watch', watch, '--config', config],
      );
      for (const r of runs) {
        expectOneLineFailure(r, 'member.platform_unreachable');
        expect(r.err).toContain('connection refused (ECONNREFUSED)');
      }
      // verify reports what it could not check as a finding, on stdout, and exits 1.
      expect(verify?.code).toBe(1);
      expect(verify?.out).toContain('FAIL unreachable: the platform did not answer');
      expect(verify?.err).toBe('');
    } finally {
      await serve();
    }
  }, 120_000);
});

describe('credence member submit, when the platform dies mid-submission', () => {
  it('ends with one line and exit 1 each time, never a stack trace', async () => {
    const raw = join(dir, 'bulk.jsonl');
    const count = 12_000;
    writeFileSync(
      raw,
      `${Array.from({ length: count }, (_, i) =>
        reportLine(`bulk-${i}`, {
          entities: [{ role: 'caller', kind: 'phone', value: phone(i % 50) }],
        }),
      ).join('\n')}\n`,
    );
    // Tokenize first: the cache makes the submissions' own tokenizing instant.
    expect(
      credence(
        'member',
        'tokenize',
        '--in',
        raw,
        '--out',
        join(dir, 'warm.jsonl'),
        '--config',
        config,
      ).code,
    ).toBe(0);
    const results = `${raw}.results.jsonl`;
    const acknowledged = () => (existsSync(results) ? readFileSync(results, 'utf8').trim() : '');
    let killedMidway = 0;
    // The platform dies at different moments: once the first batch is acknowledged, and
    // a little later each time, while batches and receipt checks are in flight. (The
    // race this once lost, an answer failing before the batches ahead of it were written,
    // is reproduced exactly in packages/member/test/log-monitor.test.ts.)
    for (let run = 0; run < 3; run++) {
      if (platform?.child.exitCode !== null || platform.child.signalCode !== null) await serve();
      rmSync(results, { force: true });
      const submit = spawn(process.execPath, [BIN, 'member', 'submit', raw, '--config', config], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      submit.stderr.on('data', (c: Buffer) => {
        err += c.toString();
      });
      const finished = new Promise<number | null>((done) => submit.once('exit', done));
      while (acknowledged() === '' && submit.exitCode === null)
        await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, run * 60));
      const before = acknowledged().split('\n').length;
      await kill();
      const code = await finished;
      if (code === 0) continue; // It finished before the kill: nothing to see.
      if (before < count) killedMidway++;
      expectOneLineFailure(
        { code, signal: null, out: '', err },
        err.includes('member.log_') ? 'member.log_[a-z_]+' : 'member.platform_unreachable',
      );
    }
    expect(killedMidway).toBeGreaterThan(0);
    await serve();
  }, 300_000);
});

describe('credence member, with input it must refuse', () => {
  /** "他说他是公安局的，要转账" in GB18030, from the two-byte codes of its table. */
  const NARRATIVE = '他说他是公安局的，要转账';
  const GB18030 = Buffer.from('cbfbcbb5cbfbcac7b9abb0b2bed6b5c4a3acd2aad7aad5cb', 'hex');

  it('refuses a file that is not UTF-8, naming the line, and reads it as --encoding says', () => {
    const raw = join(dir, 'gb18030.jsonl');
    const [before, after] = reportLine('gb-1', { narrative: '@' }).split('@') as [string, string];
    writeFileSync(
      raw,
      Buffer.concat([
        Buffer.from(`${reportLine('gb-0')}\n${before}`),
        GB18030,
        Buffer.from(`${after}\n`),
      ]),
    );
    const out = join(dir, 'gb18030.tokens.jsonl');
    const refused = credence('member', 'tokenize', '--in', raw, '--out', out, '--config', config);
    expectOneLineFailure(refused, 'member.input');
    expect(refused.err).toContain('line 2 is not valid utf-8');
    expect(refused.err).toContain('--encoding gb18030');
    const read = credence(
      'member',
      'tokenize',
      '--in',
      raw,
      '--out',
      out,
      '--config',
      config,
      '--encoding',
      'gb18030',
    );
    expect(read.code, read.err).toBe(0);
    const [, report] = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { fingerprint?: string });
    // The fingerprint of the text that was meant, not of mojibake.
    expect(report?.fingerprint).toBe(scriptFingerprint(maskNarrative(NARRATIVE)));
    const unknown = credence('member', 'submit', raw, '--config', config, '--encoding', 'klingon');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("option '--encoding <label>' argument 'klingon' is invalid");
  });

  it('refuses a seized list with no identifier column, one not in its encoding, and a member that is not the police', () => {
    const names = join(dir, 'names.csv');
    writeFileSync(names, `name,address\n"张三","深圳市南山区"\n`);
    const upload = (file: string, ...more: string[]) =>
      credence('member', 'exposure', '--in', file, '--list', 'l-1', '--config', config, ...more);
    const none = upload(names);
    expectOneLineFailure(none, 'member.input');
    expect(none.err).toContain('no column of the header names an identifier kind');
    expect(none.err).not.toContain('张三');
    // A list in GB18030: refused as UTF-8, naming the line; read with --encoding.
    const gb = join(dir, 'seized-gb18030.csv');
    writeFileSync(
      gb,
      Buffer.concat([Buffer.from('name,phone\n"'), GB18030, Buffer.from(`",${phone(5)}\n`)]),
    );
    const refused = upload(gb);
    expectOneLineFailure(refused, 'member.input');
    expect(refused.err).toContain('line 2 is not valid utf-8');
    // Read, tokenized, sent: and refused by the platform, since this member is a bank.
    const bank = upload(gb, '--encoding', 'gb18030');
    expectOneLineFailure(bank, 'member.platform_refused');
    expect(bank.err).toContain('POST /v1/exposures: 403 role.forbidden');
    expect(bank.err).not.toContain(phone(5));
  });

  it('refuses a CSV header through __proto__ and sends nothing', () => {
    const csv = join(dir, 'proto.csv');
    writeFileSync(
      csv,
      [
        'ref,type,category,occurredAt,entities.0.role,entities.0.kind,entities.0.value,narrative,__proto__.shareScript',
        `proto-1,victim_report,fake_loan,2026-11-20T10:12:00Z,caller,phone,${phone(77)},the caller from the police said to move the money,true`,
      ].join('\n'),
    );
    const r = credence('member', 'submit', csv, '--config', config);
    expectOneLineFailure(r, 'member.input');
    expect(r.err).toContain('column 9 of the header ("__proto__.shareScript")');
    expect(existsSync(`${csv}.results.jsonl`)).toBe(false);
    const check = credence(
      'member',
      'check',
      '--kind',
      'phone',
      phone(77),
      '--config',
      config,
      '--json',
    );
    expect(check.code, check.err).toBe(0);
    expect(JSON.parse(check.out)).toMatchObject([{ verdict: 'clear', reporters: 0 }]);
  });

  it('refuses events after now, and days that do not exist, before they are sent', () => {
    const raw = join(dir, 'times.jsonl');
    writeFileSync(
      raw,
      `${[
        reportLine('t-0'),
        reportLine('t-1', { occurredAt: '9999-12-31T23:59:59Z' }),
        reportLine('t-2', { occurredAt: '2026-02-30T10:00:00Z' }),
        reportLine('t-3', { occurredAt: '2026-11-20T24:00:00Z' }),
      ].join('\n')}\n`,
    );
    const r = credence('member', 'submit', raw, '--config', config);
    // Done, with lines left out: its own exit code, not a failure's.
    expect(r.code).toBe(4);
    expect(r.out).toContain('3 lines and 0 identifiers rejected before sending');
    expect(r.out).toContain('1 reports and 0 links submitted: 1 accepted');
    const errors = readFileSync(`${raw}.errors.jsonl`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { line: number; code: string });
    expect(errors.map((e) => [e.line, e.code])).toEqual([
      [2, 'record.date_range'],
      [3, 'record.date_time'],
      [4, 'record.date_time'],
    ]);
  });
});

describe('credence member submit --work-dir', () => {
  it('writes what it makes to --work-dir, nothing beside the input (which may be read-only)', () => {
    const inbox = join(dir, 'inbox');
    mkdirSync(inbox);
    const raw = join(inbox, 'reports.jsonl');
    writeFileSync(raw, `${reportLine('ro-1')}\n`);
    const work = join(dir, 'work');
    mkdirSync(work);
    const r = credence('member', 'submit', raw, '--config', config, '--work-dir', work);
    expect(r.code, r.err).toBe(0);
    expect(readdirSync(inbox)).toEqual(['reports.jsonl']);
    expect(readdirSync(work).sort()).toEqual([
      'reports.jsonl.errors.jsonl',
      'reports.jsonl.results.jsonl',
      'reports.jsonl.tokens.jsonl',
    ]);
    // Without --work-dir, beside member.json.
    const again = credence('member', 'submit', raw, '--config', config);
    expect(again.code, again.err).toBe(0);
    expect(readdirSync(inbox)).toEqual(['reports.jsonl']);
    expect(existsSync(join(dirname(config), 'reports.jsonl.results.jsonl'))).toBe(true);
  });
});
