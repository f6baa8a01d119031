import { AttributeType } from "../constants.ts";
import { textCodec } from "./attribute.ts";

/**
 * SOFTWARE, RFC 8489 §14.14: "The SOFTWARE attribute contains a textual description of the
 * software being used by the agent sending the message. ... fewer than 128 characters (which can be
 * as long as 509 bytes when encoding them and as long as 763 bytes when decoding them)".
 */
export const Software = textCodec(AttributeType.SOFTWARE, "SOFTWARE", 763);
