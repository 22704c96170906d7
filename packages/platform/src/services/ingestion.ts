import { createHash } from 'node:crypto';
import { itemContentHash } from '@credence/core/log/entries';
import { maskNarrative } from '@credence/core/narrative/mask';
import {
  canonicalBatch,
  type LinkBatch,
  type ReportBatch,
  type ScriptBatch,
  type SignedBatch,
  verifyBatchSignature,
} from '@credence/core/wire/batches';
import { checkEventTime, MAX_CLOCK_SKEW_MS, parseDateTime } from '@credence/core/wire/date-time';
import type { TokenizedReport } from '@credence/core/wire/tokenized-records';
import { PlatformError } from '../domain/errors.js';
import {
  type BatchRecord,
  type IngestLink,
  type IngestReport,
  type IngestResult,
  type LogAppend,
  type Member,
  type SigningKeyRow,
  usableAt,
} from '../domain/types.js';
import { statDeltas } from '../storage/aggregate.js';
import type { Store } from '../storage/store.js';
import type { CheckView } from './check-view.js';

/** How old a signed batch may be (how far ahead of the platform's clock: MAX_CLOCK_SKEW_MS). */
const MAX_AGE_MS = 24 * 3600_000;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The schema checks a time's shape; this checks it is a time at all (no 13th month, no
 * 30 February, no 25th hour) and one that has happened (from 1990 to now, give or take
 * the clock skew), by the rule the member's parser applies too (wire/date-time), naming
 * the item. Returns each item's time in milliseconds.
 */
function requireDates<K extends string>(
  items: readonly Record<K, string>[],
  list: string,
  field: K,
  now: number,
): number[] {
  return items.map((item, i) => {
    const checked = checkEventTime(item[field], now);
    if (!checked.ok)
      throw new PlatformError(
        'request.invalid',
        checked.problem === 'format'
          ? `${field} must be a real date and time`
          : `${field} must not be in the future or before 1990`,
        { errors: [{ field: `batch.${list}[${i}].${field}`, message: checked.message }] },
      );
    return checked.ms;
  });
}

/**
 * `police_confirmed` is the strongest evidence a report can carry (it does not fade, and
 * it may make a token `fraud` on its own): police members alone send it. A bank told by
 * the police reports the case as `confirmed_fraud`; the police report it themselves.
 */
function requirePoliceForPoliceConfirmed(
  caller: Member,
  reports: readonly { readonly type: string }[],
): void {
  if (caller.type === 'police') return;
  const errors = reports.flatMap((r, i) =>
    r.type === 'police_confirmed'
      ? [
          {
            field: `batch.reports[${i}].type`,
            message: 'is police_confirmed, which only police members send',
          },
        ]
      : [],
  );
  if (errors.length > 0)
    throw new PlatformError(
      'role.forbidden',
      'police_confirmed is reported by police members only: report the case as confirmed_fraud',
      { errors: errors.slice(0, 50) },
    );
}

/**
 * A report's script is the member's masked narrative: it comes with its fingerprint, and
 * masking it again changes nothing (no number, link, address or handle is left in it).
 * The platform cannot tell a name from a word, but it refuses a script that plainly was
 * not masked, naming the report.
 */
function requireMaskedScripts(reports: readonly TokenizedReport[]): void {
  reports.forEach((r, i) => {
    if (r.script === undefined) return;
    const field = `batch.reports[${i}].script`;
    if (r.fingerprint === undefined)
      throw new PlatformError('request.invalid', 'a script comes with its fingerprint', {
        errors: [
          { field: `batch.reports[${i}].fingerprint`, message: 'is required with a script' },
        ],
      });
    if (maskNarrative(r.script) !== r.script.normalize('NFKC'))
      throw new PlatformError('request.invalid', 'a script must be masked at the member', {
        errors: [{ field, message: 'holds a number, link, address or handle: it is not masked' }],
      });
  });
}

/** A write refused by the store for a batch id used before for another batch: a 409. */
async function reused<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if ((error as { code?: string }).code === 'batch.reused')
      throw new PlatformError(
        'batch.reused',
        'a batch id is used once: this one named another batch',
        {
          errors: [{ field: 'batch.batchId', message: 'was used before for another batch' }],
        },
      );
    throw error;
  }
}

export interface BatchResult extends IngestResult {
  readonly batchId: string;
  /** When the platform took the batch: the time of its log entries. */
  readonly receivedAt: number;
}

/**
 * Ingestion of signed batches (SPEC §3.6, §5): the batch must be the caller's, fresh,
 * signed with one of the caller's registered keys over its canonical JSON; then its items
 * are stored atomically and idempotently. The structure of every item has been checked
 * by the HTTP schema before this runs.
 */
export class IngestionService {
  private readonly keys = new Map<string, { keys: SigningKeyRow[]; until: number }>();
  /** Moves on every invalidation: a lookup begun before one must not fill the cache. */
  private keysGeneration = 0;

  constructor(
    private readonly store: Store,
    private readonly view: CheckView,
    private readonly now: () => number = Date.now,
  ) {}

  private async registeredKeys(memberId: string): Promise<SigningKeyRow[]> {
    const cached = this.keys.get(memberId);
    if (cached !== undefined && cached.until > this.now()) return cached.keys;
    const generation = this.keysGeneration;
    const keys = await this.store.signingKeys(memberId);
    if (generation === this.keysGeneration)
      this.keys.set(memberId, { keys, until: this.now() + 5000 });
    return keys;
  }

  /**
   * Forgets cached signing keys: after a rotation in this process, or when the store's
   * member version moved (a rotation elsewhere; see CredentialCache.follow).
   */
  invalidateKeys(): void {
    this.keysGeneration++;
    this.keys.clear();
  }

  /**
   * Checks the batch is the caller's, fresh and signed; returns the record to keep of it
   * and each item's content hash (SHA-256 of its canonical JSON, for idempotency).
   */
  private async admit<B extends { member: string; batchId: string; createdAt: string }>(
    caller: Member,
    signed: SignedBatch<B>,
    kind: BatchRecord['kind'],
  ): Promise<{ record: BatchRecord; hashes: readonly string[] }> {
    const { batch } = signed;
    if (batch.member !== caller.id) {
      throw new PlatformError(
        'batch.member_mismatch',
        'the batch names another member than the credential',
        { errors: [{ field: 'batch.member', message: 'must be your member id' }] },
      );
    }
    const created = parseDateTime(batch.createdAt);
    const now = this.now();
    if (created === undefined)
      throw new PlatformError('request.invalid', 'createdAt must be a real date and time', {
        errors: [{ field: 'batch.createdAt', message: 'is not a valid date-time' }],
      });
    if (!(created >= now - MAX_AGE_MS && created <= now + MAX_CLOCK_SKEW_MS)) {
      throw new PlatformError('batch.stale', 'sign batches within a day of sending them', {
        errors: [{ field: 'batch.createdAt', message: 'must be within the last 24 hours' }],
      });
    }
    const key = (await this.registeredKeys(caller.id)).find(
      (k) => k.publicKey === signed.publicKey,
    );
    if (key !== undefined && key.activatesAt !== undefined && key.activatesAt > now)
      throw new PlatformError(
        'batch.key_pending',
        `the key was announced for you and starts at ${new Date(key.activatesAt).toISOString()}, unless you object`,
        { errors: [{ field: 'publicKey', message: 'has not started yet' }] },
      );
    if (key === undefined || !usableAt(key, now)) {
      throw new PlatformError(
        'batch.unknown_key',
        'sign with a current key of yours (credence member keys list; a new one: credence member keys rotate)',
        { errors: [{ field: 'publicKey', message: 'is not a current key of yours' }] },
      );
    }
    let canonical: ReturnType<typeof canonicalBatch>;
    try {
      canonical = canonicalBatch(batch, kind);
    } catch {
      // RFC 8785 has no form for some strings JSON lets through (a lone surrogate).
      throw new PlatformError('request.invalid', 'the batch has no canonical JSON (RFC 8785)', {
        errors: [{ field: 'batch', message: 'holds a string that is not well-formed Unicode' }],
      });
    }
    if (!verifyBatchSignature(signed, canonical.text)) {
      throw new PlatformError(
        'batch.signature_invalid',
        'the signature must be Ed25519 over the RFC 8785 canonical JSON of batch',
        { errors: [{ field: 'signature', message: 'does not verify' }] },
      );
    }
    const record: BatchRecord = {
      memberId: caller.id,
      batchId: batch.batchId,
      kind,
      digest: sha256(canonical.text),
      publicKey: signed.publicKey,
      signature: signed.signature,
      items: canonical.items.length,
      receivedAt: now,
    };
    return { record, hashes: canonical.items.map(itemContentHash) };
  }

  async submitReports(caller: Member, signed: SignedBatch<ReportBatch>): Promise<BatchResult> {
    const occurredAt = requireDates(signed.batch.reports, 'reports', 'occurredAt', this.now());
    const { record, hashes } = await this.admit(caller, signed, 'reports');
    // Who may say it, once the batch is known to be the caller's own.
    requirePoliceForPoliceConfirmed(caller, signed.batch.reports);
    requireMaskedScripts(signed.batch.reports);
    const reports: IngestReport[] = signed.batch.reports.map((r, i) => ({
      ref: r.ref,
      type: r.type,
      category: r.category,
      occurredAt: occurredAt[i] as number,
      loss: r.loss,
      region: r.region,
      entities: r.entities.map((e) => ({
        role: e.role,
        kind: e.kind,
        token: e.token,
        keyId: e.keyId,
      })),
      fingerprint: r.fingerprint,
      script: r.script,
      sealed: r.sealed,
      contentHash: hashes[i] as string,
    }));
    const result = await reused(this.store.ingestReports(record, reports));
    const accepted = result.outcomes.filter((o) => o.status === 'accepted');
    if (accepted.length > 0)
      await this.view.applyWrite(
        result.seq,
        result.log?.size ?? 0,
        caller.id,
        statDeltas(accepted.map((o) => reports[o.index] as IngestReport)),
        result.reassigned,
      );
    return { ...result, batchId: signed.batch.batchId, receivedAt: record.receivedAt };
  }

  /**
   * Scripts a member shares for reports it sent before (it opted in later): each must be
   * masked, and name one of its reports that carries a fingerprint; the reports never
   * change, each script is logged as a `report_script` entry of its own.
   */
  async submitScripts(caller: Member, signed: SignedBatch<ScriptBatch>): Promise<BatchResult> {
    const { scripts } = signed.batch;
    scripts.forEach((s, i) => {
      if (maskNarrative(s.script) !== s.script.normalize('NFKC'))
        throw new PlatformError('request.invalid', 'a script must be masked at the member', {
          errors: [
            {
              field: `batch.scripts[${i}].script`,
              message: 'holds a number, link, address or handle: it is not masked',
            },
          ],
        });
    });
    const { record } = await this.admit(caller, signed, 'scripts');
    const known = await this.store.reportsByRef(
      caller.id,
      scripts.map((s) => s.ref),
    );
    scripts.forEach((s, i) => {
      const report = known.get(s.ref);
      if (report === undefined || !report.fingerprint)
        throw new PlatformError(
          'request.invalid',
          report === undefined
            ? 'a script is shared for one of your reports, by its ref'
            : 'a script goes with its fingerprint: this report was sent without one',
          {
            errors: [
              {
                field: `batch.scripts[${i}].ref`,
                message:
                  report === undefined
                    ? 'names no report of yours'
                    : 'names a report without a fingerprint',
              },
            ],
          },
        );
    });
    const result = await reused(this.store.shareScripts(record, scripts));
    return { ...result, batchId: signed.batch.batchId, receivedAt: record.receivedAt };
  }

  async submitLinks(caller: Member, signed: SignedBatch<LinkBatch>): Promise<BatchResult> {
    const at = requireDates(signed.batch.links, 'links', 'at', this.now());
    const { record, hashes } = await this.admit(caller, signed, 'links');
    const links: IngestLink[] = signed.batch.links.map((l, i) => ({
      link: l.link,
      from: { token: l.from.token, kind: l.from.kind, keyId: l.from.keyId },
      to: { token: l.to.token, kind: l.to.kind, keyId: l.to.keyId },
      at: at[i] as number,
      count: l.count,
      amount: l.amount,
      contentHash: hashes[i] as string,
    }));
    const result = await reused(this.store.ingestLinks(record, links));
    // A reported token given to a new holder moves the sequence (issue 12): this process's
    // checks take it at once.
    if (result.seq > this.view.watermark) await this.view.reach(result.seq);
    return { ...result, batchId: signed.batch.batchId, receivedAt: record.receivedAt };
  }

  async retract(
    caller: Member,
    reportId: string,
    reason: string,
  ): Promise<{ seq: number; at: number; log: LogAppend }> {
    const at = this.now();
    const result = await this.store.retractReport(caller.id, reportId, reason, at);
    if (result.status === 'not_found')
      throw new PlatformError('report.not_found', 'no report of yours has this id');
    if (result.status === 'already' || result.log === undefined)
      throw new PlatformError('report.already_retracted', 'the report is retracted already');
    await this.view.reach(result.seq);
    return { seq: result.seq, at, log: result.log };
  }
}
