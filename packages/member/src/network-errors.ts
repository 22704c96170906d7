const UNTRUSTED =
  "its certificate is signed by an authority this member does not trust: give that CA's certificate in member.json's caFile";

/**
 * The server's certificate was refused (certificates are always verified). Asking again
 * gets the same answer, so these are said and not retried.
 */
const CERTIFICATE_REASONS: Readonly<Record<string, string>> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: UNTRUSTED,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: UNTRUSTED,
  SELF_SIGNED_CERT_IN_CHAIN:
    "its certificate chains to a CA this member does not trust: give that CA's certificate in member.json's caFile",
  DEPTH_ZERO_SELF_SIGNED_CERT:
    'its certificate is self-signed: the server needs a certificate from a CA (member.json caFile may name a private one)',
  CERT_HAS_EXPIRED: 'its certificate has expired: tell its operator',
  CERT_NOT_YET_VALID: 'its certificate is not valid yet: check the clocks',
  ERR_TLS_CERT_ALTNAME_INVALID:
    'its certificate is for another name: use the address its certificate names',
  ERR_SSL_WRONG_VERSION_NUMBER: 'it does not speak HTTPS there: use http://, or its HTTPS port',
};

/** Whether a request failed on the server's certificate (not worth a retry). */
export function certificateRefused(error: unknown): boolean {
  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof code === 'string' && Object.hasOwn(CERTIFICATE_REASONS, code);
}

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
  ...CERTIFICATE_REASONS,
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
