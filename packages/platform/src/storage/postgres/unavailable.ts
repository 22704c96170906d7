import { CredenceError } from '@credence/core/errors';

/**
 * PostgreSQL out of reach, as opposed to a statement it refused: the server restarting,
 * failing over, a standby that takes no writes, a connection cut. The platform answers
 * those with a 503 and Retry-After (`store.unavailable`), which a client retries, instead
 * of a 500, which says the platform is at fault; a batch sent again is the same batch.
 */
export class StoreUnavailableError extends CredenceError<'store.unavailable'> {
  constructor(cause: unknown) {
    super('store.unavailable', 'the database cannot be reached just now: try again shortly', {
      cause,
    });
    this.name = 'StoreUnavailableError';
  }
}

/**
 * SQLSTATEs that say the server cannot take the statement now: class 08 (connection
 * exceptions), 57P01–57P03 (shut down by an administrator or a crash, cannot connect
 * now), 25006 (a read-only transaction: a standby, or a promoted one not yet writable),
 * 53300 (too many connections).
 */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '25006', '53300']);
/** The socket's own failures. */
const SOCKET = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);
/** node-postgres's own words for a connection lost or never made (it gives them no code). */
const PG_MESSAGES =
  /^(Connection terminated|connection error|timeout exceeded when trying to connect|Client has encountered a connection error)/i;

export function isUnavailable(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (
    typeof code === 'string' &&
    (code.startsWith('08') || SQLSTATES.has(code) || SOCKET.has(code))
  )
    return true;
  return typeof message === 'string' && PG_MESSAGES.test(message);
}

/** The error to throw on: a StoreUnavailableError when the server was out of reach. */
export const unavailableOr = (error: unknown): unknown =>
  isUnavailable(error) && !(error instanceof StoreUnavailableError)
    ? new StoreUnavailableError(error)
    : error;
