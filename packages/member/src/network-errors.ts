/**
 * Why a request to a key server or the platform got no answer, in words, for the one
 * line a failed command prints. fetch says only "fetch failed"; the reason is in its
 * cause's system error code.
 */
const REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no answer in time',
  UND_ERR_BODY_TIMEOUT: 'no answer in time',
};

export function networkProblem(error: unknown): string {
  const e = error as {
    name?: string;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  if (e?.name === 'TimeoutError') return 'no answer in time';
  if (e?.name === 'AbortError') return 'aborted';
  const code = e?.cause?.code;
  if (code !== undefined) return `${REASONS[code] ?? 'network error'} (${code})`;
  return e?.cause?.message ?? e?.message ?? String(error);
}
