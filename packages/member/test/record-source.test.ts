import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { csvRowToRecord, readRecords, type SourceItem } from '../src/record-source.js';

const dir = mkdtempSync(join(tmpdir(), 'credence-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const file = (name: string, bytes: Uint8Array | string) => {
  const path = join(dir, `${++files}-${name}`);
  writeFileSync(path, bytes);
  return path;
};
const read = async (path: string, format: 'jsonl' | 'csv', encoding?: string) => {
  const items: SourceItem[] = [];
  for await (const item of readRecords(path, format, encoding === undefined ? {} : { encoding }))
    items.push(item);
  return items;
};
const values = async (path: string, format: 'jsonl' | 'csv', encoding?: string) =>
  (await read(path, format, encoding)).map((i) => ('value' in i ? i.value : i));

/**
 * GB18030 from a small table of its two-byte codes (the GB 2312 subset, as printed in
 * the standard), so that the test's bytes do not come from the decoder under test.
 */
const GB18030: Record<string, readonly number[]> = {
  中: [0xd6, 0xd0],
  文: [0xce, 0xc4],
  他: [0xcb, 0xfb],
  说: [0xcb, 0xb5],
  是: [0xca, 0xc7],
  公: [0xb9, 0xab],
  安: [0xb0, 0xb2],
  局: [0xbe, 0xd6],
  的: [0xb5, 0xc4],
  要: [0xd2, 0xaa],
  转: [0xd7, 0xaa],
  账: [0xd5, 0xcb],
  '，': [0xa3, 0xac],
};
const gb18030 = (text: string) =>
  Buffer.from(
    Array.from(text).flatMap((c) => {
      if (c.charCodeAt(0) < 0x80) return [c.charCodeAt(0)];
      const bytes = GB18030[c];
      if (bytes === undefined) throw new Error(`${c} is not in the test's table`);
      return [...bytes];
    }),
  );

const NARRATIVE = '他说他是公安局的，要转账';
const report = (narrative: string) =>
  `{"ref":"r1","type":"suspected","category":"other","narrative":"${narrative}"}`;

describe('CSV rows', () => {
  it('read numbers and the shareScript flag as JSON would carry them', () => {
    expect(
      csvRowToRecord({ ref: 'r1', lossCny: '800', shareScript: 'true', narrative: '123' }),
    ).toEqual({ ref: 'r1', lossCny: 800, shareScript: true, narrative: '123' });
    expect(csvRowToRecord({ shareScript: 'false' })).toEqual({ shareScript: false });
    // Anything else is left as text, for the parser to name.
    expect(csvRowToRecord({ shareScript: 'yes' })).toEqual({ shareScript: 'yes' });
  });

  it('put entities and the ends of a link where the JSON form has them', () => {
    expect(
      csvRowToRecord({
        ref: 'r1',
        'entities.0.kind': 'phone',
        'entities.0.value': '1',
        'entities.1.kind': '',
        'entities.2.kind': 'url',
      }),
    ).toEqual({ ref: 'r1', entities: [{ kind: 'phone', value: '1' }, { kind: 'url' }] });
    expect(csvRowToRecord({ link: 'call', 'from.kind': 'phone', 'to.value': '2' })).toEqual({
      link: 'call',
      from: { kind: 'phone' },
      to: { value: '2' },
    });
  });

  it.each([
    ['__proto__.shareScript', 'column 3 of the header ("__proto__.shareScript")'],
    [
      'constructor.prototype.shareScript',
      'column 3 of the header ("constructor.prototype.shareScript")',
    ],
    ['entities.0.__proto__', 'column 3 of the header ("entities.0.__proto__")'],
    ['prototype', 'column 3 of the header ("prototype")'],
    ['entities.64.kind', 'column 3 of the header ("entities.64.kind")'],
    ['entities.01.kind', 'column 3 of the header ("entities.01.kind")'],
    ['narative', 'column 3 of the header ("narative")'],
    ['from.value.x', 'column 3 of the header ("from.value.x")'],
    // A file without its header: the first row's data is not repeated.
    ['+86 138 0013 8000', 'column 3 of the header is not'],
  ])('refuse a header column %s, naming it, and change no prototype', (column, named) => {
    expect(() => csvRowToRecord({ ref: 'r1', narrative: 'x', [column]: 'true' })).toThrow(
      expect.objectContaining({
        code: 'member.input',
        message: expect.stringContaining(named),
      }),
    );
    expect(() => csvRowToRecord({ ref: 'r1', narrative: 'x', [column]: 'true' })).not.toThrow(
      /\+86/,
    );
    expect(({} as { shareScript?: unknown }).shareScript).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('shareScript');
  });
});

describe('CSV files', () => {
  it('refuse a header through a prototype before yielding any row', async () => {
    const path = file(
      'proto.csv',
      'ref,type,category,occurredAt,entities.0.role,entities.0.kind,entities.0.value,narrative,__proto__.shareScript\n' +
        'r1,suspected,other,2026-11-20T10:12:00Z,caller,phone,13800138000,he said,true\n',
    );
    await expect(read(path, 'csv')).rejects.toMatchObject({
      code: 'member.input',
      message: expect.stringContaining('column 9 of the header ("__proto__.shareScript")'),
    });
    expect(({} as { shareScript?: unknown }).shareScript).toBeUndefined();
  });

  it('refuse a repeated column', async () => {
    await expect(read(file('twice.csv', 'ref,type,ref\nr1,suspected,r2\n'), 'csv')).rejects.toThrow(
      'column 3 of the header ("ref") repeats column 1',
    );
  });

  it('name a cell under no column as a field the format does not have', async () => {
    expect(await values(file('extra.csv', 'ref,,type\nr1,,suspected,x\nr2,y,\n'), 'csv')).toEqual([
      { ref: 'r1', type: 'suspected', '(column 4)': 'x' },
      { ref: 'r2', '(column 2)': 'y' },
    ]);
  });

  it('say where the CSV is broken, not what it holds', async () => {
    await expect(
      read(file('quote.csv', 'ref,narrative\nr1,"13800138000\n'), 'csv'),
    ).rejects.toMatchObject({
      code: 'member.input',
      message: expect.not.stringContaining('13800138000'),
    });
  });
});

describe('encodings', () => {
  it('refuses text that is not UTF-8, naming the line, as JSON Lines and as CSV', async () => {
    const jsonl = file(
      'gb.jsonl',
      Buffer.concat([Buffer.from(`${report('ascii')}\n`), gb18030(`${report(NARRATIVE)}\n`)]),
    );
    await expect(read(jsonl, 'jsonl')).rejects.toMatchObject({
      code: 'member.input',
      message: expect.stringMatching(/gb\.jsonl: line 2 is not valid utf-8; .*--encoding gb18030/),
    });
    const csv = file('gb.csv', gb18030(`ref,narrative\nr1,ok\nr2,${NARRATIVE}\n`));
    await expect(read(csv, 'csv')).rejects.toThrow('gb.csv: line 3 is not valid utf-8');
  });

  it('reads the encoding the member names: GB18030 becomes the text that was meant', async () => {
    const jsonl = file('gb.jsonl', gb18030(`${report(NARRATIVE)}\n${report('中文')}`));
    expect(await values(jsonl, 'jsonl', 'gb18030')).toEqual([
      { ref: 'r1', type: 'suspected', category: 'other', narrative: NARRATIVE },
      { ref: 'r1', type: 'suspected', category: 'other', narrative: '中文' },
    ]);
    const csv = file('gb.csv', gb18030(`ref,narrative\r\nr1,"${NARRATIVE}"\r\n`));
    expect(await values(csv, 'csv', 'gb18030')).toEqual([{ ref: 'r1', narrative: NARRATIVE }]);
  });

  it('reads UTF-16, where byte 0x0A may be half of a character (上 is 0A 4E)', async () => {
    const text = `${report('上上')}\r\n${report('中文')}\n`;
    const le = file(
      'le.jsonl',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
    );
    expect(await values(le, 'jsonl', 'utf-16le')).toMatchObject([
      { narrative: '上上' },
      { narrative: '中文' },
    ]);
  });

  it('reads lines that straddle the chunks a file is read in', async () => {
    // Lines of varying lengths, so that line ends and characters fall on every offset
    // of the 64 KiB chunks.
    const narratives = Array.from({ length: 3000 }, (_, i) => '上中a'.repeat(i % 37).slice(i % 3));
    const text = narratives.map((n) => `${report(n)}\n`).join('');
    for (const [encoding, bytes] of [
      ['utf-8', Buffer.from(text)],
      ['utf-16le', Buffer.from(text, 'utf16le')],
      ['utf-16be', Buffer.from(text, 'utf16le').swap16()],
    ] as const) {
      const read = (await values(file('long.jsonl', bytes), 'jsonl', encoding)) as {
        narrative: string;
      }[];
      expect(read.map((r) => r.narrative)).toEqual(narratives);
    }
  });

  it('drops a byte order mark at the start of JSON Lines, as of CSV', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const jsonl = file(
      'bom.jsonl',
      Buffer.concat([bom, Buffer.from(`${report('a')}\n${report('b')}\n`)]),
    );
    expect(await values(jsonl, 'jsonl')).toMatchObject([{ narrative: 'a' }, { narrative: 'b' }]);
    const csv = file('bom.csv', Buffer.concat([bom, Buffer.from('ref,narrative\nr1,a\n')]));
    expect(await values(csv, 'csv')).toEqual([{ ref: 'r1', narrative: 'a' }]);
  });

  it('says a file is missing, as JSON Lines and as CSV', async () => {
    for (const format of ['jsonl', 'csv'] as const)
      await expect(read(join(dir, `missing.${format}`), format)).rejects.toMatchObject({
        code: 'member.input',
        message: expect.stringContaining('no such file or directory'),
      });
  });
});
