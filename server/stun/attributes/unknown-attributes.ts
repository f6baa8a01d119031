import { AttributeType } from "../constants.ts";
import { AttributeValueError } from "../errors.ts";
import type { AttributeCodec } from "./attribute.ts";

/**
 * UNKNOWN-ATTRIBUTES, RFC 8489 §14.13: "The UNKNOWN-ATTRIBUTES attribute is present only in an error
 * response when the response code in the ERROR-CODE attribute is 420 (Unknown Attribute). The
 * attribute contains a list of 16-bit values, each of which represents an attribute type that was
 * not understood by the server."
 */
export const UnknownAttributes: AttributeCodec<readonly number[]> = {
  type: AttributeType.UNKNOWN_ATTRIBUTES,
  name: "UNKNOWN-ATTRIBUTES",
  encode(types) {
    const out = new Uint8Array(types.length * 2);
    types.forEach((t, i) => {
      out[i * 2] = (t >> 8) & 0xff;
      out[i * 2 + 1] = t & 0xff;
    });
    return out;
  },
  decode(value) {
    if (value.length % 2 !== 0) throw new AttributeValueError(`length ${String(value.length)} is not a multiple of 2`);
    const out: number[] = [];
    for (let i = 0; i < value.length; i += 2) out.push(((value[i] ?? 0) << 8) | (value[i + 1] ?? 0));
    return out;
  },
};
