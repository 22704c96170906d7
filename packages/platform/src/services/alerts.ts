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
  private readonly listeners = new Map<
    string,
    Set<{ cursor: C | undefined; send: (items: T[]) => void }>
  >();

  constructor(
    private readonly list: (memberId: string, after: C | undefined, limit: number) => Promise<T[]>,
    private readonly cursorOf: (item: T) => C,
  ) {}

  subscribe(memberId: string, cursor: C | undefined, send: (items: T[]) => void): () => void {
    const entry = { cursor, send };
    let set = this.listeners.get(memberId);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(memberId, set);
    }
    set.add(entry);
    void this.deliver(memberId, entry);
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

  private async deliver(
    memberId: string,
    entry: { cursor: C | undefined; send: (items: T[]) => void },
  ): Promise<void> {
    for (;;) {
      const items = await this.list(memberId, entry.cursor, 500);
      if (items.length === 0) return;
      entry.cursor = this.cursorOf(items[items.length - 1] as T);
      entry.send(items);
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

/** Live alerts: a member's new alerts whenever the change sequence moves. */
export type AlertHub = MemberFeed<Alert, Cursor>;

export const alertHub = (store: Store): AlertHub =>
  new MemberFeed(
    (memberId, after, limit) => store.listAlerts(memberId, after, limit),
    (a) => ({ seq: a.seq, id: a.id }),
  );
