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
import { join } from 'node:path';
import { scriptFingerprint } from '@credence/core/narrative/fingerprint';
import { maskNarrative } from '@credence/core/narrative/mask';
import { loadRistretto255, type Ristretto255 } from '@credence/core/oprf/ristretto255';
import { generateSealingKeys } from '@credence/core/sealing/hpke';
import {
  DetailSealer,
  detailBinding,
  detailKey,
  openDetail,
  openDetailFile,
  openWithKey,
  type SealedDetail,
} from '@credence/core/sealing/sealed-detail';
import type { TokenizedReport } from '@credence/core/wire/tokenized-records';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Sealer } from '../src/repeatable-sealer.js';
import { ThresholdOprfClient } from '../src/threshold-client.js';
import { MemoryTokenCache, SqliteTokenCache, type TokenCache } from '../src/token-cache.js';
import { tokenizeFile } from '../src/tokenize-file.js';
import { Tokenizer } from '../src/tokenizer.js';
import { validateFile } from '../src/validate-file.js';
import { type Cluster, startCluster } from './harness.js';

let group: Ristretto255;
let c: Cluster;
const dirs: string[] = [];
beforeAll(async () => {
  group = await loadRistretto255();
  c = await startCluster(group);
});
afterAll(async () => {
  await c.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const caches: TokenCache[] = [];
afterEach(() => {
  for (const cache of caches.splice(0)) cache.close();
});

const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'credence-member-'));
  dirs.push(d);
  return d;
};

function tokenizer(cache: TokenCache = new MemoryTokenCache()): Tokenizer {
  caches.push(cache);
  const client = new ThresholdOprfClient({ group, key: c.set.group, servers: c.endpoints });
  return new Tokenizer({ client, cache, batchSize: 2, concurrency: 2 });
}

/** Raw values planted in the input: none may reach the output or the errors file. */
const RAW = [
  '13800138000',
  '8000',
  '6222021234567890128',
  '6222 0212',
  'xinsheng-vip.top',
  'wxid_abc',
  'the caller said',
  '52000',
  '1380013800',
  '4111111111111112',
];

const REPORTS = [
  {
    ref: 'bank-a-0000001',
    type: 'victim_report',
    category: 'impersonate_authority',
    occurredAt: '2026-11-20T10:12:00Z',
    lossCny: 52000,
    entities: [
      { role: 'caller', kind: 'phone', value: '+86 138-0013-8000' },
      { role: 'beneficiary_account', kind: 'bank_card', value: '6222 0212 3456 7890 128' },
      { role: 'url', kind: 'url', value: 'http://www.xinsheng-vip.top/login' },
      { role: 'contact', kind: 'im_account', value: '微信：wxid_abc' },
      { role: 'caller', kind: 'phone', value: 'withheld' },
    ],
    narrative: 'the caller said he was from the police',
  },
  {
    ref: 'bank-a-0000002',
    type: 'suspected',
    category: 'other',
    occurredAt: '2026-11-21T00:00:00Z',
    entities: [{ role: 'beneficiary_account', kind: 'bank_card', value: '4111111111111112' }],
  },
  {
    ref: 'bank-a-0000003',
    type: 'nonsense',
    category: 'other',
    occurredAt: 'yesterday',
    entities: [],
  },
];
const LINKS = [
  {
    link: 'call',
    from: { kind: 'phone', value: '0086 138 0013 8000' },
    to: { kind: 'phone', value: '13912345678' },
    at: '2026-11-20T10:00:00Z',
    count: 2,
  },
  {
    link: 'transfer',
    from: { kind: 'bank_card', value: '6222021234567890128' },
    to: { kind: 'bank_card', value: '4111111111111112' },
    at: '2026-11-20T11:00:00Z',
    count: 1,
    amountCny: 52000,
  },
];

function writeJsonl(dir: string): string {
  const path = join(dir, 'raw.jsonl');
  writeFileSync(
    path,
    `${[...REPORTS, ...LINKS].map((r) => JSON.stringify(r)).join('\n')}\n{not json\n\n`,
  );
  return path;
}

const readLines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('tokenizeFile: the tokenized output', () => {
  it('writes the tokenized SPEC §5 format: tokens and key ids, bands, no narrative', async () => {
    const dir = temp();
    const progress = await tokenizeFile({
      input: writeJsonl(dir),
      output: join(dir, 'out.jsonl'),
      errors: join(dir, 'err.jsonl'),
      tokenizer: tokenizer(),
    });
    expect(progress).toMatchObject({
      lines: 6,
      reports: 1,
      links: 1,
      rejectedLines: 4,
      rejectedIdentifiers: 3,
    });
    const [report, link] = readLines(join(dir, 'out.jsonl')) as [
      Record<string, unknown>,
      Record<string, unknown>,
    ];
    expect(Object.keys(report).sort()).toEqual([
      'category',
      'entities',
      'fingerprint',
      'loss',
      'occurredAt',
      'ref',
      'type',
    ]);
    // The narrative leaves as its script's fingerprint only (no opt-in: no masked text).
    expect(report.fingerprint).toBe(
      scriptFingerprint(maskNarrative('the caller said he was from the police')),
    );
    expect(report.loss).toBe('10k-100k');
    const entities = report.entities as {
      role: string;
      kind: string;
      token: string;
      keyId: string;
    }[];
    // The url also yields its registrable domain, with the same role.
    expect(entities.map((e) => `${e.role}/${e.kind}`)).toEqual([
      'caller/phone',
      'beneficiary_account/bank_card',
      'url/url',
      'url/domain',
      'contact/im_account',
    ]);
    for (const e of entities) {
      expect(Object.keys(e).sort()).toEqual(['keyId', 'kind', 'role', 'token']);
      expect(e.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(e.keyId).toBe('k-test');
    }
    // One number written two ways is one token; the card too.
    const linkFrom = (link.from as { token: string }).token;
    expect(linkFrom).toBe(entities[0]?.token);
    expect(link).toMatchObject({ link: 'call', at: '2026-11-20T10:00:00Z', count: 2 });
    expect(link.amount).toBeUndefined();
  });

  it('lets no raw value, narrative or amount through to the output or the errors', async () => {
    const dir = temp();
    await tokenizeFile({
      input: writeJsonl(dir),
      output: join(dir, 'out.jsonl'),
      errors: join(dir, 'err.jsonl'),
      tokenizer: tokenizer(),
    });
    const written =
      readFileSync(join(dir, 'out.jsonl'), 'utf8') + readFileSync(join(dir, 'err.jsonl'), 'utf8');
    for (const raw of RAW) expect(written).not.toContain(raw);
  });

  it('sends the masked narrative only where the member opts in, per report or for the file', async () => {
    const dir = temp();
    const narrative = '收款人叫曹博秀，账户6211-7414-4831-0180-288，转了¥6300';
    const lines = [
      { ...(REPORTS[0] as object), ref: 'r1', narrative, shareScript: true },
      { ...(REPORTS[0] as object), ref: 'r2', narrative },
      { ...(REPORTS[0] as object), ref: 'r3', narrative, shareScript: false },
    ];
    writeFileSync(join(dir, 'raw.jsonl'), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const scripts = async (shareScripts: boolean) => {
      await tokenizeFile({
        input: join(dir, 'raw.jsonl'),
        output: join(dir, 'out.jsonl'),
        errors: join(dir, 'err.jsonl'),
        tokenizer: tokenizer(),
        shareScripts,
      });
      return readLines(join(dir, 'out.jsonl')).map((r) => r.script);
    };
    const masked = '收款人叫⟨NAME⟩,账户⟨CARD⟩,转了⟨AMOUNT⟩';
    expect(await scripts(false)).toEqual([masked, undefined, undefined]);
    expect(await scripts(true)).toEqual([masked, masked, undefined]);
    const written = readFileSync(join(dir, 'out.jsonl'), 'utf8');
    for (const raw of ['曹博秀', '6211', '6300']) expect(written).not.toContain(raw);
  });
});

/** A sealer of one run, remembering nothing (RepeatableSealer remembers across runs). */
const runSealer = async (publicKey: string): Promise<Sealer> => {
  const sealer = await DetailSealer.create(publicKey);
  return { seal: (binding, detail, files) => sealer.sealWithFiles(binding, detail, files ?? []) };
};

describe('tokenizeFile: regions', () => {
  it('keeps a given region, derives one from a fixed-line victim when asked, and refuses a malformed one', async () => {
    const dir = temp();
    const base = {
      type: 'victim_report',
      category: 'fake_loan',
      occurredAt: '2026-11-20T10:00:00Z',
    };
    const caller = { role: 'caller', kind: 'phone', value: '+86 171 0023 4567' };
    const victim = (value: string) => ({ role: 'victim', kind: 'phone', value });
    const lines = [
      // Given: kept, whatever the victim's number says.
      { ...base, ref: 'given', region: 'CN-SC', entities: [caller, victim('020 8888 1234')] },
      // A Guangzhou landline (020) and a Beijing one written with the country code.
      { ...base, ref: 'gz', entities: [caller, victim('020 8888 1234')] },
      { ...base, ref: 'bj', entities: [victim('+86 10 6552 9988'), caller] },
      // A mobile victim, a landline caller (not the victim's), no victim: unknown.
      { ...base, ref: 'mobile', entities: [caller, victim('138 0013 8000')] },
      { ...base, ref: 'caller', entities: [{ ...caller, value: '020 8888 1234' }] },
      // Not ISO 3166-2 (or not a province): the line is refused, naming the field.
      { ...base, ref: 'bad', region: 'CN-XX', entities: [caller] },
    ];
    const input = join(dir, 'regions.jsonl');
    writeFileSync(input, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const regionsOf = async (regionFromPhone: boolean) => {
      const output = join(dir, `out-${regionFromPhone}.jsonl`);
      const progress = await tokenizeFile({
        input,
        output,
        errors: join(dir, 'err.jsonl'),
        tokenizer: tokenizer(),
        regionFromPhone,
      });
      expect(progress).toMatchObject({ reports: 5, rejectedLines: 1 });
      return Object.fromEntries(readLines(output).map((r) => [r.ref, r.region ?? null]));
    };
    // Unless the member asks, only the region it wrote leaves.
    expect(await regionsOf(false)).toEqual({
      given: 'CN-SC',
      gz: null,
      bj: null,
      mobile: null,
      caller: null,
    });
    const regions = await regionsOf(true);
    expect(regions).toEqual({
      given: 'CN-SC',
      gz: 'CN-GD',
      bj: 'CN-BJ',
      mobile: null,
      caller: null,
    });
    const [error] = readLines(join(dir, 'err.jsonl'));
    expect(error).toMatchObject({ line: 6, ref: 'bad', field: 'region', code: 'record.region' });
  });
});

describe('tokenizeFile: sealed details', () => {
  it("seals each report's narrative and exact loss to the member's key, bound to the report", async () => {
    const dir = temp();
    const keys = await generateSealingKeys();
    const narrative = 'the caller said he was from the city police, and I paid 52000';
    const { narrative: _n, lossCny: _l, ...bare } = REPORTS[0] as Record<string, unknown>;
    const lines = [
      { ...bare, ref: 'r1', narrative, lossCny: 52000 },
      { ...bare, ref: 'r2' },
    ];
    writeFileSync(join(dir, 'raw.jsonl'), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    await tokenizeFile({
      input: join(dir, 'raw.jsonl'),
      output: join(dir, 'out.jsonl'),
      errors: join(dir, 'err.jsonl'),
      tokenizer: tokenizer(),
      sealer: await runSealer(keys.publicKey),
    });
    const [sealed, plain] = readLines(join(dir, 'out.jsonl'));
    expect(plain?.sealed).toBeUndefined();
    const report = sealed as unknown as TokenizedReport;
    const binding = detailBinding({ ...report, occurredAt: Date.parse(report.occurredAt) });
    expect(await openDetail(keys.privateKey, binding, report.sealed as SealedDetail)).toEqual({
      narrative,
      lossCny: 52000,
    });
    const written = readFileSync(join(dir, 'out.jsonl'), 'utf8');
    for (const raw of ['the caller said', '52000']) expect(written).not.toContain(raw);
  });

  it('seals evidence files beside the output, and rejects a line whose file cannot be read', async () => {
    const dir = temp();
    const keys = await generateSealingKeys();
    mkdirSync(join(dir, 'evidence'));
    const screenshot = Buffer.from('PNG 聊天截图：对方要求转账到安全账户 6222021234567890128');
    writeFileSync(join(dir, 'evidence', 'chat 1.png'), screenshot);
    const { narrative: _n, lossCny: _l, ...bare } = REPORTS[0] as Record<string, unknown>;
    const lines = [
      { ...bare, ref: 'f1', narrative: 'a chat', evidence: [{ file: 'evidence/chat 1.png' }] },
      { ...bare, ref: 'f2', evidence: [{ file: 'evidence/missing.m4a' }] },
      { ...bare, ref: 'f3', evidence: [{ file: '../outside.png' }] },
    ];
    writeFileSync(join(dir, 'raw.jsonl'), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const progress = await tokenizeFile({
      input: join(dir, 'raw.jsonl'),
      output: join(dir, 'out.jsonl'),
      errors: join(dir, 'err.jsonl'),
      tokenizer: tokenizer(),
      sealer: await runSealer(keys.publicKey),
    });
    expect(progress.rejectedLines).toBe(2);
    const errors = readLines(join(dir, 'err.jsonl')).filter((e) => e.code === 'record.evidence');
    expect(errors).toEqual([
      expect.objectContaining({ line: 2, field: 'evidence[0].file', code: 'record.evidence' }),
      expect.objectContaining({ line: 3, code: 'record.evidence' }),
    ]);
    // member validate says the same of the file.
    const validated = await validateFile({ input: join(dir, 'raw.jsonl') });
    expect(validated.rejectedLines).toBe(2);
    expect(validated.rejections.filter((e) => e.code === 'record.evidence')).toEqual(
      errors.map((e) => expect.objectContaining({ line: e.line, field: e.field, code: e.code })),
    );
    const [line] = readLines(join(dir, 'out.jsonl'));
    const report = line as unknown as TokenizedReport;
    const sealed = report.sealed as SealedDetail;
    const binding = detailBinding({ ...report, occurredAt: Date.parse(report.occurredAt) });
    const key = await detailKey(keys.privateKey, binding, sealed);
    const detail = await openWithKey(key, binding, sealed);
    expect(detail.files).toEqual([
      expect.objectContaining({
        name: 'chat 1.png',
        mediaType: 'image/png',
        size: screenshot.length,
      }),
    ]);
    const kept = readdirSync(join(dir, 'out.jsonl.files'));
    expect(kept).toEqual([sealed.files?.[0]?.sha256]);
    const ciphertext = readFileSync(join(dir, 'out.jsonl.files', kept[0] as string));
    expect(await openDetailFile(key, binding, sealed, detail, 0, ciphertext)).toEqual(
      new Uint8Array(screenshot),
    );
    expect(ciphertext.includes(Buffer.from('6222021234567890128'))).toBe(false);
    expect(readFileSync(join(dir, 'out.jsonl'), 'utf8')).not.toContain('chat 1.png');
  });
});

describe('tokenizeFile: the lines and identifiers it rejects', () => {
  it('reports each bad line and identifier with its line, field and reason, and goes on', async () => {
    const dir = temp();
    await tokenizeFile({
      input: writeJsonl(dir),
      output: join(dir, 'out.jsonl'),
      errors: join(dir, 'err.jsonl'),
      tokenizer: tokenizer(),
    });
    const errors = readLines(join(dir, 'err.jsonl'));
    expect(errors).toContainEqual(
      expect.objectContaining({
        line: 1,
        ref: 'bank-a-0000001',
        field: 'entities[4].value',
        code: 'identifier.phone.unparseable',
      }),
    );
    expect(errors).toContainEqual(
      expect.objectContaining({
        line: 2,
        ref: 'bank-a-0000002',
        field: 'entities[0].value',
        code: 'identifier.bank_card.checksum',
      }),
    );
    expect(errors).toContainEqual(
      expect.objectContaining({ line: 2, field: 'entities', code: 'record.no_valid_entities' }),
    );
    expect(errors).toContainEqual(
      expect.objectContaining({ line: 3, field: 'type', code: 'record.enum' }),
    );
    expect(errors).toContainEqual(
      expect.objectContaining({ line: 3, field: 'occurredAt', code: 'record.date_time' }),
    );
    expect(errors).toContainEqual(
      expect.objectContaining({
        line: 5,
        field: 'to.value',
        code: 'identifier.bank_card.checksum',
      }),
    );
    expect(errors).toContainEqual(
      expect.objectContaining({ line: 6, field: '(line)', code: 'record.json' }),
    );
  });

  it('is checked exactly as `member validate` checks it: the same counts and the same errors', async () => {
    const dir = temp();
    const input = writeJsonl(dir);
    const progress = await tokenizeFile({
      input,
      output: join(dir, 'out.jsonl'),
      errors: join(dir, 'err.jsonl'),
      tokenizer: tokenizer(),
    });
    const validation = await validateFile({ input });
    const sum = (counts: Readonly<Record<string, number>>) =>
      Object.values(counts).reduce((a, b) => a + b, 0);
    expect(progress.rejectedLines).toBeGreaterThan(0);
    expect(validation).toMatchObject({
      lines: progress.lines,
      rejectedLines: progress.rejectedLines,
      rejectedIdentifiers: progress.rejectedIdentifiers,
    });
    expect(sum(validation.reports)).toBe(progress.reports);
    expect(sum(validation.links)).toBe(progress.links);
    expect(validation.rejections).toEqual(readLines(join(dir, 'err.jsonl')));
  });

  it("refuses events after the member's clock (plus the skew), naming the line", async () => {
    const dir = temp();
    const path = join(dir, 'times.jsonl');
    const at = (occurredAt: string) =>
      JSON.stringify({
        ...(REPORTS[1] as object),
        occurredAt,
        entities: [REPORTS[0]?.entities[0]],
      });
    writeFileSync(
      path,
      [at('2026-12-03T09:04:00Z'), at('2026-12-03T09:06:00Z'), at('2026-02-30T00:00:00Z')].join(
        '\n',
      ),
    );
    const progress = await tokenizeFile({
      input: path,
      output: join(dir, 'out.jsonl'),
      errors: join(dir, 'err.jsonl'),
      tokenizer: tokenizer(),
      now: () => Date.parse('2026-12-03T09:00:00Z'),
    });
    expect(progress).toMatchObject({ reports: 1, rejectedLines: 2 });
    expect(readLines(join(dir, 'err.jsonl'))).toEqual([
      expect.objectContaining({ line: 2, field: 'occurredAt', code: 'record.date_range' }),
      expect.objectContaining({ line: 3, field: 'occurredAt', code: 'record.date_time' }),
    ]);
  });
});

describe('tokenizeFile: CSV input', () => {
  it('reads CSV whose header names the same fields', async () => {
    const dir = temp();
    const path = join(dir, 'raw.csv');
    writeFileSync(
      path,
      [
        'ref,type,category,occurredAt,lossCny,entities.0.role,entities.0.kind,entities.0.value,entities.1.role,entities.1.kind,entities.1.value,narrative',
        'r1,victim_report,fake_loan,2026-11-20T10:12:00Z,800,caller,phone,+86 138 0013 8000,beneficiary_account,bank_card,6222-0212-3456-7890-128,"he said, ""pay the fee"""',
        'r2,suspected,other,2026-11-20T10:12:00Z,,caller,phone,13800138000,,,,',
      ].join('\n'),
    );
    const t = tokenizer();
    const progress = await tokenizeFile({
      input: path,
      output: join(dir, 'out.jsonl'),
      errors: join(dir, 'err.jsonl'),
      tokenizer: t,
    });
    expect(progress).toMatchObject({
      lines: 2,
      reports: 2,
      rejectedLines: 0,
      rejectedIdentifiers: 0,
    });
    const [r1, r2] = readLines(join(dir, 'out.jsonl')) as {
      loss?: string;
      entities: { token: string }[];
    }[];
    expect(r1?.loss).toBe('lt1k');
    expect(r2?.loss).toBeUndefined();
    expect(r1?.entities[0]?.token).toBe(r2?.entities[0]?.token);
    // Three occurrences of two identifiers: each is asked for once.
    expect(t.stats).toMatchObject({ requested: 2, evaluated: 2 });
  });

  it('refuses a CSV header through __proto__ before anything is tokenized, and shares nothing', async () => {
    const dir = temp();
    const path = join(dir, 'proto.csv');
    writeFileSync(
      path,
      [
        'ref,type,category,occurredAt,entities.0.role,entities.0.kind,entities.0.value,narrative,__proto__.shareScript',
        'r1,victim_report,fake_loan,2026-11-20T10:12:00Z,caller,phone,+86 138 0013 8000,he said call 13800138000,true',
      ].join('\n'),
    );
    const t = tokenizer();
    await expect(
      tokenizeFile({
        input: path,
        output: join(dir, 'out.jsonl'),
        errors: join(dir, 'err.jsonl'),
        tokenizer: t,
      }),
    ).rejects.toMatchObject({
      code: 'member.input',
      message: expect.stringContaining('column 9 of the header ("__proto__.shareScript")'),
    });
    expect(t.stats.requested).toBe(0);
    expect(existsSync(join(dir, 'out.jsonl'))).toBe(false);
    expect(({} as { shareScript?: unknown }).shareScript).toBeUndefined();
  });
});

describe('tokenizeFile: the token cache', () => {
  it('costs nothing for an identifier already in the cache, which holds no raw value', async () => {
    const dir = temp();
    const input = writeJsonl(dir);
    const cacheFile = join(dir, 'cache.sqlite');
    const first = tokenizer(new SqliteTokenCache(cacheFile));
    await tokenizeFile({
      input,
      output: join(dir, 'a.jsonl'),
      errors: join(dir, 'a.err'),
      tokenizer: first,
    });
    expect(first.stats.evaluated).toBeGreaterThan(0);
    for (const cache of caches.splice(0)) cache.close();
    const second = tokenizer(new SqliteTokenCache(cacheFile));
    await tokenizeFile({
      input,
      output: join(dir, 'b.jsonl'),
      errors: join(dir, 'b.err'),
      tokenizer: second,
    });
    expect(second.stats.evaluated).toBe(0);
    expect(second.stats.cached).toBe(first.stats.requested);
    expect(readFileSync(join(dir, 'b.jsonl'), 'utf8')).toBe(
      readFileSync(join(dir, 'a.jsonl'), 'utf8'),
    );
    for (const cache of caches.splice(0)) cache.close();
    const bytes =
      readFileSync(cacheFile).toString('latin1') +
      readFileSync(`${cacheFile}-wal`, { flag: 'a+' }).toString('latin1');
    for (const raw of ['+8613800138000', '6222021234567890128', 'xinsheng-vip.top'])
      expect(bytes).not.toContain(raw);
  });
});
