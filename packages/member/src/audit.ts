import { decodeBase64url } from '@credence/core/encoding/base64url';
import { constantTimeEqual } from '@credence/core/encoding/bytes';
import { type AuditRecord, RECORD_TYPE_OF, recordDigestOf } from '@credence/core/log/audit-records';
import { type Checkpoint, verifyCheckpoint } from '@credence/core/log/checkpoint';
import { entryText, type LogEntry } from '@credence/core/log/entries';
import { ENTRY_KINDS, entryKind, isLogEntryKind } from '@credence/core/log/kinds';
import { hashLeaf } from '@credence/core/merkle/hash';
import { TreeBuilder } from '@credence/core/merkle/tree-builder';
import { rootFromInclusionProof } from '@credence/core/merkle/verify';
import { AnswerLedger, type CheckAnswerJson } from './audit-answers.js';
import { QualityReplay } from './audit-quality.js';
import { LoggedState, type StateFindingKind } from './audit-state.js';
import { MemberError } from './member-error.js';
import { type PlatformEndpoint, platformRequest } from './platform-client.js';

/**
 * `credence audit` (SPEC §3.4): fetches every entry of the log, recomputes the tree,
 * verifies every checkpoint's signature and that each is the root of the entries at its
 * size (so all of them lie on one history), and cross-checks what the store holds now
 * against what was logged: every record's digest is recomputed from the stored row
 * (every field of it), and the derived tables that answers come from — tokens'
 * summaries and states, alerts, rings' tokens, members, credentials, signing keys, key
 * servers' counts — are rebuilt from the verified records and compared row by row
 * (audit-state.ts). A report edited or deleted after it was logged, a summary row added,
 * a log truncated, entries reordered or replaced, a checkpoint rewritten — each is found
 * and named, and the audit goes on after each finding.
 */

export type AuditFindingKind =
  | 'bad_checkpoint'
  | 'tree_mismatch'
  | 'altered_entry'
  | 'truncated'
  | 'malformed_entry'
  | 'duplicate_entry'
  | 'altered_record'
  | 'missing_record'
  | 'unlogged_records'
  | 'altered_alerts'
  | 'altered_policy'
  | 'altered_quality'
  | 'wrong_answer'
  | StateFindingKind;

export interface AuditFinding {
  readonly kind: AuditFindingKind;
  readonly message: string;
  readonly index?: number;
  readonly size?: number;
}

export interface AuditReport {
  readonly entries: number;
  readonly checkpoints: number;
  readonly size: number;
  readonly root: string;
  readonly kinds: Readonly<Record<string, number>>;
  /** Whether the log key was taken from the log itself (not pinned by the auditor). */
  readonly logKeyFromLog: boolean;
  readonly findings: readonly AuditFinding[];
  /** The newest checkpoint verified (its note), for the next audit's `previous`. */
  readonly newest: string | undefined;
  /** Check answers held to the log (with `answers`): how many, and how many it bears out. */
  readonly answers?: { readonly checked: number; readonly verified: number };
}

export interface AuditOptions {
  readonly platform: PlatformEndpoint;
  /** The log's verifier key; without it, the log's own /v1/log/key is used (and said). */
  readonly logKey?: string;
  readonly pageSize?: number;
  /** Inclusion proofs fetched at most to pinpoint altered entries (default 10,000). */
  readonly pinpointLimit?: number;
  /** After each page of entries (awaited: a caller may do work there). */
  readonly onProgress?: (entries: number) => void | Promise<void>;
  /**
   * The newest checkpoint a previous audit verified (its note): the log must still extend
   * it, so a log cut back together with its checkpoint history is still caught.
   */
  readonly previous?: string;
  /** Witnesses (vkeys) of which `requiredWitnesses` must have cosigned the newest checkpoint. */
  readonly witnesses?: readonly string[];
  readonly requiredWitnesses?: number;
  /** Check answers to recompute from the log (audit-answers.ts). */
  readonly answers?: readonly CheckAnswerJson[];
}

const MAX_FINDINGS_PER_KIND = 1000;

/** The audit's reading of the log so far: the tree recomputed, and what the entries say. */
interface Reading {
  readonly platform: PlatformEndpoint;
  readonly onProgress: AuditOptions['onProgress'];
  /** Entries a page (the platform serves at most 1,000). */
  readonly pageSize: number;
  readonly find: (f: AuditFinding) => void;
  /** The verified checkpoints, by size, and their sizes in order. */
  readonly checkpoints: ReadonlyMap<number, Checkpoint>;
  readonly sizes: readonly number[];
  readonly largest: number;
  readonly builder: TreeBuilder;
  /** Leaf hashes of the entries no checkpoint has proven yet, to pinpoint a mismatch. */
  readonly leafHashes: Map<number, Uint8Array>;
  readonly mismatched: { from: number; to: number }[];
  readonly kinds: Record<string, number>;
  /** Subjects seen per kind: one entry each, and what the store holds is counted against them. */
  readonly subjects: Map<string, Set<string>>;
  readonly state: LoggedState;
  readonly ledger: AnswerLedger | undefined;
  readonly quality: QualityReplay;
  /** The next checkpoint (of `sizes`) to reach, and the size the tree was proven to. */
  next: number;
  checkedTo: number;
  /** Alerts the log accounts for, summed over its alerts entries. */
  alertsLogged: number;
}

type EntriesPage = { entries: { entry: string; record: AuditRecord | null }[] };

export async function auditLog(options: AuditOptions): Promise<AuditReport> {
  const { platform } = options;
  const findings: AuditFinding[] = [];
  const perKind = new Map<string, number>();
  const find = (f: AuditFinding) => {
    const n = (perKind.get(f.kind) ?? 0) + 1;
    perKind.set(f.kind, n);
    if (n <= MAX_FINDINGS_PER_KIND) findings.push(f);
  };
  const logKey =
    options.logKey ??
    (await platformRequest<{ vkey: string }>(platform, 'GET', '/v1/log/key')).vkey;
  const checkpoints = await checkpointHistory(platform, logKey, options.previous, find);
  const newest = await newestCheckpoint(platform, logKey, options, checkpoints, find);
  const sizes = [...checkpoints.keys()].sort((a, b) => a - b);
  const largest = sizes.at(-1) ?? 0;

  // Every entry, in order: recompute the tree and compare with the store.
  const reading: Reading = {
    platform,
    onProgress: options.onProgress,
    pageSize: Math.min(1000, options.pageSize ?? 1000),
    find,
    checkpoints,
    sizes,
    largest,
    builder: new TreeBuilder(),
    leafHashes: new Map(),
    mismatched: [],
    kinds: {},
    subjects: new Map(),
    state: new LoggedState(),
    ledger: options.answers === undefined ? undefined : new AnswerLedger(options.answers),
    quality: new QualityReplay((message) => find({ kind: 'altered_quality', message })),
    next: 0,
    checkedTo: 0,
    alertsLogged: 0,
  };
  const { builder } = reading;
  await readEntries(reading, 0);
  if (builder.size < largest)
    find({
      kind: 'truncated',
      size: largest,
      message: `a checkpoint of size ${largest} is signed, but the log serves only ${builder.size} entries: it was truncated`,
    });

  await pinpoint(
    platform,
    reading.mismatched,
    reading.leafHashes,
    checkpoints,
    options.pinpointLimit ?? 10_000,
    find,
  );

  // What the store holds must all be in the log, and the derived tables as the log says.
  // The platform goes on taking writes while the audit reads: what differs is read again
  // after taking in the entries appended meanwhile, and only what still differs is named.
  for (let round = 1; ; round++) {
    const pending: AuditFinding[] = [];
    await compareStore(platform, reading.subjects, reading.alertsLogged, reading.state, (f) =>
      pending.push(f),
    );
    const head = builder.size;
    if (pending.length > 0 && round < 4) {
      await readEntries(reading, head);
      if (builder.size > head) continue;
    }
    for (const f of pending) find(f);
    break;
  }
  const verified = await reading.ledger?.verify(platform, builder.size, find);

  return {
    entries: builder.size,
    checkpoints: checkpoints.size,
    size: builder.size,
    root: Buffer.from(builder.root()).toString('base64'),
    kinds: reading.kinds,
    logKeyFromLog: options.logKey === undefined,
    findings,
    newest,
    ...(options.answers === undefined
      ? {}
      : { answers: { checked: options.answers.length, verified: verified ?? 0 } }),
  };
}

/**
 * Every checkpoint of the history, each of which must carry the log's signature, and the
 * one a previous audit verified, which the log must still have.
 */
async function checkpointHistory(
  platform: PlatformEndpoint,
  logKey: string,
  previous: string | undefined,
  find: (f: AuditFinding) => void,
): Promise<Map<number, Checkpoint>> {
  const checkpoints = new Map<number, Checkpoint>();
  const check = (note: string, size: number) => {
    try {
      const c = verifyCheckpoint(note, { logKey }).checkpoint;
      if (c.size !== size) throw new Error('its size is not the one it is kept under');
      checkpoints.set(c.size, c);
    } catch (error) {
      find({
        kind: 'bad_checkpoint',
        size,
        message: `the checkpoint of size ${size} does not verify: ${(error as Error).message}`,
      });
    }
  };
  for (let from = 0; ; ) {
    const page = await platformRequest<{ checkpoints: { size: number; note: string }[] }>(
      platform,
      'GET',
      `/v1/log/checkpoints?from=${from}&limit=1000`,
    );
    for (const c of page.checkpoints) check(c.note, c.size);
    const last = page.checkpoints.at(-1);
    if (page.checkpoints.length < 1000 || last === undefined) break;
    from = last.size + 1;
  }
  if (previous !== undefined) {
    try {
      const before = verifyCheckpoint(previous, { logKey }).checkpoint;
      const kept = checkpoints.get(before.size);
      if (kept !== undefined && !constantTimeEqual(kept.rootHash, before.rootHash))
        find({
          kind: 'bad_checkpoint',
          size: before.size,
          message: `the checkpoint of size ${before.size} verified by the previous audit has another root now: the log forked`,
        });
      else checkpoints.set(before.size, before);
    } catch (error) {
      find({
        kind: 'bad_checkpoint',
        message: `the previous audit's checkpoint does not verify: ${(error as Error).message}`,
      });
    }
  }
  return checkpoints;
}

/**
 * The newest checkpoint (cosigned by the required witnesses), added to `checkpoints`;
 * its note when it verifies.
 */
async function newestCheckpoint(
  platform: PlatformEndpoint,
  logKey: string,
  options: AuditOptions,
  checkpoints: Map<number, Checkpoint>,
  find: (f: AuditFinding) => void,
): Promise<string | undefined> {
  const required = options.requiredWitnesses ?? 0;
  const note = await platformRequest<string>(
    platform,
    'GET',
    required > 0 ? `/v1/log/checkpoint?cosigned=${required}` : '/v1/log/checkpoint',
    undefined,
    { text: true },
  );
  try {
    const newest = verifyCheckpoint(note, {
      logKey,
      ...(required > 0 ? { witnesses: options.witnesses ?? [], requiredWitnesses: required } : {}),
    }).checkpoint;
    const kept = checkpoints.get(newest.size);
    if (kept !== undefined && !constantTimeEqual(kept.rootHash, newest.rootHash))
      find({
        kind: 'bad_checkpoint',
        size: newest.size,
        message: `two different checkpoints of size ${newest.size} are signed: the log forked`,
      });
    checkpoints.set(newest.size, newest);
    return note;
  } catch (error) {
    find({
      kind: 'bad_checkpoint',
      message: `the published checkpoint does not verify: ${(error as Error).message}`,
    });
    return undefined;
  }
}

/** Reads the log from `from` to its end as it is now, each entry checked and taken in. */
async function readEntries(reading: Reading, from: number): Promise<void> {
  const { platform, pageSize, builder } = reading;
  const fetchPage = (start: number) =>
    platformRequest<EntriesPage>(
      platform,
      'GET',
      `/v1/audit/entries?start=${start}&end=${start + pageSize}`,
    );
  // The next page is on its way while this one is checked.
  let nextPage = fetchPage(from);
  for (let start = from; ; start += pageSize) {
    const page = await nextPage;
    if (page.entries.length === pageSize) nextPage = fetchPage(start + pageSize);
    for (const { entry, record } of page.entries) {
      takeEntry(reading, entry, record);
      reachCheckpoints(reading);
    }
    await reading.onProgress?.(builder.size);
    if (page.entries.length < pageSize) break;
  }
}

/** One entry into the tree, counted by kind, and its record into what is rebuilt. */
function takeEntry(reading: Reading, entry: string, record: AuditRecord | null): void {
  const { builder, find, state } = reading;
  const index = builder.size;
  const leaf = hashLeaf(new TextEncoder().encode(entry));
  builder.append(leaf);
  if (index < reading.largest) reading.leafHashes.set(index, leaf);
  const parsed = parseEntry(entry);
  if (parsed === undefined) {
    find({ kind: 'malformed_entry', index, message: `entry ${index} is not a log entry` });
    return;
  }
  reading.kinds[parsed.kind] = (reading.kinds[parsed.kind] ?? 0) + 1;
  if (parsed.kind === 'alerts') reading.alertsLogged += Number(parsed.subject.split('/')[1] ?? 0);
  // An entry that commits to its alerts in its record: those the store serves with it
  // (held to the commitment by crossCheck).
  else if (entryKind(parsed.kind).commitsAlerts && record?.type === 'event')
    reading.alertsLogged += record.alerts?.length ?? 0;
  const repeated = ENTRY_KINDS[parsed.kind].unique && isRepeated(reading, index, parsed);
  // A repeated entry is named as such, and not counted twice into what is rebuilt.
  if (!repeated && crossCheck(index, parsed, record, find)) {
    state.take(parsed, record as AuditRecord);
    reading.ledger?.take(index, parsed, record as AuditRecord);
    reading.quality.take(index, parsed, record as AuditRecord);
  }
  // An edited row is named once, as such: what it would rebuild (the summaries of
  // the tokens a report names, a member's keys or credentials) cannot be held to it.
  else if (!repeated) state.distrust(parsed, record);
}

/** Whether a kind logged once per subject logs this one a second time (then named). */
function isRepeated(reading: Reading, index: number, parsed: LogEntry): boolean {
  let seen = reading.subjects.get(parsed.kind);
  if (seen === undefined) {
    seen = new Set();
    reading.subjects.set(parsed.kind, seen);
  }
  const key = `${parsed.member}/${parsed.subject}`;
  const repeated = seen.has(key);
  if (repeated)
    reading.find({
      kind: 'duplicate_entry',
      index,
      message: `entry ${index} logs ${parsed.kind} ${parsed.subject} of ${parsed.member} a second time`,
    });
  seen.add(key);
  return repeated;
}

/** The tree at the size of a signed checkpoint must have its root. */
function reachCheckpoints(reading: Reading): void {
  const { builder, sizes } = reading;
  while (reading.next < sizes.length && sizes[reading.next] === builder.size) {
    const c = reading.checkpoints.get(builder.size) as Checkpoint;
    if (constantTimeEqual(builder.root(), c.rootHash)) {
      // Everything up to here is proven; the leaf hashes are no longer needed.
      for (let i = reading.checkedTo; i < builder.size; i++) reading.leafHashes.delete(i);
    } else {
      reading.mismatched.push({ from: reading.checkedTo, to: builder.size });
      // Every later checkpoint covers the same entries: name the first one only.
      if (reading.mismatched.length === 1)
        reading.find({
          kind: 'tree_mismatch',
          size: builder.size,
          message: `the first ${builder.size} entries do not hash to the signed checkpoint of that size (nor to any later one): entries were altered, reordered or replaced`,
        });
    }
    reading.checkedTo = builder.size;
    reading.next++;
  }
}

/** The store's counts against the subjects the log accounts for, and the derived tables. */
async function compareStore(
  platform: PlatformEndpoint,
  subjects: ReadonlyMap<string, ReadonlySet<string>>,
  alertsLogged: number,
  state: LoggedState,
  find: (f: AuditFinding) => void,
): Promise<void> {
  const counts = await platformRequest<Record<string, number>>(platform, 'GET', '/v1/audit/counts');
  const unlogged = (
    what: string,
    stored: number | undefined,
    logged: number,
    kind: AuditFindingKind = 'unlogged_records',
  ) => {
    if ((stored ?? 0) > logged)
      find({
        kind,
        message: `the store holds ${(stored ?? 0) - logged} ${what} that are not in the log`,
      });
  };
  const logged = (kind: string) => subjects.get(kind)?.size ?? 0;
  unlogged('reports', counts.reports, logged('report'));
  unlogged('retractions', counts.retractions, logged('retraction'));
  unlogged('link batches', counts.linkBatches, logged('link_batch'));
  unlogged('shared scripts', counts.scripts, logged('report_script'));
  unlogged('alerts', counts.alerts, alertsLogged, 'altered_alerts');
  unlogged('policy versions', counts.policies, logged('policy_change'), 'altered_policy');
  unlogged('analysis runs', counts.analyses, logged('analysis'), 'altered_analysis');
  unlogged('outcomes', counts.outcomes, logged('outcome'));
  unlogged(
    'versions of the quality weights',
    counts.qualityWeights,
    logged('quality_weights'),
    'altered_quality',
  );
  unlogged('appeals', counts.appeals, logged('appeal'));
  unlogged('rulings on appeals', counts.appealRulings, logged('appeal_ruling'));
  unlogged('releases of public statistics', counts.statsReleases, logged('stats_release'));
  unlogged('uploads of seized lists', counts.exposures, logged('exposure'));
  unlogged('published filters', counts.filters, logged('filter'));
  await state.compare(platform, find);
}

function parseEntry(text: string): LogEntry | undefined {
  try {
    const e = JSON.parse(text) as LogEntry;
    if (!isLogEntryKind(e.kind)) return undefined;
    return entryText(e) === text ? e : undefined;
  } catch {
    return undefined;
  }
}

/** The finding for an entry whose record is not what was logged, by the entry's kind. */
const FINDING_OF: Partial<Record<LogEntry['kind'], AuditFindingKind>> = {
  alerts: 'altered_alerts',
  policy_change: 'altered_policy',
  analysis: 'altered_analysis',
};

function describe(entry: LogEntry): string {
  return ENTRY_KINDS[entry.kind].describe(entry);
}

/**
 * Holds an entry's record, as the store holds it now, to the entry: the digest is
 * recomputed here from the record, field by field. Returns whether it matched (only then
 * does the record count towards the rebuilt tables).
 */
function crossCheck(
  index: number,
  entry: LogEntry,
  record: AuditRecord | null,
  find: (f: AuditFinding) => void,
): boolean {
  if (RECORD_TYPE_OF[entry.kind] === undefined) return false;
  const what = describe(entry);
  if (record === null) {
    find({
      kind: FINDING_OF[entry.kind] ?? 'missing_record',
      index,
      message: `${what} (entry ${index}) is missing from the store`,
    });
    return false;
  }
  const computed = recordDigestOf(entry, record);
  if ('digest' in computed && computed.digest === entry.digest) return true;
  find({
    kind: 'alerts' in computed ? 'altered_alerts' : (FINDING_OF[entry.kind] ?? 'altered_record'),
    index,
    message: `${what} (entry ${index}) in the store is not what was logged${'mismatch' in computed ? `: ${computed.mismatch}` : ''}`,
  });
  return false;
}

/**
 * Names the entries behind a tree mismatch: the platform's inclusion proof (built from
 * the tree nodes it stored when it appended) for each entry of the mismatched range must
 * lead from the served entry to the signed root; where it does not, that entry is not
 * what was signed.
 */
async function pinpoint(
  platform: PlatformEndpoint,
  ranges: readonly { from: number; to: number }[],
  leafHashes: ReadonlyMap<number, Uint8Array>,
  checkpoints: ReadonlyMap<number, Checkpoint>,
  limit: number,
  find: (f: AuditFinding) => void,
): Promise<void> {
  let budget = limit;
  for (const { from, to } of ranges) {
    const root = (checkpoints.get(to) as Checkpoint).rootHash;
    for (let index = from; index < to && budget > 0; index++, budget--) {
      const leaf = leafHashes.get(index);
      if (leaf === undefined) continue;
      let matches = false;
      try {
        const answer = await platformRequest<{ proof: string[] }>(
          platform,
          'GET',
          `/v1/log/proof/inclusion?index=${index}&size=${to}`,
        );
        const proof = answer.proof.map((h) => decodeBase64url(h) ?? new Uint8Array());
        matches = constantTimeEqual(rootFromInclusionProof(index, to, leaf, proof), root);
      } catch (error) {
        if (error instanceof MemberError && error.code === 'member.platform_unreachable')
          throw error;
      }
      if (!matches)
        find({
          kind: 'altered_entry',
          index,
          message: `entry ${index} is not the entry the checkpoint of size ${to} signed: it was altered or moved`,
        });
    }
  }
}
