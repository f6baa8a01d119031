import { AttributeType } from "../constants.ts";
import { addressCodec } from "./address.ts";

/**
 * XOR-MAPPED-ADDRESS, RFC 8489 §14.2: "The XOR-MAPPED-ADDRESS attribute is identical to the
 * MAPPED-ADDRESS attribute, except that the reflexive transport address is obfuscated through the
 * XOR function." This is the server-reflexive address a Binding response reports.
 */
export const XorMappedAddress = addressCodec(AttributeType.XOR_MAPPED_ADDRESS, "XOR-MAPPED-ADDRESS", true);
