import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MemberError } from './member-error.js';

/**
 * The refs of reports imported from STIX. A ref must be stable (importing the same file
 * again repeats the same refs, which the platform answers as already there), so it is
 * derived from the STIX object's id. It must not be the id itself: the ref goes to the
 * platform, and a STIX id links the report to the indicator and so to its raw values,
 * for anyone who holds the same feed (a shared MISP event, an OpenCTI instance), and
 * often for anyone at all: OpenCTI and the stix2 library derive ids from the content
 * (UUIDv5 of the pattern or of the observable's value), which a guess can be checked
 * against. So the ref is an HMAC of the id under a key that stays with the member
 * (stix-refs.key beside member.json, made on first use, readable by the member only).
 * Losing the key loses only the stability: an import after it makes new refs.
 */

/** The key's file, beside member.json. */
export const STIX_REF_KEY_FILE = 'stix-refs.key';

/** The member's key for STIX refs, from `home` (member.json's folder); made on first use. */
export function stixRefKey(home: string): Buffer {
  const file = resolve(home, STIX_REF_KEY_FILE);
  try {
    // 'wx': never overwrite a key another run made meanwhile; read that one instead.
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw keyError(file, error);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw keyError(file, error);
  }
  if (!/^[0-9a-f]{64}$/.test(text))
    throw new MemberError('member.local_store', `${file}: is not a key (64 hex digits)`);
  return Buffer.from(text, 'hex');
}

const keyError = (file: string, error: unknown) =>
  new MemberError(
    'member.local_store',
    `the STIX ref key ${file}: ${(error as Error).message}`,
    {},
    error,
  );

/**
 * The ref of a STIX object's id: `stix:` and 128 bits of HMAC-SHA256, in hex. A report
 * split in parts (more identifiers than one report holds) adds `.2`, `.3`… to the first.
 */
export const stixRef = (key: Uint8Array, id: string): string =>
  `stix:${createHmac('sha256', key).update(id, 'utf8').digest('hex').slice(0, 32)}`;
