// Which clients count as "one address" for per-address limits. An IPv4 address is one host (or
// one NAT). An IPv6 host is given a whole /64 (RFC 4291 §2.5.1, and SLAAC and privacy addresses,
// RFC 8981, pick freely inside it), so counting exact IPv6 addresses would let one host appear as
// 2^64 clients: IPv6 clients are counted per /64.
import { formatIP, parseIP } from "../../src/shared/stun/ip-bytes.ts";

/** The key a client address is counted under: the IPv4 address, or the IPv6 /64 as "prefix::/64". */
export function addressGroup(address: string): string {
  const bytes = parseIP(address);
  if (!bytes || bytes.length === 4) return address;
  // An IPv4-mapped address (a dual-stack socket's view of an IPv4 client) is that IPv4 client.
  if (bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return Array.from(bytes.subarray(12)).join(".");
  const prefix = new Uint8Array(16);
  prefix.set(bytes.subarray(0, 8));
  return `${formatIP(prefix)}/64`;
}
