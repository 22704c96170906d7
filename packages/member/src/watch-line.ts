/**
 * One line of a file of identifiers (a watch file, a batch of checks): its own module,
 * free of the file readers and the record schemas, so that `member check` loads only
 * what a check needs.
 */
export class WatchLineError extends Error {
  constructor(
    readonly code: 'record.json' | 'record.type',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads a watch file: one identifier per line, `kind,value` (the value is everything
 * after the first comma) or a JSON object {"kind","value"}. Blank lines and lines that
 * start with # are skipped.
 */
export function parseWatchLine(line: string): { kind: string; value: string } | undefined {
  const text = line.trim();
  if (text === '' || text.startsWith('#')) return undefined;
  if (text.startsWith('{')) {
    let json: { kind?: unknown; value?: unknown };
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      // JSON.parse's message quotes the text: never repeat a value.
      throw new WatchLineError('record.json', 'the line is not valid JSON');
    }
    if (typeof json.kind !== 'string' || typeof json.value !== 'string')
      throw new WatchLineError('record.type', 'a JSON line needs string kind and value');
    return { kind: json.kind, value: json.value };
  }
  const comma = text.indexOf(',');
  if (comma < 0) throw new WatchLineError('record.type', 'a line is kind,value');
  return { kind: text.slice(0, comma).trim(), value: text.slice(comma + 1).trim() };
}
