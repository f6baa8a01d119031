// The address layout shared by MAPPED-ADDRESS and the XOR-ed address attributes (RFC 8489 §14.1):
// one zero byte, the family (0x01 IPv4, 0x02 IPv6), the port, then 4 or 16 address bytes.
import { formatIP, parseIP } from "../../../src/shared/stun/ip-bytes.ts";
import { xorAddressBytes, xorPort } from "../../../src/shared/stun/xor.ts";
import { AttributeValueError } from "../errors.ts";
import type { AttributeCodec } from "./attribute.ts";

/** A transport address: an IP address (text, as Node prints it) and a UDP port. */
export interface TransportAddress {
  readonly address: string;
  readonly port: number;
}

export const ADDRESS_FAMILY = { ipv4: 0x01, ipv6: 0x02 } as const;

function encodeAddress(value: TransportAddress, transactionId: Uint8Array | undefined): Uint8Array {
  const ip = parseIP(value.address);
  if (!ip) throw new AttributeValueError(`not an IP address: ${value.address}`);
  if (!Number.isInteger(value.port) || value.port < 0 || value.port > 0xffff) throw new AttributeValueError(`not a port: ${String(value.port)}`);
  const out = new Uint8Array(4 + ip.length);
  out[1] = ip.length === 4 ? ADDRESS_FAMILY.ipv4 : ADDRESS_FAMILY.ipv6;
  const port = transactionId ? xorPort(value.port) : value.port;
  out[2] = port >> 8;
  out[3] = port & 0xff;
  out.set(transactionId ? xorAddressBytes(ip, transactionId) : ip, 4);
  return out;
}

function decodeAddress(value: Uint8Array, transactionId: Uint8Array | undefined): TransportAddress {
  if (value.length < 4) throw new AttributeValueError(`an address attribute is at least 4 bytes, got ${String(value.length)}`);
  const family = value[1];
  const expected = family === ADDRESS_FAMILY.ipv4 ? 8 : family === ADDRESS_FAMILY.ipv6 ? 20 : -1;
  if (expected < 0) throw new AttributeValueError(`unknown address family 0x${(family ?? 0).toString(16).padStart(2, "0")}`);
  if (value.length !== expected) throw new AttributeValueError(`family ${family === 1 ? "IPv4" : "IPv6"} needs ${String(expected)} bytes, got ${String(value.length)}`);
  const rawPort = ((value[2] ?? 0) << 8) | (value[3] ?? 0);
  const ip = value.subarray(4);
  return {
    address: formatIP(transactionId ? xorAddressBytes(ip, transactionId) : ip),
    port: transactionId ? xorPort(rawPort) : rawPort,
  };
}

/** Codec for an address attribute; `xor` selects the XOR-ed form of RFC 8489 §14.2. */
export function addressCodec(type: number, name: string, xor: boolean): AttributeCodec<TransportAddress> {
  return {
    type,
    name,
    encode: (value, context) => encodeAddress(value, xor ? context.transactionId : undefined),
    decode: (value, context) => decodeAddress(value, xor ? context.transactionId : undefined),
  };
}
