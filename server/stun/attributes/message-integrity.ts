import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { AttributeType, HEADER_LENGTH } from "../constants.ts";
import type { StunMessage } from "../message.ts";
import { expectLength, type AttributeCodec } from "./attribute.ts";

/** HMAC-SHA1 output length: RFC 8489 §14.5 "the HMAC will be 20 bytes". */
export const MESSAGE_INTEGRITY_LENGTH = 20;

/**
 * MESSAGE-INTEGRITY, RFC 8489 §14.5: "The MESSAGE-INTEGRITY attribute contains an HMAC-SHA1 of the
 * STUN message. ... The text used as input to HMAC is the STUN message, up to and including the
 * attribute preceding the MESSAGE-INTEGRITY attribute. The Length field of the STUN message header
 * is adjusted to point to the end of the MESSAGE-INTEGRITY attribute."
 */
export const MessageIntegrity: AttributeCodec<Uint8Array> = {
  type: AttributeType.MESSAGE_INTEGRITY,
  name: "MESSAGE-INTEGRITY",
  encode: (value) => {
    expectLength(value, MESSAGE_INTEGRITY_LENGTH);
    return value;
  },
  decode: (value) => {
    expectLength(value, MESSAGE_INTEGRITY_LENGTH);
    return value;
  },
};

/**
 * RFC 8489 §9.2.2: "key = MD5(username ":" OpaqueString(realm) ":" OpaqueString(password))".
 * OpaqueString (RFC 8265) leaves the ASCII we issue unchanged; SASLprep of non-ASCII is not done.
 */
export function longTermKey(username: string, realm: string, password: string): Uint8Array {
  return createHash("md5").update(`${username}:${realm}:${password}`, "utf8").digest();
}

/**
 * The HMAC of `message[0, attributeOffset)` with the header length patched to end just after a
 * MESSAGE-INTEGRITY attribute placed at `attributeOffset`.
 */
export function computeMessageIntegrity(message: Uint8Array, attributeOffset: number, key: Uint8Array): Uint8Array {
  const header = Uint8Array.from(message.subarray(0, 4));
  const patchedLength = attributeOffset - HEADER_LENGTH + 4 + MESSAGE_INTEGRITY_LENGTH;
  header[2] = patchedLength >> 8;
  header[3] = patchedLength & 0xff;
  return createHmac("sha1", key).update(header).update(message.subarray(4, attributeOffset)).digest();
}

/** True when the message carries a MESSAGE-INTEGRITY that matches `key` (compared in constant time). */
export function verifyMessageIntegrity(message: StunMessage, key: Uint8Array): boolean {
  const attribute = message.attributes.find((a) => a.type === AttributeType.MESSAGE_INTEGRITY);
  if (!attribute || attribute.length !== MESSAGE_INTEGRITY_LENGTH) return false;
  const expected = computeMessageIntegrity(message.raw, attribute.offset, key);
  return timingSafeEqual(expected, attribute.value);
}
