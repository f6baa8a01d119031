/**
 * Who the client is, for per-address limits. Usually the peer of the TCP connection. Behind a
 * reverse proxy (the README's nginx sample) every request comes from the proxy, so the proxy says
 * whom it is forwarding for in X-Forwarded-For, appending the address it saw to whatever the
 * request already carried:
 *
 *     X-Forwarded-For: <anything the client wrote>, <client as proxy 1 saw it>, <proxy 1 as proxy 2 saw it>
 *
 * Only the entries added by proxies we trust are facts; everything to their left was written by
 * the client and may be invented. So the header is read only when the peer is a trusted proxy
 * (TRUST_PROXY), from the right, skipping trusted proxies, and the first address that is not one
 * is the client (the "right-most untrusted" rule, as in nginx's realip module with
 * real_ip_recursive on). From any other peer the header is ignored: a client cannot pick its own
 * address. The RFC 7239 Forwarded header is not read.
 */
import { formatIP, inPrefix, parseIP } from "../../src/shared/stun/ip-bytes.ts";

/** One block of addresses: the first `bits` bits of `bytes` (4 bytes IPv4, 16 bytes IPv6). */
export interface AddressBlock {
  readonly bytes: Uint8Array;
  readonly bits: number;
}

/** The proxies whose X-Forwarded-For is believed (TRUST_PROXY). Empty: nobody's. */
export interface TrustedProxies {
  readonly blocks: readonly AddressBlock[];
  /** As the operator wrote it, for the start-up line ("none" when unset). */
  readonly description: string;
}

export const NO_TRUSTED_PROXIES: TrustedProxies = { blocks: [], description: "none" };

/** At most this many X-Forwarded-For entries are read (a chain of proxies is a handful long). */
export const MAX_FORWARDED_HOPS = 16;

/** Longest X-Forwarded-For entry read ("[v6 address]:port" is under 60 characters). */
const MAX_ENTRY_LENGTH = 64;

/** An address as bytes, an IPv4-mapped IPv6 address (a dual-stack socket's view of IPv4) as IPv4. */
export function canonicalAddress(text: string): Uint8Array | undefined {
  if (text.length > MAX_ENTRY_LENGTH) return undefined;
  const bytes = parseIP(text);
  if (bytes?.length === 16 && bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12);
  return bytes;
}

export function isTrustedProxy(address: Uint8Array, trusted: TrustedProxies): boolean {
  return trusted.blocks.some((block) => inPrefix(address, block.bytes, block.bits));
}

const LOOPBACK_BLOCKS = ["127.0.0.0/8", "::1/128"];

function parseBlock(entry: string): AddressBlock {
  const slash = entry.indexOf("/");
  const addressText = slash === -1 ? entry : entry.slice(0, slash);
  const bytes = canonicalAddress(addressText);
  if (!bytes) throw new Error(`"${entry}" is not loopback, an IP address or a CIDR block like 10.0.0.0/8`);
  const max = bytes.length * 8;
  if (slash !== -1 && (parseIP(addressText)?.length ?? 0) !== bytes.length) {
    throw new Error(`"${entry}" is an IPv4-mapped block; write it as an IPv4 block like 10.0.0.0/8`);
  }
  const lengthText = slash === -1 ? String(max) : entry.slice(slash + 1);
  if (!/^\d{1,3}$/u.test(lengthText) || Number(lengthText) > max) throw new Error(`"${entry}": the prefix length must be a whole number from 1 to ${String(max)}`);
  const bits = Number(lengthText);
  if (bits === 0) throw new Error(`"${entry}" would trust every address, so any client could choose its own address with X-Forwarded-For`);
  const network = bytes.map((byte, i) => (i * 8 >= bits ? 0 : i * 8 + 8 <= bits ? byte : byte & ((0xff << (8 - (bits - i * 8))) & 0xff)));
  if (network.some((byte, i) => byte !== bytes[i])) throw new Error(`"${entry}" has address bits set past its prefix; did you mean ${formatIP(network)}/${String(bits)}?`);
  return { bytes: network, bits };
}

/**
 * Parses TRUST_PROXY: `loopback` (127.0.0.0/8 and ::1) and/or IP addresses and CIDR blocks,
 * separated by commas. Throws an Error whose message names the entry that is wrong and why.
 */
export function parseTrustedProxies(text: string): TrustedProxies {
  const entries = text
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  if (entries.length === 0) throw new Error("expected loopback and/or IP addresses or CIDR blocks, separated by commas");
  const blocks = entries.flatMap((entry) => (entry.toLowerCase() === "loopback" ? LOOPBACK_BLOCKS.map(parseBlock) : [parseBlock(entry)]));
  return { blocks, description: entries.join(", ") };
}

/** One X-Forwarded-For entry: an address, or an address with a port (1.2.3.4:5678, [2001:db8::1]:443). */
function forwardedAddress(entry: string): Uint8Array | undefined {
  const bare = canonicalAddress(entry);
  if (bare) return bare;
  const withPort = /^(\[[0-9a-f:.]+\]|\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/iu.exec(entry);
  return withPort?.[1] === undefined ? undefined : canonicalAddress(withPort[1]);
}

/** The entries of an X-Forwarded-For value from the right, at most `max`, without splitting the rest. */
function* fromTheRight(header: string, max: number): Generator<string> {
  let end = header.length;
  for (let read = 0; read < max && end >= 0; read++) {
    const comma = end === 0 ? -1 : header.lastIndexOf(",", end - 1);
    yield header.slice(comma + 1, end).trim();
    end = comma;
  }
}

/**
 * The client's address (canonical text: IPv4 dotted, IPv6 as RFC 5952) for a connection from
 * `peer` carrying `forwardedFor` (the X-Forwarded-For header, if any). Never throws: an entry a
 * trusted proxy could not have written (not an address) ends the walk at the last address that
 * could be trusted, so garbage can never become a client of its own. "unknown" when the
 * connection has no peer address any more.
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | readonly string[] | undefined, trusted: TrustedProxies): string {
  let client = peer === undefined ? undefined : canonicalAddress(peer);
  if (!client) return "unknown";
  if (forwardedFor === undefined || !isTrustedProxy(client, trusted)) return formatIP(client);
  const header = typeof forwardedFor === "string" ? forwardedFor : forwardedFor.join(",");
  for (const entry of fromTheRight(header, MAX_FORWARDED_HOPS)) {
    const address = forwardedAddress(entry);
    if (!address) break;
    client = address;
    if (!isTrustedProxy(address, trusted)) break;
  }
  return formatIP(client);
}
