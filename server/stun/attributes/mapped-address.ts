import { AttributeType } from "../constants.ts";
import { addressCodec } from "./address.ts";

/**
 * MAPPED-ADDRESS, RFC 8489 §14.1: "The MAPPED-ADDRESS attribute indicates a reflexive transport
 * address of the client. It consists of an 8-bit address family and a 16-bit port, followed by a
 * fixed-length value representing the IP address." Kept for RFC 3489 clients only.
 */
export const MappedAddress = addressCodec(AttributeType.MAPPED_ADDRESS, "MAPPED-ADDRESS", false);
