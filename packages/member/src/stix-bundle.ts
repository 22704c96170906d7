import { open } from 'node:fs/promises';
import { TextDecoder } from 'node:util';
import { inputFileError } from './file-errors.js';
import { MemberError } from './member-error.js';

/**
 * Reading a file of STIX 2.1 objects that another party's tool wrote (MISP, OpenCTI, a
 * TAXII client): a bundle (`{"type": "bundle", "objects": [...]}`), a bare JSON array of
 * objects, or JSON lines of objects. The file is read whole, so it is bounded; it is
 * decoded strictly (UTF-8 unless the member names another encoding), so that garbled
 * text is refused rather than read as something else.
 *
 * Objects come back as JSON.parse made them: a key such as `__proto__` or `constructor`
 * is an own property there, never the prototype. Read them with `field` (own properties
 * only) and never merge them into other objects, and no key of the file reaches
 * Object.prototype.
 */

/**
 * The largest file an import reads. A bundle is read whole: its text, and then its
 * objects, take several times its size in memory, and V8 holds no string of more than
 * about 536 million characters.
 */
export const MAX_STIX_FILE_BYTES = 256 * 1024 * 1024;

export interface StixObjects {
  /** The file's objects, in order; anything but a JSON object is kept for the caller to count. */
  readonly objects: readonly unknown[];
  readonly form: 'bundle' | 'array' | 'lines';
}

/** An own property of a parsed JSON object (never an inherited one), or undefined. */
export function field(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

const isObject = (value: unknown): value is object =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const NOT_STIX =
  'is not STIX: a bundle (a JSON object with type "bundle" and a list of objects), a JSON array of STIX objects, or JSON lines of them';

/** The file's bytes, refusing one over `maxBytes` before reading it (and if it grows while read). */
async function readBounded(path: string, maxBytes: number): Promise<Buffer> {
  const file = await open(path, 'r').catch((error: unknown) => {
    throw inputFileError(path, error);
  });
  try {
    const tooLarge = (size: number) =>
      new MemberError(
        'member.input',
        `${path}: ${size} bytes, more than the ${maxBytes} bytes an import reads; split the bundle`,
      );
    const { size } = await file.stat();
    if (size > maxBytes) throw tooLarge(size);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(1 << 20, maxBytes + 1 - total));
      const { bytesRead } = await file.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) throw tooLarge(total);
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks, total);
  } catch (error) {
    if (error instanceof MemberError) throw error;
    throw inputFileError(path, error);
  } finally {
    await file.close();
  }
}

/** The bytes as text in `encoding`, strictly; a byte order mark is dropped. */
function decode(path: string, bytes: Buffer, encoding: string): string {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(encoding, { fatal: true });
  } catch {
    throw new MemberError('member.input', `${encoding} is not an encoding TextDecoder knows`);
  }
  try {
    return decoder.decode(bytes);
  } catch {
    const name = decoder.encoding;
    throw new MemberError(
      'member.input',
      `${path}: is not valid ${name}${name === 'utf-8' ? '; if the file is in another encoding, name it (--encoding gb18030, for one)' : ''}`,
    );
  }
}

/** A parsed JSON value, or undefined when the text is not JSON. */
function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/** One object that is a STIX object itself (not a bundle): a type and an id of the form type--…. */
const isStixObject = (value: unknown): boolean => {
  const type = field(value, 'type');
  const id = field(value, 'id');
  return typeof type === 'string' && typeof id === 'string' && id.startsWith(`${type}--`);
};

/** A whole-file JSON value as the objects it holds, or the reason it holds none. */
function objectsOfValue(path: string, value: unknown): StixObjects {
  if (Array.isArray(value)) return { objects: value, form: 'array' };
  if (field(value, 'type') === 'bundle') {
    const objects = field(value, 'objects');
    // STIX 2.1 allows a bundle without objects: it holds none.
    if (objects === undefined) return { objects: [], form: 'bundle' };
    if (!Array.isArray(objects))
      throw new MemberError('member.input', `${path}: the bundle's objects is not a list`);
    return { objects, form: 'bundle' };
  }
  // One line of JSON lines is one object, not a bundle.
  if (isStixObject(value)) return { objects: [value], form: 'lines' };
  throw new MemberError('member.input', `${path}: ${NOT_STIX}`);
}

/** JSON lines: every non-empty line one JSON object; a line that is not refuses the file. */
function objectsOfLines(path: string, text: string): StixObjects {
  const objects: unknown[] = [];
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const parsed = parseJson(line);
    if (parsed === undefined || !isObject(parsed.value))
      throw new MemberError(
        'member.input',
        `${path}: line ${i + 1} is not a JSON object (${i === 0 ? NOT_STIX : 'JSON lines hold one object a line'})`,
      );
    objects.push(parsed.value);
  }
  return { objects, form: 'lines' };
}

/**
 * The STIX objects of a file. A file that is none of the three forms, is not valid in its
 * encoding or is over `maxBytes` is refused whole, with a MemberError (member.input) that
 * names the file and the rule, never its content.
 */
export async function readStixObjects(
  path: string,
  options: { readonly encoding?: string; readonly maxBytes?: number } = {},
): Promise<StixObjects> {
  const bytes = await readBounded(path, options.maxBytes ?? MAX_STIX_FILE_BYTES);
  const text = decode(path, bytes, options.encoding ?? 'utf-8');
  const start = text.trimStart()[0];
  if (start === '[' || start === '{') {
    const whole = parseJson(text);
    if (whole !== undefined) return objectsOfValue(path, whole.value);
    if (start === '{') return objectsOfLines(path, text);
    throw new MemberError('member.input', `${path}: is not valid JSON (${NOT_STIX})`);
  }
  throw new MemberError('member.input', `${path}: ${NOT_STIX}`);
}
