import { createHmac, type Hmac } from 'node:crypto';
import { encodeBase64url } from '@credence/core/encoding/base64url';
import { entryTime, type LogEntry } from '@credence/core/log/entries';
import type { Store } from '../storage/store.js';
import type { CheckAnswer } from './check-service.js';

/** One answered check, as the ledger's digest covers it. */
export function checkLine(a: CheckAnswer): string {
  return JSON.stringify([
    a.token,
    a.verdict,
    a.score,
    a.policyVersion,
    a.basis.logSize,
    a.basis.analysis,
    a.basis.checkedAt,
    a.basis.quality,
  ]);
}

/**
 * A digest of every batch of checks goes into the log (SPEC §3.4): who asked about what
 * is not published, but that a member checked, how much and when is, and the digest binds
 * which tokens and answers — so checks cannot be denied later, nor invented. Checks are
 * the platform's hottest path, so each costs one hash update in memory; every window
 * (10 s by default) the ledger appends one `check_digest` entry per member that checked,
 * its subject `checks/<count>/<first>/<last>` and its digest HMAC-SHA-256 over the lines
 * `[token, verdict, score, policy version, log size, analysis run, checked at (ms), quality weights version]`
 * (RFC 8785) in the order answered: the answer and everything it was computed from
 * (CheckBasis), so that the platform can deny neither, and an auditor who holds a
 * member's answers can recompute each one from the log.
 *
 * Keyed, because the log is public to every member: with a plain hash, anyone who can
 * compute a token could confirm that a member checked it in a window with one check. The
 * key is derived from the platform's own key; the operator can show it to an auditor to
 * settle a dispute about which checks were made.
 */
export class CheckLedger {
  private open = new Map<string, { hash: Hmac; count: number; first: number; last: number }>();
  /** Entries made but not yet appended (the store was unavailable): tried again next time. */
  private pending: LogEntry[] = [];
  /** Flushes run one after another, never overlapping. */
  private flushing: Promise<number> = Promise.resolve(0);

  constructor(
    private readonly store: Store,
    private readonly key: Uint8Array,
    private readonly now: () => number = Date.now,
  ) {}

  record(memberId: string, answers: readonly CheckAnswer[]): void {
    if (answers.length === 0) return;
    const at = this.now();
    let window = this.open.get(memberId);
    if (window === undefined) {
      window = { hash: createHmac('sha256', this.key), count: 0, first: at, last: at };
      this.open.set(memberId, window);
    }
    for (const a of answers) window.hash.update(`${checkLine(a)}\n`);
    window.count += answers.length;
    window.last = at;
  }

  /** Appends one entry per member that checked since the last flush; returns how many. */
  flush(): Promise<number> {
    const run = this.flushing.then(
      () => this.flushOnce(),
      () => this.flushOnce(),
    );
    this.flushing = run.catch(() => 0);
    return run;
  }

  private async flushOnce(): Promise<number> {
    const closed = this.open;
    this.open = new Map();
    const at = this.now();
    for (const [member, w] of [...closed.entries()].sort(([a], [b]) => (a < b ? -1 : 1)))
      this.pending.push({
        kind: 'check_digest',
        time: entryTime(at),
        member,
        subject: `checks/${w.count}/${entryTime(w.first)}/${entryTime(w.last)}`,
        digest: encodeBase64url(w.hash.digest()),
      });
    if (this.pending.length === 0) return 0;
    const entries = this.pending;
    this.pending = [];
    try {
      await this.store.appendLog(entries);
    } catch (error) {
      this.pending = [...entries, ...this.pending];
      throw error;
    }
    return entries.length;
  }
}
