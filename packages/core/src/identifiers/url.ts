import { registrableDomain } from './domain.js';
import { IdentifierError } from './identifier-error.js';
import { isGlobalIp, normalizeIp } from './ip.js';
import type { Identifier } from './kinds.js';
import { prepareText } from './text.js';

export interface NormalizedUrl {
  readonly value: string;
  /** The registrable domain, or the IP address when the host is one. */
  readonly host: Identifier;
}

const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * url (SPEC §4): the WHATWG canonical serialization (lowercase scheme and host, IDNA
 * host, default port dropped, dot segments resolved, percent-encoding as the URL
 * Standard writes it). Text without a scheme, as phishing links are often written
 * ("evil.example/login"), is read as http. Only http and https are accepted.
 *
 * Its host also yields an identifier: the registrable domain, or the IP address.
 */
export function normalizeUrl(raw: unknown): NormalizedUrl {
  const text = prepareText(raw, 'url');
  if (/\s/.test(text)) throw new IdentifierError('identifier.url.invalid', 'url');
  let url: URL;
  try {
    url = new URL(HAS_SCHEME.test(text) && !/^[^:/]+:\d/.test(text) ? text : `http://${text}`);
  } catch {
    throw new IdentifierError('identifier.url.invalid', 'url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new IdentifierError('identifier.url.scheme', 'url');
  const hostname = url.hostname;
  let host: Identifier;
  const ipText = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(ipText) || hostname.startsWith('[')) {
    if (!isGlobalIp(ipText)) throw new IdentifierError('identifier.url.host', 'url');
    host = { kind: 'ip', value: normalizeIp(ipText) };
  } else {
    const domain = registrableDomain(hostname);
    if (domain === undefined) throw new IdentifierError('identifier.url.host', 'url');
    host = { kind: 'domain', value: domain };
  }
  return { value: url.href, host };
}
