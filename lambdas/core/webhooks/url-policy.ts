/**
 * Which webhook URLs the notifier may call: `https:` to a public host, without user info. A receiver's
 * URL is configuration, but it is sent from inside the account: refusing private, loopback and
 * link-local IP literals keeps a mistyped or hostile URL off the instance metadata service
 * (169.254.169.254) and the VPC.
 *
 * The local flag (tests and the demo; never in a deployed stack) allows loopback hosts only: any of
 * 127/8, ::1 or `localhost` over https, and plain `http://127.0.0.1`.
 *
 * Out of scope: a hostname that merely resolves to a private address (DNS can change between this check
 * and the connection, so only a check at connect time would hold; the notifier's network placement is
 * the control for that).
 */
import { BlockList, isIP } from 'node:net';

type HostKind = 'loopback' | 'non-public' | 'public';

function subnets(entries: readonly (readonly [string, number, 'ipv4' | 'ipv6'])[]): BlockList {
  const list = new BlockList();
  for (const [network, prefix, family] of entries) list.addSubnet(network, prefix, family);
  return list;
}

// BlockList also matches IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) against the IPv4 rules.
const LOOPBACK = subnets([
  ['127.0.0.0', 8, 'ipv4'],
  ['::1', 128, 'ipv6'],
]);

const NON_PUBLIC = subnets([
  ['0.0.0.0', 8, 'ipv4'], // unspecified ("this network")
  ['10.0.0.0', 8, 'ipv4'], // private
  ['172.16.0.0', 12, 'ipv4'], // private
  ['192.168.0.0', 16, 'ipv4'], // private
  ['169.254.0.0', 16, 'ipv4'], // link-local, including the instance metadata service
  ['::', 96, 'ipv6'], // unspecified (::) and the deprecated IPv4-compatible form (::a.b.c.d)
  ['fe80::', 10, 'ipv6'], // link-local
  ['fc00::', 7, 'ipv6'], // unique-local
]);

/** `hostname` as `URL` gives it: lower case, IPv4 normalised (`0x7f.1` → `127.0.0.1`), IPv6 in brackets. */
function hostKind(hostname: string): HostKind {
  const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname.replace(/\.$/, '');
  const family = isIP(host);
  if (family === 0) return host === 'localhost' || host.endsWith('.localhost') ? 'loopback' : 'public';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (LOOPBACK.check(host, type)) return 'loopback';
  return NON_PUBLIC.check(host, type) ? 'non-public' : 'public';
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
