/**
 * Which webhook URLs the notifier may call: `https:` to a public host, without user info. A receiver's
 * URL is configuration, but it is sent from inside the account: refusing IP literals that are not
 * globally reachable keeps a mistyped or hostile URL off the instance metadata service
 * (169.254.169.254), the VPC and anything else behind the notifier's network.
 *
 * Refused, by IP literal (IANA's special-purpose registries, "globally reachable: false", plus
 * multicast and tunnels):
 * - IPv4: 0.0.0.0/8, 10/8, 100.64/10 (carrier-grade NAT), 127/8, 169.254/16, 172.16/12, 192.0.0/24,
 *   192.0.2/24, 192.88.99/24 (6to4 relays), 192.168/16, 198.18/15 (benchmarking), 198.51.100/24,
 *   203.0.113/24, 224/4 (multicast), 240/4 (reserved, 255.255.255.255 among them).
 * - IPv6: ::/96 (unspecified, ::1 and IPv4-compatible), ::ffff:0:0:0/96 (SIIT IPv4-translated),
 *   64:ff9b:1::/48 (local-use NAT64), 100::/64, 2001::/32 (Teredo), 2001:2::/48, 2001:db8::/32,
 *   2002::/16 (6to4: the whole range, whatever IPv4 it embeds), 3fff::/20, 5f00::/16, fc00::/7,
 *   fe80::/10, fec0::/10, ff00::/8 (multicast).
 * - IPv6 forms that reach an IPv4 address are judged by that address: IPv4-mapped ::ffff:0:0/96
 *   (`::ffff:10.0.0.1`, `::ffff:a00:1`) and NAT64 64:ff9b::/96 (`64:ff9b::10.0.0.1`; its loopback
 *   counts as non-public, as it is the translator's, not ours).
 * IPv4 spelled in decimal, octal or hex (`2130706433`, `0177.0.0.1`, `0x7f.1`) and IPv6 with embedded
 * dotted IPv4 reach this check already normalised by the WHATWG URL parser (the one undici uses).
 *
 * The local flag (tests and the demo; never in a deployed stack) allows loopback hosts only: any of
 * 127/8, ::1, ::ffff:127.0.0.0/104 or `localhost` over https, and plain `http://127.0.0.1`.
 *
 * Out of scope: a hostname that merely resolves to a private address (DNS can change between this check
 * and the connection, so only a check at connect time would hold; the notifier's network placement is
 * the control for that).
 */
import { isIP } from 'node:net';

type HostKind = 'loopback' | 'non-public' | 'public';

/** An IPv6 range whose last 32 bits are an IPv4 address, judged as that address. */
type Embedded = 'embedded-ipv4' | 'embedded-ipv4-translated';

type Range<V> = readonly [network: string, prefix: number, verdict: V];

const IPV4_RANGES: readonly Range<Exclude<HostKind, 'public'>>[] = [
  ['127.0.0.0', 8, 'loopback'],
  ['0.0.0.0', 8, 'non-public'], // "this network", 0.0.0.0 among them
  ['10.0.0.0', 8, 'non-public'], // private
  ['100.64.0.0', 10, 'non-public'], // shared address space (carrier-grade NAT)
  ['169.254.0.0', 16, 'non-public'], // link-local, the instance metadata service among them
  ['172.16.0.0', 12, 'non-public'], // private
  ['192.0.0.0', 24, 'non-public'], // IETF protocol assignments
  ['192.0.2.0', 24, 'non-public'], // documentation
  ['192.88.99.0', 24, 'non-public'], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16, 'non-public'], // private
  ['198.18.0.0', 15, 'non-public'], // benchmarking
  ['198.51.100.0', 24, 'non-public'], // documentation
  ['203.0.113.0', 24, 'non-public'], // documentation
  ['224.0.0.0', 4, 'non-public'], // multicast
  ['240.0.0.0', 4, 'non-public'], // reserved, the broadcast address 255.255.255.255 among them
];

const IPV6_RANGES: readonly Range<Exclude<HostKind, 'public'> | Embedded>[] = [
  ['::1', 128, 'loopback'],
  ['::', 96, 'non-public'], // unspecified (::) and the deprecated IPv4-compatible form (::a.b.c.d)
  ['::ffff:0:0', 96, 'embedded-ipv4'], // IPv4-mapped: the socket connects to the IPv4 address itself
  ['::ffff:0:0:0', 96, 'non-public'], // IPv4-translated (SIIT, RFC 2765; obsolete)
  ['64:ff9b::', 96, 'embedded-ipv4-translated'], // NAT64 well-known prefix
  ['64:ff9b:1::', 48, 'non-public'], // NAT64 local-use prefix: the operator's own translator
  ['100::', 64, 'non-public'], // discard-only
  ['2001::', 32, 'non-public'], // Teredo (a tunnel to an embedded, obfuscated IPv4 address)
  ['2001:2::', 48, 'non-public'], // benchmarking
  ['2001:db8::', 32, 'non-public'], // documentation
  ['2002::', 16, 'non-public'], // 6to4 (deprecated, RFC 7526): refused whole, whatever IPv4 it embeds
  ['3fff::', 20, 'non-public'], // documentation
  ['5f00::', 16, 'non-public'], // SRv6 segment identifiers
  ['fc00::', 7, 'non-public'], // unique-local
  ['fe80::', 10, 'non-public'], // link-local
  ['fec0::', 10, 'non-public'], // site-local (deprecated)
  ['ff00::', 8, 'non-public'], // multicast
];

function ipv4Bytes(address: string): number[] {
  return address.split('.').map(Number);
}

/** The 16 bytes of an address `isIP` has accepted as IPv6 (`::` and a dotted IPv4 tail allowed). */
function ipv6Bytes(address: string): number[] {
  let text = address;
  let tail: number[] = [];
  if (text.includes('.')) {
    const cut = text.lastIndexOf(':') + 1;
    tail = ipv4Bytes(text.slice(cut));
    text = `${text.slice(0, cut)}0:0`;
  }
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((h) => Number.parseInt(h, 16)));
  const [left = '', right] = text.split('::');
  const head = groups(left);
  const rest = right === undefined ? [] : groups(right);
  const words = [...head, ...Array<number>(8 - head.length - rest.length).fill(0), ...rest];
  const bytes = words.flatMap((w) => [w >> 8, w & 0xff]);
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}

function inRange(bytes: readonly number[], network: readonly number[], prefix: number): boolean {
  for (let bit = 0; bit < prefix; bit += 8) {
    const mask = prefix - bit >= 8 ? 0xff : (0xff << (8 - (prefix - bit))) & 0xff;
    if (((bytes[bit / 8] ?? 0) & mask) !== ((network[bit / 8] ?? 0) & mask)) return false;
  }
  return true;
}

function compile<V>(ranges: readonly Range<V>[], toBytes: (a: string) => number[]) {
  return ranges.map(([network, prefix, verdict]) => ({ network: toBytes(network), prefix, verdict }));
}

const IPV4 = compile(IPV4_RANGES, ipv4Bytes);
const IPV6 = compile(IPV6_RANGES, ipv6Bytes);

function ipv4Kind(bytes: readonly number[]): HostKind {
  return IPV4.find((r) => inRange(bytes, r.network, r.prefix))?.verdict ?? 'public';
}

function ipv6Kind(bytes: readonly number[]): HostKind {
  const verdict = IPV6.find((r) => inRange(bytes, r.network, r.prefix))?.verdict ?? 'public';
  if (verdict === 'embedded-ipv4') return ipv4Kind(bytes.slice(12));
  if (verdict === 'embedded-ipv4-translated') return ipv4Kind(bytes.slice(12)) === 'public' ? 'public' : 'non-public';
  return verdict;
}

/** `hostname` as `URL` gives it: lower case, IPv4 normalised (`0x7f.1` → `127.0.0.1`), IPv6 in brackets. */
function hostKind(hostname: string): HostKind {
  const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname.replace(/\.$/, '');
  switch (isIP(host)) {
    case 4:
      return ipv4Kind(ipv4Bytes(host));
    case 6:
      return ipv6Kind(ipv6Bytes(host));
    default:
      return host === 'localhost' || host.endsWith('.localhost') ? 'loopback' : 'public';
  }
}

/** Why a URL is refused, or `undefined` when it is allowed. The text is what was expected. */
export function webhookUrlProblem(url: string, allowLoopback: boolean): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'an absolute https:// URL';
  }
  if (parsed.username !== '' || parsed.password !== '') return 'an https:// URL without user info (put credentials in the signing key, not the URL)';
  const kind = hostKind(parsed.hostname);
  if (!allowLoopback) {
    if (parsed.protocol !== 'https:') return 'an https:// URL';
    return kind === 'public' ? undefined : 'an https:// URL to a public host';
  }
  const expected = 'an https:// URL to a public or loopback host, or http://127.0.0.1 (local flag set)';
  if (kind === 'non-public') return expected;
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:' && parsed.hostname === '127.0.0.1') return undefined;
  return expected;
}

/** Origin and path of a URL, without query string: safe to log and to keep in the dead-letter queue. */
export function describeWebhookUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
