import { sha256 } from '@credence/core/crypto/hashes';
import { encodeBase64url } from '@credence/core/encoding/base64url';
import { PlatformError } from '../domain/errors.js';
import type { Member, StoredReport } from '../domain/types.js';
import type { Store } from '../storage/store.js';
import type { CaseService } from './cases.js';

/**
 * Reports' evidence files (docs/sealing.md, "Evidence files"): the member uploads each
 * file's ciphertext after its report, the platform keeps it if it is the one the report's
 * sealed detail lists (its size and SHA-256, which the report's log entry binds), and
 * gives it back to the report's owner, and to a case's police member once the owner
 * granted the report's disclosure (each such fetch logged as a fetch of the request). No
 * key that opens a file is ever here.
 */
export class EvidenceFiles {
  constructor(
    private readonly store: Store,
    private readonly cases: CaseService,
    private readonly now: () => number = Date.now,
  ) {}

  /** Keeps file `index` of the owner's report, if it is the ciphertext the report lists. */
  async put(
    owner: Member,
    reportId: string,
    index: number,
    bytes: Uint8Array,
  ): Promise<{ status: 'stored' | 'repeat'; size: number; sha256: string }> {
    const listed = listedFile(await this.store.getReport(owner.id, reportId), index);
    const digest = encodeBase64url(sha256(bytes));
    if (bytes.length !== listed.size || digest !== listed.sha256)
      throw new PlatformError(
        'evidence.mismatch',
        `the body is not the ciphertext that the report's sealed detail lists as file ${index}`,
        {
          errors: [
            { field: '(body)', message: `must be ${listed.size} bytes with the listed SHA-256` },
          ],
        },
      );
    const status = await this.store.putEvidenceFile(
      owner.id,
      reportId,
      index,
      digest,
      bytes,
      this.now(),
    );
    return { status, size: bytes.length, sha256: digest };
  }

  /** File `index` of the owner's own report. */
  async own(owner: Member, reportId: string, index: number): Promise<Uint8Array> {
    listedFile(await this.store.getReport(owner.id, reportId), index);
    return this.stored(owner.id, reportId, index);
  }

  /** File `index` of a granted request's report, for the case's police member (logged). */
  async disclosed(police: Member, disclosureId: number, index: number): Promise<Uint8Array> {
    const d = await this.cases.details(police, disclosureId);
    listedFile(d.reportRecord, index);
    return this.stored(d.owner, d.report, index);
  }

  private async stored(member: string, reportId: string, index: number): Promise<Uint8Array> {
    const bytes = await this.store.getEvidenceFile(member, reportId, index);
    if (bytes === undefined)
      throw new PlatformError(
        'evidence.missing',
        `file ${index} of the report is listed but its member has not uploaded it`,
      );
    return bytes;
  }
}

/** What a report's sealed detail lists as file `index`, or the refusal that says why not. */
function listedFile(report: StoredReport | undefined, index: number) {
  if (report === undefined)
    throw new PlatformError('report.not_found', 'no report of yours has this id');
  const listed = report.sealed?.files?.[index];
  if (listed === undefined)
    throw new PlatformError(
      'evidence.not_listed',
      `the report's sealed detail lists no file ${index}`,
    );
  return listed;
}
