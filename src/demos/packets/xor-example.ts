/**
 * The XOR of an address attribute worked out step by step (RFC 8489 §14.2), from the bytes that
 * were on the wire: x-port XOR 0x2112 = port, x-address XOR 0x2112A442 = address (IPv6: XOR with
 * the cookie followed by the transaction ID). The arithmetic is src/shared/stun/xor.ts, the same
 * code the server's codec uses; this module only lays it out for reading.
 */
import { formatIP } from "../../shared/stun/ip-bytes.ts";
import type { StunMessageRecord } from "../../shared/stun/transaction-record.ts";
import { MAGIC_COOKIE, explainXorAddress, xorPort, type XorStep } from "../../shared/stun/xor.ts";
import { PacketLayoutError, recordBytes } from "./byte-fields.ts";

export const XOR_MAPPED_ADDRESS = 0x0020;
export const XOR_RELAYED_ADDRESS = 0x0016;
export const XOR_PEER_ADDRESS = 0x0012;

export interface XorWorkedExample {
  readonly attributeName: string;
  readonly family: "IPv4" | "IPv6";
  /** The port as sent (XOR-ed), the key (top 16 bits of the cookie) and the result. */
  readonly xPort: number;
  readonly portKey: number;
  readonly port: number;
  /** One step per address byte: sent byte XOR key byte = address byte. */
  readonly addressSteps: readonly XorStep[];
  readonly xAddressHex: string;
  readonly keyHex: string;
  readonly resultHex: string;
  readonly address: string;
  /** Byte ranges in the message, to highlight in the hex dump. */
  readonly xPortRange: { start: number; end: number };
  readonly xAddressRange: { start: number; end: number };
  /** Whether our arithmetic matches the address the server decoded into the record. */
  readonly matchesRecord: boolean;
}

const hexBytes = (values: readonly number[]): string => values.map((v) => v.toString(16).padStart(2, "0")).join("");

/** Worked example for the first attribute of `type` in the message, or undefined if it has none. */
export function xorWorkedExample(record: StunMessageRecord, type: number = XOR_MAPPED_ADDRESS): XorWorkedExample | undefined {
  const attribute = record.attributes.find((a) => a.type === type);
  if (!attribute) return undefined;
  const bytes = recordBytes(record);
  const valueStart = attribute.offset + 4;
  const value = bytes.subarray(valueStart, valueStart + attribute.length);
  const family = value[1];
  const addressLength = family === 0x01 ? 4 : family === 0x02 ? 16 : undefined;
  if (addressLength === undefined || value.length !== 4 + addressLength) {
    throw new PacketLayoutError(`${attribute.name} at byte ${String(attribute.offset)} is not an IPv4 or IPv6 address (family 0x${(family ?? 0).toString(16).padStart(2, "0")}, ${String(value.length)} bytes)`);
  }
  const xPort = ((value[2] ?? 0) << 8) | (value[3] ?? 0);
  const xAddress = value.subarray(4);
  const transactionId = bytes.subarray(8, 20);
  const addressSteps = explainXorAddress(xAddress, transactionId);
  const resultBytes = Uint8Array.from(addressSteps, (s) => s.result);
  const address = formatIP(resultBytes);
  const port = xorPort(xPort);
  const decoded = attribute.value;
  const matchesRecord = typeof decoded === "object" && !Array.isArray(decoded) && decoded["address"] === address && decoded["port"] === port;
  return {
    attributeName: attribute.name,
    family: addressLength === 4 ? "IPv4" : "IPv6",
    xPort,
    portKey: MAGIC_COOKIE >>> 16,
    port,
    addressSteps,
    xAddressHex: hexBytes(addressSteps.map((s) => s.value)),
    keyHex: hexBytes(addressSteps.map((s) => s.key)),
    resultHex: hexBytes(addressSteps.map((s) => s.result)),
    address,
    xPortRange: { start: valueStart + 2, end: valueStart + 4 },
    xAddressRange: { start: valueStart + 4, end: valueStart + 4 + addressLength },
    matchesRecord,
  };
}
