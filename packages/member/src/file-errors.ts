import { MemberError } from './member-error.js';

/**
 * What went wrong with a file, in words (from the system's error code), for the one line
 * a failed command prints. Never anything of the file's content.
 */
export function fileProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return code ?? (error instanceof Error ? error.message : String(error));
  }
}

/** The input file cannot be read (member.input). */
export const inputFileError = (path: string, error: unknown) =>
  new MemberError('member.input', `${path}: ${fileProblem(error)}`, {}, error);

/** An output file cannot be written (member.output). */
export const outputFileError = (path: string, error: unknown) =>
  new MemberError('member.output', `${path}: ${fileProblem(error)}`, {}, error);

/**
 * Opens a local SQLite file (token cache, watch index, log state); a failure becomes
 * member.local_store naming the file. better-sqlite3's messages say what is wrong (a
 * missing directory, a file that is not a database) and hold no data.
 */
export function openLocalStore<T>(what: string, path: string, open: () => T): T {
  try {
    return open();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === undefined || code.startsWith('SQLITE')
        ? (error as Error).message
        : fileProblem(error);
    throw new MemberError('member.local_store', `${what} ${path}: ${why}`, {}, error);
  }
}
