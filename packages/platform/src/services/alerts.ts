import type { Alert } from '../domain/types.js';
import type { Store } from '../storage/store.js';

export interface Cursor {
  readonly seq: number;
  readonly id: number;
}

/** Alert cursors are "<seq>.<id>": the order in which alerts were committed. */
export const formatCursor = (a: Cursor) => `${a.seq}.${a.id}`;

export function parseCursor(text: string | undefined): Cursor | undefined {
  if (text === undefined || text === '') return undefined;
  const m = /^(\d{1,15})\.(\d{1,15})$/.exec(text);
  return m ? { seq: Number(m[1]), id: Number(m[2]) } : undefined;
}

/**
 * A feed per member for server-sent events: members with an open stream are told of
 * what is new for them (after the cursor they hold) whenever `poke` is called — a write
 * here, or one another process announced.
 */
export class MemberFeed<T, C> {
  private readonly listeners = new Map<string, Set<Listener<T, C>>>();

  constructor(
    private readonly list: (memberId: string, after: C | undefined, limit: number) => Promise<T[]>,
    private readonly cursorOf: (item: T) => C,
  ) {}

  subscribe(memberId: string, cursor: C | undefined, send: (items: T[]) => void): () => void {
    const entry: Listener<T, C> = { cursor, send, busy: false, again: false };
    let set = this.listeners.get(memberId);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(memberId, set);
    }
    set.add(entry);
    // A store out of reach now: the next poke delivers what this could not.
    this.deliver(memberId, entry).catch(() => undefined);
    return () => {
      set?.delete(entry);
      if (set?.size === 0) this.listeners.delete(memberId);
    };
  }

  get subscribers(): number {
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }

  /**
   * Sends a listener what is new after its cursor. One delivery at a time per listener:
   * two reading after the same cursor at once would both send what they read (the same
   * items twice), and the later to finish would set the cursor back. A poke that comes
   * while one runs makes it read again when it is done.
   */
  private async deliver(memberId: string, entry: Listener<T, C>): Promise<void> {
    if (entry.busy) {
      entry.again = true;
      return;
    }
    entry.busy = true;
    try {
      do {
        entry.again = false;
        for (;;) {
          const items = await this.list(memberId, entry.cursor, 500);
          if (items.length === 0) break;
          entry.cursor = this.cursorOf(items[items.length - 1] as T);
          entry.send(items);
        }
      } while (entry.again);
    } finally {
      entry.busy = false;
    }
  }

  /** Called when something new may be there. */
  async poke(): Promise<void> {
    const work: Promise<void>[] = [];
    for (const [memberId, set] of this.listeners)
      for (const entry of set) work.push(this.deliver(memberId, entry));
    await Promise.allSettled(work);
  }
}

/** A subscriber: where it has read to, and whether a delivery to it is running. */
interface Listener<T, C> {
  cursor: C | undefined;
  readonly send: (items: T[]) => void;
  busy: boolean;
  again: boolean;
}

/** Live alerts: a member's new alerts whenever the change sequence moves. */
export type AlertHub = MemberFeed<Alert, Cursor>;

export const alertHub = (store: Store): AlertHub =>
  new MemberFeed(
    (memberId, after, limit) => store.listAlerts(memberId, after, limit),
    (a) => ({ seq: a.seq, id: a.id }),
  );
