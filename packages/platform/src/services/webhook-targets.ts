import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { isGlobalIp } from '@credence/core/identifiers/ip';

/**
 * Where webhooks may point (issue 11 §4). A member names the URL; the platform POSTs to
 * it from inside the operator's network, so a URL aimed at that network (a metadata
 * service at 169.254.169.254, an admin port on loopback, a database on 10.x) would make
 * the platform a proxy into it. So: HTTPS only; no user name or password in the URL; no
 * address that is not globally routable, whether written in the URL or what its name
 * resolves to at delivery; the connection goes to the very address that was checked (a
 * name cannot resolve to a public address for the check and a private one for the
 * connection); and redirects are not followed (webhooks.ts).
 *
 * The operator may allow exceptions explicitly (`credence serve --webhook-allow`, the
 * demo's local receivers): an address range (CIDR, or one address), or one host:port.
 * Plain http: is accepted only for those.
 */

/** Resolves a name to its addresses (dns.lookup by default; injected in tests). */
export type Resolve = (
  hostname: string,
) => Promise<readonly { readonly address: string; readonly family: number }[]>;

export const systemResolve: Resolve = (hostname) => lookup(hostname, { all: true, verbatim: true });

/** The address a delivery connects to, checked. */
export interface PinnedTarget {
  readonly url: URL;
  readonly address: string;
  readonly family: 4 | 6;
}

/** A webhook URL the platform will not deliver to; the message never holds the URL. */
export class WebhookRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookRefused';
  }
}

/**
 * IPv6 ranges refused on top of what is not global as an identifier either (core's
 * isGlobalIp: loopback, unspecified, IPv4-mapped and -compatible forms of non-global
 * IPv4, unique local, link-local, multicast, documentation): site-local, the discard
 * prefix, Teredo and the other IETF protocol assignments, and local-use NAT64.
 */
const REFUSED_V6 = new BlockList();
REFUSED_V6.addSubnet('fec0::', 10, 'ipv6');
REFUSED_V6.addSubnet('100::', 64, 'ipv6');
REFUSED_V6.addSubnet('2001::', 23, 'ipv6');
REFUSED_V6.addSubnet('64:ff9b:1::', 48, 'ipv6');

/** The eight 16-bit groups of an IPv6 address (any valid text form). */
function ipv6Groups(address: string): number[] {
  const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const [head = '', tail] = canonical.split('::');
  const part = (s: string) => (s === '' ? [] : s.split(':').map((g) => Number.parseInt(g, 16)));
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  return [...left, ...new Array(8 - left.length - right.length).fill(0), ...right];
}

/** The IPv4 address a NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address reaches. */
function embeddedIpv4(address: string): string | undefined {
  const g = ipv6Groups(address);
  const quad = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0))
    return quad(g[6] ?? 0, g[7] ?? 0);
  if (g[0] === 0x2002) return quad(g[1] ?? 0, g[2] ?? 0);
  return undefined;
}

/** True when an address reaches only the operator's own network or nothing at all. */
export function isInternalAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  if (!isGlobalIp(address)) return true;
  if (family === 4) return false;
  if (REFUSED_V6.check(address, 'ipv6')) return true;
  const v4 = embeddedIpv4(address);
  return v4 !== undefined && !isGlobalIp(v4);
}

const defaultPort = (url: URL) => url.port || (url.protocol === 'https:' ? '443' : '80');
/** A URL's hostname without IPv6 brackets. */
const bareHost = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');
/** Names that are loopback by definition (RFC 6761 §6.3). */
const isLocalhostName = (host: string) => /(^|\.)localhost\.?$/.test(host);

export class WebhookTargets {
  private readonly allowedRanges = new BlockList();
  private readonly allowedHosts = new Set<string>();

  /**
   * `allow`: CIDR ranges ("10.1.0.0/16", "::1/128"), single addresses, or host:port
   * ("receiver.internal:8443", "127.0.0.1:9300", "[::1]:9300"). Throws on anything else.
   */
  constructor(
    allow: readonly string[] = [],
    private readonly resolve: Resolve = systemResolve,
  ) {
    for (const entry of allow) {
      const cidr = /^([^/]+)\/(\d{1,3})$/.exec(entry);
      const family = isIP(cidr?.[1] ?? entry);
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (cidr !== null && family !== 0 && Number(cidr[2]) <= (family === 4 ? 32 : 128)) {
        this.allowedRanges.addSubnet(cidr[1] as string, Number(cidr[2]), type);
      } else if (cidr === null && family !== 0) {
        this.allowedRanges.addAddress(entry, type);
      } else {
        const hostPort = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/.exec(entry);
        if (hostPort === null || Number(hostPort[2]) > 65535)
          throw new Error(
            `webhook allowance "${entry}" is neither an address range (10.0.0.0/8), an address, nor host:port`,
          );
        this.allowedHosts.add(
          `${new URL(`http://${hostPort[1]}/`).hostname}:${Number(hostPort[2])}`,
        );
      }
    }
  }

  private hostAllowed(url: URL): boolean {
    return this.allowedHosts.has(`${url.hostname}:${defaultPort(url)}`);
  }

  private addressAllowed(address: string): boolean {
    const family = isIP(address);
    return family !== 0 && this.allowedRanges.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }

  /** Whether the platform may connect to this address for this URL. */
  private addressRefused(url: URL, address: string): boolean {
    return isInternalAddress(address) && !this.addressAllowed(address) && !this.hostAllowed(url);
  }

  /**
   * Why the URL may not be a webhook (for PUT /v1/webhook, and again before each
   * delivery), or undefined. What it checks needs no DNS: the scheme, the user
   * information, and an address written in the URL (or a localhost name).
   */
  refusal(text: string): string | undefined {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return 'is not a URL';
    }
    if (url.username !== '' || url.password !== '') return 'must not hold a user name or password';
    const host = bareHost(url);
    const literal = isIP(host) !== 0;
    const allowed = this.hostAllowed(url) || (literal && this.addressAllowed(host));
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowed))
      return 'must be https (plain http only to a receiver the operator allowed)';
    if (allowed) return undefined;
    if ((literal && isInternalAddress(host)) || isLocalhostName(host))
      return 'points inside the operator network (a loopback, private, link-local or otherwise non-global address)';
    return undefined;
  }

  /**
   * The address to deliver to: the URL's own if it is an address, else what its name
   * resolves to now. Refused (WebhookRefused) if any address the name resolves to is
   * internal and not allowed: the connection must then use the address returned, never
   * resolve the name again.
   */
  async pin(text: string): Promise<PinnedTarget> {
    const why = this.refusal(text);
    if (why !== undefined) throw new WebhookRefused(`the webhook URL ${why}`);
    const url = new URL(text);
    const host = bareHost(url);
    const family = isIP(host);
    if (family !== 0) return { url, address: host, family: family as 4 | 6 };
    let addresses: readonly { address: string; family: number }[];
    try {
      addresses = await this.resolve(host);
    } catch {
      throw new WebhookRefused('the webhook host name does not resolve');
    }
    const first = addresses[0];
    if (first === undefined) throw new WebhookRefused('the webhook host name does not resolve');
    if (addresses.some((a) => this.addressRefused(url, a.address)))
      throw new WebhookRefused(
        'the webhook host name resolves inside the operator network (a loopback, private, link-local or otherwise non-global address)',
      );
    return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
  }
}
