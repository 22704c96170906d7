import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ServiceProcess, spawnService } from '../src/commands/service-process.js';

/**
 * Credence between institutions (issue 13 §5): three key servers and the platform each
 * started from a configuration file and serving HTTPS with certificates of a private CA
 * (test fixtures, packages/server-kit/test-data/tls), and a member that trusts that CA and
 * no other, from enrolment to a check. Real processes over loopback.
 */
const BIN = resolve(import.meta.dirname, '../bin/credence.js');
const TLS = resolve(import.meta.dirname, '../../server-kit/test-data/tls');

function credence(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The serial number of the certificate a TLS server presents now. */
function presentedSerial(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((done, fail) => {
    const socket = connect(
      { host: hostname, port: Number(port), ca: readFileSync(join(TLS, 'ca.pem')) },
      () => {
        done(socket.getPeerX509Certificate()?.serialNumber ?? '');
        socket.end();
      },
    );
    socket.once('error', fail);
  });
}

// One deployment for every test below: three key servers and the platform, started once.
const dir = mkdtempSync(join(tmpdir(), 'credence-deploy-'));
const keyservers: ServiceProcess[] = [];
let platform: ServiceProcess | undefined;
let platformSaid = '';
const enrolments: string[] = [];
const platformEnrolment = join(dir, 'to-member', 'platform.json');

/** A server's folder as its operator keeps it: its certificate, its key, its config. */
const serverFolder = (name: string, config: Record<string, unknown>) => {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  copyFileSync(join(TLS, 'server.pem'), join(folder, 'cert.pem'));
  copyFileSync(join(TLS, 'server-key.pem'), join(folder, 'key.pem'));
  writeFileSync(
    join(folder, 'config.json'),
    JSON.stringify({
      'tls-cert': 'cert.pem',
      'tls-key': 'key.pem',
      'log-level': 'warn',
      ...config,
    }),
  );
  return join(folder, 'config.json');
};

beforeAll(async () => {
  expect(credence('keys', 'init', '--out', join(dir, 'keys')).code).toBe(0);
  for (const i of [1, 2, 3]) {
    // A members file with another member in it; bank-t's credential comes once the key
    // server runs and its address is known (a running key server reads the file again).
    const members = join(dir, 'keys', `members-${i}.json`);
    expect(
      credence('keyserver', 'credential', '--members', members, '--member', 'bank-a').code,
    ).toBe(0);
    // Relative paths in a config file are relative to its folder; --port on the command
    // line wins over the file's.
    const config = serverFolder(`keyserver-${i}`, {
      share: `../keys/share-${i}.json`,
      members: `../keys/members-${i}.json`,
      state: 'usage.json',
      port: 1,
    });
    keyservers.push(
      await spawnService(`key server ${i}`, ['keyserver', '--config', config, '--port', '0']),
    );
  }
  expect(credence('store', 'init', '--db', join(dir, 'platform.sqlite')).code).toBe(0);
  const config = serverFolder('platform', {
    db: '../platform.sqlite',
    key: 'platform-key.json',
    port: 0,
  });
  platform = await spawnService('platform', ['serve', '--config', config]);
  platform.child.stderr?.on('data', (chunk: Buffer) => {
    platformSaid += chunk.toString();
  });
  for (const [i, k] of keyservers.entries()) {
    const file = join(dir, 'to-member', `keyserver-${i + 1}.json`);
    const r = credence(
      'keyserver',
      'credential',
      '--members',
      join(dir, 'keys', `members-${i + 1}.json`),
      '--member',
      'bank-t',
      '--enrol-out',
      file,
      '--url',
      k.url,
    );
    expect(r.code, r.err).toBe(0);
    enrolments.push(file);
  }
  const added = credence(
    'members',
    'add',
    'bank-t',
    '--type',
    'bank',
    '--db',
    join(dir, 'platform.sqlite'),
    '--enrol-out',
    platformEnrolment,
    '--url',
    platform.url,
    '--key',
    join(dir, 'platform', 'platform-key.json'),
  );
  expect(added.code, added.err).toBe(0);
}, 120_000);

afterAll(async () => {
  await platform?.stop();
  await Promise.all(keyservers.map((k) => k.stop()));
  rmSync(dir, { recursive: true, force: true });
});

const init = (folder: string, ...more: string[]) =>
  credence(
    'member',
    'init',
    '--out',
    folder,
    '--group',
    join(dir, 'keys', 'group.json'),
    ...[...enrolments, platformEnrolment].flatMap((f) => ['--enrol', f]),
    ...more,
  );

describe('Credence between institutions: HTTPS from configuration files', () => {
  it('serves HTTPS from the configuration files, with the command line winning over them', () => {
    for (const server of [...keyservers, platform as ServiceProcess]) {
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(server.url).not.toMatch(/:1$/); // the file said port 1, the command line 0
    }
    expect(existsSync(join(dir, 'platform', 'platform-key.json'))).toBe(true);
    expect(existsSync(join(dir, 'platform.sqlite'))).toBe(true);
  });
});

describe('Credence between institutions: a member and the CA it trusts', () => {
  it('refuses servers whose certificate chains to a CA the member does not trust, and writes nothing', () => {
    for (const ca of [[], ['--ca', join(TLS, 'other-ca.pem')]]) {
      const folder = join(dir, `untrusting-${ca.length}`);
      const r = init(folder, ...ca);
      expect(r.code).toBe(1);
      expect(r.err).toContain('nothing written');
      expect(r.err).toContain('signed by an authority this member does not trust');
      expect(existsSync(folder)).toBe(false);
    }
    // A server certificate is not an authority: said as the file is read.
    const notCa = init(join(dir, 'not-a-ca'), '--ca', join(TLS, 'server.pem'));
    expect(notCa.code).toBe(1);
    expect(notCa.err).toContain("is not a CA's");
  });

  it('takes a member that trusts the consortium CA from enrolment to a check over HTTPS', async () => {
    const folder = join(dir, 'bank-t');
    const made = init(folder, '--ca', join(TLS, 'ca.pem'));
    expect(made.code, made.err).toBe(0);
    expect(made.err).toContain('registered with the platform');
    const config = JSON.parse(readFileSync(join(folder, 'member.json'), 'utf8')) as {
      caFile: string;
      keyServers: { url: string }[];
    };
    expect(config.caFile).toBe('ca.pem');
    expect(config.keyServers.every((k) => k.url.startsWith('https://'))).toBe(true);
    expect(new X509Certificate(readFileSync(join(folder, 'ca.pem'))).ca).toBe(true);
    const memberJson = join(folder, 'member.json');
    await vi.waitFor(
      () => {
        const doctor = credence('member', 'doctor', '--config', memberJson);
        expect(doctor.out).toContain('Everything works.');
        expect(doctor.code, doctor.out).toBe(0);
      },
      { timeout: 15_000, interval: 1000 },
    );
    const raw = join(folder, 'reports.jsonl');
    writeFileSync(
      raw,
      `${JSON.stringify({
        ref: 'case-1',
        type: 'confirmed_fraud',
        category: 'fake_investment',
        occurredAt: new Date(Date.now() - 86_400_000).toISOString(),
        entities: [{ role: 'caller', kind: 'phone', value: '+8613800138000' }],
      })}\n`,
    );
    const submitted = credence('member', 'submit', raw, '--config', memberJson);
    expect(submitted.code, submitted.err + submitted.out).toBe(0);
    const checked = credence(
      'member',
      'check',
      '--kind',
      'phone',
      '+86 138 0013 8000',
      '--config',
      memberJson,
    );
    expect(checked.code, checked.err).toBe(0);
    expect(checked.out).toContain('phone +8613800138000: SUSPICIOUS');
    expect(checked.out).toContain('reported by 1 member: confirmed_fraud 1');

    // The commands that read member.json for the platform alone (rings, audit, witness)
    // trust its caFile too.
    const rings = credence('rings', '--config', memberJson, '--json');
    expect(rings.code, rings.err).toBe(0);
    expect(JSON.parse(rings.out)).toHaveProperty('rings');

    // A credential the member renews is checked against the log over the same HTTPS, the
    // CA included (the receipt is read with the new credential).
    const before = (
      JSON.parse(readFileSync(memberJson, 'utf8')) as { platform: { credential: string } }
    ).platform.credential;
    const renewed = credence('member', 'credential', 'renew', '--config', memberJson);
    expect(renewed.code, renewed.err).toBe(0);
    const after = (
      JSON.parse(readFileSync(memberJson, 'utf8')) as { platform: { credential: string } }
    ).platform.credential;
    expect(after).not.toBe(before);
    expect(
      credence('member', 'check', '--kind', 'phone', '+8613800138000', '--config', memberJson).code,
    ).toBe(0);

    // Without the CA the same member.json cannot reach anyone, and says why.
    const distrusting = JSON.parse(readFileSync(memberJson, 'utf8')) as Record<string, unknown>;
    delete distrusting.caFile;
    writeFileSync(join(folder, 'distrusting.json'), JSON.stringify(distrusting));
    const doctor = credence('member', 'doctor', '--config', join(folder, 'distrusting.json'));
    expect(doctor.code).toBe(1);
    const blind = credence('rings', '--config', join(folder, 'distrusting.json'));
    expect(blind.code).toBe(1);
    expect(blind.err).toContain('signed by an authority this member does not trust');
    expect(doctor.out).toMatch(
      /FAIL {2}key server #1 \([^)]*\): cannot be reached \(its certificate is signed by an authority this member does not trust/,
    );
  }, 120_000);
});

describe('Credence between institutions: the operator at work while the platform runs', () => {
  it('takes a witness the operator registers while the platform runs, with no restart', () => {
    const memberJson = join(dir, 'bank-t', 'member.json'); // made by the test above
    const logKey = (
      JSON.parse(readFileSync(memberJson, 'utf8')) as { platform: { logKey: string } }
    ).platform.logKey;
    const witness = () =>
      credence(
        'witness',
        '--config',
        memberJson,
        '--log-key',
        logKey,
        '--name',
        'witness.example/w1',
        '--key',
        join(dir, 'witness-key.json'),
        '--once',
      );
    const before = witness();
    expect(before.code).toBe(1);
    expect(before.err).toContain('log.witness_unknown');
    const vkey = /^witness (\S+)$/m.exec(before.out)?.[1] as string;
    expect(vkey).toMatch(/^witness\.example\/w1\+/);
    const db = join(dir, 'platform.sqlite');
    const added = credence('witnesses', 'add', vkey, '--db', db);
    expect(added.code, added.err).toBe(0);
    expect(added.err).toContain('registered: the log collects its cosignatures now');
    expect(credence('witnesses', 'list', '--db', db).out.trim()).toBe(vkey);
    const after = witness();
    expect(after.code, after.err).toBe(0);
    expect(after.out).toMatch(/cosigned the checkpoint of size \d+/);
    // A key that is not one is a usage error; removing one not registered says so.
    expect(credence('witnesses', 'add', 'not-a-key', '--db', db).code).toBe(2);
    expect(credence('witnesses', 'remove', vkey, '--db', db).code).toBe(0);
    const again = credence('witnesses', 'remove', vkey, '--db', db);
    expect(again.code).toBe(1);
    expect(again.err).toContain('is not registered');
  });

  it('reads a renewed certificate on SIGHUP, and keeps the old one when the new files are wrong', async () => {
    const url = (platform as ServiceProcess).url;
    expect(await presentedSerial(url)).toBe('03E9'); // 1001
    const folder = join(dir, 'platform');
    copyFileSync(join(TLS, 'server-renewed.pem'), join(folder, 'cert.pem'));
    copyFileSync(join(TLS, 'server-renewed-key.pem'), join(folder, 'key.pem'));
    platform?.child.kill('SIGHUP');
    await vi.waitFor(() => expect(platformSaid).toContain('TLS certificate and key read again'));
    expect(await presentedSerial(url)).toBe('03EA'); // 1002
    // A certificate that is not the key's: not taken, the renewed one still serves.
    copyFileSync(join(TLS, 'server.pem'), join(folder, 'cert.pem'));
    platform?.child.kill('SIGHUP');
    await vi.waitFor(() =>
      expect(platformSaid).toContain('not reloaded, the old ones still serve'),
    );
    expect(platformSaid).toContain('is not the key of the certificate');
    expect(await presentedSerial(url)).toBe('03EA');
  });
});
