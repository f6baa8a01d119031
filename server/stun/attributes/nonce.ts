import { AttributeType } from "../constants.ts";
import { textCodec } from "./attribute.ts";

/**
 * NONCE, RFC 8489 §14.10: "The NONCE attribute may be present in requests and responses. It
 * contains a sequence of qdtext or quoted-pair ... MUST be fewer than 128 characters (which can be as
 * long as 509 bytes when encoding them and a long as 763 bytes when decoding them)".
 */
export const Nonce = textCodec(AttributeType.NONCE, "NONCE", 763);
