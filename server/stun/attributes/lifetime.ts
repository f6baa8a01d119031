import { AttributeType } from "../constants.ts";
import { AttributeValueError } from "../errors.ts";
import { expectLength, type AttributeCodec } from "./attribute.ts";

/**
 * LIFETIME, RFC 8656 §18.2: "The LIFETIME attribute represents the duration for which the server
 * will maintain an allocation in the absence of a refresh. The TURN client can include the
 * LIFETIME attribute with the desired lifetime in Allocate and Refresh requests. The value portion
 * of this attribute is 4 bytes long and consists of a 32-bit unsigned integral value representing
 * the number of seconds remaining until expiration."
 */
export const Lifetime: AttributeCodec<number> = {
  type: AttributeType.LIFETIME,
  name: "LIFETIME",
  encode(value) {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new AttributeValueError(`not a 32-bit number of seconds: ${String(value)}`);
    const out = new Uint8Array(4);
    new DataView(out.buffer).setUint32(0, value);
    return out;
  },
  decode(value) {
    expectLength(value, 4);
    return new DataView(value.buffer, value.byteOffset, 4).getUint32(0);
  },
};
