import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnKeyserver } from '../src/commands/keyserver-process.js';
import { credence, temporaryFolders } from './command-line.js';

/** The servers from the command line: a platform's port and store, and a key server as the README runs it. */

const temp = temporaryFolders();

describe('credence serve on a port in use', () => {
  it('says so in one line and exits 1, leaving nothing running', async () => {
    const holder = createServer().listen(0, '127.0.0.1');
    await once(holder, 'listening');
    const { port } = holder.address() as AddressInfo;
    try {
      const dir = temp();
      const r = credence(
        'serve',
        '--db',
        join(dir, 'platform.sqlite'),
        '--key',
        join(dir, 'platform-key.json'),
        '--port',
        String(port),
      );
      expect(r.code).toBe(1);
      expect(r.err.trim().split('\n')).toEqual([
        `credence: port ${port} on 127.0.0.1 is in use: another process (another platform?) listens there; stop it or give another --port`,
      ]);
    } finally {
      holder.close();
    }
  });
});

describe('where a platform store may be made', () => {
  it('not by an operator command given a path with no store: it says so and makes nothing', () => {
    const dir = temp();
    const typo = join(dir, 'platfrom.sqlite');
    const r = credence('members', 'list', '--db', typo);
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe(
      `credence: there is no platform store at ${typo}: check --db, or make one with credence store init --db ${typo}`,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('not in a folder that does not exist, by serve or store init', () => {
    const dir = temp();
    const deep = join(dir, 'nonexistent', 'dir', 'x.sqlite');
    for (const args of [
      ['serve', '--db', deep, '--key', join(dir, 'platform-key.json'), '--port', '0'],
      ['store', 'init', '--db', deep],
    ]) {
      const r = credence(...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.err.trim()).toBe(
        `credence: the folder of --db ${deep} does not exist: check the path, or create the folder first`,
      );
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('not with standbys to read from beside a SQLite store, or standbys that are not PostgreSQL', () => {
    const dir = temp();
    const db = join(dir, 'platform.sqlite');
    for (const [read, message] of [
      [
        'postgres://postgres@127.0.0.1:1/x',
        '--db-read needs a PostgreSQL store (--db postgres://…): SQLite has no standbys',
      ],
      ['standby.sqlite', '--db-read takes a postgres:// URL: the hot standbys to read from'],
    ] as const) {
      const r = credence(
        'serve',
        '--db',
        db,
        '--db-read',
        read,
        '--key',
        join(dir, 'k.json'),
        '--port',
        '0',
      );
      expect(r.code, read).toBe(1);
      expect(r.err.trim()).toBe(`credence: ${message}`);
    }
  });

  it('by store init, after which operator commands work on it', () => {
    const db = join(temp(), 'platform.sqlite');
    const init = credence('store', 'init', '--db', db);
    expect(init.code, init.err).toBe(0);
    expect(init.out.trim()).toBe(`store made at ${db}, its schema up to date`);
    expect(credence('store', 'init', '--db', db).out.trim()).toBe(
      `store at ${db}, its schema up to date`,
    );
    const added = credence('members', 'add', 'bank-a', '--type', 'bank', '--db', db);
    expect(added.code, added.err).toBe(0);
    expect(credence('members', 'list', '--db', db).out).toMatch(/^bank-a\tbank\tactive/m);
  });
});

describe('credence keyserver, as the README runs it', () => {
  it('reads the members file keys init wrote beside its share (members-1.json), without --members', async () => {
    const keys = join(temp(), 'keys');
    expect(credence('keys', 'init', '--out', keys).code).toBe(0);
    const give = (member: string) =>
      credence(
        'keyserver',
        'credential',
        '--members',
        join(keys, 'members-1.json'),
        '--member',
        member,
      );
    const credential = give('bank-a').out.trim();
    const server = await spawnKeyserver({ share: join(keys, 'share-1.json'), port: 0 });
    try {
      // The credential from members-1.json is known to it.
      const usage = (token: string) =>
        fetch(`${server.url}/v1/oprf/usage`, { headers: { authorization: `Bearer ${token}` } });
      const mine = await usage(credential);
      expect(mine.status).toBe(200);
      expect(await mine.json()).toMatchObject({ memberId: 'bank-a', used: 0 });
      expect((await usage('not-a-credential')).status).toBe(401);

      // Given again, the credential is replaced, says so, and the running server follows.
      const again = give('bank-a');
      expect(again.code).toBe(0);
      expect(again.err).toContain('credential for bank-a replaced in');
      const fresh = again.out.trim();
      // A new member, too, without a restart.
      const other = give('bank-b');
      expect(other.err).toContain('credential for bank-b added to');
      const settled = async (token: string, status: number) => {
        for (let i = 0; i < 50 && (await usage(token)).status !== status; i++)
          await new Promise((r) => setTimeout(r, 100));
        return (await usage(token)).status;
      };
      expect(await settled(fresh, 200)).toBe(200);
      expect(await settled(other.out.trim(), 200)).toBe(200);
      expect(await settled(credential, 401)).toBe(401);
    } finally {
      await server.stop();
    }
  });
});
