import { IdentifierError } from './identifier-error.js';
import { prepareText } from './text.js';

/**
 * Ranges that identify nothing across members: the same private, shared (carrier-grade
 * NAT), loopback or link-local address is used by unrelated networks everywhere, so a
 * token for it would join unrelated fraud reports into one false ring. RFC 6890 and its
 * successors; IPv4 as [first octets..., prefix length].
 */
const NON_GLOBAL_V4: ReadonlyArray<readonly [number, number]> = [
  [0x00000000, 8], // 0.0.0.0/8 "this network"
  [0x0a000000, 8], // 10.0.0.0/8 private
  [0x64400000, 10], // 100.64.0.0/10 shared address space (CGNAT)
  [0x7f000000, 8], // 127.0.0.0/8 loopback
  [0xa9fe0000, 16], // 169.254.0.0/16 link-local
  [0xac100000, 12], // 172.16.0.0/12 private
  [0xc0000000, 24], // 192.0.0.0/24 IETF protocol assignments
  [0xc0000200, 24], // 192.0.2.0/24 documentation
  [0xc0a80000, 16], // 192.168.0.0/16 private
  [0xc6120000, 15], // 198.18.0.0/15 benchmarking
  [0xc6336400, 24], // 198.51.100.0/24 documentation
  [0xcb007100, 24], // 203.0.113.0/24 documentation
  [0xe0000000, 4], // 224.0.0.0/4 multicast
  [0xf0000000, 4], // 240.0.0.0/4 reserved and broadcast
];

function ipv4Global(n: number): boolean {
  for (const [base, prefix] of NON_GLOBAL_V4) {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    if ((n & mask) >>> 0 === base) return false;
  }
  return true;
}

/** Parses dotted-quad IPv4. Zero-padded octets ("010") are read as decimal. */
function parseIpv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255) return undefined;
    n = n * 256 + octet;
  }
  return n;
}

function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/**
 * Canonical IPv6 text (RFC 5952) through the WHATWG URL host serializer: lowercase hex,
 * no leading zeros, the longest run of zero groups compressed.
 */
function canonicalIpv6(text: string): string | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(':')) return undefined;
  try {
    const host = new URL(`http://[${text}]/`).hostname;
    return host.slice(1, -1);
  } catch {
    return undefined;
  }
}

function ipv6Global(canonical: string): boolean {
  if (canonical === '::' || canonical === '::1') return false;
  const first = Number.parseInt(canonical.split(':')[0] || '0', 16);
  if ((first & 0xfe00) === 0xfc00) return false; // fc00::/7 unique local
  if ((first & 0xffc0) === 0xfe80) return false; // fe80::/10 link-local
  if ((first & 0xff00) === 0xff00) return false; // ff00::/8 multicast
  if (canonical.startsWith('2001:db8:') || canonical === '2001:db8::') return false; // documentation
  if (canonical.startsWith('::')) return false; // IPv4-compatible and other reserved forms
  return true;
}

/**
 * ip (SPEC §4): canonical IPv4 (dotted decimal) or IPv6 (RFC 5952) text. An
 * IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address it maps. Brackets are
 * accepted around IPv6; ports, zones and prefixes are not. Non-global addresses are
 * rejected (see NON_GLOBAL_V4).
 */
export function normalizeIp(raw: unknown): string {
  let text = prepareText(raw, 'ip');
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const v4 = parseIpv4(text);
  if (v4 !== undefined) {
    if (!ipv4Global(v4)) throw new IdentifierError('identifier.ip.not_global', 'ip');
    return formatIpv4(v4);
  }
  const v6 = canonicalIpv6(text);
  if (v6 === undefined) throw new IdentifierError('identifier.ip.invalid', 'ip');
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6);
  if (mapped) {
    const n = Number.parseInt(mapped[1] ?? '', 16) * 65536 + Number.parseInt(mapped[2] ?? '', 16);
    if (!ipv4Global(n)) throw new IdentifierError('identifier.ip.not_global', 'ip');
    return formatIpv4(n);
  }
  if (!ipv6Global(v6)) throw new IdentifierError('identifier.ip.not_global', 'ip');
  return v6;
}

/** True for text that normalizeIp accepts; used to classify URL hosts. */
export function isGlobalIp(text: string): boolean {
  try {
    normalizeIp(text);
    return true;
  } catch {
    return false;
  }
}
