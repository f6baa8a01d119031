// Every attribute this codebase understands, by type code. A request carrying a
// comprehension-required type that is not here gets a 420 (RFC 8489 §6.3.1.1).
import { toHex } from "../../../src/shared/stun/ip-bytes.ts";
import type { RawAttribute } from "../message.ts";
import { decodeAttribute, type AttributeCodec } from "./attribute.ts";
import { ChannelNumber } from "./channel-number.ts";
import { Data } from "./data.ts";
import { DontFragment } from "./dont-fragment.ts";
import { ErrorCodeAttribute } from "./error-code.ts";
import { EvenPort } from "./even-port.ts";
import { Fingerprint } from "./fingerprint.ts";
import { Lifetime } from "./lifetime.ts";
import { MappedAddress } from "./mapped-address.ts";
import { MessageIntegrity } from "./message-integrity.ts";
import { Nonce } from "./nonce.ts";
import { Realm } from "./realm.ts";
import { RequestedAddressFamily } from "./requested-address-family.ts";
import { RequestedTransport } from "./requested-transport.ts";
import { ReservationToken } from "./reservation-token.ts";
import { Software } from "./software.ts";
import { UnknownAttributes } from "./unknown-attributes.ts";
import { Username } from "./username.ts";
import { XorMappedAddress } from "./xor-mapped-address.ts";
import { XorPeerAddress } from "./xor-peer-address.ts";
import { XorRelayedAddress } from "./xor-relayed-address.ts";

export const KNOWN_ATTRIBUTES: ReadonlyMap<number, AttributeCodec<unknown>> = new Map(
  (
    [
      MappedAddress,
      XorMappedAddress,
      Username,
      MessageIntegrity,
      Fingerprint,
      ErrorCodeAttribute,
      Realm,
      Nonce,
      Software,
      UnknownAttributes,
      ChannelNumber,
      Lifetime,
      XorPeerAddress,
      Data,
      XorRelayedAddress,
      RequestedTransport,
      DontFragment,
      EvenPort,
      ReservationToken,
      RequestedAddressFamily,
    ] as AttributeCodec<unknown>[]
  ).map((codec) => [codec.type, codec]),
);

/** A JSON-friendly rendering of an attribute value, for logs and the packet inspector. */
export type DescribedValue = string | number | boolean | readonly number[] | { readonly [key: string]: string | number | boolean };

export function describeAttribute(raw: RawAttribute, transactionId: Uint8Array): { name: string; value: DescribedValue; error?: string } {
  const codec = KNOWN_ATTRIBUTES.get(raw.type);
  if (!codec) return { name: `0x${raw.type.toString(16).padStart(4, "0")}`, value: toHex(raw.value) };
  try {
    const value = decodeAttribute(codec, raw, { transactionId });
    if (value instanceof Uint8Array) return { name: codec.name, value: toHex(value) };
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return { name: codec.name, value };
    if (Array.isArray(value)) return { name: codec.name, value: value.map(Number) };
    return { name: codec.name, value: value as { readonly [key: string]: string | number | boolean } };
  } catch (error) {
    return { name: codec.name, value: toHex(raw.value), error: error instanceof Error ? error.message : String(error) };
  }
}
