import { AttributeType } from "../constants.ts";
import { expectLength, type AttributeCodec } from "./attribute.ts";

/**
 * DONT-FRAGMENT, RFC 8656 §18.8: "This attribute is used by the client to request that the server
 * set the DF (Don't Fragment) bit in the IP header when relaying the application data onward to the
 * peer ... This attribute has no value part, and thus, the attribute length field is 0."
 * This server cannot set DF from Node, so it answers 420 as §7.2 allows.
 */
export const DontFragment: AttributeCodec<true> = {
  type: AttributeType.DONT_FRAGMENT,
  name: "DONT-FRAGMENT",
  encode: () => new Uint8Array(0),
  decode(value) {
    expectLength(value, 0);
    return true;
  },
};
