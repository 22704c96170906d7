import { sha256 } from '../crypto/hashes.js';
import { decodeBase64url, encodeBase64url } from '../encoding/base64url.js';
import { utf8 } from '../encoding/bytes.js';
import { type AuditRecord, recordDigestOf } from '../log/audit-records.js';
import { type TrustedKey, verifyCheckpoint } from '../log/checkpoint.js';
import type { LogEntry } from '../log/entries.js';
import { hashLeaf } from '../merkle/hash.js';
import { rootFromInclusionProof } from '../merkle/verify.js';
import { GrantOpener, grantDigest, type SealedGrant } from '../sealing/grant.js';
import type { HpkeKey } from '../sealing/hpke.js';
import {
  type Detail,
  detailBinding,
  openDetailFile,
  openWithKey,
  type SealedDetail,
} from '../sealing/sealed-detail.js';
import { canonicalJson } from '../signing/canonical-json.js';
import { type LegalBasis, parseCaseSubject } from '../wire/cases.js';

/**
 * An evidence package (docs/evidence-package.md): a police case as the log holds it, for
 * a court. Every entry of the case — its steps, the reports in it, the link batches that
 * name their tokens — with its inclusion proof and the record its digest is of; the
 * checkpoint they verify against, with its witnesses' cosignatures; and the details the
 * owners granted, as grants to the case's recipient key or opened. `verifyEvidencePackage`
 * checks it offline with nothing but the log's public key, naming each part that fails.
 */

export const EVIDENCE_FORMAT = 'credence-evidence-package/v1';

export interface EvidenceCase {
  readonly id: string;
  readonly police: string;
  readonly basis: LegalBasis;
  readonly recipient: string;
}

export interface EvidenceEntry {
  readonly index: number;
  /** The entry as the log holds it: its canonical JSON, the leaf's bytes. */
  readonly entry: string;
  /** The inclusion proof in the checkpoint's tree (RFC 9162 §2.1.3), base64url hashes. */
  readonly proof: readonly string[];
  /** The record its digest is of (core/log/audit-records.ts); null where there is none. */
  readonly record: AuditRecord | null;
}

export interface EvidenceDetail {
  readonly disclosure: string;
  readonly owner: string;
  readonly report: string;
  /** The index of the report's entry and of the owner's `granted` step. */
  readonly reportEntry: number;
  readonly grantedEntry: number;
  readonly grant: SealedGrant;
  /** With the investigator's leave, in clear: the data key and the detail it opens. */
  readonly opened?: { readonly dataKey: string; readonly detail: Detail };
  /**
   * The report's evidence files as its owner uploaded them, still sealed under the data
   * key (base64url), by their position in the report's sealed detail.
   */
  readonly files?: readonly { readonly index: number; readonly ciphertext: string }[];
}

export interface EvidencePackage {
  readonly format: typeof EVIDENCE_FORMAT;
  readonly exportedAt: string;
  readonly case: EvidenceCase;
  readonly log: {
    /** The checkpoint note: the log's signature, then the witnesses' cosignatures. */
    readonly checkpoint: string;
    /** The witnesses (vkeys) whose cosignatures the package claims. */
    readonly witnesses: readonly string[];
  };
  readonly entries: readonly EvidenceEntry[];
  readonly details: readonly EvidenceDetail[];
}

/** One part that does not verify, named so that a person finds it. */
export interface EvidenceFinding {
  readonly part: string;
  readonly message: string;
}

export interface EvidenceReport {
  readonly findings: readonly EvidenceFinding[];
  readonly size: number | undefined;
  readonly entries: number;
  readonly details: number;
  /** Details opened in the package (or with the recipient key given) and matched. */
  readonly opened: number;
  readonly cosignatures: readonly string[];
}

const shape = (p: unknown): p is EvidencePackage => {
  const x = p as Partial<EvidencePackage> | null;
  return (
    typeof x === 'object' &&
    x !== null &&
    x.format === EVIDENCE_FORMAT &&
    typeof x.case?.id === 'string' &&
    typeof x.log?.checkpoint === 'string' &&
    Array.isArray(x.log.witnesses) &&
    Array.isArray(x.entries) &&
    Array.isArray(x.details)
  );
};

const parseEntry = (text: unknown): LogEntry | undefined => {
  if (typeof text !== 'string') return undefined;
  try {
    const e = JSON.parse(text) as LogEntry;
    return canonicalJson(e) === text ? e : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Verifies a package: the checkpoint against the log key (and the cosignatures it
 * claims, and any witnesses the verifier requires), every entry's inclusion proof against
 * that checkpoint, every record against its entry's digest, the case against its
 * `opened` step, and every detail against its report's sealed detail and its grant.
 * With the recipient's private key, grants are opened too.
 */
export async function verifyEvidencePackage(
  pkg: unknown,
  trust: {
    readonly logKey: TrustedKey;
    readonly witnesses?: readonly TrustedKey[];
    readonly recipientKey?: string | HpkeKey;
  },
): Promise<EvidenceReport> {
  const findings: EvidenceFinding[] = [];
  const fail = (part: string, message: string) => findings.push({ part, message });
  if (!shape(pkg)) {
    fail('package', `not an evidence package of format ${EVIDENCE_FORMAT}`);
    return { findings, size: undefined, entries: 0, details: 0, opened: 0, cosignatures: [] };
  }
  const claimed = [...pkg.log.witnesses, ...(trust.witnesses ?? [])];
  let root: Uint8Array | undefined;
  let size: number | undefined;
  let cosignatures: readonly string[] = [];
  try {
    const verified = verifyCheckpoint(pkg.log.checkpoint, {
      logKey: trust.logKey,
      witnesses: claimed,
    });
    root = verified.checkpoint.rootHash;
    size = verified.checkpoint.size;
    cosignatures = verified.cosignatures.map((c) => c.name);
  } catch (error) {
    fail('checkpoint', (error as Error).message);
  }

  const byIndex = new Map<number, { entry: LogEntry; record: AuditRecord | null }>();
  for (const e of pkg.entries) {
    const entry = parseEntry(e?.entry);
    const part = `entry ${String(e?.index)}${entry === undefined ? '' : ` (${entry.kind} ${entry.subject} of ${entry.member})`}`;
    if (entry === undefined || !Number.isSafeInteger(e.index)) {
      fail(part, 'not a log entry in its canonical JSON');
      continue;
    }
    byIndex.set(e.index, { entry, record: e.record });
    if (root !== undefined && size !== undefined) {
      let included = false;
      try {
        const proof = e.proof.map((h) => decodeBase64url(h) ?? new Uint8Array());
        const computed = rootFromInclusionProof(e.index, size, hashLeaf(utf8(e.entry)), proof);
        included = computed.every((b, i) => b === root?.[i]);
      } catch {
        included = false;
      }
      if (!included) fail(part, "its inclusion proof does not lead to the checkpoint's root");
    }
    if (e.record === null) {
      fail(part, 'comes without the record its digest is of');
      continue;
    }
    const digest = recordDigestOf(entry, e.record);
    if ('mismatch' in digest) fail(part, `its record does not fit: ${digest.mismatch}`);
    else if (digest.digest !== entry.digest)
      fail(part, 'its record is not what the entry\u2019s digest is of: altered');
  }

  checkCase(pkg, byIndex, fail);
  const opened = await checkDetails(pkg, byIndex, fail, trust.recipientKey);
  return {
    findings,
    size,
    entries: pkg.entries.length,
    details: pkg.details.length,
    opened,
    cosignatures,
  };
}

type Entries = ReadonlyMap<number, { entry: LogEntry; record: AuditRecord | null }>;
type Fail = (part: string, message: string) => void;

const eventOf = (e: { record: AuditRecord | null } | undefined) =>
  e?.record?.type === 'event' ? (e.record.record as Record<string, unknown>) : undefined;

/** The case as the package states it is the case its `opened` step logged. */
function checkCase(pkg: EvidencePackage, entries: Entries, fail: Fail): void {
  const steps = [...entries.values()].filter((e) => e.entry.kind === 'case_event');
  const opened = steps.filter((e) => parseCaseSubject(e.entry.subject)?.step === 'opened');
  const mine = opened.find((e) => parseCaseSubject(e.entry.subject)?.case === pkg.case.id);
  if (mine === undefined) {
    fail(`case ${pkg.case.id}`, 'the package holds no entry that opened it');
    return;
  }
  const record = eventOf(mine);
  if (
    mine.entry.member !== pkg.case.police ||
    canonicalJson(record?.basis) !== canonicalJson(pkg.case.basis) ||
    record?.recipient !== pkg.case.recipient
  )
    fail(
      `case ${pkg.case.id}`,
      'its police member, legal basis or recipient key is not what its opening logged',
    );
  for (const s of steps)
    if (parseCaseSubject(s.entry.subject)?.case !== pkg.case.id)
      fail(`entry ${s.entry.subject}`, 'a step of another case');
}

/** Each detail: its report's entry, the grant its owner logged, and what it opens to. */
/**
 * A detail's evidence files against the list its report's sealed detail carries (which
 * the report's logged record binds): each listed file there and the ciphertext listed,
 * and none that the list does not name. Needs no key.
 */
function checkFiles(d: EvidenceDetail, sealed: SealedDetail, part: string, fail: Fail): void {
  const listed = sealed.files ?? [];
  const given = new Map((d.files ?? []).map((f) => [f.index, f.ciphertext]));
  for (const [index, ref] of listed.entries()) {
    const text = given.get(index);
    if (text === undefined) {
      fail(part, `its evidence file ${index} is not in the package`);
      continue;
    }
    const bytes = decodeBase64url(text);
    if (
      bytes === undefined ||
      bytes.length !== ref.size ||
      encodeBase64url(sha256(bytes)) !== ref.sha256
    )
      fail(part, `its evidence file ${index} is not the one its report lists`);
  }
  for (const index of given.keys())
    if (!(Number.isInteger(index) && index >= 0 && index < listed.length))
      fail(part, `the package holds an evidence file ${index} that its report does not list`);
}

async function checkDetails(
  pkg: EvidencePackage,
  entries: Entries,
  fail: Fail,
  recipientKey: string | HpkeKey | undefined,
): Promise<number> {
  const opener = recipientKey === undefined ? undefined : await GrantOpener.create(recipientKey);
  let opened = 0;
  for (const d of pkg.details) {
    const part = `disclosure ${d.disclosure} (report ${d.report} of ${d.owner})`;
    const report = entries.get(d.reportEntry);
    const granted = entries.get(d.grantedEntry);
    const stored = report?.record?.type === 'report' ? report.record.report : undefined;
    if (
      stored === undefined ||
      report?.entry.subject !== d.report ||
      report.entry.member !== d.owner ||
      stored.sealed === undefined ||
      stored.sealed === null
    ) {
      fail(part, 'the package holds no entry of its report with a sealed detail');
      continue;
    }
    const step = granted === undefined ? undefined : parseCaseSubject(granted.entry.subject);
    if (
      step?.step !== 'granted' ||
      step.case !== pkg.case.id ||
      step.qualifier !== d.disclosure ||
      granted?.entry.member !== d.owner
    ) {
      fail(part, 'the package holds no entry of its owner granting it');
      continue;
    }
    if (eventOf(granted)?.grant !== grantDigest(d.grant)) {
      fail(part, 'its grant is not the one its owner logged');
      continue;
    }
    checkFiles(d, stored.sealed, part, fail);
    const binding = detailBinding(stored);
    let dataKey: Uint8Array | undefined;
    if (opener !== undefined)
      try {
        dataKey = await opener.dataKey(
          {
            disclosure: d.disclosure,
            case: pkg.case.id,
            recipient: pkg.case.recipient,
            detail: binding,
          },
          d.grant,
        );
      } catch {
        fail(part, 'its grant does not open with the recipient key given');
        continue;
      }
    if (d.opened === undefined && dataKey === undefined) continue;
    try {
      const key = dataKey ?? decodeBase64url(d.opened?.dataKey ?? '') ?? new Uint8Array();
      const detail = await openWithKey(key, binding, stored.sealed);
      if (d.opened !== undefined && canonicalJson(detail) !== canonicalJson(d.opened.detail))
        fail(part, 'the detail in clear is not what its report sealed');
      else opened++;
      for (const f of d.files ?? [])
        await openDetailFile(
          key,
          binding,
          stored.sealed,
          detail,
          f.index,
          decodeBase64url(f.ciphertext) ?? new Uint8Array(),
        ).catch(() =>
          fail(part, `its evidence file ${f.index} does not open as the detail names it`),
        );
    } catch {
      fail(part, "its data key does not open its report's sealed detail");
    }
  }
  return opened;
}
