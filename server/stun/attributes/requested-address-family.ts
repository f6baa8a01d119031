import { AttributeType } from "../constants.ts";
import { AttributeValueError } from "../errors.ts";
import { ADDRESS_FAMILY } from "./address.ts";
import { expectLength, type AttributeCodec } from "./attribute.ts";

/**
 * REQUESTED-ADDRESS-FAMILY, RFC 8656 §18.10: "This attribute is used in Allocate and Refresh
 * requests to specify the address type requested by the client. The value of this attribute is 4
 * bytes with the following format: Family ... 0x01:IPv4, 0x02:IPv6".
 */
export const RequestedAddressFamily: AttributeCodec<"IPv4" | "IPv6"> = {
  type: AttributeType.REQUESTED_ADDRESS_FAMILY,
  name: "REQUESTED-ADDRESS-FAMILY",
  encode: (family) => Uint8Array.of(family === "IPv4" ? ADDRESS_FAMILY.ipv4 : ADDRESS_FAMILY.ipv6, 0, 0, 0),
  decode(value) {
    expectLength(value, 4);
    if (value[0] === ADDRESS_FAMILY.ipv4) return "IPv4";
    if (value[0] === ADDRESS_FAMILY.ipv6) return "IPv6";
    throw new AttributeValueError(`unknown family 0x${(value[0] ?? 0).toString(16)}`);
  },
};
