import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { credence, credenceWith, temporaryFolders } from './command-line.js';

/** How the command line answers a user: usage errors, missing files, --version, --help, progress. */

const temp = temporaryFolders();

describe('two flags that go together, one given', () => {
  it('is a usage error that says which, exit 2, and nothing is made', () => {
    const db = join(temp(), 'platform.sqlite');
    expect(credence('store', 'init', '--db', db).code).toBe(0);
    const enrol = join(temp(), 'bank-x.json');
    const r = credence(
      'members',
      'add',
      'bank-x',
      '--type',
      'bank',
      '--db',
      db,
      '--enrol-out',
      enrol,
    );
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe(
      'credence: --enrol-out needs --url: the platform address the member will use (https://…)',
    );
    expect(credence('members', 'list', '--db', db).out).not.toContain('bank-x');
    const keyserver = credence(
      'keyserver',
      'credential',
      '--members',
      join(temp(), 'members-1.json'),
      '--member',
      'bank-x',
      '--enrol-out',
      enrol,
    );
    expect(keyserver.code).toBe(2);
    expect(keyserver.err.trim()).toBe(
      'credence: --enrol-out needs --url: the key server address the member will use',
    );
    const tls = credence('serve', '--db', db, '--tls-cert', 'cert.pem');
    expect(tls.code).toBe(2);
    expect(tls.err).toContain('--tls-cert needs --tls-key too');
  });
});

describe('--version', () => {
  it('is answered by every command, with the package version, exit 0', () => {
    const { version } = JSON.parse(
      readFileSync(resolve(import.meta.dirname, '../package.json'), 'utf8'),
    ) as { version: string };
    for (const args of [[], ['member', 'check'], ['store', 'init'], ['keyserver', 'credential']]) {
      const r = credence(...args, '--version');
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.out).toBe(`credence ${version}\n`);
    }
  });
});

describe('a file named on the command line that is missing or the wrong one', () => {
  it('is said in one sentence naming the file, never as a raw ENOENT', () => {
    const keys = join(temp(), 'keys');
    expect(credence('keys', 'init', '--out', keys).code).toBe(0);
    const group = join(keys, 'group.json');
    const asShare = credence('keyserver', '--share', group, '--port', '0');
    expect(asShare.code).toBe(1);
    expect(asShare.err.trim()).toBe(
      `credence: key file ${group}: (file) is the group's public key (group.json), not a share: give one of the share-<i>.json files (keys.invalid_file)`,
    );
    const missing = join(keys, 'share-9.json');
    const gone = credence('keyserver', '--share', missing, '--port', '0');
    expect(gone.code).toBe(1);
    expect(gone.err.trim()).toBe(`credence: ${missing} does not exist: check the path`);
    const world = join(temp(), 'no-world');
    const noWorld = credence('eval', '--world', world, '--in-process');
    expect(noWorld.code).toBe(1);
    expect(noWorld.err.trim().split('\n').at(-1)).toBe(
      `credence: ${world} holds no truth.json: make a world with credence sim`,
    );
    for (const r of [asShare, gone, noWorld]) expect(r.err).not.toContain('ENOENT');
  });
});

describe('a command that asks the platform, told no platform', () => {
  it('names the flag it takes', () => {
    for (const [command, flag] of [
      ['analyze', '--platform'],
      ['rings', '--platform'],
      ['campaigns', '--platform'],
      ['audit', '--log'],
    ] as const) {
      const r = credence(command);
      expect(r.code, command).toBe(1);
      expect(r.err.trim(), command).toBe(
        `credence: which platform? give ${flag} <url> with --credential (or CREDENCE_CREDENTIAL), or --config with a member.json or the operator's file`,
      );
    }
  });
});

describe('a verifier key given on the command line', () => {
  it('is checked when given: one usage error naming the flag, before anything is asked', () => {
    const audit = credence(
      'audit',
      '--log',
      'http://127.0.0.1:9',
      '--credential',
      'x',
      '--log-key',
      'bogus',
    );
    expect(audit.code).toBe(2);
    expect(audit.err.split('\n')[0]).toBe(
      `error: option '--log-key <vkey>' argument 'bogus' is invalid. not a valid note key: a non-empty name without spaces or "+", a 32-byte Ed25519 public key, and the key ID of both: a verifier key is <name>+<key ID>+<base64 key>`,
    );
    expect(audit.err).not.toContain('FAIL');
    const dir = temp();
    const serve = credence('serve', '--witness', 'w+12345678+AAAA', '--db', join(dir, 'p.sqlite'));
    expect(serve.code).toBe(2);
    expect(serve.err).toContain("option '--witness <vkey>' argument 'w+12345678+AAAA' is invalid");
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('progress of long work where stderr is not a terminal', () => {
  it('comes as whole lines now and then, with done, total, rate and time left', () => {
    const sim = ['sim', '--scale', '0.05', '--days', '30', '--out'];
    const r = credenceWith({ CREDENCE_PROGRESS_SECONDS: '0' }, ...sim, join(temp(), 'w'));
    expect(r.code, r.err).toBe(0);
    const lines = r.err.trim().split('\n');
    expect(lines).toHaveLength(30);
    expect(lines[29]).toMatch(/^simulating: 30 of 30 days \([\d,]+\/s, about \d+ s left\)$/);
    expect(r.err).not.toContain('\r');
    // The default interval (10 s) says nothing of a few seconds' work.
    const quiet = credence(...sim, join(temp(), 'w'));
    expect(quiet.err).toBe('');
  });
});

describe('a public key that begins with a dash', () => {
  it('is taken as the key by member keys object, not as an unknown option', () => {
    const r = credence(
      'member',
      'keys',
      'object',
      '-XpquMYFM-ZEWLGQyLP03NZ2HbE1rCVQ1znmR0mrZqo',
      '--config',
      join(temp(), 'member.json'),
    );
    // It gets as far as reading the configuration (which is not there).
    expect(r.err).not.toContain('unknown option');
    expect(r.code).toBe(1);
    expect(r.err).toContain('member.json');
  });
});

describe('--help', () => {
  it.each([
    [],
    ['sim'],
    ['demo'],
    ['start'],
    ['normalize'],
    ['eval'],
    ['analyze'],
    ['rings'],
    ['campaigns'],
  ])('works for %j', (...command) => {
    const r = credence(...command, '--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: credence');
  });
});
