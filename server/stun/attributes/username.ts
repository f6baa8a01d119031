import { AttributeType } from "../constants.ts";
import { textCodec } from "./attribute.ts";

/**
 * USERNAME, RFC 8489 §14.3: "The value of USERNAME is a variable-length value containing the
 * authentication username. It MUST contain a UTF-8-encoded ... sequence of fewer than 509 bytes".
 */
export const Username = textCodec(AttributeType.USERNAME, "USERNAME", 508);
