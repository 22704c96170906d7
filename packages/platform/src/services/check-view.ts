import type { IdentifierKind } from '@credence/core/identifiers/kinds';
import { widen } from '@credence/core/risk/token-summary';
import { LRUCache } from 'lru-cache';
import type { TokenChange, TokenStats } from '../domain/types.js';
import type { StatDelta } from '../storage/aggregate.js';
import type { Store } from '../storage/store.js';
import { TokenSet } from './token-set.js';

export interface FlaggedToken {
  readonly kind: IdentifierKind;
  readonly stats: readonly TokenStats[];
  /** When it was last given to a new holder (epoch ms; issue 12), if ever. */
  readonly reassignedAt?: number;
  /** When its latest appeal was upheld (epoch ms; issue 17), if ever. */
  readonly appealUpheldAt?: number;
}

/** A token's state as the view last knew it, and the change it came from. */
interface Known {
  readonly seq: number;
  /** Undefined: not flagged (reported by nobody now, no appeal upheld). */
  readonly value: FlaggedToken | undefined;
}

export interface CheckViewOptions {
  /** Changes read from the store at a time. */
  readonly pageSize?: number;
  /** Flagged tokens' summaries kept in memory, the most recently used (default 100,000). */
  readonly cacheSize?: number;
}

export const DEFAULT_CHECK_CACHE = 100_000;

/** Tokens asked of the store at a time when summaries are read back. */
const READ_PAGE = 1_000;

function knownOf(c: TokenChange): Known {
  // A token whose appeal was upheld stays, reported or not: its answer says so, and a
  // ring found before the ruling no longer raises it.
  if (!((c.flagged && c.stats.length > 0) || c.appealUpheldAt !== undefined))
    return { seq: c.seq, value: undefined };
  return {
    seq: c.seq,
    value: {
      kind: c.kind,
      stats: c.flagged ? c.stats : [],
      ...(c.reassignedAt === undefined ? {} : { reassignedAt: c.reassignedAt }),
      ...(c.appealUpheldAt === undefined ? {} : { appealUpheldAt: c.appealUpheldAt }),
    },
  };
}

/**
 * Every API process's view of the flagged tokens: the tokens some member has reported
 * and not retracted, with their per-member statistics (and those whose appeal was
 * upheld). A check of a token that is not flagged is answered "clear" without touching
 * the database, which is the common case.
 *
 * Memory is bounded (issue 19): the view holds every flagged token in a compact set
 * (TokenSet, 12 bytes a slot) and the summaries of the most recently used ones in a
 * bounded cache; a flagged token's summary that is not there is read from the store, in
 * one query for all such tokens of a check.
 *
 * The view follows the store's change sequence: it knows which sequence number it has
 * applied (the watermark) and catches up by asking for the changes since. Writes in this
 * process catch up at once; writes in others are announced (PostgreSQL NOTIFY) and also
 * polled. A caller that must see a given write passes its sequence number, and the view
 * catches up to it before answering (read your writes across processes). Every answer is
 * the state at the watermark: a summary read from the store may be newer than it (another
 * process wrote since), so the view catches up past it before answering, and the changes
 * it applies meanwhile update what was read.
 */
export class CheckView {
  private readonly flagged: TokenSet;
  private readonly cache: LRUCache<string, Known>;
  /** Summaries being read from the store: the changes applied meanwhile update them. */
  private readonly readings = new Set<Map<string, Known>>();
  private applied = 0;
  private logApplied = 0;
  private running: Promise<void> | undefined;
  private readonly pageSize: number;

  constructor(
    private readonly store: Store,
    options: CheckViewOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 10_000;
    this.flagged = new TokenSet();
    this.cache = new LRUCache({ max: Math.max(1, options.cacheSize ?? DEFAULT_CHECK_CACHE) });
  }

  get watermark(): number {
    return this.applied;
  }

  /** Flagged tokens. */
  get size(): number {
    return this.flagged.size;
  }

  /** Summaries held in memory, and the bytes of the set of every flagged token. */
  get memory(): { readonly cached: number; readonly setBytes: number } {
    return { cached: this.cache.size, setBytes: this.flagged.bytes };
  }

  /**
   * The log's size right after the last change applied: every token's summary here is
   * what the logged reports and retractions below it say, which an auditor can recompute
   * (a check answer names it as its basis).
   */
  get logSize(): number {
    return this.logApplied;
  }

  /**
   * The tokens' summaries at the watermark (undefined: not flagged), reading from the
   * store those of flagged tokens not held in memory. When it returns, the watermark and
   * logSize are those the answers stand on, until the caller next awaits.
   *
   * A read is registered before it is sent, so that every change the view applies while
   * it is out updates what it read; a state read newer than the watermark (another
   * process wrote since) makes the view catch up to it first. Reads run side by side and
   * alongside catching up: a check of a flagged token waits for nothing but its read.
   */
  async lookupMany(tokens: readonly string[]): Promise<(FlaggedToken | undefined)[]> {
    // Whether to read back every flagged token asked, not only those not held: a read can
    // push out of the cache summaries that were held when it began.
    let every = false;
    for (;;) {
      const flagged = tokens.map((t) => this.flagged.has(t));
      const missing = [
        ...new Set(tokens.filter((t, i) => flagged[i] && (every || !this.cache.has(t)))),
      ];
      if (missing.length === 0)
        return tokens.map((t, i) => (flagged[i] ? this.cache.get(t)?.value : undefined));
      // Below any change: whatever is applied while the read is out replaces it.
      const read = new Map<string, Known>(missing.map((t) => [t, { seq: -1, value: undefined }]));
      this.readings.add(read);
      try {
        let newest = 0;
        for (let i = 0; i < missing.length; i += READ_PAGE)
          // As fresh as what the view has applied, or newer: a standby may answer.
          for (const c of await this.store.tokenStates(
            missing.slice(i, i + READ_PAGE),
            this.applied,
          )) {
            const known = knownOf(c);
            if (known.seq > (read.get(c.token)?.seq ?? -1)) read.set(c.token, known);
            newest = Math.max(newest, known.seq);
          }
        // What the store does not hold (two tokens sharing the set's bits) is not flagged.
        for (const [t, known] of read) if (known.seq < 0) read.set(t, { seq: 0, value: undefined });
        if (newest > this.applied) await this.reach(newest);
        const answers: (FlaggedToken | undefined)[] = [];
        for (const t of tokens) {
          if (!this.flagged.has(t)) answers.push(undefined);
          else {
            const known = read.get(t) ?? this.cache.get(t);
            if (known === undefined) break;
            answers.push(known.value);
          }
        }
        for (const [t, known] of read) this.remember(t, known, false);
        // A summary held before the read was pushed out of the cache meanwhile: again.
        if (answers.length === tokens.length) return answers;
        every = true;
      } finally {
        this.readings.delete(read);
      }
    }
  }

  /** Takes in a token's state unless what is held is newer; `fromChange`: it is flagged or not now. */
  private remember(token: string, known: Known, fromChange: boolean): void {
    for (const read of this.readings) {
      const reading = read.get(token);
      if (reading !== undefined && reading.seq <= known.seq) read.set(token, known);
    }
    const held = this.cache.peek(token);
    if (held !== undefined && held.seq > known.seq) return;
    if (fromChange) {
      if (known.value === undefined) this.flagged.delete(token);
      else this.flagged.add(token);
    }
    if (known.value === undefined) this.cache.delete(token);
    else this.cache.set(token, known);
  }

  private apply(changes: readonly TokenChange[]): void {
    for (const c of changes) {
      this.remember(c.token, knownOf(c), true);
      if (c.seq > this.applied) this.applied = c.seq;
      if (c.logSize > this.logApplied) this.logApplied = c.logSize;
    }
  }

  /** Applies the store's changes after the watermark until there are none. */
  private async pull(): Promise<void> {
    for (;;) {
      const changes = await this.store.changesSince(this.applied, this.pageSize);
      if (changes.length === 0) return;
      this.apply(changes);
    }
  }

  /** Catches up with the store; several callers share one run. */
  catchUp(): Promise<void> {
    this.running ??= this.pull().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /**
   * Takes in a write this process made: the reports a member added at `seq`, as their
   * statistics deltas. When the view is right behind that write (it has applied seq - 1
   * and is not catching up), the deltas are merged in memory exactly as the store merged
   * them (counts add, first/last seen widen, categories unite), which spares reading
   * back every token the write touched; a flagged token whose summary is not in memory
   * stays out of it, to be read when it is checked. Otherwise (another process wrote in
   * between) it catches up from the store.
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
    if (
      seq !== this.applied + 1 ||
      this.running !== undefined ||
      // A read is out for one of the write's tokens: the store's change will update it.
      this.beingRead(deltas)
    )
      return this.reach(seq);
    for (const d of deltas) {
      const held = this.cache.peek(d.token);
      // Flagged, its summary not in memory: nothing to merge into.
      if (held === undefined && this.flagged.has(d.token)) continue;
      const entry = held?.value;
      const stats = entry?.stats ?? [];
      const i = stats.findIndex((s) => s.memberId === memberId && s.type === d.type);
      const old = stats[i];
      const merged: TokenStats = { memberId, type: d.type, ...widen(old, d) };
      const given = reassigned[d.token] ?? entry?.reassignedAt;
      const value: FlaggedToken = {
        kind: entry?.kind ?? d.kind,
        stats: i < 0 ? [...stats, merged] : stats.map((s, j) => (j === i ? merged : s)),
        ...(given === undefined ? {} : { reassignedAt: given }),
        ...(entry?.appealUpheldAt === undefined ? {} : { appealUpheldAt: entry.appealUpheldAt }),
      };
      this.flagged.add(d.token);
      this.cache.set(d.token, { seq, value });
    }
    this.applied = seq;
    this.logApplied = Math.max(this.logApplied, logSize);
  }

  /** Whether a read of the store is out for one of the deltas' tokens. */
  private beingRead(deltas: readonly StatDelta[]): boolean {
    for (const read of this.readings) if (deltas.some((d) => read.has(d.token))) return true;
    return false;
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
