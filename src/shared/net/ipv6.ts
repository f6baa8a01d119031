/**
 * IPv6 addresses as 128-bit bigints: text parsing per RFC 4291 §2.2 (eight groups, one "::",
 * an IPv4 tail), canonical text per RFC 5952 §4, and CIDR prefixes.
 */
import { formatIPv4, parseIPv4 } from "./ipv4.ts";

export class Ipv6ParseError extends Error {
  override name = "Ipv6ParseError";
  readonly input: string;
  readonly position: number;
  constructor(input: string, position: number, problem: string) {
    super(`Not an IPv6 address: ${JSON.stringify(input.slice(0, 64))} (${problem} at character ${position})`);
    this.input = input;
    this.position = position;
  }
}

export interface Ipv6WithZone {
  value: bigint;
  /** The zone (scope) after "%", e.g. "eth0" in "fe80::1%eth0" (RFC 4007 §11), if any. */
  zone?: string;
}

const GROUP = /^[0-9a-fA-F]{1,4}$/u;

function parseGroups(text: string, offset: number, whole: string): number[] {
  if (text === "") return [];
  const groups: number[] = [];
  let position = offset;
  const pieces = text.split(":");
  for (let i = 0; i < pieces.length; i += 1) {
    const piece = pieces[i] ?? "";
    if (i === pieces.length - 1 && piece.includes(".")) {
      let v4: number;
      try {
        v4 = parseIPv4(piece);
      } catch {
        throw new Ipv6ParseError(whole, position, `${JSON.stringify(piece)} is not a valid embedded IPv4 address`);
      }
      groups.push(Math.floor(v4 / 65536), v4 % 65536);
    } else {
      if (!GROUP.test(piece)) throw new Ipv6ParseError(whole, position, piece === "" ? "empty group" : `${JSON.stringify(piece)} is not 1-4 hex digits`);
      groups.push(Number.parseInt(piece, 16));
    }
    position += piece.length + 1;
  }
  return groups;
}

/** Parses IPv6 text, with an optional "%zone". Brackets ("[::1]") are not part of an address and are refused. */
export function parseIPv6WithZone(text: string): Ipv6WithZone {
  const percent = text.indexOf("%");
  const zone = percent === -1 ? undefined : text.slice(percent + 1);
  const body = percent === -1 ? text : text.slice(0, percent);
  if (zone !== undefined && !/^[0-9A-Za-z._~-]+$/u.test(zone)) throw new Ipv6ParseError(text, percent + 1, "empty or invalid zone");
  if (!body.includes(":")) throw new Ipv6ParseError(text, 0, "no ':'");
  const double = body.indexOf("::");
  let groups: number[];
  if (double === -1) {
    groups = parseGroups(body, 0, text);
    if (groups.length !== 8) throw new Ipv6ParseError(text, 0, `expected 8 groups, found ${groups.length}`);
  } else {
    if (body.indexOf("::", double + 1) !== -1) throw new Ipv6ParseError(text, body.indexOf("::", double + 1), "second '::'");
    const head = parseGroups(body.slice(0, double), 0, text);
    const tail = parseGroups(body.slice(double + 2), double + 2, text);
    if (head.length + tail.length > 7) throw new Ipv6ParseError(text, double, "'::' must stand for at least one zero group");
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  let value = 0n;
  for (const group of groups) value = (value << 16n) | BigInt(group);
  return zone === undefined ? { value } : { value, zone };
}

export function parseIPv6(text: string): bigint {
  return parseIPv6WithZone(text).value;
}

export function isIPv6(text: string): boolean {
  try {
    parseIPv6WithZone(text);
    return true;
  } catch {
    return false;
  }
}

const MAX = (1n << 128n) - 1n;
const V4_MAPPED_PREFIX = 0xffffn << 32n;

/** IPv4-mapped IPv6 (::ffff:0:0/96, RFC 4291 §2.5.5.2): the IPv4 address inside, else undefined. */
export function ipv4FromMapped(value: bigint): number | undefined {
  return value >> 32n === 0xffffn ? Number(value & 0xffffffffn) : undefined;
}

/** Canonical text (RFC 5952 §4): lowercase, no leading zeros, the longest run of 2+ zero groups as "::". */
export function formatIPv6(value: bigint): string {
  if (value < 0n || value > MAX) throw new RangeError("An IPv6 address is a 128-bit unsigned integer");
  if ((value >> 32n) === 0xffffn) return `::ffff:${formatIPv4(Number(value - V4_MAPPED_PREFIX))}`;
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn));
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j += 1;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLength < 2) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

export interface Ipv6Cidr {
  network: bigint;
  prefixLength: number;
}

export function parseIPv6Cidr(text: string): Ipv6Cidr {
  const slash = text.indexOf("/");
  if (slash === -1) throw new Ipv6ParseError(text, text.length, "missing /prefix-length");
  const network = parseIPv6(text.slice(0, slash));
  const lengthText = text.slice(slash + 1);
  if (!/^(0|[1-9][0-9]{0,2})$/u.test(lengthText) || Number(lengthText) > 128) throw new Ipv6ParseError(text, slash + 1, "prefix length must be 0..128");
  const prefixLength = Number(lengthText);
  const hostBits = BigInt(128 - prefixLength);
  if ((network & ((1n << hostBits) - 1n)) !== 0n) throw new Ipv6ParseError(text, 0, "host bits are set below the prefix");
  return { network, prefixLength };
}

export function ipv6CidrContains(cidr: Ipv6Cidr, address: bigint): boolean {
  const hostBits = BigInt(128 - cidr.prefixLength);
  return address >> hostBits === cidr.network >> hostBits;
}

export function formatIPv6Cidr(cidr: Ipv6Cidr): string {
  return `${formatIPv6(cidr.network)}/${cidr.prefixLength}`;
}
