import { isDnsHostname } from './domain.js';
import { IdentifierError } from './identifier-error.js';
import { prepareText } from './text.js';

/**
 * email (SPEC §4): trimmed and lowercased; the domain part also goes through IDNA to
 * ASCII so Unicode and punycode spellings of one address agree. Provider-specific
 * folding (dots or +tags in some mailboxes) is deliberately not applied: it is not
 * true of every provider, and a wrong fold would merge two people.
 */
export function normalizeEmail(raw: unknown): string {
  const text = prepareText(raw, 'email').toLowerCase();
  const at = text.lastIndexOf('@');
  if (at < 1 || at === text.length - 1)
    throw new IdentifierError('identifier.email.invalid', 'email');
  const local = text.slice(0, at);
  const domainText = text.slice(at + 1);
  if (
    local.length > 64 ||
    /[\s"<>()[\]\\,;:@]/.test(local) ||
    local.startsWith('.') ||
    local.endsWith('.') ||
    local.includes('..')
  )
    throw new IdentifierError('identifier.email.invalid', 'email');
  if (!/^[^\s/:@?#[\]\\%]+$/u.test(domainText) || !domainText.includes('.'))
    throw new IdentifierError('identifier.email.invalid', 'email');
  let domain: string;
  try {
    domain = new URL(`http://${domainText}/`).hostname;
  } catch {
    throw new IdentifierError('identifier.email.invalid', 'email');
  }
  if (/^\d+\.\d+\.\d+\.\d+$/.test(domain) || !isDnsHostname(domain))
    throw new IdentifierError('identifier.email.invalid', 'email');
  return `${local}@${domain}`;
}
