import { AttributeType } from "../constants.ts";
import type { AttributeCodec } from "./attribute.ts";

/**
 * DATA, RFC 8656 §18.4: "The DATA attribute is present in all Send indications. If the ICMP
 * attribute is not present in a Data indication, it contains a DATA attribute. The value portion
 * of this attribute is variable length and consists of the application data".
 */
export const Data: AttributeCodec<Uint8Array> = {
  type: AttributeType.DATA,
  name: "DATA",
  encode: (value) => value,
  decode: (value) => value,
};
