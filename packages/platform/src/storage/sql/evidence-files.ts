import { get, run, type Step } from './steps.js';

/**
 * Reports' evidence files (docs/sealing.md, "Evidence files"), written once for both
 * stores: each file's ciphertext, sealed at its member under the detail's data key,
 * kept by report and position. The report's sealed detail lists each one's size and
 * digest, which its log entry binds; the service checks an upload against that list.
 */

/** Keeps a file's ciphertext; a repeat of one kept before changes nothing. */
export function* putEvidenceFile(
  member: string,
  report: string,
  index: number,
  sha256: string,
  bytes: Uint8Array,
  at: number,
): Step<'stored' | 'repeat'> {
  const changed = yield* run(
    `INSERT INTO evidence_files (member_id, report_id, idx, sha256, bytes, created_at)
     VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (member_id, report_id, idx) DO NOTHING`,
    member,
    report,
    index,
    sha256,
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    at,
  );
  return changed === 0 ? 'repeat' : 'stored';
}

/** A file's ciphertext, if its member uploaded it. */
export function* getEvidenceFile(
  member: string,
  report: string,
  index: number,
): Step<Uint8Array | undefined> {
  const row = yield* get<{ bytes: Uint8Array }>(
    'SELECT bytes FROM evidence_files WHERE member_id = ? AND report_id = ? AND idx = ?',
    member,
    report,
    index,
  );
  return row === undefined ? undefined : new Uint8Array(row.bytes);
}
