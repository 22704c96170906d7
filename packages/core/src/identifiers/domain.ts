import { IdentifierError } from './identifier-error.js';
import { lazyLibrary } from './lazy-library.js';
import { prepareText } from './text.js';

const tldts = lazyLibrary<typeof import('tldts')>('tldts');

const IPV4_HOST = /^\d+\.\d+\.\d+\.\d+$/;
// A DNS label after IDNA: letters, digits, hyphens (and underscores, which some hosts
// have), not starting or ending with a hyphen, at most 63 characters.
const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/**
 * True for an ASCII hostname made of valid DNS labels, at most 253 characters. The
 * WHATWG host parser accepts more ("+..x"); an identifier must not.
 */
export function isDnsHostname(asciiHostname: string): boolean {
  return (
    asciiHostname.length <= 253 && asciiHostname.split('.').every((label) => LABEL.test(label))
  );
}

/**
 * The registrable domain of an ASCII hostname by the public suffix list, private
 * section included: each customer of a shared host (name.github.io, name.pages.dev) is
 * its own registrant, which is what matters for phishing. Undefined when the host is a
 * public suffix, a single label or an IP address.
 */
export function registrableDomain(asciiHostname: string): string | undefined {
  if (
    IPV4_HOST.test(asciiHostname) ||
    asciiHostname.startsWith('[') ||
    !isDnsHostname(asciiHostname)
  )
    return undefined;
  const domain = tldts().getDomain(asciiHostname, {
    allowPrivateDomains: true,
    extractHostname: false,
    validateHostname: true,
  });
  return domain ?? undefined;
}

/**
 * domain (SPEC §4): lowercased, IDNA to ASCII (UTS #46 through the WHATWG host parser,
 * so "例子.中国" and "xn--fsqu00a.xn--fiqs8s" are one domain), reduced to its registrable
 * domain ("www.example.co.uk" is "example.co.uk").
 */
export function normalizeDomain(raw: unknown): string {
  let text = prepareText(raw, 'domain').toLowerCase();
  if (text.endsWith('.')) text = text.slice(0, -1);
  if (!/^[^\s/:@?#[\]\\%]+$/u.test(text))
    throw new IdentifierError('identifier.domain.invalid', 'domain');
  let host: string;
  try {
    host = new URL(`http://${text}/`).hostname;
  } catch {
    throw new IdentifierError('identifier.domain.invalid', 'domain');
  }
  if (IPV4_HOST.test(host)) throw new IdentifierError('identifier.domain.invalid', 'domain');
  const domain = registrableDomain(host);
  if (domain === undefined)
    throw new IdentifierError('identifier.domain.no_registrable_domain', 'domain');
  return domain;
}
