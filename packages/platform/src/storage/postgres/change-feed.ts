import pg from 'pg';
import { CHANGES_CHANNEL } from '../sql/sequence.js';

/** How long a lost LISTEN connection waits before it reconnects: doubling up to the most. */
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 30_000;

/**
 * Follows other API processes' commits on PostgreSQL (LISTEN on CHANGES_CHANNEL; the
 * Store port's watchChanges): 'members' for who may do what, 'data' for anything else,
 * also after a lost connection is restored, since changes may have been missed meanwhile.
 * A lost connection is told to `onError` and reconnects by itself.
 */
export async function watchChanges(
  url: string,
  onChange: (what: 'members' | 'data') => void,
  onError: (error: unknown) => void,
): Promise<{ close(): Promise<void> }> {
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;
  let delayMs = RECONNECT_MIN_MS;
  const connect = async () => {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (n) => onChange(n.payload === 'members' ? 'members' : 'data'));
    next.on('error', (error) => {
      if (client !== next) return;
      onError(error);
      client = undefined;
      // The connection is broken; its end can only fail the same way, already told.
      void next.end().catch(() => undefined);
      reconnect();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANGES_CHANNEL}`);
    } catch (error) {
      await next.end().catch(() => undefined);
      throw error;
    }
    client = next;
    delayMs = RECONNECT_MIN_MS;
  };
  const reconnect = () => {
    if (closed || retry !== undefined) return;
    retry = setTimeout(() => {
      retry = undefined;
      connect().then(
        // What committed while nobody listened is read by following the sequence.
        () => onChange('data'),
        (error: unknown) => {
          onError(error);
          reconnect();
        },
      );
    }, delayMs);
    retry.unref();
    delayMs = Math.min(delayMs * 2, RECONNECT_MAX_MS);
  };
  await connect();
  return {
    close: async () => {
      closed = true;
      if (retry !== undefined) clearTimeout(retry);
      await client?.end();
      client = undefined;
    },
  };
}
