import { AttributeType } from "../constants.ts";
import { textCodec } from "./attribute.ts";

/**
 * REALM, RFC 8489 §14.9: "It MUST be a UTF-8-encoded ... sequence of fewer than 128 characters
 * (which can be as long as 509 bytes when encoding them and as long as 763 bytes when decoding them)".
 */
export const Realm = textCodec(AttributeType.REALM, "REALM", 763);
