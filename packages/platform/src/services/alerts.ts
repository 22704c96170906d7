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

type Listener = (alerts: Alert[]) => void;

/**
 * Live alerts for server-sent events: members with an open stream are told about their
 * new alerts whenever the change sequence moves (a write here, or one announced by
 * another process).
 */
export class AlertHub {
  private readonly listeners = new Map<
    string,
    Set<{ cursor: Cursor | undefined; send: Listener }>
  >();

  constructor(private readonly store: Store) {}

  subscribe(memberId: string, cursor: Cursor | undefined, send: Listener): () => void {
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
    entry: { cursor: Cursor | undefined; send: Listener },
  ): Promise<void> {
    for (;;) {
      const alerts = await this.store.listAlerts(memberId, entry.cursor, 500);
      if (alerts.length === 0) return;
      const last = alerts[alerts.length - 1] as Alert;
      entry.cursor = { seq: last.seq, id: last.id };
      entry.send(alerts);
    }
  }

  /** Called when the change sequence moves. */
  async poke(): Promise<void> {
    const work: Promise<void>[] = [];
    for (const [memberId, set] of this.listeners)
      for (const entry of set) work.push(this.deliver(memberId, entry));
    await Promise.allSettled(work);
  }
}
