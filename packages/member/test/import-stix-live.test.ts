import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { normalizeIdentifier } from '@credence/core/identifiers/normalize';
import { serializeGroupKey } from '@credence/core/oprf/key-set';
import { loadRistretto255 } from '@credence/core/oprf/ristretto255';
import { generateEd25519 } from '@credence/core/signing/ed25519';
import type { TokenizedReport } from '@credence/core/wire/tokenized-records';
import type { Platform } from '@credence/platform/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkIdentifiers } from '../src/checks.js';
import { importStix } from '../src/import-stix.js';
import { MemberSession } from '../src/member-session.js';
import { type Cluster, startCluster } from './harness.js';
import { livePlatform } from './live-platform.js';

/**
 * `member import-stix` end to end: a STIX bundle of our own (fixtures/) converted at the
 * member, tokenized through three real key servers (2 of 3) and submitted to a real
 * platform by `member submit`'s code; imported again, every report is answered as already
 * there; the platform's database holds no raw value and no STIX id.
 */
const FIXTURE = resolve(import.meta.dirname, 'fixtures/stix-fraud-bundle.json');
const dir = mkdtempSync(join(tmpdir(), 'credence-import-stix-'));
const home = join(dir, 'bank-a');
let cluster: Cluster;
let platform: Platform;
let session: MemberSession;

beforeAll(async () => {
  cluster = await startCluster(await loadRistretto255());
  mkdirSync(join(dir, 'platform'));
  const live = await livePlatform(join(dir, 'platform'));
  platform = live.platform;
  const key = generateEd25519();
  const endpoint = await live.enrol('bank-a', 'bank', key.publicKey);
  mkdirSync(home);
  writeFileSync(join(home, 'signing-key.json'), JSON.stringify(key));
  writeFileSync(
    join(home, 'member.json'),
    JSON.stringify({
      memberId: 'bank-a',
      key: serializeGroupKey(cluster.set.group),
      keyServers: cluster.endpoints,
      platform: endpoint,
      signingKeyFile: 'signing-key.json',
    }),
  );
  session = await MemberSession.open(join(home, 'member.json'), { threads: 0 });
}, 60_000);

afterAll(async () => {
  await session?.close();
  await platform?.close();
  await cluster?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The files of one import run, in the member's folder. */
const run = (name: string) => ({
  input: FIXTURE,
  category: 'fake_customer_service' as const,
  raw: join(home, `${name}.raw.jsonl`),
  outcomes: join(home, `${name}.stix.jsonl`),
  tokens: join(home, `${name}.tokens.jsonl`),
  errors: join(home, `${name}.errors.jsonl`),
  results: join(home, `${name}.results.jsonl`),
});

const jsonLines = <T>(path: string): T[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as T);

/** The raw values of the fixture, and the STIX ids of what became reports. */
const RAW_VALUES = [
  'tuikuan-kefu',
  '2233 4455',
  '8613822334455',
  '5566 7788',
  '8613955667788',
  '0012 3456',
  '8613600123456',
  '45.77.12.34',
  '2a05:d014',
  'refund.desk',
];
const STIX_IDS = [
  '3c2f8e51-0a47-4d6b-b1e9-5f7a2c8d9e01',
  '8a41d6b2-7c3e-4f09-9a5d-1e2b3c4d5f60',
  'c5e7f9a1-2b4d-4e6f-8a0c-9d1e3f5a7b20',
  'd9f1a3c5-4e6b-4a8d-9c0e-2f4a6b8c0d40',
  '4d5e6f70-8192-4a3b-9c4d-5e6f708192a3',
  '6f708192-a3b4-4c5d-9e6f-708192a3b4c5',
];

describe('member import-stix against a real platform and key servers', () => {
  let firstRefs: string[] = [];

  it('imports the bundle: six reports, tokenized at the member, accepted with receipts', async () => {
    const files = run('first');
    const imported = await importStix(session, files);
    expect(imported.summary).toEqual({
      objects: 14,
      indicators: 7,
      observables: 3,
      reports: 6,
      taken: { url: 1, domain: 1, phone: 3, email: 1, ip: 2 },
      skipped: {
        'stix.operator': 1,
        'stix.cidr': 1,
        'stix.not_taken': 1,
        'stix.no_identifiers': 1,
        'stix.pattern_type': 1,
        'stix.time': 1,
        'stix.repeated': 1,
      },
    });
    expect(imported.submitted?.tokenized).toMatchObject({
      reports: 6,
      rejectedLines: 0,
      rejectedIdentifiers: 0,
    });
    expect(imported.submitted?.submitted).toMatchObject({ reports: 6, accepted: 6, duplicates: 0 });
    expect(imported.submitted?.submitted.receipts).toBeGreaterThan(0);

    const raw = jsonLines<{ ref: string; type: string; occurredAt: string }>(files.raw);
    firstRefs = raw.map((r) => r.ref);
    for (const r of raw) expect(r.ref).toMatch(/^stix:[0-9a-f]{32}$/);
    expect(raw.map((r) => [r.type, r.occurredAt])).toEqual([
      ['suspected', '2026-10-02T09:00:00Z'],
      ['suspected', '2026-10-03T10:30:00.000Z'],
      ['suspected', '2026-10-04T08:00:00Z'],
      ['suspected', '2026-10-05T00:00:00Z'],
      ['suspected', '2026-09-30T12:00:00.000Z'],
      ['suspected', '2026-10-07T00:00:00Z'],
    ]);

    // The tokens sent are the key servers' tokens of the normalized identifiers.
    const sent = jsonLines<TokenizedReport>(files.tokens);
    const phone = normalizeIdentifier('phone', '+86 138 2233 4455');
    const [phoneToken] = await session.tokenize([phone]);
    expect(sent[1]?.entities).toEqual([
      { role: 'caller', kind: 'phone', token: phoneToken, keyId: cluster.set.group.keyId },
    ]);
    // A URL brings its registrable domain, as any raw report's does.
    expect(sent[0]?.entities.map((e) => [e.role, e.kind])).toEqual([
      ['url', 'url'],
      ['url', 'domain'],
      ['url', 'domain'],
    ]);
  });

  it('lets the platform answer a check of an imported identifier', async () => {
    const [check] = await checkIdentifiers(session, [{ kind: 'phone', value: '13822334455' }]);
    expect(check?.answer.reports).toMatchObject({ suspected: 1 });
  });

  it('says what became of every indicator and observable, without a value', () => {
    const outcomes = jsonLines<{ id: string; refs: string[]; skipped: { code: string }[] }>(
      run('first').outcomes,
    );
    expect(
      outcomes.map((o) => [o.id.split('--')[0], o.refs.length, o.skipped.map((s) => s.code)]),
    ).toEqual([
      ['indicator', 1, []],
      ['indicator', 1, []],
      ['indicator', 1, []],
      ['indicator', 1, []],
      ['indicator', 0, ['stix.operator', 'stix.cidr', 'stix.not_taken', 'stix.no_identifiers']],
      ['indicator', 0, ['stix.pattern_type']],
      ['indicator', 0, ['stix.time']],
      ['x-misp-attribute', 1, []],
      ['ipv6-addr', 1, []],
      ['url', 0, ['stix.repeated']],
    ]);
    const text = readFileSync(run('first').outcomes, 'utf8');
    for (const value of RAW_VALUES) expect(text).not.toContain(value);
  });

  it('imports the same file again as the same refs, answered as already there', async () => {
    const files = run('second');
    const again = await importStix(session, files);
    expect(jsonLines<{ ref: string }>(files.raw).map((r) => r.ref)).toEqual(firstRefs);
    expect(again.submitted?.submitted).toMatchObject({ reports: 6, accepted: 0, duplicates: 6 });
  });

  it('sends nothing raw and no STIX id: the platform database holds neither', async () => {
    // Everything the platform stored, its write-ahead log included.
    const files = readdirSync(join(dir, 'platform')).filter((f) => f.startsWith('p.sqlite'));
    expect(files.length).toBeGreaterThan(0);
    const bytes = Buffer.concat(files.map((f) => readFileSync(join(dir, 'platform', f))));
    const text = bytes.toString('latin1');
    for (const value of [...RAW_VALUES, ...STIX_IDS]) expect(text, value).not.toContain(value);
    // The refs it holds are the member's keyed ones.
    expect(text).toContain(firstRefs[0]);
  });
});
