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
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && Object.hasOwn(CERTIFICATE_REASONS, code);
}

/**
 * Why a request to a key server or the platform got no answer, in words, for the one
 * line a failed command prints: the system error's code (http-client.ts), said.
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
  ...CERTIFICATE_REASONS,
};

export function networkProblem(error: unknown): string {
  const e = error as { name?: string; message?: string; code?: unknown };
  if (e?.name === 'TimeoutError') return 'no answer in time';
  if (e?.name === 'AbortError') return 'aborted';
  if (typeof e?.code === 'string') return `${REASONS[e.code] ?? 'network error'} (${e.code})`;
  return e?.message ?? String(error);
}
