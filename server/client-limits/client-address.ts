/**
 * Who the client is, for per-address limits. Usually the peer of the TCP connection. Behind a
 * reverse proxy (the README's nginx sample) every request comes from the proxy, so the proxy says
 * whom it is forwarding for, appending the address it saw to whatever the request already carried,
 * in X-Forwarded-For or in RFC 7239's Forwarded (forwarded.ts):
 *
 *     X-Forwarded-For: <anything the client wrote>, <client as proxy 1 saw it>, <proxy 1 as proxy 2 saw it>
 *     Forwarded: <anything the client wrote>, for=<client as proxy 1 saw it>, for=<proxy 1 as proxy 2 saw it>
 *
 * Only the entries added by proxies we trust are facts; everything to their left was written by
 * the client and may be invented. So the header is read only when the peer is a trusted proxy
 * (TRUST_PROXY), from the right, skipping trusted proxies, and the first address that is not one
 * is the client (the "right-most untrusted" rule, as in nginx's realip module with
 * real_ip_recursive on). From any other peer the header is ignored: a client cannot pick its own
 * address.
 *
 * Only one of the two headers is read, the one the operator's proxies write (TRUST_PROXY_HEADER,
 * X-Forwarded-For unless set), never whichever is present: a proxy passes the header it does not
 * write through untouched, so that one holds only what the client wrote, and reading it when
 * present would let any client behind the README's nginx sample (which writes X-Forwarded-For)
 * choose its address by sending a Forwarded header.
 */
import { formatIP, inPrefix, parseIP } from "../../src/shared/stun/ip-bytes.ts";
import { forwardedForFromTheRight, type ForwardedNode } from "./forwarded.ts";

/** One block of addresses: the first `bits` bits of `bytes` (4 bytes IPv4, 16 bytes IPv6). */
export interface AddressBlock {
  readonly bytes: Uint8Array;
  readonly bits: number;
}

/** The headers a trusted proxy may name the client in (TRUST_PROXY_HEADER), as Node spells them in `req.headers`. */
export const FORWARDING_HEADERS = ["x-forwarded-for", "forwarded"] as const;
export type ForwardingHeader = (typeof FORWARDING_HEADERS)[number];

/** How a header is spelled in messages for the operator. */
export const HEADER_NAMES: Readonly<Record<ForwardingHeader, string>> = { "x-forwarded-for": "X-Forwarded-For", forwarded: "Forwarded" };

/** The proxies whose forwarding header is believed (TRUST_PROXY), and which header that is. Empty: nobody's. */
export interface TrustedProxies {
  readonly blocks: readonly AddressBlock[];
  /** As the operator wrote it, for the start-up line ("none" when unset). */
  readonly description: string;
  readonly header: ForwardingHeader;
}

export const NO_TRUSTED_PROXIES: TrustedProxies = { blocks: [], description: "none", header: "x-forwarded-for" };

/** At most this many entries of the forwarding header are read (a chain of proxies is a handful long). */
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
 * separated by commas; `header` is the one they write. Throws an Error whose message names the
 * entry that is wrong and why.
 */
export function parseTrustedProxies(text: string, header: ForwardingHeader = "x-forwarded-for"): TrustedProxies {
  const entries = text
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  if (entries.length === 0) throw new Error("expected loopback and/or IP addresses or CIDR blocks, separated by commas");
  const blocks = entries.flatMap((entry) => (entry.toLowerCase() === "loopback" ? LOOPBACK_BLOCKS.map(parseBlock) : [parseBlock(entry)]));
  return { blocks, description: entries.join(", "), header };
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

/** The X-Forwarded-For entries from the right, as addresses (undefined: not one a proxy could have written). */
function* xForwardedForFromTheRight(header: string, max: number): Generator<Uint8Array | undefined> {
  for (const entry of fromTheRight(header, max)) yield forwardedAddress(entry);
}

const usable = (node: ForwardedNode): Uint8Array | undefined => (node.kind === "address" ? canonicalAddress(node.address) : undefined);

/** The Forwarded `for=` nodes from the right, as addresses (undefined: unknown, obfuscated, missing or malformed). */
function* forwardedFromTheRight(header: string | readonly string[], max: number): Generator<Uint8Array | undefined> {
  for (const node of forwardedForFromTheRight(header, max)) yield usable(node);
}

/**
 * The client's address (canonical text: IPv4 dotted, IPv6 as RFC 5952) for a connection from
 * `peer` carrying `forwarded`: the value of the header `trusted.header` names (X-Forwarded-For
 * unless TRUST_PROXY_HEADER says Forwarded), if any. Never throws: an entry that names no address
 * ends the walk at the last address that could be trusted, so garbage can never become a client of
 * its own. That covers a Forwarded `for=unknown` or obfuscated `for=_hidden` too: the proxy that
 * wrote it is as far as anyone can vouch, so it counts as the client. "unknown" when the
 * connection has no peer address any more.
 */
export function clientAddress(peer: string | undefined, forwarded: string | readonly string[] | undefined, trusted: TrustedProxies): string {
  let client = peer === undefined ? undefined : canonicalAddress(peer);
  if (!client) return "unknown";
  if (forwarded === undefined || !isTrustedProxy(client, trusted)) return formatIP(client);
  const hops =
    trusted.header === "forwarded"
      ? forwardedFromTheRight(forwarded, MAX_FORWARDED_HOPS)
      : xForwardedForFromTheRight(typeof forwarded === "string" ? forwarded : forwarded.join(","), MAX_FORWARDED_HOPS);
  for (const address of hops) {
    if (!address) break;
    client = address;
    if (!isTrustedProxy(address, trusted)) break;
  }
  return formatIP(client);
}
