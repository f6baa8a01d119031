/**
 * IPv4 addresses as 32-bit unsigned numbers (RFC 791 §3.1: "Addresses are fixed length of four
 * octets (32 bits)"), dotted-quad text, and CIDR prefixes (RFC 4632 §3.1).
 */

/** How many IPv4 addresses exist: 2^32 = 4,294,967,296 (the IPv4 lesson quotes this number). */
export const IPV4_ADDRESS_COUNT = 2 ** 32;

export class Ipv4ParseError extends Error {
  override name = "Ipv4ParseError";
  readonly input: string;
  /** Character offset in `input` where the problem starts. */
  readonly position: number;
  constructor(input: string, position: number, problem: string) {
    super(`Not an IPv4 address: ${JSON.stringify(input.slice(0, 64))} (${problem} at character ${position})`);
    this.input = input;
    this.position = position;
  }
}

const DECIMAL = /^(0|[1-9][0-9]{0,2})$/u;

/**
 * Parses dotted-quad text ("192.168.1.23") into a number 0..2^32-1. Only the four-part decimal
 * form is accepted: leading zeros are refused because some systems read them as octal
 * ("010.0.0.1" is 8.0.0.1 to inet_aton), which would make the page and the network disagree.
 */
export function parseIPv4(text: string): number {
  const parts = text.split(".");
  if (parts.length !== 4) throw new Ipv4ParseError(text, 0, `expected 4 dot-separated parts, found ${parts.length}`);
  let value = 0;
  let position = 0;
  for (const part of parts) {
    if (!DECIMAL.test(part)) {
      const problem = part === "" ? "empty part" : /^0[0-9]/u.test(part) ? "leading zero (ambiguous: octal?)" : `${JSON.stringify(part)} is not a decimal number`;
      throw new Ipv4ParseError(text, position, problem);
    }
    const octet = Number(part);
    if (octet > 255) throw new Ipv4ParseError(text, position, `${octet} is larger than 255`);
    value = value * 256 + octet;
    position += part.length + 1;
  }
  return value;
}

export function isIPv4(text: string): boolean {
  try {
    parseIPv4(text);
    return true;
  } catch {
    return false;
  }
}

export function formatIPv4(value: number): string {
  if (!Number.isInteger(value) || value < 0 || value >= IPV4_ADDRESS_COUNT) {
    throw new RangeError(`An IPv4 address is an integer from 0 to 2^32-1, got ${String(value)}`);
  }
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

export interface Ipv4Cidr {
  /** The first address of the block (host bits zero). */
  network: number;
  prefixLength: number;
}

/** "10.0.0.0/8" → { network, prefixLength }. Host bits must be zero ("10.0.0.1/8" is refused). */
export function parseIPv4Cidr(text: string): Ipv4Cidr {
  const slash = text.indexOf("/");
  if (slash === -1) throw new Ipv4ParseError(text, text.length, "missing /prefix-length");
  const network = parseIPv4(text.slice(0, slash));
  const lengthText = text.slice(slash + 1);
  if (!/^(0|[1-9][0-9]?)$/u.test(lengthText) || Number(lengthText) > 32) {
    throw new Ipv4ParseError(text, slash + 1, "prefix length must be 0..32");
  }
  const prefixLength = Number(lengthText);
  if (network % 2 ** (32 - prefixLength) !== 0) throw new Ipv4ParseError(text, 0, "host bits are set below the prefix");
  return { network, prefixLength };
}

/** Whether `address` (number) lies inside `cidr`. */
export function ipv4CidrContains(cidr: Ipv4Cidr, address: number): boolean {
  const size = 2 ** (32 - cidr.prefixLength);
  return address >= cidr.network && address < cidr.network + size;
}

/** Number of addresses in a block (a /24 holds 256). */
export function ipv4CidrSize(cidr: Ipv4Cidr): number {
  return 2 ** (32 - cidr.prefixLength);
}

export function formatIPv4Cidr(cidr: Ipv4Cidr): string {
  return `${formatIPv4(cidr.network)}/${cidr.prefixLength}`;
}
