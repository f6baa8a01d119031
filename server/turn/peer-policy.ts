// Which peers a client may relay to. A TURN server that relays anywhere is an open door into the
// network it runs in (server-side request forgery: cloud metadata at 169.254.169.254, admin ports
// on localhost, the office LAN). So by default only public unicast peers are allowed, and every
// IPv6 form that embeds an IPv4 address is unwrapped first: coturn's CVE-2026-27624 was exactly a
// "::ffff:127.0.0.1" bypass. RFC 8656 §21.3.3 ("Tunnel Amplification Attack") and §21.3.5 discuss
// why; the answer to a refused peer is 403 Forbidden (RFC 8656 §9.1).
import { formatIP, inPrefix, parseIP } from "../../src/shared/stun/ip-bytes.ts";

export type PeerDenyReason =
  | "not-an-ip"
  | "unspecified"
  | "loopback"
  | "private"
  | "cgnat"
  | "link-local"
  | "multicast"
  | "broadcast"
  | "reserved"
  | "unique-local"
  | "site-local"
  | "teredo";

interface Range {
  readonly prefix: Uint8Array;
  readonly bits: number;
  readonly reason: PeerDenyReason;
  /** Unspecified, multicast, broadcast and reserved space are refused even with allowPrivatePeers. */
  readonly always: boolean;
}

function range(cidr: string, reason: PeerDenyReason, always = false): Range {
  const [ip, bits] = cidr.split("/");
  const prefix = parseIP(ip ?? "");
  if (!prefix) throw new Error(`bad range ${cidr}`);
  return { prefix, bits: Number(bits), reason, always };
}

const IPV4_DENIED: readonly Range[] = [
  range("0.0.0.0/8", "unspecified", true), // RFC 791 / RFC 6890 "this network": 0.0.0.0 reaches localhost on Linux
  range("10.0.0.0/8", "private"), // RFC 1918
  range("100.64.0.0/10", "cgnat"), // RFC 6598 shared address space
  range("127.0.0.0/8", "loopback"), // RFC 1122
  range("169.254.0.0/16", "link-local"), // RFC 3927 (cloud metadata lives here)
  range("172.16.0.0/12", "private"), // RFC 1918
  range("192.168.0.0/16", "private"), // RFC 1918
  range("224.0.0.0/4", "multicast", true), // RFC 5771
  range("255.255.255.255/32", "broadcast", true), // RFC 919
  range("240.0.0.0/4", "reserved", true), // RFC 1112 class E
  range("192.0.0.0/24", "reserved", true), // RFC 6890 IETF protocol assignments (DS-Lite, NAT64 discovery ...)
  // RFC 2544 benchmarking: meant for test labs, and some networks number internal devices from it.
  range("198.18.0.0/15", "private"),
];

const IPV6_DENIED: readonly Range[] = [
  range("::/128", "unspecified", true), // RFC 4291 §2.5.2
  range("::1/128", "loopback"), // RFC 4291 §2.5.3
  range("fe80::/10", "link-local"), // RFC 4291 §2.5.6
  range("fec0::/10", "site-local"), // RFC 3879 (deprecated, still routed inside some sites)
  range("fc00::/7", "unique-local"), // RFC 4193
  range("ff00::/8", "multicast", true), // RFC 4291 §2.7
  range("2001::/32", "teredo", true), // RFC 4380: embeds an obfuscated IPv4 we would have to trust
  // RFC 8215 local-use NAT64: a network's own translator, which reaches that network's IPv4 space
  // (the IPv4 address sits at a position that depends on the prefix length the operator chose).
  range("64:ff9b:1::/48", "private"),
  range("100::/64", "reserved", true), // RFC 6666 discard-only
];

/**
 * The IPv4 address an IPv6 address stands for, if any: IPv4-mapped ::ffff:a.b.c.d (RFC 4291
 * §2.5.5.2), IPv4-compatible ::a.b.c.d (§2.5.5.1, deprecated), IPv4-translated ::ffff:0:a.b.c.d
 * (RFC 2765 §2.1, SIIT), NAT64 64:ff9b::/96 (RFC 6052) and 6to4 2002:AABB:CCDD::/48 (RFC 3056).
 */
export function embeddedIPv4(ip: Uint8Array): Uint8Array | undefined {
  if (ip.length !== 16) return undefined;
  const zeros = (from: number, to: number): boolean => ip.subarray(from, to).every((b) => b === 0);
  if (zeros(0, 10) && ip[10] === 0xff && ip[11] === 0xff) return ip.slice(12);
  if (zeros(0, 8) && ip[8] === 0xff && ip[9] === 0xff && zeros(10, 12)) return ip.slice(12);
  if (zeros(0, 12) && !zeros(12, 16) && !(zeros(12, 15) && ip[15] === 1)) return ip.slice(12);
  if (ip[0] === 0x00 && ip[1] === 0x64 && ip[2] === 0xff && ip[3] === 0x9b && zeros(4, 12)) return ip.slice(12);
  if (ip[0] === 0x20 && ip[1] === 0x02) return ip.slice(2, 6);
  return undefined;
}

export type PeerDecision = { readonly allowed: true } | { readonly allowed: false; readonly reason: PeerDenyReason; readonly detail: string };

export interface PeerPolicyOptions {
  /** Opt-in for local demos and tests: allow loopback, private, CGNAT, link-local and ULA peers. */
  readonly allowPrivatePeers: boolean;
  /** This server's own relay/external addresses: relay-to-relay on one server must work (coturn #584). */
  readonly ownAddresses: readonly string[];
}

export interface PeerPolicy {
  check(address: string): PeerDecision;
  /** True when the address is one of ours and was only allowed because of that. */
  isOwnAddress(address: string): boolean;
}

export function createPeerPolicy(options: PeerPolicyOptions): PeerPolicy {
  const own = new Set<string>();
  for (const a of options.ownAddresses) {
    const bytes = parseIP(a);
    if (bytes) own.add(formatIP(embeddedIPv4(bytes) ?? bytes));
  }
  const canonical = (bytes: Uint8Array): string => formatIP(embeddedIPv4(bytes) ?? bytes);
  // The data path asks this for every relayed packet: remember answers (bounded).
  const ownCache = new Map<string, boolean>();
  return {
    isOwnAddress(address) {
      const cached = ownCache.get(address);
      if (cached !== undefined) return cached;
      const bytes = parseIP(address);
      const answer = bytes !== undefined && own.has(canonical(bytes));
      if (ownCache.size >= 4096) ownCache.clear();
      ownCache.set(address, answer);
      return answer;
    },
    check(address) {
      const bytes = parseIP(address);
      if (!bytes) return { allowed: false, reason: "not-an-ip", detail: `${address} is not an IP address` };
      const candidates: Uint8Array[] = [bytes];
      const inner = embeddedIPv4(bytes);
      if (inner) candidates.push(inner);
      for (const ip of candidates) {
        for (const r of ip.length === 4 ? IPV4_DENIED : IPV6_DENIED) {
          if (!inPrefix(ip, r.prefix, r.bits)) continue;
          if (!r.always && (options.allowPrivatePeers || own.has(canonical(bytes)))) continue;
          const via = ip === bytes ? "" : ` (embedded ${formatIP(ip)})`;
          return { allowed: false, reason: r.reason, detail: `${address}${via} is ${r.reason}` };
        }
      }
      return { allowed: true };
    },
  };
}
