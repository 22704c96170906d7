import { readFileSync } from 'node:fs';

/**
 * Reads a JSON file a person named (a flag's value): what goes wrong is said in one
 * sentence naming the file — missing, a folder, unreadable, not JSON — never as a raw
 * ENOENT or a parser's position alone.
 */
export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? `${path} does not exist: check the path`
        : code === 'EISDIR'
          ? `${path} is a folder, not a file`
          : code === 'EACCES'
            ? `${path} cannot be read: permission denied`
            : `${path} cannot be read (${(error as Error).message})`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not JSON (${(error as Error).message})`);
  }
}
