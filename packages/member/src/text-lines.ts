import { createReadStream } from 'node:fs';
import { TextDecoder } from 'node:util';
import { inputFileError } from './file-errors.js';
import { MemberError } from './member-error.js';

/**
 * The lines of a member's text file (raw records, a watch list), decoded strictly: UTF-8
 * unless the member names another encoding (any label of the WHATWG Encoding Standard
 * that Node's TextDecoder knows, such as gb18030, gbk, big5, shift_jis, utf-16le). A
 * byte sequence that is not valid in the encoding stops the read with an error naming
 * the line, rather than becoming U+FFFD: garbled text would be masked, fingerprinted
 * and compared as if it were what the member meant. A byte order mark at the start is
 * not part of the first line (JSON Lines as CSV).
 */
export interface TextLine {
  /** 1-based, counting every line of the file. */
  readonly line: number;
  /** The line without its end. */
  readonly text: string;
  /** How the line ended: "\n", "\r\n", or "" for a last line without one. */
  readonly eol: string;
}

/** The canonical name of an encoding label, or undefined when TextDecoder has no such decoder. */
export function encodingName(label: string): string | undefined {
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return undefined;
  }
}

/**
 * Where the next line feed ends in `data` from `from`, or -1. Precondition: `data`
 * starts on a code unit boundary. In UTF-16 a line feed is the code unit 0x000A at an
 * even offset (0x0A alone may be half of another character); in every other encoding
 * TextDecoder has, byte 0x0A is a line feed and never part of a multi-byte character.
 */
function lineFeedEnd(data: Buffer, from: number, utf16: 'le' | 'be' | undefined): number {
  if (utf16 === undefined) {
    const at = data.indexOf(0x0a, from);
    return at < 0 ? -1 : at + 1;
  }
  const [first, second] = utf16 === 'le' ? [0x0a, 0x00] : [0x00, 0x0a];
  for (let i = from; i + 1 < data.length; i += 2)
    if (data[i] === first && data[i + 1] === second) return i + 2;
  return -1;
}

export async function* readTextLines(path: string, encoding = 'utf-8'): AsyncGenerator<TextLine> {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(encoding, { fatal: true });
  } catch {
    throw new MemberError('member.input', `${encoding} is not an encoding TextDecoder knows`);
  }
  const name = decoder.encoding;
  const utf16 = name === 'utf-16le' ? 'le' : name === 'utf-16be' ? 'be' : undefined;
  let line = 0;
  const decode = (bytes: Uint8Array, last: boolean): string => {
    try {
      // One decoder for the whole file, streaming: a byte order mark is dropped only at
      // its start, and a stateful encoding (ISO-2022-JP) keeps its state across lines.
      return decoder.decode(bytes, { stream: !last });
    } catch {
      throw new MemberError(
        'member.input',
        `${path}: line ${line} is not valid ${name}${
          name === 'utf-8'
            ? '; if the file is in another encoding, name it (--encoding gb18030, for one)'
            : ''
        }`,
      );
    }
  };
  const split = (text: string): TextLine => {
    const eol = text.endsWith('\r\n') ? '\r\n' : text.endsWith('\n') ? '\n' : '';
    return { line, text: text.slice(0, text.length - eol.length), eol };
  };

  const stream = createReadStream(path);
  // The start of the line being read, across chunks (kept as parts: a long line costs
  // its length once, not once per chunk).
  let parts: Buffer[] = [];
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      // A UTF-16 line feed may straddle two chunks: search from the carried part's end,
      // aligned on the file's code units.
      let data = chunk;
      let from = 0;
      if (utf16 !== undefined && parts.length > 0) {
        const carried = Buffer.concat(parts);
        data = Buffer.concat([carried, chunk]);
        parts = [];
        from = carried.length - (carried.length % 2);
      }
      let start = 0;
      for (
        let end = lineFeedEnd(data, from, utf16);
        end >= 0;
        end = lineFeedEnd(data, start, utf16)
      ) {
        line++;
        const bytes = data.subarray(start, end);
        yield split(decode(parts.length > 0 ? Buffer.concat([...parts, bytes]) : bytes, false));
        parts = [];
        start = end;
      }
      if (start < data.length) parts.push(data.subarray(start));
    }
  } catch (error) {
    if (error instanceof MemberError) throw error;
    throw inputFileError(path, error);
  } finally {
    stream.destroy();
  }
  line++;
  // The last line, if it has no end; and the check that the file does not stop inside
  // a character.
  const rest = decode(Buffer.concat(parts), true);
  if (rest.length > 0) yield split(rest);
}
