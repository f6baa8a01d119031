/**
 * Which kind of address is this? Used by the IPv4 lesson, the inspect page and the two-tab demo to
 * label every address a browser reveals in plain words. Ranges come from the IANA special-purpose
 * address registries (RFC 6890) and the RFC named on each row.
 */
import { isIPv4, parseIPv4, parseIPv4Cidr, ipv4CidrContains, type Ipv4Cidr } from "./ipv4.ts";
import { ipv4FromMapped, ipv6CidrContains, parseIPv6Cidr, parseIPv6WithZone, type Ipv6Cidr } from "./ipv6.ts";

export type AddressKind =
  | "public"
  | "private"
  | "cgnat"
  | "loopback"
  | "link-local"
  | "unspecified"
  | "multicast"
  | "broadcast"
  | "documentation"
  | "reserved"
  | "ipv6-global"
  | "ipv6-unique-local"
  | "ipv6-link-local"
  | "ipv6-loopback"
  | "ipv6-unspecified"
  | "ipv6-multicast"
  | "ipv6-documentation"
  | "ipv6-nat64"
  | "ipv4-mapped"
  | "mdns"
  | "hostname"
  | "invalid";

export interface AddressClassification {
  kind: AddressKind;
  family: "ipv4" | "ipv6" | "name" | "invalid";
  /** The address as given. */
  address: string;
  /** The block it falls in, e.g. "192.168.0.0/16" (absent for public space and names). */
  range?: string;
  /** The RFC that sets the block aside, e.g. "RFC 1918". */
  rfc?: string;
  /** Plain words for a reader who has never heard of the RFC. */
  label: string;
  /** Whether other hosts on the internet can send to it (as far as the address alone tells). */
  globallyReachable: boolean;
  /** For an IPv4-mapped IPv6 address: the classification of the IPv4 address inside. */
  mapped?: AddressClassification;
}

interface V4Row {
  cidr: string;
  kind: AddressKind;
  rfc: string;
  label: string;
}

/** Most specific first where blocks nest (255.255.255.255 inside 240.0.0.0/4). */
const IPV4_ROWS: readonly V4Row[] = [
  { cidr: "0.0.0.0/32", kind: "unspecified", rfc: "RFC 1122", label: "Unspecified address: “no address yet” or “any address”, never a real destination" },
  { cidr: "0.0.0.0/8", kind: "reserved", rfc: "RFC 1122", label: "“This network”: reserved, not used as a real address" },
  { cidr: "10.0.0.0/8", kind: "private", rfc: "RFC 1918", label: "Private address (10.0.0.0/8): only meaningful inside a home, office or cloud network; a NAT stands between it and the internet" },
  { cidr: "100.64.0.0/10", kind: "cgnat", rfc: "RFC 6598", label: "Shared address space (100.64.0.0/10) used by carrier-grade NAT: your provider shares public addresses among many customers" },
  { cidr: "127.0.0.0/8", kind: "loopback", rfc: "RFC 1122", label: "Loopback: this same machine talking to itself; never leaves the computer" },
  { cidr: "169.254.0.0/16", kind: "link-local", rfc: "RFC 3927", label: "Link-local: self-assigned when no DHCP answered; only reaches the same cable or Wi-Fi" },
  { cidr: "172.16.0.0/12", kind: "private", rfc: "RFC 1918", label: "Private address (172.16.0.0/12): only meaningful inside a local network; a NAT stands between it and the internet" },
  { cidr: "192.0.0.0/24", kind: "reserved", rfc: "RFC 6890", label: "IETF protocol assignments: special-purpose, not a normal host address" },
  { cidr: "192.0.2.0/24", kind: "documentation", rfc: "RFC 5737", label: "Documentation range TEST-NET-1: for examples in books and tests, never on the real internet" },
  { cidr: "192.168.0.0/16", kind: "private", rfc: "RFC 1918", label: "Private address (192.168.0.0/16): the typical home-router range; a NAT stands between it and the internet" },
  { cidr: "198.18.0.0/15", kind: "reserved", rfc: "RFC 2544", label: "Benchmarking range: for network test labs, not the real internet" },
  { cidr: "198.51.100.0/24", kind: "documentation", rfc: "RFC 5737", label: "Documentation range TEST-NET-2: for examples in books and tests, never on the real internet" },
  { cidr: "203.0.113.0/24", kind: "documentation", rfc: "RFC 5737", label: "Documentation range TEST-NET-3: for examples in books and tests, never on the real internet" },
  { cidr: "224.0.0.0/4", kind: "multicast", rfc: "RFC 5771", label: "Multicast: one packet to a group of listeners; never a single host's address" },
  { cidr: "255.255.255.255/32", kind: "broadcast", rfc: "RFC 919", label: "Limited broadcast: every host on the local link" },
  { cidr: "240.0.0.0/4", kind: "reserved", rfc: "RFC 1112", label: "Reserved for future use (former class E): not routed on the internet" },
];

interface V6Row {
  cidr: string;
  kind: AddressKind;
  rfc: string;
  label: string;
}

const IPV6_ROWS: readonly V6Row[] = [
  { cidr: "::/128", kind: "ipv6-unspecified", rfc: "RFC 4291", label: "IPv6 unspecified address (::): “no address”, never a real destination" },
  { cidr: "::1/128", kind: "ipv6-loopback", rfc: "RFC 4291", label: "IPv6 loopback (::1): this same machine; never leaves the computer" },
  { cidr: "64:ff9b::/96", kind: "ipv6-nat64", rfc: "RFC 6052", label: "NAT64 prefix: an IPv4 address reached through a translator from an IPv6-only network" },
  { cidr: "fe80::/10", kind: "ipv6-link-local", rfc: "RFC 4291", label: "IPv6 link-local (fe80::/10): every interface has one; only reaches the same link" },
  { cidr: "fc00::/7", kind: "ipv6-unique-local", rfc: "RFC 4193", label: "IPv6 unique local address (fc00::/7): private to a site, like RFC 1918 space, not routed on the internet" },
  { cidr: "ff00::/8", kind: "ipv6-multicast", rfc: "RFC 4291", label: "IPv6 multicast: a group of listeners, never a single host" },
  { cidr: "2001:db8::/32", kind: "ipv6-documentation", rfc: "RFC 3849", label: "IPv6 documentation range (2001:db8::/32): for examples, never on the real internet" },
  { cidr: "3fff::/20", kind: "ipv6-documentation", rfc: "RFC 9637", label: "IPv6 documentation range (3fff::/20): for examples, never on the real internet" },
];

const V4_TABLE: readonly (V4Row & { block: Ipv4Cidr })[] = IPV4_ROWS.map((row) => ({ ...row, block: parseIPv4Cidr(row.cidr) }));
const V6_TABLE: readonly (V6Row & { block: Ipv6Cidr })[] = IPV6_ROWS.map((row) => ({ ...row, block: parseIPv6Cidr(row.cidr) }));

/** The special-purpose blocks this module knows, for the lesson's table. */
export const SPECIAL_IPV4_BLOCKS: readonly V4Row[] = IPV4_ROWS;
export const SPECIAL_IPV6_BLOCKS: readonly V6Row[] = IPV6_ROWS;

const REACHABLE = new Set<AddressKind>(["public", "ipv6-global", "ipv6-nat64"]);

function classifyV4(address: string, value: number): AddressClassification {
  const row = V4_TABLE.find((r) => ipv4CidrContains(r.block, value));
  if (!row) {
    return { kind: "public", family: "ipv4", address, rfc: "RFC 791", label: "Public IPv4 address: reachable on the internet (routers may still filter it)", globallyReachable: true };
  }
  return { kind: row.kind, family: "ipv4", address, range: row.cidr, rfc: row.rfc, label: row.label, globallyReachable: REACHABLE.has(row.kind) };
}

function classifyV6(address: string, value: bigint): AddressClassification {
  const v4 = ipv4FromMapped(value);
  if (v4 !== undefined) {
    const dotted = [24, 16, 8, 0].map((s) => Math.floor(v4 / 2 ** s) % 256).join(".");
    const mapped = classifyV4(dotted, v4);
    return {
      kind: "ipv4-mapped",
      family: "ipv6",
      address,
      range: "::ffff:0:0/96",
      rfc: "RFC 4291",
      label: `IPv4 address written in IPv6 form (IPv4-mapped); the IPv4 address ${dotted} inside is: ${mapped.label}`,
      globallyReachable: mapped.globallyReachable,
      mapped,
    };
  }
  const row = V6_TABLE.find((r) => ipv6CidrContains(r.block, value));
  if (row) return { kind: row.kind, family: "ipv6", address, range: row.cidr, rfc: row.rfc, label: row.label, globallyReachable: REACHABLE.has(row.kind) };
  if (ipv6CidrContains(GLOBAL_UNICAST, value)) {
    return { kind: "ipv6-global", family: "ipv6", address, range: "2000::/3", rfc: "RFC 4291", label: "IPv6 global address: reachable on the internet, usually with no NAT in between (a firewall may still filter)", globallyReachable: true };
  }
  return { kind: "reserved", family: "ipv6", address, rfc: "RFC 4291", label: "Reserved IPv6 space: not assigned for normal use", globallyReachable: false };
}

const GLOBAL_UNICAST = parseIPv6Cidr("2000::/3");

/** A host name made of DNS labels (letters, digits, hyphens), as in RFC 1123 §2.1. */
const HOSTNAME = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/u;

/**
 * Classifies one address as a browser shows it in a candidate: IPv4, IPv6 (with an optional zone)
 * or a name. Never throws: anything unreadable is { kind: "invalid" }.
 */
export function classifyAddress(input: string): AddressClassification {
  const address = input.trim();
  if (isIPv4(address)) return classifyV4(address, parseIPv4(address));
  if (address.includes(":")) {
    try {
      return classifyV6(address, parseIPv6WithZone(address).value);
    } catch {
      return { kind: "invalid", family: "invalid", address, label: "Not a valid address", globallyReachable: false };
    }
  }
  if (HOSTNAME.test(address) && !/^[0-9.]+$/u.test(address)) {
    if (/\.local\.?$/iu.test(address)) {
      return {
        kind: "mdns",
        family: "name",
        address,
        rfc: "RFC 6762",
        label: "mDNS name (.local): a random name your browser made up to hide your real local address; only devices on your own network can resolve it",
        globallyReachable: false,
      };
    }
    return { kind: "hostname", family: "name", address, label: "Host name: looked up in DNS to find the real address", globallyReachable: false };
  }
  return { kind: "invalid", family: "invalid", address, label: "Not a valid address", globallyReachable: false };
}

const SHORT_NAMES: Readonly<Record<AddressKind, string>> = {
  public: "public IPv4",
  private: "private, RFC 1918",
  cgnat: "shared carrier-grade NAT space",
  loopback: "loopback",
  "link-local": "link-local",
  unspecified: "unspecified",
  multicast: "multicast",
  broadcast: "broadcast",
  documentation: "documentation range",
  reserved: "reserved",
  "ipv6-global": "global IPv6",
  "ipv6-unique-local": "IPv6 unique local",
  "ipv6-link-local": "IPv6 link-local",
  "ipv6-loopback": "IPv6 loopback",
  "ipv6-unspecified": "IPv6 unspecified",
  "ipv6-multicast": "IPv6 multicast",
  "ipv6-documentation": "IPv6 documentation range",
  "ipv6-nat64": "NAT64",
  "ipv4-mapped": "IPv4-mapped IPv6",
  mdns: "mDNS name",
  hostname: "host name",
  invalid: "not an address",
};

/** A few words naming the class ("private, RFC 1918"), for running text. */
export function shortAddressName(c: AddressClassification): string {
  return SHORT_NAMES[c.kind];
}

/** Whether the address belongs to a private-use block behind which a NAT is expected (RFC 1918, RFC 6598, ULA). */
export function isBehindNatSpace(c: AddressClassification): boolean {
  const kind = c.kind === "ipv4-mapped" && c.mapped ? c.mapped.kind : c.kind;
  return kind === "private" || kind === "cgnat" || kind === "ipv6-unique-local";
}

/** Loopback in either family (or localhost). */
export function isLoopback(c: AddressClassification): boolean {
  const kind = c.kind === "ipv4-mapped" && c.mapped ? c.mapped.kind : c.kind;
  return kind === "loopback" || kind === "ipv6-loopback" || (c.kind === "hostname" && /^localhost\.?$/iu.test(c.address));
}
