import { encodeBase64url } from '@credence/core/encoding/base64url';
import {
  EVIDENCE_FORMAT,
  type EvidenceDetail,
  type EvidenceEntry,
  type EvidencePackage,
} from '@credence/core/evidence/evidence-package';
import { caseSubject, parseCaseSubject } from '@credence/core/wire/cases';
import { PlatformError } from '../domain/errors.js';
import type { Member, StoredCheckpoint } from '../domain/types.js';
import type { AuditSubject } from '../storage/log-append.js';
import type { Store } from '../storage/store.js';
import type { CaseService } from './cases.js';
import { LogService } from './log-service.js';

/** Entries read at a time while the log is searched for a case's entries. */
const SCAN_PAGE = 5000;

/**
 * A case's evidence package (docs/evidence-package.md), made for its police member: the
 * export is logged first (`exported`), then every entry of the case up to the checkpoint
 * the package verifies against — its steps, the reports in it (and their retractions),
 * the link batches naming their tokens — with inclusion proofs and records, and the
 * grants of what was disclosed, still sealed to the case's recipient key.
 *
 * The entries are found by one pass over the log (a page at a time): the store keeps no
 * index of entries by subject, and an export is rare beside the writes that would have
 * to keep one.
 */
export class CaseEvidence {
  constructor(
    private readonly store: Store,
    private readonly log: LogService,
    private readonly cases: CaseService,
    private readonly now: () => number = Date.now,
  ) {}

  async export(police: Member, caseId: string, cosignatures: number): Promise<EvidencePackage> {
    const { case: c } = await this.cases.get(police, caseId);
    if (this.cases.status(c) === 'expired')
      await this.cases.refuse(caseId, police, 'case.expired', "the case's legal basis has lapsed");
    await this.store.caseStep(caseId, police.id, 'exported', this.now());
    const checkpoint = await this.checkpoint(cosignatures);
    const found = await this.find(caseId, checkpoint.size);
    const records: EvidenceEntry['record'][] = [];
    for (let at = 0; at < found.length; at += 1000)
      records.push(
        ...(await this.store.auditRecords(found.slice(at, at + 1000).map((f) => f.subject))),
      );
    const entries: EvidenceEntry[] = [];
    for (const [i, f] of found.entries())
      entries.push({
        index: f.subject.index,
        entry: f.text,
        proof: (await this.log.inclusion(f.subject.index, checkpoint.size)).proof,
        record: records[i] ?? null,
      });
    return {
      format: EVIDENCE_FORMAT,
      exportedAt: new Date(this.now()).toISOString(),
      case: { id: c.id, police: c.police, basis: c.basis, recipient: c.recipient },
      log: {
        checkpoint: LogService.published(checkpoint),
        witnesses: await this.log.cosigners(checkpoint),
      },
      entries,
      details: await this.details(caseId, found),
    };
  }

  /** The newest checkpoint, or the newest with this many cosignatures. */
  private async checkpoint(cosignatures: number): Promise<StoredCheckpoint> {
    if (cosignatures === 0) return this.log.latest();
    const kept = await this.store.latestCosignedCheckpoint(cosignatures);
    if (kept === undefined)
      throw new PlatformError(
        'request.invalid',
        `no checkpoint carries ${cosignatures} cosignatures yet`,
        { errors: [{ field: 'cosignatures', message: 'is more than any checkpoint has' }] },
      );
    return kept;
  }

  /** The case's entries in [0, size), in log order. */
  private async find(
    caseId: string,
    size: number,
  ): Promise<{ subject: AuditSubject; text: string }[]> {
    const reports = new Set<string>();
    for (let after: { member: string; report: string } | undefined; ; ) {
      const page = await this.store.caseReports(caseId, after, 1000);
      for (const r of page) reports.add(`${r.member}\u0000${r.report}`);
      if (page.length < 1000) break;
      after = page.at(-1);
    }
    const batches = new Set(
      (await this.store.linkBatchesWithTokens(await this.store.caseTokens(caseId))).map(
        (b) => `${b.member}\u0000${b.batch}`,
      ),
    );
    const prefix = caseSubject(caseId, 'opened').replace(/opened$/, '');
    const found: { subject: AuditSubject; text: string }[] = [];
    for (let start = 0; start < size; start += SCAN_PAGE) {
      const texts = await this.store.logEntries(start, Math.min(size, start + SCAN_PAGE));
      for (const [i, text] of texts.entries()) {
        const e = JSON.parse(text) as { kind: string; member: string; subject: string };
        const key = `${e.member}\u0000${e.subject}`;
        const wanted =
          ((e.kind === 'report' || e.kind === 'retraction') && reports.has(key)) ||
          (e.kind === 'link_batch' && batches.has(key)) ||
          (e.kind === 'case_event' && e.subject.startsWith(prefix));
        if (wanted)
          found.push({
            subject: { index: start + i, kind: e.kind, member: e.member, subject: e.subject },
            text,
          });
      }
    }
    return found;
  }

  /** A report's evidence files as uploaded (still sealed); one not uploaded is left out. */
  private async files(owner: string, report: string, listed: number | undefined) {
    const files: { index: number; ciphertext: string }[] = [];
    for (let index = 0; index < (listed ?? 0); index++) {
      const bytes = await this.store.getEvidenceFile(owner, report, index);
      if (bytes !== undefined) files.push({ index, ciphertext: encodeBase64url(bytes) });
    }
    return files;
  }

  /** The granted disclosures whose report and grant entries the package holds. */
  private async details(
    caseId: string,
    found: readonly { subject: AuditSubject }[],
  ): Promise<EvidenceDetail[]> {
    const reportEntry = new Map<string, number>();
    const grantedEntry = new Map<string, number>();
    for (const { subject: s } of found) {
      if (s.kind === 'report') reportEntry.set(`${s.member}\u0000${s.subject}`, s.index);
      const step = s.kind === 'case_event' ? parseCaseSubject(s.subject) : undefined;
      if (step?.step === 'granted' && step.qualifier !== undefined)
        grantedEntry.set(step.qualifier, s.index);
    }
    const details: EvidenceDetail[] = [];
    for (let after = 0; ; ) {
      const page = await this.store.listDisclosures(
        { case: caseId, status: 'granted' },
        after,
        1000,
      );
      for (const d of page) {
        const r = reportEntry.get(`${d.owner}\u0000${d.report}`);
        const g = grantedEntry.get(String(d.id));
        if (r === undefined || g === undefined || d.grant === undefined) continue;
        const files = await this.files(d.owner, d.report, d.reportRecord?.sealed?.files?.length);
        details.push({
          disclosure: String(d.id),
          owner: d.owner,
          report: d.report,
          reportEntry: r,
          grantedEntry: g,
          grant: d.grant,
          ...(files.length === 0 ? {} : { files }),
        });
      }
      if (page.length < 1000) return details;
      after = (page.at(-1) as { id: number }).id;
    }
  }
}
