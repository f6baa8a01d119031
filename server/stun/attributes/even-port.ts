import { AttributeType } from "../constants.ts";
import { expectLength, type AttributeCodec } from "./attribute.ts";

/**
 * EVEN-PORT, RFC 8656 §18.6: "This attribute allows the client to request that the port in the
 * relayed transport address be even and (optionally) that the server reserve the next-higher port
 * number. The value portion of this attribute is 1 byte long." (R = reserve the next port.)
 */
export const EvenPort: AttributeCodec<{ readonly reserve: boolean }> = {
  type: AttributeType.EVEN_PORT,
  name: "EVEN-PORT",
  encode: ({ reserve }) => Uint8Array.of(reserve ? 0x80 : 0),
  decode(value) {
    expectLength(value, 1);
    return { reserve: ((value[0] ?? 0) & 0x80) !== 0 };
  },
};
