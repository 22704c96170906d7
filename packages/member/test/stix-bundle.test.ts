import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TextDecoder } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { field, MAX_STIX_FILE_BYTES, readStixObjects } from '../src/stix-bundle.js';

/** Reading a file of STIX objects: its three forms, its bounds, its encodings, and what it refuses. */
const dir = mkdtempSync(join(tmpdir(), 'credence-stix-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
const file = (content: string | Buffer) => {
  const path = join(dir, `f${++files}.json`);
  writeFileSync(path, content);
  return path;
};

const INDICATOR = {
  type: 'indicator',
  id: 'indicator--00000000-0000-4000-8000-000000000001',
  name: '仿冒客服退款网址 𠮷',
  pattern: "[domain-name:value = 'tuikuan-kefu.top']",
  pattern_type: 'stix',
  valid_from: '2026-10-02T09:00:00Z',
};
const bundle = (objects: unknown) => JSON.stringify({ type: 'bundle', id: 'bundle--1', objects });

/**
 * GB18030 bytes of a text, for the test: ASCII as is, a two-byte character found by
 * decoding every two-byte code, a character beyond the BMP by the standard's four-byte
 * arithmetic. Held to TextDecoder below.
 */
function gb18030(text: string): Buffer {
  const decoder = new TextDecoder('gb18030');
  const twoByte = new Map<string, number[]>();
  for (let a = 0x81; a <= 0xfe; a++)
    for (let b = 0x40; b <= 0xfe; b++) {
      if (b === 0x7f) continue;
      const c = decoder.decode(Uint8Array.of(a, b));
      if (c.length === 1 && !twoByte.has(c)) twoByte.set(c, [a, b]);
    }
  const bytes: number[] = [];
  for (const c of text) {
    const code = c.codePointAt(0) as number;
    if (code < 0x80) bytes.push(code);
    else if (code >= 0x10000) {
      let linear = code - 0x10000 + 189000;
      const b4 = linear % 10;
      linear = Math.floor(linear / 10);
      const b3 = linear % 126;
      linear = Math.floor(linear / 126);
      bytes.push(0x81 + Math.floor(linear / 10), 0x30 + (linear % 10), 0x81 + b3, 0x30 + b4);
    } else {
      const pair = twoByte.get(c);
      if (pair === undefined) throw new Error(`no two-byte code for ${c}`);
      bytes.push(...pair);
    }
  }
  const out = Buffer.from(bytes);
  expect(decoder.decode(out)).toBe(text);
  return out;
}

describe('reading STIX objects', () => {
  it('reads a bundle, a bare array, and JSON lines of objects', async () => {
    const other = { type: 'identity', id: 'identity--1', name: 'x' };
    expect(await readStixObjects(file(bundle([INDICATOR, other])))).toEqual({
      objects: [INDICATOR, other],
      form: 'bundle',
    });
    expect(await readStixObjects(file(JSON.stringify([INDICATOR, other])))).toEqual({
      objects: [INDICATOR, other],
      form: 'array',
    });
    const lines = `${JSON.stringify(INDICATOR)}\r\n\n${JSON.stringify(other)}\n`;
    expect(await readStixObjects(file(lines))).toEqual({
      objects: [INDICATOR, other],
      form: 'lines',
    });
    // One line of JSON lines is one object.
    expect(await readStixObjects(file(JSON.stringify(INDICATOR)))).toEqual({
      objects: [INDICATOR],
      form: 'lines',
    });
  });

  it('reads an empty bundle, and one without objects, as no objects', async () => {
    expect((await readStixObjects(file(bundle([])))).objects).toEqual([]);
    expect((await readStixObjects(file('{"type": "bundle", "id": "bundle--1"}'))).objects).toEqual(
      [],
    );
  });

  it('refuses a file that is not STIX, saying what it should be and quoting nothing', async () => {
    for (const content of [
      '',
      '   ',
      '42',
      '"a bundle"',
      'type: bundle',
      '{"type": "report", "name": "SECRET-CONTENT"}',
      '{"objects": []}',
      '[{"type": "indicator"}',
    ]) {
      const path = file(content);
      const error = await readStixObjects(path).catch((e: unknown) => e);
      expect(error, content).toMatchObject({
        code: 'member.input',
        message: expect.stringContaining(`${path}: `),
      });
      expect((error as Error).message).toContain('a bundle (a JSON object with type "bundle"');
      expect((error as Error).message).not.toContain('SECRET');
    }
    await expect(readStixObjects(file('{"type": "bundle", "objects": {}}'))).rejects.toThrow(
      "the bundle's objects is not a list",
    );
    await expect(
      readStixObjects(file(`${JSON.stringify(INDICATOR)}\n{"type": "SECRET\n`)),
    ).rejects.toThrow(
      /f\d+\.json: line 2 is not a JSON object \(JSON lines hold one object a line\)$/,
    );
    await expect(readStixObjects(join(dir, 'missing.json'))).rejects.toMatchObject({
      code: 'member.input',
      message: expect.stringContaining('missing.json: no such file or directory'),
    });
  });

  it('refuses a file over the bound before reading it, with the bound in the message', async () => {
    expect(MAX_STIX_FILE_BYTES).toBe(256 * 1024 * 1024);
    const path = file(bundle([INDICATOR, INDICATOR]));
    await expect(readStixObjects(path, { maxBytes: 100 })).rejects.toMatchObject({
      code: 'member.input',
      message: expect.stringMatching(
        /bytes, more than the 100 bytes an import reads; split the bundle$/,
      ),
    });
  });

  it('reads UTF-8 with Chinese text and a byte order mark', async () => {
    const path = file(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(bundle([INDICATOR]))]),
    );
    const { objects } = await readStixObjects(path);
    expect(field(objects[0], 'name')).toBe('仿冒客服退款网址 𠮷');
  });

  it('reads GB18030 when the member names it, and refuses it as UTF-8 otherwise', async () => {
    const path = file(gb18030(bundle([INDICATOR])));
    await expect(readStixObjects(path)).rejects.toMatchObject({
      code: 'member.input',
      message: expect.stringMatching(/is not valid utf-8; .*--encoding gb18030/),
    });
    const { objects } = await readStixObjects(path, { encoding: 'gb18030' });
    expect(objects).toEqual([INDICATOR]);
    await expect(readStixObjects(path, { encoding: 'klingon' })).rejects.toThrow(
      'klingon is not an encoding TextDecoder knows',
    );
  });

  it('keeps __proto__ and constructor keys as own fields, never the prototype', async () => {
    const path = file(
      '{"type": "bundle", "objects": [{"type": "indicator", "__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}}], "__proto__": {"objects": [1]}}',
    );
    const { objects } = await readStixObjects(path);
    expect(objects).toHaveLength(1);
    expect(field(objects[0], 'polluted')).toBeUndefined();
    expect(field(objects[0], 'toString')).toBeUndefined();
    expect(field(objects[0], 'constructor')).toEqual({ prototype: { polluted: 1 } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
