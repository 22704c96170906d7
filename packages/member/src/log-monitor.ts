import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { decodeBase64url } from '@credence/core/encoding/base64url';
import {
  type Checkpoint,
  type CheckpointPolicy,
  parseCheckpoint,
  verifyCheckpoint,
} from '@credence/core/log/checkpoint';
import { entryText, type LogEntry } from '@credence/core/log/entries';
import { consistent, type Receipt, verifyReceipt } from '@credence/core/log/receipt';
import { parseNote } from '@credence/core/log/signed-note';
import { hashLeaf } from '@credence/core/merkle/hash';
import { verifyInclusion } from '@credence/core/merkle/verify';
import Database from 'better-sqlite3';
import { MemberError } from './member-error.js';
import type { OwnNameFindingKind } from './own-name.js';
import { watchOwnName } from './own-name-watch.js';
import { type PlatformEndpoint, platformRequest } from './platform-client.js';

/**
 * What a member keeps to hold the platform's log to account (SPEC §3.4): every receipt it
 * was given, the entries it expects at their indexes (recomputed from its own data), and
 * every checkpoint it has verified. Each new checkpoint must be consistent with the newest
 * one seen before it; a checkpoint that is not is a fork, two histories under one key,
 * and is kept as evidence. The file (SQLite) lives next to member.json.
 */

export interface LogTrust {
  /** The log's verifier key (vkey, type 0x01), from member.json or pinned on first use. */
  readonly logKey?: string;
  /** Witnesses' cosignature keys (vkeys, type 0x04) and how many must cosign. */
  readonly witnesses?: readonly string[];
  readonly requiredWitnesses?: number;
}

export interface VerifyFinding {
  readonly kind:
    | 'missing_entry'
    | 'altered_entry'
    | 'inconsistent_checkpoint'
    | 'bad_checkpoint'
    | 'unreachable'
    | OwnNameFindingKind;
  readonly message: string;
  readonly index?: number;
  readonly size?: number;
}

export interface VerifyReport {
  readonly checkpoint: { readonly size: number; readonly root: string } | undefined;
  readonly receipts: number;
  readonly entries: number;
  readonly checkpoints: number;
  readonly findings: readonly VerifyFinding[];
  /** What else was logged in the member's name since the last verify, for its information. */
  readonly notices: readonly string[];
}

/** Who the member is, for the watch on its own name: its id and the key it signs with now. */
export interface MemberIdentity {
  readonly id: string;
  readonly publicKey: string | undefined;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS checkpoints (size INTEGER PRIMARY KEY, note TEXT NOT NULL, seen_at INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS receipts (idx INTEGER PRIMARY KEY, count INTEGER NOT NULL, size INTEGER NOT NULL, checkpoint TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS entries (idx INTEGER PRIMARY KEY, entry TEXT NOT NULL, subject TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS entries_subject ON entries (subject);
  CREATE TABLE IF NOT EXISTS pending (subject TEXT PRIMARY KEY, kind TEXT NOT NULL, member TEXT NOT NULL, digest TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS forks (seen_at INTEGER NOT NULL, note TEXT NOT NULL, against INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS own_keys (public_key TEXT PRIMARY KEY, added_at INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS foreign_entries (idx INTEGER PRIMARY KEY, kind TEXT NOT NULL, message TEXT NOT NULL, accepted INTEGER NOT NULL DEFAULT 0);
`;

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

export class LogMonitor {
  private readonly db: Database.Database;

  private constructor(
    file: string,
    private readonly platform: PlatformEndpoint,
    private readonly trust: LogTrust,
    private readonly now: () => number,
  ) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(SCHEMA);
  }

  static open(
    file: string,
    platform: PlatformEndpoint,
    trust: LogTrust = {},
    now: () => number = Date.now,
  ): LogMonitor {
    return new LogMonitor(file, platform, trust, now);
  }

  close(): void {
    this.db.close();
  }

  /**
   * The log key to trust: the configured one, else the one pinned on first use (fetched
   * from the platform once and kept; a later change of key is refused, not followed).
   */
  async logKey(): Promise<string> {
    const pinned = this.db
      .prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'logKey'")
      .get()?.value;
    if (this.trust.logKey !== undefined) {
      if (pinned !== undefined && pinned !== this.trust.logKey)
        this.db.prepare("UPDATE meta SET value = ? WHERE key = 'logKey'").run(this.trust.logKey);
      return this.trust.logKey;
    }
    if (pinned !== undefined) return pinned;
    const { vkey } = await platformRequest<{ vkey: string }>(this.platform, 'GET', '/v1/log/key');
    this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('logKey', ?)").run(vkey);
    return vkey;
  }

  private async policy(witnessed: boolean): Promise<CheckpointPolicy> {
    const logKey = await this.logKey();
    return witnessed && (this.trust.witnesses?.length ?? 0) > 0
      ? {
          logKey,
          witnesses: this.trust.witnesses ?? [],
          requiredWitnesses: this.trust.requiredWitnesses ?? this.trust.witnesses?.length ?? 0,
        }
      : { logKey };
  }

  /**
   * Verifies a write's receipt against the entries the member expects, checks its
   * checkpoint against those seen before, and keeps both. A write's own checkpoint is not
   * cosigned yet: witnesses vouch for later checkpoints, which `observe` checks.
   */
  async accept(receipt: Receipt, expected: readonly LogEntry[]): Promise<void> {
    let checkpoint: Checkpoint;
    try {
      checkpoint = verifyReceipt(receipt, expected, await this.policy(false)).checkpoint;
    } catch (error) {
      throw new MemberError(
        'member.log_receipt',
        (error as Error).message,
        { index: receipt.index },
        error,
      );
    }
    // Kept before anything else can fail: a verified receipt is evidence either way.
    const insert = this.db.prepare(
      'INSERT OR REPLACE INTO entries (idx, entry, subject) VALUES (?, ?, ?)',
    );
    const settled = this.db.prepare('DELETE FROM pending WHERE subject = ?');
    this.db.transaction(() => {
      expected.forEach((e, i) => {
        insert.run(receipt.index + i, entryText(e), e.subject);
        settled.run(e.subject);
      });
      this.db
        .prepare(
          'INSERT OR REPLACE INTO receipts (idx, count, size, checkpoint) VALUES (?, ?, ?, ?)',
        )
        .run(receipt.index, receipt.count, receipt.size, receipt.checkpoint);
    })();
    await this.record(receipt.checkpoint, checkpoint);
  }

  /**
   * Entries the member expects in the log without a receipt for them (reports answered
   * as already there): `verifyAll` looks for them. Ones already held are skipped.
   */
  expectWithoutReceipt(entries: readonly Omit<LogEntry, 'time'>[]): void {
    const held = this.db.prepare<[string], { n: number }>(
      'SELECT count(*) AS n FROM entries WHERE subject = ?',
    );
    const insert = this.db.prepare(
      'INSERT OR IGNORE INTO pending (subject, kind, member, digest) VALUES (?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const e of entries)
        if ((held.get(e.subject)?.n ?? 0) === 0) insert.run(e.subject, e.kind, e.member, e.digest);
    })();
  }

  /**
   * Fetches the newest checkpoint — when witnesses are required, the newest that enough
   * of them cosigned — verifies it and records it.
   */
  async observe(): Promise<Checkpoint> {
    const required =
      (this.trust.witnesses?.length ?? 0) > 0 ? (this.trust.requiredWitnesses ?? 0) : 0;
    let note: string;
    try {
      note = await platformRequest<string>(
        this.platform,
        'GET',
        required > 0 ? `/v1/log/checkpoint?cosigned=${required}` : '/v1/log/checkpoint',
        undefined,
        { text: true },
      );
    } catch (error) {
      if ((error as MemberError).details?.code === 'log.range')
        throw new MemberError(
          'member.log_checkpoint',
          `no checkpoint of the log is cosigned by ${required} of the required witnesses`,
          {},
          error,
        );
      throw error;
    }
    let checkpoint: Checkpoint;
    try {
      checkpoint = verifyCheckpoint(note, await this.policy(true)).checkpoint;
    } catch (error) {
      throw new MemberError('member.log_checkpoint', (error as Error).message, {}, error);
    }
    await this.record(note, checkpoint);
    return checkpoint;
  }

  private newest(): { size: number; note: string } | undefined {
    return this.db
      .prepare<[], { size: number; note: string }>(
        'SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1',
      )
      .get();
  }

  /**
   * Keeps a verified checkpoint after checking it against the newest one kept: the larger
   * must extend the smaller (a consistency proof from the platform), equal sizes must
   * have equal roots. A fork is kept as evidence and refused.
   */
  private async record(note: string, checkpoint: Checkpoint): Promise<void> {
    const newest = this.newest();
    if (newest !== undefined) {
      const seen = parseCheckpoint(parseNote(newest.note).text);
      const [older, newer] = seen.size <= checkpoint.size ? [seen, checkpoint] : [checkpoint, seen];
      const proof = await this.consistencyProof(older.size, newer.size);
      if (!consistent(older, newer, proof)) {
        this.db
          .prepare('INSERT INTO forks (seen_at, note, against) VALUES (?, ?, ?)')
          .run(this.now(), note, seen.size);
        throw new MemberError(
          'member.log_fork',
          `the checkpoint of size ${checkpoint.size} is not consistent with the one of size ${seen.size} seen before: the log shows two histories`,
          { size: checkpoint.size, against: seen.size },
        );
      }
    }
    this.db
      .prepare('INSERT OR IGNORE INTO checkpoints (size, note, seen_at) VALUES (?, ?, ?)')
      .run(checkpoint.size, note, this.now());
  }

  private consistencyProof(from: number, to: number): Promise<Uint8Array[]> {
    return fetchConsistencyProof(this.platform, from, to);
  }

  /**
   * Looks for the entries expected without a receipt: the whole log is read once, each
   * one found must match what the member expects and be included in the newest trusted
   * checkpoint's tree (an inclusion proof); then it is held like any other.
   */
  private async settlePending(latest: Checkpoint, findings: VerifyFinding[]): Promise<void> {
    const pending = new Map(
      this.db
        .prepare<[], { subject: string; kind: string; member: string; digest: string }>(
          'SELECT * FROM pending',
        )
        .all()
        .map((p) => [p.subject, p]),
    );
    if (pending.size === 0) return;
    for (let start = 0; start < latest.size && pending.size > 0; start += 1000) {
      const { entries } = await platformRequest<{ entries: string[] }>(
        this.platform,
        'GET',
        `/v1/log/entries?start=${start}&end=${Math.min(latest.size, start + 1000)}`,
      );
      for (const [i, text] of entries.entries()) {
        const e = JSON.parse(text) as LogEntry;
        const want = pending.get(e.subject);
        if (want === undefined || want.kind !== e.kind || want.member !== e.member) continue;
        pending.delete(e.subject);
        const index = start + i;
        const proof = await platformRequest<{ proof: string[] }>(
          this.platform,
          'GET',
          `/v1/log/proof/inclusion?index=${index}&size=${latest.size}`,
        );
        const included = verifyInclusion(
          index,
          latest.size,
          hashLeaf(new TextEncoder().encode(text)),
          proof.proof.map((h) => decodeBase64url(h) ?? new Uint8Array()),
          latest.rootHash,
        );
        if (e.digest !== want.digest || !included) {
          findings.push({
            kind: 'altered_entry',
            index,
            message: `entry ${index} (${e.kind} ${e.subject}) is not what was written`,
          });
          continue;
        }
        this.db.transaction(() => {
          this.db
            .prepare('INSERT OR REPLACE INTO entries (idx, entry, subject) VALUES (?, ?, ?)')
            .run(index, text, e.subject);
          this.db.prepare('DELETE FROM pending WHERE subject = ?').run(e.subject);
        })();
      }
    }
    for (const p of pending.values())
      findings.push({
        kind: 'missing_entry',
        message: `${p.kind} ${p.subject} was answered as already stored, but it is nowhere in the log`,
      });
  }

  /** Remembers a signing key the member made (its tool rotated to it). */
  ownKey(publicKey: string): void {
    this.db
      .prepare('INSERT OR IGNORE INTO own_keys (public_key, added_at) VALUES (?, ?)')
      .run(publicKey, this.now());
  }

  /** Accepts an entry in the member's name that verify named (the member asked for it). */
  acceptForeign(index: number): boolean {
    return (
      this.db.prepare('UPDATE foreign_entries SET accepted = 1 WHERE idx = ?').run(index).changes >
      0
    );
  }

  /**
   * `credence member verify`: re-checks everything the member holds against the log as
   * it is now. The newest checkpoint must verify (with its witnesses) and extend every
   * checkpoint kept; every expected entry must be served at its index with the same text.
   * Each failure is named; nothing stops at the first.
   */
  async verifyAll(me?: MemberIdentity): Promise<VerifyReport> {
    const findings: VerifyFinding[] = [];
    const notices: string[] = [];
    let latest: Checkpoint | undefined;
    try {
      latest = await this.observe();
    } catch (error) {
      const e = error as MemberError;
      findings.push({
        kind:
          e.code === 'member.log_fork'
            ? 'inconsistent_checkpoint'
            : e.code === 'member.log_checkpoint'
              ? 'bad_checkpoint'
              : 'unreachable',
        message: e.message,
      });
    }
    const kept = this.db
      .prepare<[], { size: number; note: string }>(
        'SELECT size, note FROM checkpoints ORDER BY size',
      )
      .all();
    if (latest !== undefined) await this.checkKept(latest, kept, findings);
    if (latest !== undefined) await this.settlePending(latest, findings);
    if (latest !== undefined && me !== undefined) {
      await watchOwnName(this.db, this.platform, latest, me, findings, notices);
      for (const f of this.db
        .prepare<[], { idx: number; kind: VerifyFinding['kind']; message: string }>(
          'SELECT idx, kind, message FROM foreign_entries WHERE accepted = 0 ORDER BY idx',
        )
        .all())
        findings.push({ kind: f.kind, index: f.idx, message: f.message });
    }
    const entries = await this.checkExpected(findings);
    const receipts = this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM receipts').get();
    return {
      checkpoint:
        latest === undefined ? undefined : { size: latest.size, root: b64(latest.rootHash) },
      receipts: receipts?.n ?? 0,
      entries,
      checkpoints: kept.length,
      findings,
      notices,
    };
  }

  /**
   * Every checkpoint kept against the newest trusted one: an older one must be extended
   * by it, a newer one (not yet cosigned, say) must extend it.
   */
  private async checkKept(
    latest: Checkpoint,
    kept: readonly { size: number; note: string }[],
    findings: VerifyFinding[],
  ): Promise<void> {
    for (const row of kept) {
      const seen = parseCheckpoint(parseNote(row.note).text);
      if (seen.size > latest.size) {
        let extends_ = false;
        try {
          extends_ = consistent(latest, seen, await this.consistencyProof(latest.size, seen.size));
        } catch (error) {
          if ((error as MemberError).code !== 'member.platform_refused') throw error;
        }
        if (!extends_)
          findings.push({
            kind: 'inconsistent_checkpoint',
            size: seen.size,
            message: `a checkpoint of size ${seen.size} was seen, but it does not extend the newest trusted one (size ${latest.size}): the log was truncated or forked`,
          });
        continue;
      }
      const proof = await this.consistencyProof(seen.size, latest.size);
      if (!consistent(seen, latest, proof))
        findings.push({
          kind: 'inconsistent_checkpoint',
          size: seen.size,
          message: `the checkpoint of size ${seen.size} is not consistent with the newest (size ${latest.size}): the history was rewritten`,
        });
    }
  }

  /**
   * Every entry the member holds must be served at its index with the same text, read a
   * thousand at a time from the first held. Returns how many entries it holds.
   */
  private async checkExpected(findings: VerifyFinding[]): Promise<number> {
    const expected = this.db
      .prepare<[], { idx: number; entry: string }>('SELECT idx, entry FROM entries ORDER BY idx')
      .all();
    let at = 0;
    while (at < expected.length) {
      const start = (expected[at] as { idx: number }).idx;
      let served: string[] = [];
      try {
        served = (
          await platformRequest<{ entries: string[] }>(
            this.platform,
            'GET',
            `/v1/log/entries?start=${start}&end=${start + 1000}`,
          )
        ).entries;
      } catch (error) {
        const e = error as MemberError;
        if (e.code !== 'member.platform_refused') throw error;
        // A start beyond the log's end (400) means the entries are gone; a credential
        // refused (401, 403) means the log cannot be read at all: that is said once,
        // not as every entry missing.
        if (e.details?.status !== 400) {
          if (!findings.some((f) => f.kind === 'unreachable'))
            findings.push({ kind: 'unreachable', message: e.message });
          break;
        }
      }
      for (; at < expected.length; at++) {
        const e = expected[at] as { idx: number; entry: string };
        if (e.idx >= start + 1000) break;
        const text = served[e.idx - start];
        if (text === undefined)
          findings.push({
            kind: 'missing_entry',
            index: e.idx,
            message: `entry ${e.idx} (${describeEntry(e.entry)}) is missing from the log`,
          });
        else if (text !== e.entry)
          findings.push({
            kind: 'altered_entry',
            index: e.idx,
            message: `entry ${e.idx} (${describeEntry(e.entry)}) is not what was written`,
          });
      }
    }
    return expected.length;
  }
}

/**
 * The log's consistency proof from tree size `from` to `to`; none is needed (or, when
 * `from` is larger, possible: `consistent` then says no) unless 0 < from < to.
 */
export async function fetchConsistencyProof(
  platform: PlatformEndpoint,
  from: number,
  to: number,
): Promise<Uint8Array[]> {
  if (from === 0 || from >= to) return [];
  const answer = await platformRequest<{ proof: string[] }>(
    platform,
    'GET',
    `/v1/log/proof/consistency?from=${from}&to=${to}`,
  );
  return answer.proof.map((h) => decodeBase64url(h) ?? new Uint8Array(0));
}

function describeEntry(entryJson: string): string {
  const e = JSON.parse(entryJson) as { kind?: string; subject?: string };
  return `${e.kind ?? '?'} ${e.subject ?? '?'}`;
}
