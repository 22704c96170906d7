import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { collect, integer } from '../src/commands/parse.js';
import { tlsFilesOf, withConfigFile } from '../src/commands/server-options.js';

/** Configuration by file for serve and keyserver (issue 13 §5), on a command like theirs. */
describe('--config FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'credence-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (json: unknown, ...argv: string[]) => {
    const file = join(dir, 'etc', 'server.json');
    mkdirSync(join(dir, 'etc'), { recursive: true });
    writeFileSync(file, typeof json === 'string' ? json : JSON.stringify(json));
    let seen: Record<string, unknown> = {};
    let said = '';
    const command = new Command('serve')
      .exitOverride()
      .configureOutput({ writeErr: (s) => (said += s), writeOut: () => undefined })
      .option('--port <p>', 'port', integer, 8080)
      .option('--db <db>', 'store', 'data/platform.sqlite')
      .option('--witness <vkey>', 'repeatable', collect)
      .option('--log-level <level>', 'level', 'info');
    withConfigFile(command, { paths: ['db'], lists: ['witness'] }).action((flags) => {
      seen = flags;
    });
    try {
      command.parse(['--config', file, ...argv], { from: 'user' });
      return { seen, said, code: 0 };
    } catch (error) {
      if (!(error instanceof CommanderError)) throw error;
      return { seen, said, code: error.exitCode };
    }
  };

  it('reads options by their flag names, files relative to the file, lists in turn', () => {
    const r = run({ port: 8443, db: 'store.sqlite', witness: ['w1', 'w2'], 'log-level': 'warn' });
    expect(r.code, r.said).toBe(0);
    expect(r.seen).toMatchObject({
      port: 8443,
      db: join(dir, 'etc', 'store.sqlite'),
      witness: ['w1', 'w2'],
      logLevel: 'warn',
    });
    // An absolute path and a URL stay as they are.
    expect(run({ db: '/srv/credence.sqlite' }).seen.db).toBe('/srv/credence.sqlite');
    expect(run({ db: 'postgres://db/credence' }).seen.db).toBe('postgres://db/credence');
  });

  it('lets flags given on the command line win over the file, and the file over defaults', () => {
    const r = run({ port: 8443, 'log-level': 'warn' }, '--port', '9000');
    expect(r.seen).toMatchObject({ port: 9000, logLevel: 'warn', db: 'data/platform.sqlite' });
    expect(run({ witness: ['w1'] }, '--witness', 'w9').seen.witness).toEqual(['w9']);
  });

  it('refuses, as a usage error naming the file and the key, what is not an option or not valid', () => {
    const cases: [unknown, string][] = [
      [{ prot: 1 }, '"prot" is not an option of credence serve'],
      [{ port: 'eighty' }, '"port" is not valid: expected a whole number'],
      [{ port: [1, 2] }, '"port" takes one value, not a list'],
      [{ db: { path: 'x' } }, '"db" must be a string or a number'],
      [{ config: 'other.json' }, '"config" is not an option'],
      [[1, 2], 'must hold a JSON object keyed by option name'],
      ['{"port": 1,', 'is not JSON'],
    ];
    for (const [json, why] of cases) {
      const r = run(json);
      expect(r.code, JSON.stringify(json)).toBe(1);
      expect(r.said).toContain(why);
      expect(r.said).toContain(join(dir, 'etc', 'server.json'));
      expect(r.seen).toEqual({});
    }
  });
});

describe('--tls-cert and --tls-key', () => {
  it('go together', () => {
    expect(tlsFilesOf({})).toBeUndefined();
    expect(tlsFilesOf({ tlsCert: 'c.pem', tlsKey: 'k.pem' })).toEqual({
      certFile: 'c.pem',
      keyFile: 'k.pem',
    });
    expect(() => tlsFilesOf({ tlsCert: 'c.pem' })).toThrow('--tls-cert needs --tls-key too');
    expect(() => tlsFilesOf({ tlsKey: 'k.pem' })).toThrow('--tls-key needs --tls-cert too');
  });
});
