import { AttributeType } from "../constants.ts";
import { expectLength, type AttributeCodec } from "./attribute.ts";

/** IANA protocol number of UDP, the only transport this server relays (RFC 8656 §18.7). */
export const PROTOCOL_UDP = 17;

/**
 * REQUESTED-TRANSPORT, RFC 8656 §18.7: "This attribute is used by the client to request a specific
 * transport protocol for the allocated transport address. ... The Protocol field specifies the
 * desired protocol. The codepoints used in this field are taken from those allowed in the Protocol
 * field in the IPv4 header and the NextHeader field in the IPv6 header".
 */
export const RequestedTransport: AttributeCodec<number> = {
  type: AttributeType.REQUESTED_TRANSPORT,
  name: "REQUESTED-TRANSPORT",
  encode: (protocol) => Uint8Array.of(protocol & 0xff, 0, 0, 0),
  decode(value) {
    expectLength(value, 4);
    return value[0] ?? 0;
  },
};
