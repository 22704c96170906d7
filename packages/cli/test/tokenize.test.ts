import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KeyserverProcess, spawnKeyserver } from '../src/commands/keyserver-process.js';

/**
 * The member side and the key servers as a user runs them: `credence keys init`,
 * `credence keyserver credential`, three `credence keyserver` processes, and
 * `credence member tokenize`, all as real processes over loopback.
 */
const BIN = resolve(import.meta.dirname, '../bin/credence.js');
const dir = mkdtempSync(join(tmpdir(), 'credence-e2e-'));
const running: KeyserverProcess[] = [];

function credence(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Starts a key server on a free port; resolves with its URL. */
async function keyserver(
  share: string,
  members: string,
): Promise<{ url: string; child: ChildProcess }> {
  const server = await spawnKeyserver({
    share,
    members,
    state: join(dir, `usage-${running.length}.json`),
    port: 0,
    logLevel: 'warn',
  });
  running.push(server);
  return server;
}

const RAW = join(dir, 'raw.jsonl');
const config = (
  servers: { index: number; url: string; token: string }[],
  keyFile = join(dir, 'keys', 'group.json'),
) => {
  const path = join(dir, `member-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      memberId: 'bank-a',
      key: JSON.parse(readFileSync(keyFile, 'utf8')),
      keyServers: servers,
      timeoutMs: 3000,
      retries: 1,
    }),
  );
  return path;
};
let servers: { index: number; url: string; token: string; child: ChildProcess }[] = [];

beforeAll(async () => {
  const init = credence(
    'keys',
    'init',
    '--threshold',
    '2',
    '--shares',
    '3',
    '--out',
    join(dir, 'keys'),
  );
  expect(init.code, init.err).toBe(0);
  servers = [];
  for (const index of [1, 2, 3]) {
    const members = join(dir, 'keys', `members-${index}.json`);
    const issued = credence('keyserver', 'credential', '--members', members, '--member', 'bank-a');
    expect(issued.code, issued.err).toBe(0);
    const { url, child } = await keyserver(join(dir, 'keys', `share-${index}.json`), members);
    servers.push({ index, url, token: issued.out.trim(), child });
  }
  const lines = [
    {
      ref: 'r1',
      type: 'victim_report',
      category: 'fake_loan',
      occurredAt: '2026-11-20T10:12:00Z',
      lossCny: 5000,
      entities: [
        { role: 'caller', kind: 'phone', value: '+86 138 0013 8000' },
        { role: 'beneficiary_account', kind: 'bank_card', value: '6222021234567890128' },
      ],
      narrative: 'secret story',
    },
    {
      link: 'call',
      from: { kind: 'phone', value: '13800138000' },
      to: { kind: 'phone', value: '13912345678' },
      at: '2026-11-20T10:00:00Z',
      count: 1,
    },
    {
      ref: 'r2',
      type: 'suspected',
      category: 'other',
      occurredAt: '2026-11-20T10:12:00Z',
      entities: [{ role: 'caller', kind: 'phone', value: 'withheld' }],
    },
  ];
  writeFileSync(RAW, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
}, 60_000);

afterAll(async () => {
  // Stopped key servers write their usage files: wait for them before removing the folder.
  await Promise.all(running.map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
});

describe('credence keys init', () => {
  it('writes the public group key and one secret share file per key server', () => {
    const group = JSON.parse(readFileSync(join(dir, 'keys', 'group.json'), 'utf8')) as {
      keyId: string;
      threshold: number;
      shares: number;
      sharePublicKeys: unknown[];
    };
    expect(group).toMatchObject({ threshold: 2, shares: 3 });
    expect(group.sharePublicKeys).toHaveLength(3);
    for (const index of [1, 2, 3])
      expect(statSync(join(dir, 'keys', `share-${index}.json`)).mode & 0o777).toBe(0o600);
    expect(JSON.stringify(group)).not.toContain('secret');
  });

  it('refuses to overwrite a key', () => {
    const again = credence('keys', 'init', '--out', join(dir, 'keys'));
    expect(again.code).not.toBe(0);
    expect(again.err).toContain('refusing to overwrite');
  });
});

describe('credence member tokenize', () => {
  it('tokenizes through the key servers, reports bad identifiers, and keeps raw values in', () => {
    const out = join(dir, 'tokens.jsonl');
    const r = credence(
      'member',
      'tokenize',
      '--in',
      RAW,
      '--out',
      out,
      '--config',
      config(servers),
      '--cache',
      join(dir, 'cache.sqlite'),
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(
      '3 lines: 1 reports and 1 links tokenized, 1 lines and 1 identifiers rejected',
    );
    const [report, link] = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { entities?: { token: string }[]; from?: { token: string } });
    expect(report).toMatchObject({ ref: 'r1', loss: '1k-10k' });
    expect(link?.from?.token).toBe(report?.entities?.[0]?.token);
    const written = readFileSync(out, 'utf8');
    for (const raw of ['13800138000', '6222021234567890128', 'secret story', '5000'])
      expect(written).not.toContain(raw);
    const errors = readFileSync(`${out}.errors.jsonl`, 'utf8');
    expect(errors).toContain('identifier.phone.unparseable');
  });

  it('answers from the cache the second time, with the same tokens', () => {
    const out = join(dir, 'tokens-again.jsonl');
    const r = credence(
      'member',
      'tokenize',
      '--in',
      RAW,
      '--out',
      out,
      '--config',
      config(servers),
      '--cache',
      join(dir, 'cache.sqlite'),
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('0 evaluated by the key servers, 3 from the cache');
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(dir, 'tokens.jsonl'), 'utf8'));
  });
});

describe('credence member tokenize, with a key server that misbehaves or is down', () => {
  it('names a key server that answers with another key, and exits 3', async () => {
    // A server holding a share of a different key under the same key id.
    const other = join(dir, 'other-keys');
    expect(
      credence(
        'keys',
        'init',
        '--out',
        other,
        '--key-id',
        JSON.parse(readFileSync(join(dir, 'keys', 'group.json'), 'utf8')).keyId,
      ).code,
    ).toBe(0);
    const members = join(other, 'members.json');
    const token = credence(
      'keyserver',
      'credential',
      '--members',
      members,
      '--member',
      'bank-a',
    ).out.trim();
    const rogue = await keyserver(join(other, 'share-1.json'), members);
    const mixed = [
      { index: 1, url: rogue.url, token },
      ...servers.slice(1).map(({ index, url, token: t }) => ({ index, url, token: t })),
    ];
    const out = join(dir, 'tokens-rogue.jsonl');
    const r = credence('member', 'tokenize', '--in', RAW, '--out', out, '--config', config(mixed));
    expect(r.code).toBe(3);
    expect(r.err).toContain(`key server #1 (${rogue.url})`);
    expect(r.err).toContain('evaluated with a key other than its published share');
    // The others made up the threshold: the tokens are still the right ones.
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(dir, 'tokens.jsonl'), 'utf8'));
  });

  it('warns on every run, one line naming it, of a key server that refuses the credential', () => {
    const refusing = servers.map(({ index, url, token }) => ({
      index,
      url,
      token: index === 3 ? 'cks_revoked' : token,
    }));
    const file = config(refusing);
    for (const run of [1, 2]) {
      const out = join(dir, `tokens-refused-${run}.jsonl`);
      // No cache: each run asks the key servers (#1 and #2 evaluate; #3 is only checked).
      const r = credence(
        'member',
        'tokenize',
        '--in',
        RAW,
        '--out',
        out,
        '--config',
        file,
        '--no-cache',
      );
      expect(r.code, r.err).toBe(3);
      const warnings = r.err.split('\n').filter((l) => l.startsWith('warning:'));
      expect(warnings).toEqual([
        `warning: a key server refused the member's credential: key server #3 (${servers[2]?.url}) answered 401: ask its operator for a new credential (credence keyserver credential)`,
      ]);
      expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(dir, 'tokens.jsonl'), 'utf8'));
    }
  });

  it('goes on with two of three key servers', async () => {
    servers[0]?.child.kill('SIGTERM');
    await new Promise((r) => servers[0]?.child.once('exit', r));
    const out = join(dir, 'tokens-two.jsonl');
    const r = credence(
      'member',
      'tokenize',
      '--in',
      RAW,
      '--out',
      out,
      '--config',
      config(servers),
    );
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(dir, 'tokens.jsonl'), 'utf8'));
  });
});
