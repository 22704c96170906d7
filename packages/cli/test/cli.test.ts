import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnKeyserver } from '../src/commands/keyserver-process.js';

/** The real `credence` command, as a user runs it (built by `npm test`'s pretest). */
const BIN = resolve(import.meta.dirname, '../bin/credence.js');
const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'credence-cli-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Runs `credence` with more environment variables. */
function credenceWith(env: Record<string, string>, ...args: string[]) {
  // A command that never ends is killed after a minute (status null): a failure here.
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const credence = (...args: string[]) => credenceWith({}, ...args);

function digest(root: string): string {
  const hash = createHash('sha256');
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else hash.update(path.slice(root.length)).update(readFileSync(path));
    }
  };
  walk(root);
  return hash.digest('hex');
}

describe('credence sim', () => {
  it('writes the same bytes twice for the same seed', () => {
    const a = join(temp(), 'w');
    const b = join(temp(), 'w');
    const first = credence('sim', '--seed', '7', '--scale', '0.2', '--days', '60', '--out', a);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toContain('Rings:');
    expect(first.out).toContain('bank-a');
    expect(
      credence('sim', '--seed', '7', '--scale', '0.2', '--days', '60', '--out', b, '--quiet').code,
    ).toBe(0);
    expect(digest(a)).toBe(digest(b));
    expect(existsSync(join(a, 'truth.json'))).toBe(true);
    expect(existsSync(join(a, 'members', 'telecom-b', 'links.jsonl'))).toBe(true);
  });

  it('takes the make-up of the consortium', () => {
    const out = join(temp(), 'w');
    const r = credence(
      'sim',
      '--scale',
      '0.1',
      '--days',
      '40',
      '--banks',
      '1',
      '--payments',
      '1',
      '--telecoms',
      '1',
      '--internet',
      '1',
      '--police',
      '2',
      '--out',
      out,
      '--quiet',
    );
    expect(r.code, r.err).toBe(0);
    expect(readdirSync(join(out, 'members')).sort()).toEqual([
      'bank-a',
      'internet-a',
      'payment-a',
      'police-a',
      'police-b',
      'telecom-a',
    ]);
  });

  it('refuses bad options with exit code 2 and names the option', () => {
    const missing = credence('sim');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('--out');
    const scale = credence('sim', '--scale', '-1', '--out', join(temp(), 'w'));
    expect(scale.code).toBe(2);
    expect(scale.err).toContain('scale');
    const banks = credence('sim', '--banks', '0', '--payments', '0', '--out', join(temp(), 'w'));
    expect(banks.code).toBe(2);
    expect(banks.err).toContain('members.bank');
    const date = credence('sim', '--start', '2026-13-45', '--out', join(temp(), 'w'));
    expect(date.code).toBe(2);
    expect(date.err).toContain('start');
    const allow = credence('serve', '--webhook-allow', 'localhost', '--db', join(temp(), 'p'));
    expect(allow.code).toBe(2);
    expect(allow.err).toContain('--webhook-allow');
  });
});

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

describe('credence normalize', () => {
  it('prints the normalized identifier', () => {
    const r = credence('normalize', 'phone', '0086 138 0013 8000');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ kind: 'phone', value: '+8613800138000', derived: [] });
  });

  it('marks a number that is not valid for its country as unverified, and refuses a bad region', () => {
    const r = credence('normalize', 'phone', '95588');
    expect(JSON.parse(r.out)).toEqual({
      kind: 'phone',
      value: '+8695588',
      derived: [],
      unverified: true,
    });
    const bad = credence('normalize', 'phone', '95588', '--region', 'XX');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("option '--region <cc>' argument 'XX' is invalid");
  });

  it('explains a rejection by code, without echoing the value', () => {
    const r = credence('normalize', 'bank_card', '4111 1111 1111 1112');
    expect(r.code).toBe(1);
    expect(r.err).toContain('identifier.bank_card.checksum');
    expect(r.err).not.toContain('4111');
  });
});

describe('credence member validate', () => {
  const record = (fields: Record<string, unknown>) => JSON.stringify(fields);
  const report = {
    ref: 'r1',
    type: 'victim_report',
    category: 'fake_loan',
    occurredAt: '2026-11-20T10:12:00Z',
    entities: [{ role: 'caller', kind: 'phone', value: '+86 138 0013 8000' }],
  };
  const link = {
    link: 'call',
    from: { kind: 'phone', value: '+86 171 0023 4567' },
    to: { kind: 'phone', value: '13800138000' },
    at: '2026-11-19T23:59:59+08:00',
    count: 4,
  };

  it('counts a good file by type and kind, rejects nothing, and exits 0 without any config', () => {
    const dir = temp();
    const file = join(dir, 'raw.jsonl');
    writeFileSync(file, `${record(report)}\n${record(link)}\n${record(link)}\n`);
    const r = credence('member', 'validate', file);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('raw.jsonl: 3 lines: 1 reports (victim_report 1), 2 links (call 2).');
    expect(r.out).toContain('Identifiers kept: phone 5.');
    expect(r.out).toContain('Nothing rejected.');
  });

  it('lists every rejected line with the reason, and kept identifiers to look at, exiting 4', () => {
    const dir = temp();
    const file = join(dir, 'raw.jsonl');
    const lines = [
      record({ ...report, entities: [{ role: 'caller', kind: 'phone', value: '95588' }] }),
      record({ ...report, ref: 'r2', type: 'rumour', occurredAt: '9999-01-01T00:00:00Z' }),
      record({ ...link, to: { kind: 'phone', value: 'withheld' } }),
      '{"ref": broken',
      record({ ...link, from: { kind: 'phone', value: '17951 138 0013 8000' } }),
    ];
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = credence('member', 'validate', file);
    expect(r.code).toBe(4);
    expect(r.out).toContain('Rejected: 3 lines and 1 identifiers');
    expect(r.out).toContain('line 2 (ref r2): type record.enum: must be one of:');
    expect(r.out).toContain('line 2 (ref r2): occurredAt record.date_range');
    expect(r.out).toContain('line 3: to.value identifier.phone.unparseable');
    expect(r.out).toContain('line 4: (line) record.json');
    expect(r.out).toContain(
      'line 1: entities[0].value phone "95588" → +8695588: not a valid number of its country',
    );
    expect(r.out).toContain('line 5: from.value phone "17951 138 0013 8000" → +8613800138000');
    // A rejection names the field and the rule, never the value.
    expect(r.out).not.toContain('withheld');
    const json = JSON.parse(credence('member', 'validate', file, '--json').out) as {
      rejections: unknown[];
      surprises: { value: string }[];
    };
    expect(json.rejections).toHaveLength(4);
    expect(json.surprises.map((s) => s.value)).toEqual(['+8695588', '+8613800138000']);
  });

  it('reads CSV by its header, and says when the file is missing', () => {
    const dir = temp();
    const file = join(dir, 'raw.csv');
    writeFileSync(
      file,
      'ref,type,category,occurredAt,entities.0.role,entities.0.kind,entities.0.value\nr1,suspected,other,2026-11-20T10:12:00Z,caller,phone,95588\n',
    );
    const r = credence('member', 'validate', file);
    expect(r.out).toContain('raw.csv: 1 lines: 1 reports (suspected 1), 0 links.');
    expect(r.code).toBe(0);
    const missing = credence('member', 'validate', join(dir, 'nope.jsonl'));
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('nope.jsonl');
  });
});

describe('credence start', () => {
  it('writes the demo consortium, submits it through the member side to the platform and says where to look', () => {
    const data = temp();
    // Progress lines at every step (stderr is not a terminal here).
    const r = credenceWith(
      { CREDENCE_PROGRESS_SECONDS: '0' },
      'start',
      '--data',
      data,
      '--exit',
      '--scale',
      '0.05',
      '--port-base',
      '17101',
      '--port',
      '0',
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Where to look');
    // The long part says how far it is, ending with every line of every member's files.
    const submitting = r.err.split('\n').filter((l) => l.startsWith('tokenizing and submitting: '));
    expect(submitting.length).toBeGreaterThan(2);
    expect(submitting.at(-1)).toMatch(
      /^tokenizing and submitting: ([\d,]+) of \1 lines \([\d,]+\/s, about 0 s left\); \S+ links$/,
    );
    expect(r.out).toMatch(
      /[\d,]+ distinct tokens; [\d,]+ of them appear in the data of two or more members/,
    );
    expect(r.out).toMatch(/Platform \(SQLite, .*platform\.sqlite\): http:\/\/127\.0\.0\.1:\d+/);
    expect(r.out).toMatch(/[\d,]+ tokens are flagged by reports; [\d,]+ alerts went to members/);
    expect(r.out).toMatch(/member check --config .*bank-a\/member\.json --kind \w+ \S+ +# fraud/);
    expect(r.out).toMatch(
      /Joint analysis: [\d,]+ tokens and [\d,]+ edges from every member's data → [\d,]+ rings/,
    );
    expect(r.out).toMatch(/Campaigns: [\d,]+ scripts told to victims at several members/);
    // What left the members of their narratives, as it is: two shared them masked.
    expect(r.out).toContain(
      'bank-b and internet-a opted to share their narratives masked (numbers, links, addresses and handles replaced, as the scripts below show); the other 6 members sent fingerprints only, and no raw narrative left any member.',
    );
    expect(r.out).not.toContain('the narratives never left the members');
    expect(existsSync(join(data, 'demo', 'truth.json'))).toBe(true);
    expect(existsSync(join(data, 'members', 'bank-a', 'tokens', 'reports.jsonl'))).toBe(true);
    expect(existsSync(join(data, 'members', 'bank-a', 'tokens', 'reports.results.jsonl'))).toBe(
      true,
    );
    // Each key server, bound to its share, had its counts logged as that share, and
    // none refused.
    const db = new Database(join(data, 'platform.sqlite'), { readonly: true });
    try {
      const rows = db
        .prepare('SELECT DISTINCT reporter, share_index FROM oprf_usage ORDER BY reporter')
        .all() as { reporter: string; share_index: number }[];
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) expect(r.reporter).toBe(`keyserver-${r.share_index}`);
    } finally {
      db.close();
    }
    for (const index of [1, 2, 3])
      expect(readFileSync(join(data, 'logs', `keyserver-${index}.log`), 'utf8')).not.toContain(
        'the platform refused the usage report',
      );
  });
});

describe('credence eval', () => {
  it('runs the whole pipeline on a world and holds it against the truth', () => {
    const world = join(temp(), 'w');
    expect(
      credence('sim', '--seed', '3', '--scale', '0.1', '--days', '90', '--out', world, '--quiet')
        .code,
    ).toBe(0);
    const r = credence('eval', '--world', world, '--json');
    expect(r.code, r.err).toBe(0);
    const report = JSON.parse(r.out) as {
      rings: {
        found: number;
        truth: number;
        f1: number;
        matchedFound: number;
        matchedTrue: number;
        misses: Record<'fragments' | 'mixtures' | 'outside' | 'untouched' | 'touched', number>;
      };
      namedRings: { truth: number; matched: number; untouched: number };
      tokens: { precision: number; recall: number; unreported: number };
      lift: { lift: number; allMembers: number; bestSingle: number };
      campaigns: { found: number; reports: number; purity: number; adjustedRandIndex: number };
      inProcessRings: number;
    };
    const truth = JSON.parse(readFileSync(join(world, 'truth.json'), 'utf8')) as {
      rings: unknown[];
      campaigns: unknown[];
    };
    expect(report.rings.truth).toBe(truth.rings.length);
    expect(report.rings.found).toBeGreaterThan(0);
    // The platform and the same algorithm run in-process on the members' files agree.
    expect(report.inProcessRings).toBe(report.rings.found);
    // Every miss is said once: each unmatched found ring, each unmatched true ring.
    const { misses } = report.rings;
    expect(misses.fragments + misses.mixtures + misses.outside).toBe(
      report.rings.found - report.rings.matchedFound,
    );
    expect(misses.untouched + misses.touched).toBe(report.rings.truth - report.rings.matchedTrue);
    expect(report.namedRings.untouched).toBeLessThanOrEqual(
      report.namedRings.truth - report.namedRings.matched,
    );
    for (const x of [
      report.rings.f1,
      report.tokens.precision,
      report.tokens.recall,
      report.campaigns.purity,
    ]) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(1);
    }
    expect(report.lift.allMembers).toBeGreaterThanOrEqual(report.lift.bestSingle);
    expect(report.campaigns.found).toBeGreaterThan(0);
    expect(report.campaigns.reports).toBeGreaterThan(0);
    const table = credence('eval', '--world', join(temp(), 'nothing'));
    expect(table.code).toBe(1);
    expect(table.err).toContain('truth.json');
  }, 180_000);
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
