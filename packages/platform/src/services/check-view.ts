import type { IdentifierKind } from '@credence/core/identifiers/kinds';
import { widen } from '@credence/core/risk/token-summary';
import type { TokenChange, TokenStats } from '../domain/types.js';
import type { StatDelta } from '../storage/aggregate.js';
import type { Store } from '../storage/store.js';

export interface FlaggedToken {
  readonly kind: IdentifierKind;
  readonly stats: readonly TokenStats[];
  /** When it was last given to a new holder (epoch ms; issue 12), if ever. */
  readonly reassignedAt?: number;
  /** When its latest appeal was upheld (epoch ms; issue 17), if ever. */
  readonly appealUpheldAt?: number;
}

/**
 * Every API process's in-memory view of the flagged tokens: the tokens some member has
 * reported and not retracted, with their per-member statistics (and those whose appeal
 * was upheld). A check of a token that
 * is not here is answered "clear" without touching the database, which is the common
 * case.
 *
 * The view follows the store's change sequence: it knows which sequence number it has
 * applied (the watermark) and catches up by asking for the changes since. Writes in this
 * process catch up at once; writes in others are announced (PostgreSQL NOTIFY) and also
 * polled. A caller that must see a given write passes its sequence number, and the view
 * catches up to it before answering (read your writes across processes).
 */
export class CheckView {
  private readonly flagged = new Map<string, FlaggedToken>();
  private applied = 0;
  private logApplied = 0;
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly pageSize = 10_000,
  ) {}

  get watermark(): number {
    return this.applied;
  }

  get size(): number {
    return this.flagged.size;
  }

  /**
   * The log's size right after the last change applied: every token's summary here is
   * what the logged reports and retractions below it say, which an auditor can recompute
   * (a check answer names it as its basis).
   */
  get logSize(): number {
    return this.logApplied;
  }

  lookup(token: string): FlaggedToken | undefined {
    return this.flagged.get(token);
  }

  private apply(changes: readonly TokenChange[]): void {
    for (const c of changes) {
      // A token whose appeal was upheld stays, reported or not: its answer says so, and a
      // ring found before the ruling no longer raises it.
      if ((c.flagged && c.stats.length > 0) || c.appealUpheldAt !== undefined)
        this.flagged.set(c.token, {
          kind: c.kind,
          stats: c.flagged ? c.stats : [],
          ...(c.reassignedAt === undefined ? {} : { reassignedAt: c.reassignedAt }),
          ...(c.appealUpheldAt === undefined ? {} : { appealUpheldAt: c.appealUpheldAt }),
        });
      else this.flagged.delete(c.token);
      if (c.seq > this.applied) this.applied = c.seq;
      if (c.logSize > this.logApplied) this.logApplied = c.logSize;
    }
  }

  /** Catches up with the store; several callers share one run. */
  catchUp(): Promise<void> {
    this.running ??= (async () => {
      try {
        for (;;) {
          const changes = await this.store.changesSince(this.applied, this.pageSize);
          if (changes.length === 0) return;
          this.apply(changes);
        }
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /**
   * Takes in a write this process made: the reports a member added at `seq`, as their
   * statistics deltas. When the view is right behind that write (it has applied seq - 1
   * and is not catching up), the deltas are merged in memory exactly as the store merged
   * them (counts add, first/last seen widen, categories unite), which spares reading
   * back every token the write touched. Otherwise (another process wrote in between) it
   * catches up from the store.
   */
  async applyWrite(
    seq: number,
    logSize: number,
    memberId: string,
    deltas: readonly StatDelta[],
    /** The write's tokens' latest reassignments, as the store saw them (IngestResult). */
    reassigned: Readonly<Record<string, number>> = {},
  ): Promise<void> {
    if (seq <= this.applied) return;
    if (seq !== this.applied + 1 || this.running !== undefined) return this.reach(seq);
    for (const d of deltas) {
      const entry = this.flagged.get(d.token);
      const stats = entry?.stats ?? [];
      const i = stats.findIndex((s) => s.memberId === memberId && s.type === d.type);
      const old = stats[i];
      const merged: TokenStats = { memberId, type: d.type, ...widen(old, d) };
      const given = reassigned[d.token] ?? entry?.reassignedAt;
      this.flagged.set(d.token, {
        kind: entry?.kind ?? d.kind,
        stats: i < 0 ? [...stats, merged] : stats.map((s, j) => (j === i ? merged : s)),
        ...(given === undefined ? {} : { reassignedAt: given }),
        ...(entry?.appealUpheldAt === undefined ? {} : { appealUpheldAt: entry.appealUpheldAt }),
      });
    }
    this.applied = seq;
    this.logApplied = Math.max(this.logApplied, logSize);
  }

  /** Ensures that every change up to seq is applied. */
  async reach(seq: number): Promise<void> {
    while (this.applied < seq) {
      const before = this.applied;
      await this.catchUp();
      // The store has nothing newer: the sequence asked for has not happened (yet).
      if (this.applied === before) return;
    }
  }
}
